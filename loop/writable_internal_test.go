package loop

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tornadio/tornadio/legacy"
	"github.com/tornadio/tornadio/transports"
)

// sessionsApp hands each session opened to a channel.
type sessionsApp struct{ opened chan *transports.Session }

func (a sessionsApp) Open(s *transports.Session) error                      { a.opened <- s; return nil }
func (sessionsApp) Message(*transports.Session, []byte, bool)               {}
func (sessionsApp) Close(*transports.Session, string)                       {}
func (sessionsApp) LegacyOpen(*transports.LegacySession) error              { return nil }
func (sessionsApp) LegacyMessage(*transports.LegacySession, legacy.Message) {}
func (sessionsApp) LegacyClose(*transports.LegacySession, string)           {}

// wsDial opens an Engine.IO websocket session on addr and reads the 101
// and the open packet; rcvbuf, when not 0, is the client's receive buffer,
// set before it connects.
func wsDial(t testing.TB, addr string, rcvbuf int) (net.Conn, *bufio.Reader) {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		if rcvbuf == 0 {
			return nil
		}
		return rc.Control(func(fd uintptr) {
			_ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, rcvbuf)
		})
	}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_, _ = io.WriteString(c, "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\n"+
		"Upgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("upgrade: %v", err)
		}
		if line == "\r\n" {
			break
		}
	}
	if p, err := wsReadPayload(br); err != nil || len(p) == 0 || p[0] != '0' {
		t.Fatalf("open packet %q, %v", p, err)
	}
	return c, br
}

// wsReadPayload reads one unmasked, unfragmented server frame.
func wsReadPayload(br *bufio.Reader) ([]byte, error) {
	var h [2]byte
	if _, err := io.ReadFull(br, h[:]); err != nil {
		return nil, err
	}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return nil, err
		}
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return nil, err
		}
		n = binary.BigEndian.Uint64(b[:])
	}
	p := make([]byte, n)
	_, err := io.ReadFull(br, p)
	return p, err
}

// liveHeap is the heap in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// A broadcast to clients that never read, on the loop of a client that
// reads: what the process holds for each slow client stays under the
// bound plus a small constant (the shared frames are held once for all of
// them, not copied into every connection's buffer at twice their size),
// the slow clients are cut as slow consumers and then hold only what gnet
// drains, and the reader gets every message, in order.
func TestWritableBoundHoldsForNeverReadingClients(t *testing.T) {
	const (
		bound   = 1 << 20
		slow    = 10
		msgSize = 16500     // a frame just over 16 KiB: 32 KiB where buffers round to powers of two
		perSlow = 128 << 10 // gnet's buffer, the outbox's own array, the connection
		fixed   = 4 << 20   // the reader's buffers, the runtime's, the test's
	)
	e := New(Options{Loops: 1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	app := sessionsApp{opened: make(chan *transports.Session, slow+1)}
	srv := transports.NewServer(transports.Config{WebSocket: true, MaxBuffered: bound}, app, e, e.Loops())
	startBound(t, e, srv)
	addr := e.Addr().String()

	// onLoop runs fn on the loop and waits for it.
	onLoop := func(fn func()) {
		done := make(chan struct{})
		e.Post(0, func() { fn(); close(done) })
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("the loop runs nothing")
		}
	}

	rc, rbr := wsDial(t, addr, 0)
	reader := <-app.opened
	var slowSessions []*transports.Session
	for range slow {
		wsDial(t, addr, 4096) // never read again
		slowSessions = append(slowSessions, <-app.opened)
	}

	// The reader counts what it gets, in order.
	got := make(chan error, 1)
	var total atomic.Int64
	go func() {
		for i := 0; ; i++ {
			_ = rc.SetReadDeadline(time.Now().Add(20 * time.Second))
			p, err := wsReadPayload(rbr)
			if err != nil {
				got <- fmt.Errorf("after %d messages: %w", i, err)
				return
			}
			if n, err := strconv.Atoi(string(p[1:9])); err != nil || n != i {
				got <- fmt.Errorf("message %d: %.12q", i, p)
				return
			}
			if int64(i+1) == total.Load() {
				got <- nil
				return
			}
		}
	}()

	base := liveHeap()
	seq := 0
	broadcast := func(n int) {
		onLoop(func() {
			for range n {
				data := make([]byte, msgSize)
				copy(data, fmt.Sprintf("%08d", seq))
				seq++
				m := transports.NewShared(data)
				reader.SendShared(m)
				for _, s := range slowSessions {
					s.SendShared(m)
				}
			}
		})
	}
	// Until every slow client holds most of the bound (none cut yet).
	var least int
	for range 1000 {
		broadcast(4)
		least = bound
		cut := false
		onLoop(func() {
			for _, s := range slowSessions {
				cut = cut || s.Closed()
				least = min(least, s.Buffered())
			}
		})
		if cut {
			t.Fatalf("a slow client was cut at %d messages, before it held 7/8 of the bound", seq)
		}
		if least >= bound*7/8 {
			break
		}
	}
	if least < bound*7/8 {
		t.Fatalf("slow clients hold %d bytes at least after %d messages", least, seq)
	}
	held := liveHeap() - base
	t.Logf("%d slow clients holding %d KiB or more each (%d messages): live heap grew %d KiB", slow, least>>10, seq, held>>10)
	if limit := uint64(slow*(bound+perSlow) + fixed); held > limit {
		t.Fatalf("live heap grew %d KiB for %d clients that read nothing, over %d KiB", held>>10, slow, limit>>10)
	}

	// Then until every slow client is cut; the reader keeps up.
	for range 1000 {
		broadcast(4)
		cut, readerCut := 0, false
		onLoop(func() {
			for _, s := range slowSessions {
				if s.Closed() {
					cut++
				}
			}
			readerCut = reader.Closed()
		})
		if readerCut {
			t.Fatalf("the reader was cut at %d messages", seq)
		}
		if cut == slow {
			break
		}
	}
	// The reader is told how many to expect before the last one.
	total.Store(int64(seq + 1))
	broadcast(1)
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the reader did not get every message")
	}
	// The cut clients' connections drain what gnet holds for them (they
	// never will: DrainTimeout ends them); their outboxes are gone.
	after := liveHeap() - base
	t.Logf("after the cuts (%d messages): live heap grew %d KiB", seq, after>>10)
	if limit := uint64(slow*perSlow + fixed); after > limit {
		t.Fatalf("live heap grew %d KiB once the slow clients were cut, over %d KiB", after>>10, limit>>10)
	}
}

