package tornadio_test

// Every byte written before a close is delivered: the server writes a
// multi-megabyte answer and closes right after, on each road where it does
// (a polling answer to a client that asked for Connection: close, a
// websocket message followed by the close frame, a legacy stream's last
// message), to a client that reads slowly through a small receive buffer.
// The answer is far larger than what the socket buffers of loopback hold
// when the server writes it, so most of it still waits in the engine's
// outbound buffer when the machine asks to close.
//
// Helpers are prefixed "dc"; the raw clients come from testclient_test.go
// and legacy_e2e_test.go.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

const (
	// dcSize is the size of the big message: a few MiB, as in the report
	// (a 3.6 MB polling answer arrived as 2.8 MB).
	dcSize = 4 << 20
	// dcTimeout bounds a whole slow transfer; it takes well under a second.
	dcTimeout = 20 * time.Second
)

// dcBig is the big message, a string that JSON and the legacy framing
// leave as it is.
var dcBig = strings.Repeat("0123456789abcdef", dcSize/16)

// dcSlowReader reads at most 8 KiB per call and pauses after each read:
// a client that keeps the server's outbound buffer full for a while.
type dcSlowReader struct{ r io.Reader }

func (s dcSlowReader) Read(p []byte) (int, error) {
	if len(p) > 8<<10 {
		p = p[:8<<10]
	}
	n, err := s.r.Read(p)
	time.Sleep(200 * time.Microsecond)
	return n, err
}

// dcShrink gives c a small receive buffer, so that the server soon finds
// the socket full.
func dcShrink(t testing.TB, c net.Conn) {
	t.Helper()
	if err := c.(*net.TCPConn).SetReadBuffer(16 << 10); err != nil {
		t.Fatalf("SO_RCVBUF: %v", err)
	}
}

// dcServer starts a server whose limits let a dcBig message through and
// hands over the sockets of the main namespace as they connect.
func dcServer(t testing.TB, opts ...tornadio.Option) (*tornadio.Server, <-chan *tornadio.Socket) {
	t.Helper()
	sockets := make(chan *tornadio.Socket, 4)
	all := append([]tornadio.Option{
		tornadio.WithMaxBufferedBytes(4 * dcSize),
		tornadio.WithMaxPayload(4 * dcSize),
	}, opts...)
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		srv.Of("/").OnConnection(func(s *tornadio.Socket) { sockets <- s })
	}, all...)
	return srv, sockets
}

// dcSocket waits for the next connected socket.
func dcSocket(t testing.TB, sockets <-chan *tornadio.Socket) *tornadio.Socket {
	t.Helper()
	select {
	case s := <-sockets:
		return s
	case <-time.After(tcIOTimeout):
		t.Fatal("no socket connected")
		return nil
	}
}

// A polling GET after which the server closes (Connection: close, or
// HTTP/1.0 without keep-alive) gets its whole multi-megabyte answer before
// the end of the connection.
func TestDrainClosePolling(t *testing.T) {
	srv, sockets := dcServer(t)
	for _, tc := range []struct{ name, proto, header string }{
		{"connection-close", "HTTP/1.1", "Connection: close\r\n"},
		{"http10", "HTTP/1.0", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := tcDial(t, srv.Addr())
			sid := h.handshake()
			if code, body := h.post(sid, "40"); code != 200 || body != "ok" {
				t.Fatalf("CONNECT POST: %d %q", code, body)
			}
			if code, body := h.get(sid); code != 200 || !strings.HasPrefix(body, "40{") {
				t.Fatalf("CONNECT answer: %d %q", code, body)
			}
			s := dcSocket(t, sockets)
			if err := s.Emit("big", dcBig); err != nil {
				t.Fatal(err)
			}
			want := `42["big","` + dcBig + `"]`

			c, err := net.DialTimeout("tcp", srv.Addr(), tcIOTimeout)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			dcShrink(t, c)
			req := fmt.Sprintf("GET /socket.io/?EIO=4&transport=polling&sid=%s %s\r\nHost: 127.0.0.1\r\n%s\r\n", sid, tc.proto, tc.header)
			if _, err := c.Write([]byte(req)); err != nil {
				t.Fatal(err)
			}
			c.SetReadDeadline(time.Now().Add(dcTimeout))
			br := bufio.NewReaderSize(dcSlowReader{c}, 4<<10)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("response: %v", err)
			}
			if resp.StatusCode != 200 || resp.ContentLength != int64(len(want)) {
				t.Fatalf("status %d, Content-Length %d, want 200 and %d", resp.StatusCode, resp.ContentLength, len(want))
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatalf("body: %d of %d bytes arrived: %v", len(body), len(want), err)
			}
			if string(body) != want {
				t.Fatalf("body of %d bytes differs from the %d sent", len(body), len(want))
			}
			if rest, err := tcExpectEOF(c, br, tcIOTimeout); err != nil {
				t.Fatal(err)
			} else if len(rest) > 0 {
				t.Fatalf("%d bytes after the answer", len(rest))
			}
		})
	}
}

