package soak

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

// ioTimeout bounds every read and write: generous, for a loaded machine.
const ioTimeout = 15 * time.Second

// httpConn is one raw keep-alive HTTP/1.1 connection; after an answer
// with "Connection: close" the next request goes on a new one, as a
// browser's would.
//
// One goroutine at a time makes requests; close and reset may come from
// another.
type httpConn struct {
	addr   string
	mu     sync.Mutex // c, against close and reset while it is replaced
	c      net.Conn
	br     *bufio.Reader
	closed bool // the server said "Connection: close"
}

func dialHTTP(addr string) (*httpConn, error) {
	h := &httpConn{addr: addr}
	if err := h.dial(); err != nil {
		return nil, err
	}
	return h, nil
}

func (h *httpConn) dial() error {
	c, err := net.DialTimeout("tcp", h.addr, ioTimeout)
	if err != nil {
		return fmt.Errorf("dial %s: %w", h.addr, err)
	}
	h.mu.Lock()
	h.c, h.br, h.closed = c, bufio.NewReaderSize(c, 16<<10), false
	h.mu.Unlock()
	return nil
}

func (h *httpConn) conn() net.Conn {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.c
}

// send writes one request: Host, hdr, and Content-Length for a POST.
func (h *httpConn) send(method, target string, hdr []string, body string) error {
	if h.closed {
		h.c.Close()
		if err := h.dial(); err != nil {
			return err
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n", method, target)
	for _, l := range hdr {
		b.WriteString(l)
		b.WriteString("\r\n")
	}
	if method == "POST" {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	b.WriteString(body)
	_ = h.c.SetWriteDeadline(time.Now().Add(ioTimeout))
	if _, err := io.WriteString(h.c, b.String()); err != nil {
		return fmt.Errorf("%s %s: %w", method, target, err)
	}
	return nil
}

// roundTrip sends a request and reads its whole answer.
func (h *httpConn) roundTrip(method, target string, hdr []string, body string) (*http.Response, string, error) {
	if err := h.send(method, target, hdr, body); err != nil {
		return nil, "", err
	}
	_ = h.c.SetReadDeadline(time.Now().Add(ioTimeout))
	resp, err := http.ReadResponse(h.br, nil)
	if err != nil {
		return nil, "", fmt.Errorf("%s %s: answer: %w", method, target, err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	h.closed = resp.Close
	if err != nil {
		return nil, "", fmt.Errorf("%s %s: body: %w", method, target, err)
	}
	if resp.StatusCode != http.StatusOK {
		return resp, string(b), fmt.Errorf("%s %s: status %d %q", method, target, resp.StatusCode, b)
	}
	return resp, string(b), nil
}

// close ends the connection with a FIN. The ending methods accept a nil
// connection (a session that failed to open).
func (h *httpConn) close() {
	if h != nil {
		h.conn().Close()
	}
}

// reset ends the connection with a RST.
func (h *httpConn) reset() {
	if h != nil {
		resetConn(h.conn())
	}
}

// resetMidRequest writes half a POST, then resets: the server holds a
// request it will never see the end of.
func (h *httpConn) resetMidRequest(target string) {
	if h == nil {
		return
	}
	c := h.conn()
	_ = c.SetWriteDeadline(time.Now().Add(time.Second))
	_, _ = io.WriteString(c, "POST "+target+" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\ndata=")
	resetConn(c)
}

func resetConn(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	c.Close()
}

// wsConn is an RFC 6455 client connection.
type wsConn struct {
	c  net.Conn
	rw io.ReadWriter // reads from the dialer's buffer first; writes locked
	mu sync.Mutex    // one frame at a time
}

type lockedWriter struct{ w *wsConn }

func (l lockedWriter) Write(p []byte) (int, error) {
	l.w.mu.Lock()
	defer l.w.mu.Unlock()
	_ = l.w.c.SetWriteDeadline(time.Now().Add(ioTimeout))
	return l.w.c.Write(p)
}

// dialWS opens a websocket on url (ws://…) with hdr added to the request.
// A positive rcvbuf sets the socket's receive buffer (SO_RCVBUF, which
// also stops the kernel from growing it).
func dialWS(ctx context.Context, url string, hdr http.Header, rcvbuf int) (*wsConn, error) {
	d := ws.Dialer{Timeout: ioTimeout}
	if rcvbuf > 0 {
		d.NetDial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			nd := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
				var serr error
				err := rc.Control(func(fd uintptr) {
					serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, rcvbuf)
				})
				return errors.Join(err, serr)
			}}
			return nd.DialContext(ctx, network, addr)
		}
	}
	if hdr != nil {
		d.Header = ws.HandshakeHeaderHTTP(hdr)
	}
	c, br, _, err := d.Dial(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("websocket %s: %w", url, err)
	}
	w := &wsConn{c: c}
	var r io.Reader = c
	if br != nil {
		r = br
	}
	w.rw = struct {
		io.Reader
		io.Writer
	}{r, lockedWriter{w}}
	return w, nil
}

var errWSClosed = errors.New("websocket closed by the server")

// readText returns the next text message, answering pings.
func (w *wsConn) readText() (string, error) {
	_ = w.c.SetReadDeadline(time.Now().Add(ioTimeout))
	b, op, err := wsutil.ReadServerData(w.rw)
	if err != nil {
		var closed wsutil.ClosedError
		if errors.As(err, &closed) {
			return "", errWSClosed
		}
		return "", fmt.Errorf("websocket read: %w", err)
	}
	if op != ws.OpText {
		return "", fmt.Errorf("websocket: opcode %v, want text", op)
	}
	return string(b), nil
}

// writeText sends one masked text frame in one write.
func (w *wsConn) writeText(s string) error {
	return w.writeFrame(ws.NewTextFrame([]byte(s)))
}

func (w *wsConn) writeFrame(f ws.Frame) error {
	f = ws.MaskFrameInPlace(f)
	b, err := ws.CompileFrame(f)
	if err != nil {
		return err
	}
	if _, err := (lockedWriter{w}).Write(b); err != nil {
		return fmt.Errorf("websocket write: %w", err)
	}
	return nil
}

// leave sends a close frame and closes.
func (w *wsConn) leave() {
	_ = w.writeFrame(ws.NewCloseFrame(ws.NewCloseFrameBody(ws.StatusNormalClosure, "")))
	w.c.Close()
}

// reset writes the start of a frame that never ends, then resets.
func (w *wsConn) reset() {
	if w == nil {
		return
	}
	w.mu.Lock()
	_ = w.c.SetWriteDeadline(time.Now().Add(time.Second))
	// A masked text frame of 100 bytes: its header, mask and 2 bytes.
	_, _ = w.c.Write([]byte{0x81, 0x80 | 100, 1, 2, 3, 4, 'a', 'b'})
	w.mu.Unlock()
	resetConn(w.c)
}
