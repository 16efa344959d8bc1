package httpparse

import (
	"errors"
	"reflect"
	"testing"
)

var fuzzSeeds = []string{
	pollingGET, pollingPOST, wsUpgrade, curlGET, curlPOSTForm, http10, chunkedPOST,
	pollingGET + pollingPOST,
	"\r\nGET / HTTP/1.1\r\n\r\n",
	"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
	"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
	"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;a=b\r\nabc\r\n0\r\nT: v\r\n\r\n",
	"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
	"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
	"GET / HTTP/2.0\r\n\r\n",
	"GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n",
	"GET / HTTP/1.1\n\n",
	"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
}

// fuzzLimits are small so that the fuzzer reaches every limit.
var fuzzLimits = []Limits{{}, {MaxHeaderBytes: 96, MaxHeaders: 3, MaxBodyBytes: 16, MaxChunks: 4}}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, buf []byte) {
		for _, lim := range fuzzLimits {
			checkParseProperties(t, lim, buf)
		}
	})
}

func checkParseProperties(t *testing.T, lim Limits, buf []byte) {
	p := Parser{Limits: lim}
	var r Request
	n, err := p.Parse(buf, &r)
	if err != nil {
		var e *Error
		switch {
		case err == ErrNeedMore:
		case errors.As(err, &e):
			switch e.Status {
			case 400, 413, 431, 501, 505:
			default:
				t.Fatalf("unexpected status %d: %v", e.Status, err)
			}
		default:
			t.Fatalf("unexpected error type %T: %v", err, err)
		}
		return
	}
	if n <= 0 || n > len(buf) {
		t.Fatalf("n = %d, len(buf) = %d", n, len(buf))
	}
	s := snapshot(&r)
	checkRequestInvariants(t, lim, &r)

	// Parsing just the request gives the same result, with a fresh parser
	// and with the one that has state from the previous call.
	for _, q := range []*Parser{&p, {Limits: lim}} {
		var r2 Request
		n2, err := q.Parse(buf[:n], &r2)
		if err != nil || n2 != n {
			t.Fatalf("reparse of %d bytes: n=%d err=%v", n, n2, err)
		}
		if got := snapshot(&r2); !reflect.DeepEqual(got, s) {
			t.Fatalf("reparse differs:\n got %v\nwant %v", got, s)
		}
	}

	// Every proper prefix of a request needs more data.
	if n > 4096 {
		return
	}
	for i := 0; i < n; i++ {
		if m, err := p.Parse(buf[:i], &r); err != ErrNeedMore {
			t.Fatalf("prefix %d of %d: n=%d err=%v", i, n, m, err)
		}
	}
}

func checkRequestInvariants(t *testing.T, lim Limits, r *Request) {
	if len(r.Method) == 0 || len(r.Target) == 0 || r.Minor < 0 || r.Minor > 1 {
		t.Fatalf("request line: %q %q %d", r.Method, r.Target, r.Minor)
	}
	target := string(r.Path)
	if r.RawQuery != nil {
		target += "?" + string(r.RawQuery)
	}
	if target != string(r.Target) {
		t.Fatalf("Path %q + RawQuery %q != Target %q", r.Path, r.RawQuery, r.Target)
	}
	if len(r.Headers) > lim.headers() {
		t.Fatalf("%d headers", len(r.Headers))
	}
	for _, h := range r.Headers {
		if len(h.Name) == 0 {
			t.Fatal("empty header name")
		}
		if len(h.Value) > 0 && (isSpace(h.Value[0]) || isSpace(h.Value[len(h.Value)-1])) {
			t.Fatalf("untrimmed value %q", h.Value)
		}
	}
	if r.Chunked && r.ContentLength != -1 {
		t.Fatal("chunked with Content-Length")
	}
	if r.ContentLength >= 0 && int64(len(r.Body)) != r.ContentLength {
		t.Fatalf("body of %d bytes, Content-Length %d", len(r.Body), r.ContentLength)
	}
	if int64(len(r.Body)) > lim.bodyBytes() {
		t.Fatalf("body of %d bytes", len(r.Body))
	}
	if r.Body != nil && len(r.Body) == 0 {
		t.Fatal("empty non-nil body")
	}
	if !r.Chunked && r.ContentLength < 0 && r.Body != nil {
		t.Fatal("body without framing")
	}
}

// TestFuzzSeeds runs the fuzz properties on the seeds and on their prefixes
// in plain `go test`.
func TestFuzzSeeds(t *testing.T) {
	for _, s := range fuzzSeeds {
		for _, lim := range fuzzLimits {
			checkParseProperties(t, lim, []byte(s))
		}
	}
}
