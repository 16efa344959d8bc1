package httpparse

import (
	"bufio"
	"io"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"testing"
)

// TestAgreesWithNetHTTP cross-checks accepted requests against the standard
// library's reader: same method, target, version, fields, body and
// connection fate.
func TestAgreesWithNetHTTP(t *testing.T) {
	inputs := []string{
		pollingGET, pollingPOST, wsUpgrade, curlGET, curlPOSTForm, http10,
		// net/http rejects the BWS before ';' that RFC 9112 allows in
		// chunkedPOST's third chunk.
		strings.Replace(chunkedPOST, "E ; ext", "E;ext", 1),
		"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\nX-A:   v w \t\r\nX-E:\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\ncontent-length:  2 \r\n\r\nhi",
		"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0000A\r\n0123456789\r\nb\r\nabcdefghijk\r\n000\r\n\r\n",
		"OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
	}
	for _, in := range inputs {
		var p Parser
		var r Request
		n, err := p.Parse([]byte(in), &r)
		if err != nil || n != len(in) {
			t.Fatalf("%q: n=%d err=%v", in, n, err)
		}
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(in)))
		if err != nil {
			t.Fatalf("%q: net/http: %v", in, err)
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			t.Fatalf("%q: net/http body: %v", in, err)
		}
		if req.Method != string(r.Method) || req.RequestURI != string(r.Target) || req.ProtoMinor != r.Minor {
			t.Errorf("%q: request line %s %s %d", in, req.Method, req.RequestURI, req.ProtoMinor)
		}
		if string(body) != string(r.Body) {
			t.Errorf("%q: body %q, net/http %q", in, r.Body, body)
		}
		if req.Close != r.Close {
			t.Errorf("%q: Close %v, net/http %v", in, r.Close, req.Close)
		}
		if (len(req.TransferEncoding) > 0) != r.Chunked {
			t.Errorf("%q: Chunked %v, net/http %v", in, r.Chunked, req.TransferEncoding)
		}
		if r.ContentLength >= 0 && req.ContentLength != r.ContentLength {
			t.Errorf("%q: ContentLength %d, net/http %d", in, r.ContentLength, req.ContentLength)
		}
		for _, h := range r.Headers {
			name := textproto.CanonicalMIMEHeaderKey(string(h.Name))
			switch name {
			case "Host":
				if req.Host != string(h.Value) {
					t.Errorf("%q: Host %q, net/http %q", in, h.Value, req.Host)
				}
				continue
			case "Transfer-Encoding":
				continue
			}
			if !slices.Contains(req.Header.Values(name), string(h.Value)) {
				t.Errorf("%q: %s: %q not in net/http's %q", in, name, h.Value, req.Header.Values(name))
			}
		}
	}
}

// FuzzAgainstNetHTTP checks that whenever both this parser and the standard
// library's reader accept an input, they agree on the request line, the body
// and how many bytes the request spans: a disagreement on framing is what
// request smuggling is made of.
func FuzzAgainstNetHTTP(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, buf []byte) {
		var p Parser
		var r Request
		n, err := p.Parse(buf, &r)
		if err != nil {
			return
		}
		sr := strings.NewReader(string(buf))
		br := bufio.NewReader(sr)
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return
		}
		consumed := len(buf) - sr.Len() - br.Buffered()
		if string(body) != string(r.Body) || consumed != n {
			t.Fatalf("framing: body %q n=%d, net/http body %q n=%d", r.Body, n, body, consumed)
		}
		if req.Method != string(r.Method) || req.RequestURI != string(r.Target) || req.ProtoMinor != r.Minor {
			t.Fatalf("request line: %q %q %d, net/http %q %q %d",
				r.Method, r.Target, r.Minor, req.Method, req.RequestURI, req.ProtoMinor)
		}
		if req.Close != r.Close {
			t.Fatalf("Close %v, net/http %v", r.Close, req.Close)
		}
	})
}
