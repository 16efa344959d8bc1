package httpparse

import "testing"

func TestStatusText(t *testing.T) {
	for _, code := range []int{200, 101, 204, 400, 403, 404, 405, 413, 426, 431, 500, 501, 503, 505} {
		if StatusText(code) == "" {
			t.Errorf("StatusText(%d) is empty", code)
		}
	}
	if StatusText(200) != "OK" || StatusText(101) != "Switching Protocols" || StatusText(799) != "" {
		t.Error("StatusText values")
	}
}

func TestAppendResponse(t *testing.T) {
	b := AppendStatusLine([]byte("x"), 200)
	b = AppendHeader(b, "Content-Type", "text/plain; charset=UTF-8")
	b = AppendHeaderInt(b, "Content-Length", 13)
	b = AppendHeaderInt(b, "X-Neg", -5)
	b = AppendHeader(b, "X-Evil", "a\r\nSet-Cookie: x")
	b = AppendStatusLine(b, 431)
	b = AppendStatusLine(b, 299)
	want := "xHTTP/1.1 200 OK\r\n" +
		"Content-Type: text/plain; charset=UTF-8\r\n" +
		"Content-Length: 13\r\n" +
		"X-Neg: -5\r\n" +
		"X-Evil: a  Set-Cookie: x\r\n" +
		"HTTP/1.1 431 Request Header Fields Too Large\r\n" +
		"HTTP/1.1 299 \r\n"
	if string(b) != want {
		t.Errorf("got %q\nwant %q", b, want)
	}
}

func TestAppendResponseNoAllocs(t *testing.T) {
	buf := make([]byte, 0, 256)
	allocs := testing.AllocsPerRun(100, func() {
		b := AppendStatusLine(buf[:0], 200)
		b = AppendHeader(b, "Content-Type", "text/plain; charset=UTF-8")
		b = AppendHeaderInt(b, "Content-Length", 123456)
		_ = b
	})
	if allocs != 0 {
		t.Errorf("%v allocs", allocs)
	}
}

func TestAppendErrorResponse(t *testing.T) {
	_, _, err := parseOne(Limits{}, "GET / HTTP/2.0\r\n\r\n")
	got := string(AppendErrorResponse(nil, err))
	want := "HTTP/1.1 505 HTTP Version Not Supported\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Content-Length: 26\r\n" +
		"Connection: close\r\n" +
		"\r\n" +
		"HTTP Version Not Supported"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	buf := make([]byte, 0, 256)
	if allocs := testing.AllocsPerRun(100, func() { _ = AppendErrorResponse(buf[:0], errHeadTooLarge) }); allocs != 0 {
		t.Errorf("%v allocs", allocs)
	}
}
