package interop_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/frames"
)

// The permessage-deflate interop tests put a wire tap between the client
// and the server: a loopback proxy that copies bytes both ways and decodes
// the websocket frames of upgraded connections, so that the test sees RSV1
// (compressed or not) of every message, which no client API shows.

// tapFrame is one websocket message seen on the wire.
type tapFrame struct {
	fromClient bool
	op         frames.OpCode
	compressed bool
	payload    string // inflated
}

type wireTap struct {
	ln       net.Listener
	upstream string
	mu       sync.Mutex
	frames   []tapFrame
	ext      []string // the Sec-WebSocket-Extensions answers seen
}

func startTap(t *testing.T, upstream string) *wireTap {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tap := &wireTap{ln: ln, upstream: upstream}
	t.Cleanup(func() { ln.Close() })
	go tap.serve()
	return tap
}

func (w *wireTap) addr() string { return w.ln.Addr().String() }

func (w *wireTap) serve() {
	for {
		c, err := w.ln.Accept()
		if err != nil {
			return
		}
		u, err := net.Dial("tcp", w.upstream)
		if err != nil {
			c.Close()
			continue
		}
		go w.copy(c, u, true)
		go w.copy(u, c, false)
	}
}

// copy copies src to dst, decoding frames once the HTTP head of a websocket
// upgrade (request or 101 answer) has passed.
func (w *wireTap) copy(src, dst net.Conn, fromClient bool) {
	defer dst.Close()
	defer src.Close()
	var buf []byte
	head := true
	upgraded := false
	var inf frames.Inflater
	chunk := make([]byte, 64<<10)
	for {
		n, err := src.Read(chunk)
		if n > 0 {
			if _, werr := dst.Write(chunk[:n]); werr != nil {
				return
			}
			buf = append(buf, chunk[:n]...)
			for {
				if head {
					end := bytes.Index(buf, []byte("\r\n\r\n"))
					if end < 0 {
						break
					}
					h := strings.ToLower(string(buf[:end]))
					upgraded = strings.Contains(h, "upgrade: websocket") || strings.HasPrefix(h, "http/1.1 101")
					if !fromClient && strings.HasPrefix(h, "http/1.1 101") {
						w.mu.Lock()
						for _, l := range strings.Split(string(buf[:end]), "\r\n") {
							if name, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(name, "Sec-WebSocket-Extensions") {
								w.ext = append(w.ext, strings.TrimSpace(v))
							}
						}
						w.mu.Unlock()
					}
					buf = buf[end+4:]
					head = false
					if !upgraded {
						buf = nil // a plain HTTP exchange: not followed
					}
					continue
				}
				if !upgraded {
					buf = nil
					break
				}
				f, used, ok := w.decode(buf, &inf, fromClient)
				if !ok {
					break
				}
				buf = buf[used:]
				if f.op == frames.OpText || f.op == frames.OpBinary {
					w.mu.Lock()
					w.frames = append(w.frames, f)
					w.mu.Unlock()
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// decode decodes one whole frame at the start of b (unfragmented messages
// only: neither side fragments these).
func (w *wireTap) decode(b []byte, inf *frames.Inflater, fromClient bool) (tapFrame, int, bool) {
	if len(b) < 2 {
		return tapFrame{}, 0, false
	}
	size := 2
	n := uint64(b[1] & 0x7f)
	switch n {
	case 126:
		if len(b) < 4 {
			return tapFrame{}, 0, false
		}
		n, size = uint64(binary.BigEndian.Uint16(b[2:])), 4
	case 127:
		if len(b) < 10 {
			return tapFrame{}, 0, false
		}
		n, size = binary.BigEndian.Uint64(b[2:]), 10
	}
	var mask []byte
	if b[1]&0x80 != 0 {
		if len(b) < size+4 {
			return tapFrame{}, 0, false
		}
		mask = b[size : size+4]
		size += 4
	}
	if uint64(len(b)-size) < n {
		return tapFrame{}, 0, false
	}
	p := bytes.Clone(b[size : size+int(n)])
	for i := range p {
		if mask != nil {
			p[i] ^= mask[i%4]
		}
	}
	m := frames.Message{Op: frames.OpCode(b[0] & 0x0f), Payload: p, Compressed: b[0]&0x40 != 0}
	out, err := inf.Inflate(m, 0)
	text := string(out.Payload)
	if err != nil {
		text = "inflate error: " + err.Error()
	}
	return tapFrame{fromClient: fromClient, op: m.Op, compressed: m.Compressed, payload: text}, size + int(n), true
}

func (w *wireTap) seen() ([]tapFrame, []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]tapFrame(nil), w.frames...), append([]string(nil), w.ext...)
}

// find returns the frames, in order, from the given side whose inflated
// payload starts with prefix.
func find(fs []tapFrame, fromClient bool, prefix string) []tapFrame {
	var out []tapFrame
	for _, f := range fs {
		if f.fromClient == fromClient && strings.HasPrefix(f.payload, prefix) {
			out = append(out, f)
		}
	}
	return out
}

var deflateBig = strings.Repeat("tornadio ", 300)

// startDeflateServer starts the server the deflate clients talk to, behind
// a wire tap, with extra options (an HTTP handler for the browser's page).
func startDeflateServer(t *testing.T, deflate bool, extra ...tornadio.Option) *wireTap {
	t.Helper()
	var opts []tornadio.Option
	if deflate {
		opts = append(opts, tornadio.WithPerMessageDeflate(tornadio.PerMessageDeflate{}))
	}
	opts = append(opts, extra...)
	srv, _ := startServer(t, func(srv *tornadio.Server) {
		ns := srv.Of("/")
		ns.OnConnection(func(s *tornadio.Socket) {
			s.On("go", func() {
				_ = s.Emit("big", deflateBig)                 // compressed
				_ = s.Compress(false).Emit("big", deflateBig) // not: asked
				_ = s.Emit("small", "x")                      // not: below the threshold
				ns.Emit("all", deflateBig)                    // compressed, once for all
				ns.Compress(false).Emit("all", deflateBig)    // not: asked
			})
			s.On("go-bin", func() { _ = s.Emit("bin", []byte(deflateBig)) })
			s.On("echo", func(v string, ack tornadio.Ack) {
				if ack != nil {
					ack(len(v))
				}
			})
		})
	}, opts...)
	return startTap(t, srv.Addr())
}

// checkServerFrames checks RSV1 of what the server sent, as seen on the wire.
func checkServerFrames(t *testing.T, fs []tapFrame) {
	t.Helper()
	quoted, _ := json.Marshal(deflateBig)
	for _, c := range []struct {
		prefix string
		want   []bool // compressed, for each message in order
	}{
		{`42["big",` + string(quoted) + `]`, []bool{true, false}},
		{`42["small","x"]`, []bool{false}},
		{`42["all",` + string(quoted) + `]`, []bool{true, false}},
		{deflateBig, []bool{true}}, // the binary attachment
	} {
		got := find(fs, false, c.prefix)
		if len(got) != len(c.want) {
			t.Errorf("%.40q: %d messages from the server, want %d", c.prefix, len(got), len(c.want))
			continue
		}
		for i, f := range got {
			if f.compressed != c.want[i] {
				t.Errorf("%.40q #%d: RSV1 %v, want %v", c.prefix, i, f.compressed, c.want[i])
			}
		}
	}
}

// socket.io-client 4.x in Node, whose ws offers permessage-deflate: the
// server's compressed and uncompressed emits on one connection arrive
// intact, and the client's messages above its threshold go compressed.
func TestDeflateNodeClient(t *testing.T) {
	tap := startDeflateServer(t, true)
	r := runScript(t, 30*time.Second, "deflate.js", "run", "http://"+tap.addr(), `{"threshold":1024}`)
	r.requireOK(t)
	fs, ext := tap.seen()
	if len(ext) != 1 || ext[0] != "permessage-deflate; server_no_context_takeover; client_no_context_takeover" {
		t.Fatalf("Sec-WebSocket-Extensions answers %q", ext)
	}
	checkServerFrames(t, fs)
	quoted, _ := json.Marshal(deflateBig)
	if got := find(fs, true, `42`); len(got) < 2 {
		t.Fatalf("client messages %v", got)
	}
	if got := find(fs, true, `420["echo",`+string(quoted)); len(got) != 1 || !got[0].compressed {
		t.Errorf("client's big echo: %+v, want one compressed", got)
	}
	if got := find(fs, true, `421["echo","hi"]`); len(got) != 1 || got[0].compressed {
		t.Errorf("client's small echo: %+v, want one uncompressed (below its threshold)", got)
	}
	if got := find(fs, false, `430[`); len(got) != 1 || got[0].payload != `430[`+itoa(len(deflateBig))+`]` {
		t.Errorf("ack of the big echo: %+v", got)
	}
}

// The same exchange without the option: the offer is declined and nothing
// is compressed either way.
func TestDeflateNodeClientServerOff(t *testing.T) {
	tap := startDeflateServer(t, false)
	r := runScript(t, 30*time.Second, "deflate.js", "run", "http://"+tap.addr(), `{"threshold":0}`)
	r.requireOK(t)
	fs, ext := tap.seen()
	if len(ext) != 0 {
		t.Fatalf("Sec-WebSocket-Extensions answered: %q", ext)
	}
	if len(fs) < 10 {
		t.Fatalf("%d frames seen", len(fs))
	}
	for _, f := range fs {
		if f.compressed {
			t.Fatalf("compressed frame without the extension: %+v", f)
		}
	}
}

// Headless Chromium, which always offers permessage-deflate (and
// compresses what it sends): the same exchange from the browser build of
// socket.io-client 4.x.
func TestDeflateBrowser(t *testing.T) {
	requireChromium(t)
	tap := startDeflateServer(t, true, tornadio.WithHTTPHandler(browserMux(t, "deflate.html")),
		tornadio.WithPingInterval(2*time.Second), tornadio.WithPingTimeout(5*time.Second))
	r := runBrowserPage(t, "http://"+tap.addr()+"/page", nil)
	r.requireOK(t)
	fs, ext := tap.seen()
	if len(ext) != 1 || !strings.HasPrefix(ext[0], "permessage-deflate; server_no_context_takeover; client_no_context_takeover") {
		t.Fatalf("Sec-WebSocket-Extensions answers %q", ext)
	}
	checkServerFrames(t, fs)
	quoted, _ := json.Marshal(deflateBig)
	if got := find(fs, true, `420["echo",`+string(quoted)); len(got) != 1 || !got[0].compressed {
		t.Errorf("browser's big echo: %+v, want one compressed", got)
	}
	if got := find(fs, true, `421["echo","hi"]`); len(got) != 1 {
		t.Errorf("browser's small echo: %+v", got)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
