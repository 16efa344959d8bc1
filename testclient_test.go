package tornadio_test

// Raw HTTP and WebSocket client helpers for the end-to-end tests in this
// directory (badinput_test.go, sessionrace_test.go, threading_test.go).
// Everything talks to the server over real loopback TCP (127.0.0.1), writes
// requests byte by byte, reads responses with net/http.ReadResponse and
// decodes server frames by hand. Every read has a deadline, so a server that
// never answers fails the test instead of hanging it.
//
// The helpers are prefixed "tc" so that they cannot clash with helpers of
// other test files of the package.

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/frames"
)

// tcIOTimeout bounds every single read or write of the helpers.
const tcIOTimeout = 5 * time.Second

// tcStartServer starts a server on 127.0.0.1 with 4 event loops (unless
// opts say otherwise) and a silent logger, runs setup before Start, and shuts
// it down when the test ends.
func tcStartServer(t testing.TB, setup func(*tornadio.Server), opts ...tornadio.Option) *tornadio.Server {
	t.Helper()
	all := append([]tornadio.Option{
		tornadio.WithEventLoops(4),
		tornadio.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	}, opts...)
	srv := tornadio.NewServer(all...)
	if setup != nil {
		setup(srv)
	}
	tcServe(t, srv)
	// Let every loop serve a connection (gnet starts its loop goroutines
	// after Start returns, and the loops' mailboxes appear with their first
	// connection), so that goroutine counts taken now are stable.
	for range 4 {
		h := tcDial(t, srv.Addr())
		if code, _ := h.roundTrip("GET", "/warm-up", ""); code != 404 {
			t.Fatalf("warm-up request: status %d", code)
		}
		h.close()
	}
	return srv
}

// tcServe starts srv (a Server or an EngineServer) on 127.0.0.1 and shuts
// it down when the test ends.
func tcServe(t testing.TB, srv interface {
	Start(addr string) error
	Shutdown(ctx context.Context) error
}) {
	t.Helper()
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
}

// tcWaitFor polls cond every millisecond until it holds or within passes.
// It is only used for state that has no wire signal (SessionCount, the
// goroutine count); wire events are awaited with deadline reads.
func tcWaitFor(within time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(within)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
}

// tcWaitSessions waits until the server has n live sessions.
func tcWaitSessions(t testing.TB, srv *tornadio.Server, n int) {
	t.Helper()
	if !tcWaitFor(3*time.Second, func() bool { return srv.SessionCount() == n }) {
		t.Fatalf("SessionCount = %d, want %d", srv.SessionCount(), n)
	}
}

// tcGoroutines returns the goroutine count once it has been steady for
// 20ms (at most 1s): the base to compare against at the end of a test.
func tcGoroutines() int {
	n := runtime.NumGoroutine()
	steady := time.Now()
	for start := time.Now(); time.Since(start) < time.Second; {
		time.Sleep(2 * time.Millisecond)
		if m := runtime.NumGoroutine(); m != n {
			n, steady = m, time.Now()
		} else if time.Since(steady) >= 20*time.Millisecond {
			break
		}
	}
	return n
}

// tcCheckGoroutines fails when the goroutine count stays above base+slack.
func tcCheckGoroutines(t testing.TB, base int) {
	t.Helper()
	const slack = 3
	if !tcWaitFor(3*time.Second, func() bool { return runtime.NumGoroutine() <= base+slack }) {
		buf := make([]byte, 1<<16)
		n := runtime.Stack(buf, true)
		t.Fatalf("goroutines: %d, started with %d\n%s", runtime.NumGoroutine(), base, buf[:n])
	}
}

// tcAssertHealthy checks that the server still serves: a fresh polling
// handshake works (its session is closed again by a close packet), a fresh
// websocket Socket.IO connection works, the session count is back to
// sessions and no goroutines were left behind (base from tcGoroutines).
func tcAssertHealthy(t testing.TB, srv *tornadio.Server, sessions, base int) {
	t.Helper()
	addr := srv.Addr()
	h := tcDial(t, addr)
	sid := h.handshake()
	if code, body := h.post(sid, "1"); code != 200 || body != "ok" {
		t.Fatalf("healthy: close POST: %d %q", code, body)
	}
	h.close()
	w := tcDialWS(t, addr, "EIO=4&transport=websocket")
	w.connectSIO()
	w.closeHandshake(t)
	tcWaitSessions(t, srv, sessions)
	tcCheckGoroutines(t, base)
}

