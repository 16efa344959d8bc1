package tornadio_test

// A request the server refuses before reading it whole is answered, and
// the client that goes on sending the rest gets no reset: the server
// lingers (loop/drain.go) rather than closing with input unread. Found
// behind nginx, which answered 502 ("writev() failed (32: Broken pipe)
// while sending request to upstream") where tornadio said 413.
//
// Helpers are prefixed "lc".

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// lcBody is the size of what the client sends after its refused request:
// far more than the socket buffers of loopback hold, so that most of it
// is written after the server has answered.
const lcBody = 8 << 20

// lcSendAndRead writes head, then lcBody bytes in 64 KiB writes from
// another goroutine, while it reads the answer and the end of the
// connection. It returns the answer and the writes' error, if any.
func lcSendAndRead(t *testing.T, h *tcHTTP, head string) (*http.Response, string, error) {
	t.Helper()
	h.conn.SetWriteDeadline(time.Now().Add(20 * time.Second))
	wrote := make(chan error, 1)
	go func() {
		if _, err := h.conn.Write([]byte(head)); err != nil {
			wrote <- fmt.Errorf("head: %w", err)
			return
		}
		chunk := []byte(strings.Repeat("x", 64<<10))
		for n := 0; n < lcBody; n += len(chunk) {
			if _, err := h.conn.Write(chunk); err != nil {
				wrote <- fmt.Errorf("after %d body bytes: %w", n, err)
				return
			}
		}
		wrote <- nil
	}()
	resp, body, err := h.readWithin(20 * time.Second)
	if err != nil {
		t.Errorf("no answer: %v", err)
	}
	if _, err := h.expectClosed(20 * time.Second); err != nil {
		t.Errorf("after the answer: %v", err)
	}
	werr := <-wrote
	h.close()
	return resp, body, werr
}

func TestLingerRefusedRequest(t *testing.T) {
	const max = 1000
	srv := tcStartServer(t, nil, tornadio.WithMaxPayload(max))
	for _, tc := range []struct {
		name   string
		head   func(t *testing.T) string
		status int
	}{
		{"oversized POST on a session", func(t *testing.T) string {
			sid := tcDial(t, srv.Addr()).handshake()
			return fmt.Sprintf("POST /socket.io/?EIO=4&transport=polling&sid=%s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: %d\r\n\r\n", sid, lcBody)
		}, 413},
		{"oversized POST, no session", func(*testing.T) string {
			return fmt.Sprintf("POST /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n", lcBody)
		}, 413},
		{"malformed request, more bytes after", func(*testing.T) string {
			return "POST /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nBad Header Without Colon\r\n\r\n"
		}, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := tcDial(t, srv.Addr())
			resp, body, werr := lcSendAndRead(t, h, tc.head(t))
			if werr != nil {
				t.Errorf("the client's writes failed: %v", werr)
			}
			if resp != nil && resp.StatusCode != tc.status {
				t.Errorf("status %d %q, want %d", resp.StatusCode, body, tc.status)
			}
		})
	}
	if !tcWaitFor(5*time.Second, func() bool { return srv.SessionCount() == 0 }) {
		t.Fatal("the session outlived its lost POST")
	}
}
