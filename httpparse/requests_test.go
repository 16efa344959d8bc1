package httpparse

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// Real requests, shared by the table tests, the fuzz seeds and benchmarks.
const (
	pollingGET = "GET /socket.io/?EIO=4&transport=polling&t=PcXa1 HTTP/1.1\r\n" +
		"Host: localhost:3000\r\n" +
		"Connection: keep-alive\r\n" +
		"Accept: */*\r\n" +
		"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n" +
		"Accept-Language: en-US,en;q=0.5\r\n" +
		"Accept-Encoding: gzip, deflate, br\r\n" +
		"Referer: http://localhost:3000/\r\n" +
		"Cookie: io=Qx3mZ9_aQ8AAAB\r\n" +
		"\r\n"

	pollingPOST = "POST /socket.io/?EIO=4&transport=polling&t=PcXa2&sid=Qx3mZ9_aQ8AAAB HTTP/1.1\r\n" +
		"Host: localhost:3000\r\n" +
		"Connection: keep-alive\r\n" +
		"Content-Type: text/plain;charset=UTF-8\r\n" +
		"Content-Length: 13\r\n" +
		"Accept: */*\r\n" +
		"Origin: http://localhost:3000\r\n" +
		"\r\n" +
		"4hello\x1e4world"

	wsUpgrade = "GET /socket.io/?EIO=4&transport=websocket&sid=Qx3mZ9_aQ8AAAB HTTP/1.1\r\n" +
		"Host: localhost:3000\r\n" +
		"Connection: Upgrade\r\n" +
		"Pragma: no-cache\r\n" +
		"Cache-Control: no-cache\r\n" +
		"Upgrade: websocket\r\n" +
		"Origin: http://localhost:3000\r\n" +
		"Sec-WebSocket-Version: 13\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
		"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" +
		"\r\n"

	curlGET = "GET /hello?name=w%C3%B6rld HTTP/1.1\r\n" +
		"Host: example.com\r\n" +
		"User-Agent: curl/8.5.0\r\n" +
		"Accept: */*\r\n" +
		"\r\n"

	curlPOSTForm = "POST /form HTTP/1.1\r\n" +
		"Host: example.com\r\n" +
		"User-Agent: curl/8.5.0\r\n" +
		"Accept: */*\r\n" +
		"Content-Length: 23\r\n" +
		"Content-Type: application/x-www-form-urlencoded\r\n" +
		"\r\n" +
		"d=4hello&x=%41+b&empty="

	http10 = "GET /index.html HTTP/1.0\r\n" +
		"User-Agent: ApacheBench/2.3\r\n" +
		"\r\n"

	chunkedPOST = "POST /upload HTTP/1.1\r\n" +
		"Host: example.com\r\n" +
		"Transfer-Encoding: chunked\r\n" +
		"\r\n" +
		"4;name=value\r\nWiki\r\n" +
		"5\r\npedia\r\n" +
		"E ; ext=\"q\"\r\n in\r\n\r\nchunks.\r\n" +
		"0\r\n" +
		"Expires: never\r\n" +
		"X-Trailer: 1\r\n" +
		"\r\n"
)

// snap is a comparable copy of a Request.
type snap struct {
	Method, Target, Path, RawQuery string
	HasQuery                       bool
	Minor                          int
	Headers                        []string
	ContentLength                  int64
	Chunked, Close, Upgrade        bool
	Body                           string
	HasBody                        bool
}

func snapshot(r *Request) snap {
	s := snap{
		Method: string(r.Method), Target: string(r.Target), Path: string(r.Path),
		RawQuery: string(r.RawQuery), HasQuery: r.RawQuery != nil, Minor: r.Minor,
		ContentLength: r.ContentLength, Chunked: r.Chunked, Close: r.Close, Upgrade: r.Upgrade,
		Body: string(r.Body), HasBody: r.Body != nil,
	}
	for _, h := range r.Headers {
		s.Headers = append(s.Headers, string(h.Name)+": "+string(h.Value))
	}
	return s
}

func (s snap) String() string { return fmt.Sprintf("%+v", struct{ snap }{s}) }

// parseOne parses in with a fresh Parser and Request.
func parseOne(lim Limits, in string) (int, snap, error) {
	p := Parser{Limits: lim}
	var r Request
	n, err := p.Parse([]byte(in), &r)
	if err != nil {
		return n, snap{}, err
	}
	return n, snapshot(&r), nil
}

// checkSplit feeds every proper prefix of the n-byte request at the start of
// in and wants ErrNeedMore, then feeds in followed by pipelined junk and
// wants the same n and result as in alone.
func checkSplit(t *testing.T, lim Limits, in string, n int, want snap) {
	t.Helper()
	p := Parser{Limits: lim}
	var r Request
	for i := 0; i < n; i++ {
		if m, err := p.Parse([]byte(in[:i]), &r); err != ErrNeedMore {
			t.Fatalf("prefix of %d/%d bytes: n=%d err=%v, want ErrNeedMore", i, n, m, err)
		}
	}
	for _, junk := range []string{"", "GET / HTTP/1.1\r\n", "\x00garbage", pollingGET} {
		m, err := p.Parse([]byte(in[:n]+junk), &r)
		if err != nil || m != n {
			t.Fatalf("with %q appended: n=%d err=%v, want n=%d", junk, m, err, n)
		}
		if got := snapshot(&r); !reflect.DeepEqual(got, want) {
			t.Fatalf("with %q appended:\n got %v\nwant %v", junk, got, want)
		}
	}
}

func wantStatus(t *testing.T, err error, status int) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want *Error with status %d", err, status)
	}
	if e.Status != status {
		t.Fatalf("err = %v (status %d), want status %d", err, e.Status, status)
	}
	if !strings.HasPrefix(e.Error(), "httpparse: ") {
		t.Fatalf("Error() = %q", e.Error())
	}
}