// --- HTTP ---

// tcHTTP is one raw HTTP/1.1 keep-alive connection.
type tcHTTP struct {
	t    testing.TB
	conn net.Conn
	br   *bufio.Reader
}

func tcDial(t testing.TB, addr string) *tcHTTP {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, tcIOTimeout)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	h := &tcHTTP{t: t, conn: c, br: bufio.NewReader(c)}
	t.Cleanup(func() { c.Close() })
	return h
}

func (h *tcHTTP) close() { h.conn.Close() }

// writeRaw writes b as is.
func (h *tcHTTP) writeRaw(b []byte) error {
	h.conn.SetWriteDeadline(time.Now().Add(tcIOTimeout))
	_, err := h.conn.Write(b)
	return err
}

// send writes a request; body may be empty.
func (h *tcHTTP) send(method, target, body string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n", method, target)
	if method == "POST" {
		fmt.Fprintf(&b, "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	b.WriteString(body)
	return h.writeRaw([]byte(b.String()))
}

// read reads one response and its whole body within d.
func (h *tcHTTP) readWithin(d time.Duration) (*http.Response, string, error) {
	h.conn.SetReadDeadline(time.Now().Add(d))
	resp, err := http.ReadResponse(h.br, nil)
	if err != nil {
		return nil, "", err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return resp, string(body), err
	}
	return resp, string(body), nil
}

func (h *tcHTTP) read() (*http.Response, string, error) { return h.readWithin(tcIOTimeout) }

// mustRead reads one response or fails the test.
func (h *tcHTTP) mustRead() (*http.Response, string) {
	h.t.Helper()
	resp, body, err := h.read()
	if err != nil {
		h.t.Fatalf("read response: %v", err)
	}
	return resp, body
}

// roundTrip sends a request and reads its response, failing on I/O errors.
func (h *tcHTTP) roundTrip(method, target, body string) (int, string) {
	h.t.Helper()
	if err := h.send(method, target, body); err != nil {
		h.t.Fatalf("write %s %s: %v", method, target, err)
	}
	resp, b := h.mustRead()
	return resp.StatusCode, b
}

// try sends a request and reads its response, returning errors instead of
// failing the test: it may be called from any goroutine.
func (h *tcHTTP) try(method, target, body string) (int, string, error) {
	if err := h.send(method, target, body); err != nil {
		return 0, "", err
	}
	resp, b, err := h.read()
	if err != nil {
		return 0, "", err
	}
	return resp.StatusCode, b, nil
}

// handshake opens a polling session and returns its sid.
func (h *tcHTTP) handshake() string {
	h.t.Helper()
	code, body := h.roundTrip("GET", "/socket.io/?EIO=4&transport=polling", "")
	sid, err := tcParseOpen(body)
	if code != 200 || err != nil {
		h.t.Fatalf("handshake: %d %q: %v", code, body, err)
	}
	return sid
}

// get is a polling GET on sid.
func (h *tcHTTP) get(sid string) (int, string) {
	h.t.Helper()
	return h.roundTrip("GET", "/socket.io/?EIO=4&transport=polling&sid="+sid, "")
}

// post is a polling POST on sid.
func (h *tcHTTP) post(sid, body string) (int, string) {
	h.t.Helper()
	return h.roundTrip("POST", "/socket.io/?EIO=4&transport=polling&sid="+sid, body)
}

// expectClosed reads until the peer closes the connection, which must happen
// within d. Bytes read on the way are returned.
func (h *tcHTTP) expectClosed(d time.Duration) ([]byte, error) {
	return tcExpectEOF(h.conn, h.br, d)
}

// expectSilent checks that nothing arrives and the connection stays open
// for d.
func (h *tcHTTP) expectSilent(d time.Duration) error {
	h.conn.SetReadDeadline(time.Now().Add(d))
	var b [1]byte
	n, err := h.br.Read(b[:])
	if n > 0 {
		rest, _ := h.br.Peek(h.br.Buffered())
		return fmt.Errorf("unexpected bytes %q", append(b[:n], rest...))
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return nil
	}
	return fmt.Errorf("connection ended: %v", err)
}

// tcExpectEOF reads from br until EOF (or a reset) within d.
func tcExpectEOF(c net.Conn, br *bufio.Reader, d time.Duration) ([]byte, error) {
	c.SetReadDeadline(time.Now().Add(d))
	var got []byte
	buf := make([]byte, 4096)
	for {
		n, err := br.Read(buf)
		got = append(got, buf[:n]...)
		if err == nil {
			continue
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return got, fmt.Errorf("connection still open after %v (read %q)", d, got)
		}
		return got, nil // EOF or reset: closed
	}
}

// tcEIOError is the JSON body of an Engine.IO error answer.
type tcEIOError struct {
	Code    *int   `json:"code"`
	Message string `json:"message"`
}

// tcCheckEIOError checks a 400 answer with the given code (and message,
// when not empty).
func tcCheckEIOError(t testing.TB, status int, body string, wantCode int, wantMsg string) {
	t.Helper()
	var e tcEIOError
	if err := json.Unmarshal([]byte(body), &e); err != nil || e.Code == nil {
		t.Fatalf("error body %q: not {code,message} JSON (status %d)", body, status)
	}
	if status != 400 || *e.Code != wantCode || (wantMsg != "" && e.Message != wantMsg) {
		t.Fatalf("got %d %s, want 400 {code:%d message:%q}", status, body, wantCode, wantMsg)
	}
}

// tcIsEIOError reports whether status/body is a 400 with code.
func tcIsEIOError(status int, body string, code int) bool {
	var e tcEIOError
	return status == 400 && json.Unmarshal([]byte(body), &e) == nil && e.Code != nil && *e.Code == code
}

// tcParseOpen returns the sid of an open packet "0{...}".
func tcParseOpen(body string) (string, error) {
	if !strings.HasPrefix(body, "0{") {
		return "", fmt.Errorf("not an open packet: %q", body)
	}
	var o struct {
		SID string `json:"sid"`
	}
	if err := json.Unmarshal([]byte(body[1:]), &o); err != nil || o.SID == "" {
		return "", fmt.Errorf("bad open packet %q: %v", body, err)
	}
	return o.SID, nil
}

// tcSplitPayload splits a v4 polling payload into its packets.
func tcSplitPayload(body string) []string {
	if body == "" {
		return nil
	}
	return strings.Split(body, "\x1e")
}

// --- WebSocket ---

// tcWS is one raw WebSocket client connection.
type tcWS struct {
	t    testing.TB
	conn net.Conn
	br   *bufio.Reader
	mask atomic.Uint32
	wmu  sync.Mutex // writeFrame may be called from several goroutines
	out  []byte
}

// tcDialWS opens a WebSocket to /socket.io/?query and checks the 101.
func tcDialWS(t testing.TB, addr, query string) *tcWS {
	t.Helper()
	w, resp, err := tcTryDialWS(t, addr, query)
	if err != nil {
		t.Fatalf("websocket dial: %v", err)
	}
	if resp.StatusCode != 101 {
		t.Fatalf("websocket dial: status %d", resp.StatusCode)
	}
	return w
}

// tcTryDialWS sends the opening handshake and returns the response.
func tcTryDialWS(t testing.TB, addr, query string) (*tcWS, *http.Response, error) {
	c, err := net.DialTimeout("tcp", addr, tcIOTimeout)
	if err != nil {
		return nil, nil, err
	}
	t.Cleanup(func() { c.Close() })
	w := &tcWS{t: t, conn: c, br: bufio.NewReader(c)}
	req := "GET /socket.io/?" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
		"Upgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	c.SetWriteDeadline(time.Now().Add(tcIOTimeout))
	if _, err := c.Write([]byte(req)); err != nil {
		return nil, nil, err
	}
	c.SetReadDeadline(time.Now().Add(tcIOTimeout))
	resp, err := http.ReadResponse(w.br, nil)
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode == 101 {
		if got := resp.Header.Get("Sec-WebSocket-Accept"); got != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
			return nil, resp, fmt.Errorf("Sec-WebSocket-Accept %q", got)
		}
	} else {
		io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	return w, resp, nil
}

func (w *tcWS) close() { w.conn.Close() }

// writeFrame writes one masked frame.
func (w *tcWS) writeFrame(op frames.OpCode, fin bool, payload []byte) error {
	var mask [4]byte
	binary.LittleEndian.PutUint32(mask[:], w.mask.Add(0x9e3779b9))
	w.wmu.Lock()
	defer w.wmu.Unlock()
	w.out = frames.AppendMaskedFrame(w.out[:0], op, fin, mask, payload)
	return w.writeRaw(w.out)
}

func (w *tcWS) writeRaw(b []byte) error {
	w.conn.SetWriteDeadline(time.Now().Add(tcIOTimeout))
	_, err := w.conn.Write(b)
	return err
}

// writeText writes one Engine.IO packet as a text frame, failing on error.
func (w *tcWS) writeText(s string) {
	w.t.Helper()
	if err := w.writeFrame(frames.OpText, true, []byte(s)); err != nil {
		w.t.Fatalf("websocket write %q: %v", s, err)
	}
}

// tcFrame is one server frame.
type tcFrame struct {
	op      frames.OpCode
	fin     bool
	payload []byte
}

// closeCode is the status code of a close frame (1005 when it has none).
func (f tcFrame) closeCode() int {
	if len(f.payload) < 2 {
		return 1005
	}
	return int(binary.BigEndian.Uint16(f.payload))
}

// readFrameWithin reads one server frame, checking that it is unmasked.
func (w *tcWS) readFrameWithin(d time.Duration) (tcFrame, error) {
	w.conn.SetReadDeadline(time.Now().Add(d))
	var hdr [2]byte
	if _, err := io.ReadFull(w.br, hdr[:]); err != nil {
		return tcFrame{}, err
	}
	f := tcFrame{op: frames.OpCode(hdr[0] & 0x0f), fin: hdr[0]&0x80 != 0}
	if hdr[0]&0x70 != 0 {
		return f, fmt.Errorf("server frame with RSV bits: %#x", hdr[0])
	}
	if hdr[1]&0x80 != 0 {
		return f, errors.New("server frame is masked")
	}
	n := uint64(hdr[1] & 0x7f)
	switch n {
	case 126:
		var ext [2]byte
		if _, err := io.ReadFull(w.br, ext[:]); err != nil {
			return f, err
		}
		n = uint64(binary.BigEndian.Uint16(ext[:]))
	case 127:
		var ext [8]byte
		if _, err := io.ReadFull(w.br, ext[:]); err != nil {
			return f, err
		}
		n = binary.BigEndian.Uint64(ext[:])
	}
	if n > 16<<20 {
		return f, fmt.Errorf("server frame of %d bytes", n)
	}
	f.payload = make([]byte, n)
	if _, err := io.ReadFull(w.br, f.payload); err != nil {
		return f, err
	}
	return f, nil
}

func (w *tcWS) readFrame() (tcFrame, error) { return w.readFrameWithin(tcIOTimeout) }

// tcClosed is returned by readPacket when the server sent a close frame.
type tcClosed struct{ code int }

func (e *tcClosed) Error() string { return fmt.Sprintf("close frame %d", e.code) }

// readPacketWithin reads the next Engine.IO packet (a text frame, or "b"+raw
// bytes for a binary frame). It answers server pings ("2") with pongs and
// websocket pings with pongs, and returns a *tcClosed on a close frame.
func (w *tcWS) readPacketWithin(d time.Duration) (string, error) {
	deadline := time.Now().Add(d)
	for {
		f, err := w.readFrameWithin(time.Until(deadline))
		if err != nil {
			return "", err
		}
		switch f.op {
		case frames.OpText:
			if !f.fin {
				return "", errors.New("fragmented server message")
			}
			if string(f.payload) == "2" {
				if err := w.writeFrame(frames.OpText, true, []byte("3")); err != nil {
					return "", err
				}
				continue
			}
			return string(f.payload), nil
		case frames.OpBinary:
			return "b" + string(f.payload), nil
		case frames.OpClose:
			return "", &tcClosed{code: f.closeCode()}
		case frames.OpPing:
			if err := w.writeFrame(frames.OpPong, true, f.payload); err != nil {
				return "", err
			}
		case frames.OpPong:
		default:
			return "", fmt.Errorf("server frame with opcode %d", f.op)
		}
	}
}

func (w *tcWS) readPacket() (string, error) { return w.readPacketWithin(tcIOTimeout) }

// mustReadPacket reads the next packet or fails the test.
func (w *tcWS) mustReadPacket() string {
	w.t.Helper()
	p, err := w.readPacket()
	if err != nil {
		w.t.Fatalf("websocket read: %v", err)
	}
	return p
}

// expectClose reads until a close frame, checks its code (any when code is
// negative), then checks that the server closes the TCP connection. Packets
// read before the close frame are returned.
func (w *tcWS) expectClose(t testing.TB, code int) []string {
	t.Helper()
	var pkts []string
	for {
		p, err := w.readPacket()
		if err == nil {
			pkts = append(pkts, p)
			continue
		}
		var ce *tcClosed
		if !errors.As(err, &ce) {
			t.Fatalf("waiting for close frame %d: %v (packets %q)", code, err, pkts)
		}
		if code >= 0 && ce.code != code {
			t.Fatalf("close frame code %d, want %d (packets %q)", ce.code, code, pkts)
		}
		break
	}
	if rest, err := tcExpectEOF(w.conn, w.br, tcIOTimeout); err != nil {
		t.Fatalf("after the close frame: %v", err)
	} else if len(rest) > 0 {
		t.Fatalf("bytes after the close frame: %q", rest)
	}
	return pkts
}

// closeHandshake sends a close frame (1000) and expects the server's close
// frame and the end of the connection.
func (w *tcWS) closeHandshake(t testing.TB) {
	t.Helper()
	if err := w.writeFrame(frames.OpClose, true, []byte{0x03, 0xe8}); err != nil {
		t.Fatalf("write close frame: %v", err)
	}
	w.expectClose(t, 1000)
}

// expectGone reads until the server ends the connection, with or without a
// close frame, and returns the packets read on the way and the close frame
// code (0 when there was none).
func (w *tcWS) expectGone(t testing.TB) ([]string, int) {
	t.Helper()
	var pkts []string
	for {
		p, err := w.readPacket()
		if err == nil {
			pkts = append(pkts, p)
			continue
		}
		var ce *tcClosed
		if errors.As(err, &ce) {
			if rest, err := tcExpectEOF(w.conn, w.br, tcIOTimeout); err != nil {
				t.Fatalf("after the close frame: %v", err)
			} else if len(rest) > 0 {
				t.Fatalf("bytes after the close frame: %q", rest)
			}
			return pkts, ce.code
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("connection still open (packets %q)", pkts)
		}
		return pkts, 0
	}
}

// connectSIO reads the Engine.IO open packet of a direct websocket session,
// connects the main namespace and returns the Engine.IO sid and the socket
// id.
func (w *tcWS) connectSIO() (sid, socketID string) {
	w.t.Helper()
	return w.connectSIOAuth("")
}

// connectSIOAuth is connectSIO with an auth object in the CONNECT packet.
func (w *tcWS) connectSIOAuth(auth string) (sid, socketID string) {
	w.t.Helper()
	open := w.mustReadPacket()
	sid, err := tcParseOpen(open)
	if err != nil {
		w.t.Fatal(err)
	}
	w.writeText("40" + auth)
	ack := w.mustReadPacket()
	socketID, err = tcParseConnect(ack)
	if err != nil {
		w.t.Fatal(err)
	}
	return sid, socketID
}

// tcParseConnect returns the socket id of an Engine.IO message carrying a
// Socket.IO CONNECT answer for the main namespace: 40{"sid":...}.
func tcParseConnect(p string) (string, error) {
	if !strings.HasPrefix(p, "40{") {
		return "", fmt.Errorf("not a CONNECT answer: %q", p)
	}
	var o struct {
		SID string `json:"sid"`
	}
	if err := json.Unmarshal([]byte(p[2:]), &o); err != nil || o.SID == "" {
		return "", fmt.Errorf("bad CONNECT answer %q: %v", p, err)
	}
	return o.SID, nil
}

// tcParseEvent decodes an Engine.IO message carrying a Socket.IO EVENT of the
// main namespace without ack id: 42["name",args...].
func tcParseEvent(p string) (name string, args []json.RawMessage, err error) {
	if !strings.HasPrefix(p, "42[") {
		return "", nil, fmt.Errorf("not an EVENT: %q", p)
	}
	var arr []json.RawMessage
	if err := json.Unmarshal([]byte(p[2:]), &arr); err != nil || len(arr) == 0 {
		return "", nil, fmt.Errorf("bad EVENT %q: %v", p, err)
	}
	if err := json.Unmarshal(arr[0], &name); err != nil {
		return "", nil, fmt.Errorf("bad EVENT name %q: %v", p, err)
	}
	return name, arr[1:], nil
}

// fetched is FetchSockets' result, which on a single node never fails.
func fetched(list []*tornadio.RemoteSocket, err error) []*tornadio.RemoteSocket {
	if err != nil {
		panic(err)
	}
	return list
}
