// Command deflatemem measures what permessage-deflate costs a tornadio
// server in memory: the server's resident set (VmRSS) with -n idle
// websocket sessions, then with the same sessions active, with the option
// off and on, in one run. Each server runs in a process of its own (this
// command, with -role server) and the clients in this one, so that neither
// process holds more than -n connections.
//
// Every client offers permessage-deflate as browsers do. Active means
// -rounds rounds in which every client sends a message of -size bytes
// (compressed when the extension was agreed), the server answers each with
// an emit of the same size, and broadcasts one message of that size to
// everyone.
//
//	go run ./cmd/deflatemem -n 10000
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/frames"
)

func main() {
	role := flag.String("role", "measure", "measure, or server (internal)")
	deflate := flag.Bool("deflate", false, "server: permessage-deflate on")
	n := flag.Int("n", 10000, "sessions")
	size := flag.Int("size", 4096, "message size in bytes, active phase")
	rounds := flag.Int("rounds", 5, "active rounds")
	loops := flag.Int("loops", 2, "server event loops")
	flag.Parse()
	if *role == "server" {
		serve(*deflate, *loops)
		return
	}
	fmt.Printf("%d sessions, %d event loops, active: %d rounds of one %d-byte message per client, its answer and one broadcast\n", *n, *loops, *rounds, *size)
	fmt.Printf("%-10s %12s %12s %12s %12s %10s %12s\n", "deflate", "empty MiB", "idle MiB", "active MiB", "peak MiB", "agreed", "compressed")
	for _, on := range []bool{false, true} {
		r, err := measure(on, *n, *size, *rounds, *loops)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("%-10v %12.1f %12.1f %12.1f %12.1f %10d %12d\n", on, mib(r.empty), mib(r.idle), mib(r.active), mib(r.peak), r.agreed, compressedIn.Swap(0))
		fmt.Printf("%-10s per session: idle %.2f KiB, active %.2f KiB\n", "", kib(r.idle-r.empty)/float64(*n), kib(r.active-r.empty)/float64(*n))
	}
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
func kib(b int64) float64 { return float64(b) / (1 << 10) }

// serve runs the server: "echo" is answered with an emit of what came,
// "bcast" broadcasts it to everyone.
func serve(deflate bool, loops int) {
	opts := []tornadio.Option{
		tornadio.WithEventLoops(loops),
		tornadio.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		tornadio.WithPingInterval(10 * time.Minute),
		tornadio.WithPingTimeout(time.Minute),
	}
	if deflate {
		opts = append(opts, tornadio.WithPerMessageDeflate(tornadio.PerMessageDeflate{}))
	}
	srv := tornadio.NewServer(opts...)
	root := srv.Of("/")
	root.OnConnection(func(s *tornadio.Socket) {
		s.On("echo", func(args tornadio.Args) { _ = s.Emit("echo", json.RawMessage(args.Raw(0))) })
		s.On("bcast", func(args tornadio.Args) { root.Emit("bcast", json.RawMessage(args.Raw(0))) })
	})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(srv.Addr())
	io.Copy(io.Discard, os.Stdin) // until the parent is done
}

type result struct {
	empty, idle, active, peak int64
	agreed                    int
}

func measure(deflate bool, n, size, rounds, loops int) (result, error) {
	var r result
	cmd := exec.Command(os.Args[0], "-role", "server", "-deflate="+strconv.FormatBool(deflate), "-loops", strconv.Itoa(loops))
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return r, err
	}
	defer func() { stdin.Close(); cmd.Wait() }()
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		return r, fmt.Errorf("server address: %w", err)
	}
	addr = strings.TrimSpace(addr)
	pid := cmd.Process.Pid
	time.Sleep(500 * time.Millisecond)
	r.empty = rss(pid, "VmRSS")

	clients := make([]*client, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 100)
	var failed atomic.Int32
	for i := range clients {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := dial(addr)
			if err != nil {
				if failed.Add(1) == 1 {
					fmt.Fprintln(os.Stderr, "dial:", err)
				}
				return
			}
			clients[i] = c
		}()
	}
	wg.Wait()
	if failed.Load() > 0 {
		return r, fmt.Errorf("%d clients failed", failed.Load())
	}
	for _, c := range clients {
		if c.agreed {
			r.agreed++
		}
	}
	time.Sleep(3 * time.Second)
	r.idle = rss(pid, "VmRSS")

	text := payload(size)
	echo := packet("echo", text)
	bcast := packet("bcast", text)
	for range rounds {
		var got sync.WaitGroup
		for _, c := range clients {
			got.Add(1)
			go func() {
				defer got.Done()
				c.send(echo)
				c.readMessages(1)
			}()
		}
		got.Wait()
		for _, c := range clients {
			got.Add(1)
			go func() { defer got.Done(); c.readMessages(1) }()
		}
		clients[0].send(bcast)
		got.Wait()
	}
	r.active = rss(pid, "VmRSS")
	r.peak = rss(pid, "VmHWM")
	for _, c := range clients {
		c.conn.Close()
	}
	return r, nil
}

// payload is size bytes of JSON-ish text, compressible as real messages are.
func payload(size int) string {
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "{id:%d,name:user-%d,score:%d},", i, i*7919%1000, i*31%97)
	}
	return b.String()[:size]
}

func packet(event, text string) []byte {
	b, _ := json.Marshal([]string{event, text})
	return append([]byte("42"), b...)
}

func rss(pid int, field string) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// compressedIn counts the compressed messages the clients received.
var compressedIn atomic.Int64

type client struct {
	conn   net.Conn
	br     *bufio.Reader
	agreed bool
}

func dial(addr string) (*client, error) {
	conn, err := net.DialTimeout("tcp", addr, 30*time.Second)
	if err != nil {
		return nil, err
	}
	c := &client{conn: conn, br: bufio.NewReaderSize(conn, 512)}
	fmt.Fprint(conn, "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: localhost\r\n"+
		"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"+
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 101 {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	c.agreed = resp.Header.Get("Sec-WebSocket-Extensions") != ""
	c.readMessages(1) // open
	c.send([]byte("40"))
	c.readMessages(1) // connect
	return c, nil
}

// send writes one text message, compressed when the extension was agreed
// (each on its own, as agreed).
func (c *client) send(msg []byte) {
	p := msg
	if c.agreed {
		z, _ := frames.NewDeflater(1)
		z.Begin(nil)
		z.Write(msg)
		p = z.Finish()
	}
	f := frames.AppendMaskedFrame(nil, frames.OpText, true, [4]byte{1, 2, 3, 4}, p)
	if c.agreed {
		f[0] |= 0x40
	}
	c.conn.Write(f)
}

// readMessages reads and discards k data frames.
func (c *client) readMessages(k int) {
	for k > 0 {
		var h [2]byte
		if _, err := io.ReadFull(c.br, h[:]); err != nil {
			return
		}
		n := int64(h[1] & 0x7f)
		switch n {
		case 126:
			var e [2]byte
			io.ReadFull(c.br, e[:])
			n = int64(e[0])<<8 | int64(e[1])
		case 127:
			var e [8]byte
			io.ReadFull(c.br, e[:])
			n = int64(binary.BigEndian.Uint64(e[:]))
		}
		io.CopyN(io.Discard, c.br, n)
		if op := h[0] & 0x0f; op == 1 || op == 2 {
			k--
			if h[0]&0x40 != 0 {
				compressedIn.Add(1)
			}
		}
	}
}
