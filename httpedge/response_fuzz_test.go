package httpedge

import (
	"net/http/httptest"
	"testing"
)

// FuzzAnswer: whatever bytes come as the machine's answer, cut anywhere,
// the bridge writes them through a ResponseWriter or reports an error,
// never panics, and never writes more body than it was given. Seeds are
// the answers the machine makes: with a length, chunked (RFC 9112 section
// 7.1, extensions included), and delimited by the close.
func FuzzAnswer(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Length: 5\r\nCache-Control: no-store\r\n\r\nhello",
		"HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
		"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1a;ext=1\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace;boundary=\"socketio\"\r\nConnection: close\r\n\r\n--socketio\n",
		"HTTP/1.1 101 Switching Protocols\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n",
	} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, resp string, cut uint8) {
		for _, http1 := range []bool{true, false} {
			rec := httptest.NewRecorder()
			r := httptest.NewRequest("GET", "/", nil)
			if !http1 {
				r.ProtoMajor, r.ProtoMinor = 2, 0
			}
			a := newAnswer(rec, r)
			n := int(cut)
			if n == 0 {
				n = len(resp) + 1
			}
			for i := 0; i < len(resp); i += n {
				if err := a.write([]byte(resp[i:min(i+n, len(resp))])); err != nil {
					break
				}
			}
			if rec.Body.Len() > len(resp) {
				t.Fatalf("%q: wrote %d body bytes from %d", resp, rec.Body.Len(), len(resp))
			}
		}
	})
}