// A websocket client that reads slowly gets the whole multi-megabyte
// message and then the close frame, when the server emits the message and
// closes the session right away.
func TestDrainCloseWebSocket(t *testing.T) {
	srv, sockets := dcServer(t)
	w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
	defer w.close()
	dcShrink(t, w.conn)
	w.connectSIO()
	s := dcSocket(t, sockets)
	if err := s.Emit("big", dcBig); err != nil {
		t.Fatal(err)
	}
	if err := s.DisconnectAll(); err != nil {
		t.Fatal(err)
	}
	w.br = bufio.NewReaderSize(dcSlowReader{w.br}, 16)

	p, err := w.readPacketWithin(dcTimeout)
	if err != nil {
		t.Fatalf("big message: %v", err)
	}
	if p != `42["big","`+dcBig+`"]` {
		t.Fatalf("message of %d bytes differs from the one sent", len(p))
	}
	// Then the Socket.IO DISCONNECT, the Engine.IO close packet, the close
	// frame and the end of the connection.
	pkts, code := w.expectGone(t)
	if code != 1000 {
		t.Fatalf("packets %q then close code %d, want the close frame 1000", pkts, code)
	}
}

// dcLegacyHandler hands over the legacy road's sockets as they open.
type dcLegacyHandler struct{ sockets chan *tornadio.Socket }

func (h dcLegacyHandler) OnOpen(s *tornadio.Socket, _ *tornadio.Request) error {
	h.sockets <- s
	return nil
}
func (dcLegacyHandler) OnMessage(*tornadio.Socket, tornadio.Message)        {}
func (dcLegacyHandler) OnClose(*tornadio.Socket, tornadio.DisconnectReason) {}

// A legacy stream (xhr-multipart, htmlfile) whose session sends a
// multi-megabyte message and then ends delivers the whole message, and the
// stream's end, to a client that reads slowly.
func TestDrainCloseLegacyStream(t *testing.T) {
	h := dcLegacyHandler{sockets: make(chan *tornadio.Socket, 4)}
	lo := lgFastOptions()
	lo.MaxQueueBytes = 4 * dcSize
	srv := lgStart(t, h, lo, tornadio.WithMaxBufferedBytes(4*dcSize))
	for _, htmlfile := range []bool{false, true} {
		name := "xhr-multipart"
		if htmlfile {
			name = "htmlfile"
		}
		t.Run(name, func(t *testing.T) {
			st, _ := lgOpenStream(t, srv.Addr(), htmlfile, "")
			defer st.gone()
			dcShrink(t, st.conn.c)
			s := dcSocket(t, h.sockets)
			if err := s.Send(dcBig); err != nil {
				t.Fatal(err)
			}
			if err := s.Disconnect(); err != nil {
				t.Fatal(err)
			}
			st.body = dcSlowReader{st.body}

			msgs, err := st.recv(dcTimeout)
			if err != nil {
				// The error quotes what came: megabytes.
				t.Fatalf("big message: %d bytes came before: %.200s", len(st.pending), err)
			}
			if len(msgs) != 1 || msgs[0] != dcBig {
				n := 0
				for _, m := range msgs {
					n += len(m)
				}
				t.Fatalf("%d messages of %d bytes in all, want the one of %d bytes sent", len(msgs), n, len(dcBig))
			}
			// The stream then ends: htmlfile with its last chunk (the body
			// ends cleanly), xhr-multipart with the connection.
			st.conn.c.SetReadDeadline(time.Now().Add(tcIOTimeout))
			rest, err := io.ReadAll(st.body)
			if err != nil {
				t.Fatalf("after the message: %v (read %q)", err, rest)
			}
			if len(rest) > 0 || len(st.pending) > 0 {
				t.Fatalf("bytes after the message: %q", append(st.pending, rest...))
			}
		})
	}
}

// A websocket cut as a slow consumer still gets, whole, every frame
// written before the cut: the connection ends on a frame boundary (no
// close frame: it would only queue behind what the client does not read),
// not in the middle of a frame.
func TestDrainCloseSlowConsumer(t *testing.T) {
	srv, sockets := dcServer(t, tornadio.WithMaxBufferedBytes(1<<20))
	w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
	defer w.close()
	dcShrink(t, w.conn)
	w.connectSIO()
	s := dcSocket(t, sockets)
	reasons := make(chan tornadio.DisconnectReason, 1)
	s.OnDisconnect(func(r tornadio.DisconnectReason) { reasons <- r })

	// The client reads nothing until the server has cut it.
	payload := strings.Repeat("y", 64<<10)
	var reason tornadio.DisconnectReason
	deadline := time.Now().Add(dcTimeout)
	for sent := 0; reason == "" && time.Now().Before(deadline); sent++ {
		if err := s.Emit("flood", payload); err != nil {
			break
		}
		select {
		case reason = <-reasons:
		default:
			if sent%8 == 7 {
				time.Sleep(time.Millisecond) // let the loop write
			}
		}
	}
	if reason == "" {
		select {
		case reason = <-reasons:
		case <-time.After(tcIOTimeout):
		}
	}
	if reason != tornadio.ReasonSlowConsumer {
		t.Fatalf("reason %q, want %q", reason, tornadio.ReasonSlowConsumer)
	}

	w.br = bufio.NewReaderSize(dcSlowReader{w.br}, 16)
	want := `42["flood","` + payload + `"]`
	frames := 0
	for {
		f, err := w.readFrameWithin(dcTimeout)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("after %d whole frames: %v", frames, err)
		}
		if string(f.payload) != want {
			t.Fatalf("frame %d: %d bytes, not the event sent", frames, len(f.payload))
		}
		frames++
	}
	if frames == 0 {
		t.Fatal("no frame came before the cut")
	}
	t.Logf("%d whole frames of %d KiB before the end", frames, len(want)>>10)
}
