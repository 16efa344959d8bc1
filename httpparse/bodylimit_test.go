package httpparse

import (
	"strconv"
	"strings"
	"testing"
)

// TestBodyLimitPerRequest: BodyLimit sets each request's body cap from its
// head, for Content-Length (refused from the head alone, before the body)
// and chunked bodies; a result <= 0 falls back to Limits.MaxBodyBytes.
func TestBodyLimitPerRequest(t *testing.T) {
	p := Parser{Limits: Limits{MaxBodyBytes: 10}}
	p.BodyLimit = func(r *Request) int64 {
		switch string(r.Path) {
		case "/big":
			return 100
		case "/default":
			return 0
		}
		return 5
	}
	post := func(path string, n int) string {
		return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + strconv.Itoa(n) + "\r\n\r\n" + strings.Repeat("a", n)
	}
	chunked := func(path string, n int) string {
		return "POST " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
			strconv.FormatInt(int64(n), 16) + "\r\n" + strings.Repeat("a", n) + "\r\n0\r\n\r\n"
	}
	for _, tc := range []struct {
		path string
		max  int
	}{{"/big", 100}, {"/default", 10}, {"/small", 5}} {
		for _, frame := range []func(string, int) string{post, chunked} {
			var r Request
			in := frame(tc.path, tc.max)
			if n, err := p.Parse([]byte(in), &r); err != nil || n != len(in) || len(r.Body) != tc.max {
				t.Fatalf("%s: body of %d bytes: n=%d err=%v body %d", tc.path, tc.max, n, err, len(r.Body))
			}
			_, err := p.Parse([]byte(frame(tc.path, tc.max+1)), &r)
			wantStatus(t, err, 413)
		}
		// A Content-Length above the cap is refused from the head alone.
		head := post(tc.path, tc.max+1)
		var r Request
		_, err := p.Parse([]byte(head[:len(head)-tc.max-1]), &r)
		wantStatus(t, err, 413)
	}
}