// A client that reads nothing for a while, then everything: what waited in
// its outbox reaches it through the writable pass alone (the server sends
// nothing more and hears nothing from it meanwhile), whole and in order.
func TestWritablePassResumesReader(t *testing.T) {
	const n, size = 600, 16500 // 10 MB: more than loopback's socket buffers take
	e := New(Options{Loops: 1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	app := sessionsApp{opened: make(chan *transports.Session, 1)}
	srv := transports.NewServer(transports.Config{WebSocket: true, MaxBuffered: 16 << 20}, app, e, e.Loops())
	startBound(t, e, srv)
	c, br := wsDial(t, e.Addr().String(), 4096)
	s := <-app.opened
	queued := make(chan int, 1)
	e.Post(0, func() {
		for i := range n {
			data := make([]byte, size)
			copy(data, fmt.Sprintf("%08d", i))
			s.Send(data, false)
		}
		queued <- s.Buffered()
	})
	select {
	case held := <-queued:
		t.Logf("%d KiB held for the client once the frames are written", held>>10)
		if held < 1<<20 {
			t.Fatalf("only %d bytes held: the test needs an outbox", held)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the loop runs nothing")
	}
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
	start := time.Now()
	defer func() { t.Logf("read in %v", time.Since(start)) }()
	for i := range n {
		p, err := wsReadPayload(br)
		if err != nil {
			t.Fatalf("after %d messages: %v", i, err)
		}
		if got, _ := strconv.Atoi(string(p[1:9])); got != i || len(p) != size+1 {
			t.Fatalf("message %d: %.12q, %d bytes", i, p, len(p))
		}
	}
}

// A client that stopped reading with output waiting costs few writable
// passes: they back off while none finds it ready.
func TestWritablePassBacksOff(t *testing.T) {
	e := New(Options{Loops: 1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	app := sessionsApp{opened: make(chan *transports.Session, 1)}
	srv := transports.NewServer(transports.Config{WebSocket: true, MaxBuffered: 16 << 20}, app, e, e.Loops())
	startBound(t, e, srv)
	wsDial(t, e.Addr().String(), 4096) // never read
	s := <-app.opened
	waiting := make(chan bool, 1)
	e.Post(0, func() {
		for range 600 {
			s.Send(make([]byte, 16500), false)
		}
		waiting <- len(e.writers[0]) == 1
	})
	select {
	case ok := <-waiting:
		if !ok {
			t.Fatal("the connection does not wait for gnet's buffer")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the loop runs nothing")
	}
	// Over a second, at most about 1s / (16 × 2ms) passes once backed off;
	// without the backoff, 500.
	before := e.wakeups.Load()
	time.Sleep(time.Second)
	if n := e.wakeups.Load() - before; n > 100 {
		t.Fatalf("%d timer wakeups in a second for one client that reads nothing", n)
	}
}
