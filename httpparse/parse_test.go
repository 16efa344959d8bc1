package httpparse

import (
	"reflect"
	"strings"
	"testing"
)

func hdrs(h ...string) []string { return h }

func TestParseValid(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want snap
	}{
		{"socket.io polling GET", pollingGET, snap{
			Method: "GET", Target: "/socket.io/?EIO=4&transport=polling&t=PcXa1", Path: "/socket.io/",
			RawQuery: "EIO=4&transport=polling&t=PcXa1", HasQuery: true, Minor: 1,
			Headers: hdrs("Host: localhost:3000", "Connection: keep-alive", "Accept: */*",
				"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
				"Accept-Language: en-US,en;q=0.5", "Accept-Encoding: gzip, deflate, br",
				"Referer: http://localhost:3000/", "Cookie: io=Qx3mZ9_aQ8AAAB"),
			ContentLength: -1,
		}},
		{"socket.io polling POST", pollingPOST, snap{
			Method: "POST", Target: "/socket.io/?EIO=4&transport=polling&t=PcXa2&sid=Qx3mZ9_aQ8AAAB", Path: "/socket.io/",
			RawQuery: "EIO=4&transport=polling&t=PcXa2&sid=Qx3mZ9_aQ8AAAB", HasQuery: true, Minor: 1,
			Headers: hdrs("Host: localhost:3000", "Connection: keep-alive", "Content-Type: text/plain;charset=UTF-8",
				"Content-Length: 13", "Accept: */*", "Origin: http://localhost:3000"),
			ContentLength: 13, Body: "4hello\x1e4world", HasBody: true,
		}},
		{"websocket upgrade", wsUpgrade, snap{
			Method: "GET", Target: "/socket.io/?EIO=4&transport=websocket&sid=Qx3mZ9_aQ8AAAB", Path: "/socket.io/",
			RawQuery: "EIO=4&transport=websocket&sid=Qx3mZ9_aQ8AAAB", HasQuery: true, Minor: 1,
			Headers: hdrs("Host: localhost:3000", "Connection: Upgrade", "Pragma: no-cache", "Cache-Control: no-cache",
				"Upgrade: websocket", "Origin: http://localhost:3000", "Sec-WebSocket-Version: 13",
				"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
				"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits"),
			ContentLength: -1, Upgrade: true,
		}},
		{"firefox upgrade token list", "GET /ws HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n", snap{
			Method: "GET", Target: "/ws", Path: "/ws", Minor: 1,
			Headers:       hdrs("Host: h", "Connection: keep-alive, Upgrade", "Upgrade: websocket"),
			ContentLength: -1, Upgrade: true,
		}},
		{"upgrade header without connection token", "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n\r\n", snap{
			Method: "GET", Target: "/ws", Path: "/ws", Minor: 1,
			Headers: hdrs("Host: h", "Upgrade: websocket"), ContentLength: -1,
		}},
		{"connection upgrade without upgrade header", "GET /ws HTTP/1.1\r\nConnection: upgrade\r\n\r\n", snap{
			Method: "GET", Target: "/ws", Path: "/ws", Minor: 1,
			Headers: hdrs("Connection: upgrade"), ContentLength: -1,
		}},
		{"curl GET", curlGET, snap{
			Method: "GET", Target: "/hello?name=w%C3%B6rld", Path: "/hello", RawQuery: "name=w%C3%B6rld", HasQuery: true, Minor: 1,
			Headers: hdrs("Host: example.com", "User-Agent: curl/8.5.0", "Accept: */*"), ContentLength: -1,
		}},
		{"curl POST form", curlPOSTForm, snap{
			Method: "POST", Target: "/form", Path: "/form", Minor: 1,
			Headers: hdrs("Host: example.com", "User-Agent: curl/8.5.0", "Accept: */*", "Content-Length: 23",
				"Content-Type: application/x-www-form-urlencoded"),
			ContentLength: 23, Body: "d=4hello&x=%41+b&empty=", HasBody: true,
		}},
		{"HTTP/1.0 closes", http10, snap{
			Method: "GET", Target: "/index.html", Path: "/index.html", Minor: 0,
			Headers: hdrs("User-Agent: ApacheBench/2.3"), ContentLength: -1, Close: true,
		}},
		{"HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", snap{
			Method: "GET", Target: "/", Path: "/", Minor: 0,
			Headers: hdrs("Connection: Keep-Alive"), ContentLength: -1,
		}},
		{"HTTP/1.0 minimal", "GET / HTTP/1.0\r\n\r\n", snap{
			Method: "GET", Target: "/", Path: "/", ContentLength: -1, Close: true,
		}},
		{"HTTP/1.1 connection close in list", "GET / HTTP/1.1\r\nConnection: foo,  CLOSE ,\r\n\r\n", snap{
			Method: "GET", Target: "/", Path: "/", Minor: 1,
			Headers: hdrs("Connection: foo,  CLOSE ,"), ContentLength: -1, Close: true,
		}},
		{"close and keep-alive in two fields", "GET / HTTP/1.0\r\nConnection: keep-alive\r\nconnection: close\r\n\r\n", snap{
			Method: "GET", Target: "/", Path: "/",
			Headers: hdrs("Connection: keep-alive", "connection: close"), ContentLength: -1, Close: true,
		}},
		{"value trimming and empty value", "GET / HTTP/1.1\r\nX-A:   v w \t\r\nX-E:\r\nX-S: \t \r\nX-T:x\r\n\r\n", snap{
			Method: "GET", Target: "/", Path: "/", Minor: 1,
			Headers: hdrs("X-A: v w", "X-E: ", "X-S: ", "X-T: x"), ContentLength: -1,
		}},
		{"obs-text in value", "GET / HTTP/1.1\r\nX-U: caf\xc3\xa9\r\n\r\n", snap{
			Method: "GET", Target: "/", Path: "/", Minor: 1,
			Headers: hdrs("X-U: caf\xc3\xa9"), ContentLength: -1,
		}},
		{"leading empty lines skipped", "\r\n\r\nGET / HTTP/1.1\r\n\r\n", snap{
			Method: "GET", Target: "/", Path: "/", Minor: 1, ContentLength: -1,
		}},
		{"trailing question mark", "GET /x? HTTP/1.1\r\n\r\n", snap{
			Method: "GET", Target: "/x?", Path: "/x", HasQuery: true, Minor: 1, ContentLength: -1,
		}},
		{"second question mark stays in query", "GET /x?a=1?b HTTP/1.1\r\n\r\n", snap{
			Method: "GET", Target: "/x?a=1?b", Path: "/x", RawQuery: "a=1?b", HasQuery: true, Minor: 1, ContentLength: -1,
		}},
		{"asterisk form", "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", snap{
			Method: "OPTIONS", Target: "*", Path: "*", Minor: 1, Headers: hdrs("Host: h"), ContentLength: -1,
		}},
		{"absolute form", "GET http://h/p?q HTTP/1.1\r\n\r\n", snap{
			Method: "GET", Target: "http://h/p?q", Path: "http://h/p", RawQuery: "q", HasQuery: true, Minor: 1, ContentLength: -1,
		}},
		{"content-length zero", "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", snap{
			Method: "POST", Target: "/", Path: "/", Minor: 1, Headers: hdrs("Content-Length: 0"),
		}},
		{"repeated equal content-length", "POST / HTTP/1.1\r\nContent-Length: 2\r\ncontent-length:  2 \r\n\r\nhi", snap{
			Method: "POST", Target: "/", Path: "/", Minor: 1, Headers: hdrs("Content-Length: 2", "content-length: 2"),
			ContentLength: 2, Body: "hi", HasBody: true,
		}},
		{"leading zeros in content-length", "POST / HTTP/1.1\r\nContent-Length: 0003\r\n\r\nabc", snap{
			Method: "POST", Target: "/", Path: "/", Minor: 1, Headers: hdrs("Content-Length: 0003"),
			ContentLength: 3, Body: "abc", HasBody: true,
		}},
		{"chunked with extensions and trailers", chunkedPOST, snap{
			Method: "POST", Target: "/upload", Path: "/upload", Minor: 1,
			Headers: hdrs("Host: example.com", "Transfer-Encoding: chunked"), ContentLength: -1, Chunked: true,
			Body: "Wiki" + "pedia" + " in\r\n\r\nchunks.", HasBody: true,
		}},
		{"chunked empty", "POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n", snap{
			Method: "POST", Target: "/", Path: "/", Minor: 1, Headers: hdrs("Transfer-Encoding: Chunked"),
			ContentLength: -1, Chunked: true,
		}},
		{"chunked hex case and leading zeros", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0000A\r\n0123456789\r\nb\r\nabcdefghijk\r\n000\r\n\r\n", snap{
			Method: "POST", Target: "/", Path: "/", Minor: 1, Headers: hdrs("Transfer-Encoding: chunked"),
			ContentLength: -1, Chunked: true, Body: "0123456789abcdefghijk", HasBody: true,
		}},
		{"chunk data containing CRLF and zero", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n0\r\n\r\n\r\n0\r\n\r\n", snap{
			Method: "POST", Target: "/", Path: "/", Minor: 1, Headers: hdrs("Transfer-Encoding: chunked"),
			ContentLength: -1, Chunked: true, Body: "0\r\n\r\n", HasBody: true,
		}},
		{"body on a GET", "GET / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", snap{
			Method: "GET", Target: "/", Path: "/", Minor: 1, Headers: hdrs("Content-Length: 3"),
			ContentLength: 3, Body: "abc", HasBody: true,
		}},
		{"tchar method", "M-SEARCH * HTTP/1.1\r\n\r\n", snap{
			Method: "M-SEARCH", Target: "*", Path: "*", Minor: 1, ContentLength: -1,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, got, err := parseOne(Limits{}, tt.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if n != len(tt.in) {
				t.Fatalf("n = %d, want %d", n, len(tt.in))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("\n got %v\nwant %v", got, tt.want)
			}
			checkSplit(t, Limits{}, tt.in, n, tt.want)
		})
	}
}

