package httpedge

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// feedSplit gives resp to a new answer cut at every n bytes.
func feedSplit(t *testing.T, resp string, n int, http1 bool) (*httptest.ResponseRecorder, *answer, error) {
	t.Helper()
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/", nil)
	if !http1 {
		r.ProtoMajor, r.ProtoMinor = 2, 0
	}
	a := newAnswer(rec, r)
	for i := 0; i < len(resp); i += n {
		if err := a.write([]byte(resp[i:min(i+n, len(resp))])); err != nil {
			return rec, a, err
		}
	}
	return rec, a, nil
}

func TestAnswerFramings(t *testing.T) {
	cases := []struct {
		name, resp string
		status     int
		body       string
		done       bool
		header     http.Header
	}{
		{"length", "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Length: 5\r\nCache-Control: no-store\r\n\r\nhello",
			200, "hello", true, http.Header{"Content-Type": {"text/plain; charset=UTF-8"}, "Content-Length": {"5"}, "Cache-Control": {"no-store"}}},
		{"connection fields dropped", "HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\nConnection: close\r\nKeep-Alive: timeout=5\r\n\r\n{}",
			400, "{}", true, http.Header{"Content-Length": {"2"}, "Content-Type": nil}},
		{"no body", "HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Origin: x\r\nContent-Length: 0\r\n\r\n",
			204, "", true, http.Header{"Access-Control-Allow-Origin": {"x"}, "Content-Length": {"0"}, "Content-Type": nil}},
		{"chunked", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1a;ext=1\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n",
			200, "helloabcdefghijklmnopqrstuvwxyz", true, http.Header{"Content-Type": {"text/html"}}},
		{"chunked, open", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n",
			200, "abc", false, http.Header{"Content-Type": {"text/html"}}},
		{"until close", "HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace;boundary=\"socketio\"\r\nConnection: close\r\n\r\n--socketio\n",
			200, "--socketio\n", false, http.Header{"Content-Type": {"multipart/x-mixed-replace;boundary=\"socketio\""}, "Transfer-Encoding": {"identity"}}},
	}
	for _, tc := range cases {
		for _, n := range []int{1, 2, 3, 7, 1 << 20} {
			rec, a, err := feedSplit(t, tc.resp, n, true)
			if err != nil {
				t.Fatalf("%s, cut every %d: %v", tc.name, n, err)
			}
			if rec.Code != tc.status || rec.Body.String() != tc.body || a.done != tc.done {
				t.Errorf("%s, cut every %d: %d %q done=%v, want %d %q done=%v", tc.name, n, rec.Code, rec.Body.String(), a.done, tc.status, tc.body, tc.done)
			}
			got := rec.Header().Clone()
			if len(got) != len(tc.header) {
				t.Errorf("%s: header %v, want %v", tc.name, got, tc.header)
			}
			for k, v := range tc.header {
				if strings.Join(got[k], ",") != strings.Join(v, ",") || (v == nil) != (got[k] == nil) {
					t.Errorf("%s: %s = %q, want %q", tc.name, k, got[k], v)
				}
			}
		}
	}
}

// Over HTTP/2, a body until the end is not marked identity (HTTP/2 frames
// it).
func TestAnswerUntilCloseHTTP2(t *testing.T) {
	rec, _, err := feedSplit(t, "HTTP/1.1 200 OK\r\nContent-Type: x\r\n\r\nabc", 4, false)
	if err != nil || rec.Body.String() != "abc" || rec.Header().Get("Transfer-Encoding") != "" {
		t.Fatalf("%q %v %v", rec.Body.String(), rec.Header(), err)
	}
}

func TestAnswerMalformed(t *testing.T) {
	for _, resp := range []string{
		"HTTP/1.1 2x0 OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n",
		"SMTP ready\r\n\r\n",
	} {
		if _, _, err := feedSplit(t, resp, 3, true); err != errBadAnswer {
			t.Errorf("%q: %v, want errBadAnswer", resp, err)
		}
	}
}