func TestParseMalformed(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		status int
	}{
		{"double space", "GET  / HTTP/1.1\r\n\r\n", 400},
		{"space before version twice", "GET /  HTTP/1.1\r\n\r\n", 400},
		{"leading space", " GET / HTTP/1.1\r\n\r\n", 400},
		{"tab separator", "GET\t/ HTTP/1.1\r\n\r\n", 400},
		{"bad method char", "G(T / HTTP/1.1\r\n\r\n", 400},
		{"empty target", "GET  HTTP/1.1\r\n\r\n", 400},
		{"http/0.9", "GET /\r\n\r\n", 400},
		{"missing version", "GET / \r\n\r\n", 400},
		{"trailing space after version", "GET / HTTP/1.1 \r\n\r\n", 400},
		{"control char in target", "GET /a\x01b HTTP/1.1\r\n\r\n", 400},
		{"DEL in target", "GET /a\x7fb HTTP/1.1\r\n\r\n", 400},
		{"non-ASCII in target", "GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n", 400},
		{"lowercase version", "GET / http/1.1\r\n\r\n", 400},
		{"junk version", "GET / FOO\r\n\r\n", 400},
		{"version with junk", "GET / HTTP/1.1x\r\n\r\n", 400},
		{"version missing minor", "GET / HTTP/1.\r\n\r\n", 400},
		{"HTTP/2.0", "GET / HTTP/2.0\r\n\r\n", 505},
		{"HTTP/1.2", "GET / HTTP/1.2\r\n\r\n", 505},
		{"HTTP/3", "GET / HTTP/3\r\n\r\n", 505},
		{"HTTP/10.0", "GET / HTTP/10.0\r\n\r\n", 505},
		{"bare LF request line", "GET / HTTP/1.1\n\n", 400},
		{"bare LF header", "GET / HTTP/1.1\r\nHost: x\n\r\n", 400},
		{"bare LF final line", "GET / HTTP/1.1\r\nHost: x\r\n\n", 400},
		{"bare LF leading line", "\nGET / HTTP/1.1\r\n\r\n", 400},
		{"CR without LF in request line", "GET / HTTP/1.1\rX\r\n\r\n", 400},
		{"CR without LF at end of head", "GET / HTTP/1.1\r\n\rX", 400},
		{"CR without LF in leading line", "\rXGET / HTTP/1.1\r\n\r\n", 400},
		{"space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400},
		{"obs-fold", "GET / HTTP/1.1\r\nX-A: a\r\n b\r\n\r\n", 400},
		{"obs-fold tab", "GET / HTTP/1.1\r\nX-A: a\r\n\tb\r\n\r\n", 400},
		{"whitespace before first field", "GET / HTTP/1.1\r\n Host: x\r\n\r\n", 400},
		{"no colon", "GET / HTTP/1.1\r\nHost x\r\n\r\n", 400},
		{"empty name", "GET / HTTP/1.1\r\n: x\r\n\r\n", 400},
		{"bad name char", "GET / HTTP/1.1\r\nX(Y): x\r\n\r\n", 400},
		{"NUL in value", "GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n", 400},
		{"CR in value", "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", 400},
		{"DEL in value", "GET / HTTP/1.1\r\nX: a\x7fb\r\n\r\n", 400},
		{"content-length letters", "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n", 400},
		{"content-length negative", "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
		{"content-length plus", "POST / HTTP/1.1\r\nContent-Length: +1\r\n\r\n", 400},
		{"content-length inner space", "POST / HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n", 400},
		{"content-length list", "POST / HTTP/1.1\r\nContent-Length: 1,1\r\n\r\n", 400},
		{"content-length empty", "POST / HTTP/1.1\r\nContent-Length:\r\n\r\n", 400},
		{"content-length overflow", "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", 400},
		{"content-length just past int64", "POST / HTTP/1.1\r\nContent-Length: 9223372036854775808\r\n\r\n", 400},
		{"content-length differing", "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400},
		{"content-length and chunked", "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
		{"chunked and content-length", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n", 400},
		{"transfer-encoding gzip", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
		{"transfer-encoding gzip, chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
		{"transfer-encoding twice", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501},
		{"transfer-encoding empty", "POST / HTTP/1.1\r\nTransfer-Encoding:\r\n\r\n", 501},
		{"transfer-encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
		{"chunk size not hex", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n", 400},
		{"chunk size missing", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\r\n\r\n", 400},
		{"chunk size negative", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n\r\n", 400},
		{"chunk size 0x", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0x4\r\nWiki\r\n0\r\n\r\n", 400},
		{"chunk size 17 digits", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n00000000000000001\r\nx\r\n0\r\n\r\n", 400},
		{"chunk size bare LF", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\nWiki\r\n0\r\n\r\n", 400},
		{"chunk size CR junk", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\rWiki\r\n0\r\n\r\n", 400},
		{"chunk ext without semicolon", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4 x\r\nWiki\r\n0\r\n\r\n", 400},
		{"chunk ext control char", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4;a\x01\r\nWiki\r\n0\r\n\r\n", 400},
		{"chunk data too long", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWikipedia\r\n0\r\n\r\n", 400},
		{"chunk data bare LF", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\n0\r\n\r\n", 400},
		{"chunk data short", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWik\r\n0\r\n\r\n", 400},
		{"trailer malformed", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer: x\r\n\r\n", 400},
		{"trailer obs-fold", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: a\r\n b\r\n\r\n", 400},
		{"trailer bare LF", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: a\n\r\n", 400},
		{"last chunk bare LF end", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\n", 400},
		{"chunk size beyond int64", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n", 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := parseOne(Limits{}, tt.in)
			wantStatus(t, err, tt.status)
			// Every prefix is either incomplete or already refused.
			for i := 0; i < len(tt.in); i++ {
				if _, _, err := parseOne(Limits{}, tt.in[:i]); err != ErrNeedMore {
					if _, ok := err.(*Error); !ok {
						t.Fatalf("prefix %d: err = %v", i, err)
					}
				}
			}
		})
	}
}

func TestParsePipelined(t *testing.T) {
	reqs := []string{pollingGET, pollingPOST, chunkedPOST, wsUpgrade, "\r\n" + curlGET, http10}
	buf := []byte(strings.Join(reqs, ""))
	var p Parser
	var r Request
	for i, in := range reqs {
		_, wantSnap, err := parseOne(Limits{}, in)
		if err != nil {
			t.Fatal(err)
		}
		n, err := p.Parse(buf, &r)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if n != len(in) {
			t.Fatalf("request %d: n = %d, want %d", i, n, len(in))
		}
		if got := snapshot(&r); !reflect.DeepEqual(got, wantSnap) {
			t.Fatalf("request %d:\n got %v\nwant %v", i, got, wantSnap)
		}
		buf = buf[n:] // Discard(n)
	}
	if len(buf) != 0 {
		t.Fatalf("%d bytes left", len(buf))
	}
	if _, err := p.Parse(buf, &r); err != ErrNeedMore {
		t.Fatalf("empty buffer: %v", err)
	}
}

// TestParseBufferReuse models an event loop that compacts its buffer and
// reuses one Parser and Request: a chunked body must not be clobbered by a
// smaller one, and results never depend on earlier calls.
func TestParseBufferReuse(t *testing.T) {
	var p Parser
	var r Request
	inputs := []string{chunkedPOST, pollingGET, chunkedPOST[:40], chunkedPOST, pollingPOST, wsUpgrade,
		"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"}
	for _, in := range inputs {
		n1, s1, err1 := parseOne(Limits{}, in)
		n2, err2 := p.Parse([]byte(in), &r)
		if n1 != n2 || err1 != err2 {
			t.Fatalf("%q: reused parser gave (%d, %v), fresh (%d, %v)", in, n2, err2, n1, err1)
		}
		if err2 == nil && !reflect.DeepEqual(snapshot(&r), s1) {
			t.Fatalf("%q: reused parser gave %v, fresh %v", in, snapshot(&r), s1)
		}
	}
}

func TestBodyViewIsCapLimited(t *testing.T) {
	buf := []byte(pollingPOST + pollingGET)
	var p Parser
	var r Request
	n, err := p.Parse(buf, &r)
	if err != nil {
		t.Fatal(err)
	}
	_ = append(r.Body, "XXXX"...)
	_ = append(r.Path, "XXXX"...)
	_ = append(r.Headers[0].Value, "XXXX"...)
	if string(buf) != pollingPOST+pollingGET {
		t.Fatal("appending to a view wrote into the buffer")
	}
	if _, err := p.Parse(buf[n:], &r); err != nil {
		t.Fatal(err)
	}
}

func TestHeaderLookup(t *testing.T) {
	var p Parser
	var r Request
	in := "GET / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\nhost: b\r\nConnection: keep-alive, Upgrade\r\n\r\n"
	if _, err := p.Parse([]byte(in), &r); err != nil {
		t.Fatal(err)
	}
	if got := r.Header("HOST"); string(got) != "a" {
		t.Errorf("Header(HOST) = %q", got)
	}
	if got := r.Header("x-empty"); got == nil || len(got) != 0 {
		t.Errorf("Header(x-empty) = %q (nil %v)", got, got == nil)
	}
	if got := r.Header("missing"); got != nil {
		t.Errorf("Header(missing) = %q", got)
	}
	if got := r.Header("Hos"); got != nil {
		t.Errorf("Header(Hos) = %q", got)
	}
	if !r.HeaderHasToken("connection", "UPGRADE") || r.HeaderHasToken("connection", "close") {
		t.Error("HeaderHasToken")
	}
	if n, m, z := r.HeaderCount("HOST"), r.HeaderCount("x-empty"), r.HeaderCount("missing"); n != 2 || m != 1 || z != 0 {
		t.Errorf("HeaderCount = %d, %d, %d; want 2, 1, 0", n, m, z)
	}
	r.Reset()
	if r.Header("Host") != nil || r.ContentLength != -1 || r.Method != nil || cap(r.Headers) == 0 {
		t.Errorf("Reset: %+v", r)
	}
}

func TestStatusOf(t *testing.T) {
	if StatusOf(errBodyTooLarge) != 413 {
		t.Error("StatusOf(*Error)")
	}
	if StatusOf(wrapErr{errTEUnsupported}) != 501 {
		t.Error("StatusOf(wrapped)")
	}
	if StatusOf(ErrNeedMore) != 400 {
		t.Error("StatusOf(other)")
	}
	if got := (&Error{Status: 400, Msg: "x"}).Error(); got != "httpparse: x" {
		t.Errorf("Error() = %q", got)
	}
}

type wrapErr struct{ err error }

func (w wrapErr) Error() string { return "wrapped: " + w.err.Error() }
func (w wrapErr) Unwrap() error { return w.err }

func TestEqualFold(t *testing.T) {
	for _, tt := range []struct {
		b, s string
		want bool
	}{
		{"Host", "host", true}, {"HOST", "host", true}, {"host", "hosts", false},
		{"a-b", "A-B", true}, {"@", "`", false}, {"[", "{", false}, {"hosT", "hosu", false},
		{"", "", true}, {"\xc0", "\xe0", false},
	} {
		if got := equalFold([]byte(tt.b), tt.s); got != tt.want {
			t.Errorf("equalFold(%q, %q) = %v", tt.b, tt.s, got)
		}
	}
}
