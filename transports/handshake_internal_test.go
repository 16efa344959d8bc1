package transports

import (
	"slices"
	"testing"

	"github.com/tornadio/tornadio/httpparse"
)

func parseRequest(t *testing.T, raw string) *httpparse.Request {
	t.Helper()
	var p httpparse.Parser
	var r httpparse.Request
	if _, err := p.Parse([]byte(raw), &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// The compact copy gives back what the parser saw: request line, every
// field in order (common names canonical, others as sent), values with
// HTAB, obs-text and nothing at all.
func TestHandshakeRoundTrip(t *testing.T) {
	r := parseRequest(t, "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"+
		"host: example.com\r\n"+
		"X-Custom: a\tb\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"+
		"X-Empty:\r\n"+
		"X-Latin: caf\xe9\r\n"+
		"Cookie: a=1; b=2\r\n"+
		"X-Forwarded-For: 10.0.0.1\r\n"+
		"accept-encoding: gzip\r\n"+
		"connection: Upgrade\r\n"+
		"Upgrade: WebSocket\r\n"+
		"Upgrade: websocket\r\n"+
		"Sec-WebSocket-Version: 13\r\n"+
		"\r\n")
	h := newHandshake("0123456789abcdefghij", r, "192.0.2.1:4321", 1765000000123)
	type kv struct{ k, v string }
	var got []kv
	for k, v := range h.Headers() {
		got = append(got, kv{k, v})
	}
	want := []kv{
		{"Host", "example.com"},
		{"X-Custom", "a\tb"},
		{"Sec-Websocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
		{"X-Empty", ""},
		{"X-Latin", "caf\xe9"},
		{"Cookie", "a=1; b=2"},
		{"X-Forwarded-For", "10.0.0.1"},
		{"Accept-Encoding", "gzip"},
		{"Connection", "Upgrade"},
		{"Upgrade", "WebSocket"},
		{"Upgrade", "websocket"},
		{"Sec-Websocket-Version", "13"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("headers\n got %q\nwant %q", got, want)
	}
	if got := h.Issued().UnixMilli(); got != 1765000000123 {
		t.Errorf("Issued = %d ms, want 1765000000123", got)
	}
	if got := h.RemoteAddr(); got != "192.0.2.1:4321" {
		t.Errorf("RemoteAddr = %q after the issued time", got)
	}
	for _, c := range []struct{ got, want string }{
		{h.id(), "0123456789abcdefghij"},
		{h.RemoteAddr(), "192.0.2.1:4321"},
		{h.Method(), "GET"},
		{h.Target(), "/socket.io/?EIO=4&transport=websocket"},
		{h.Path(), "/socket.io/"},
		{h.RawQuery(), "EIO=4&transport=websocket"},
		{h.Header("HOST"), "example.com"},
		{h.Header("x-custom"), "a\tb"},
		{h.Header("sec-websocket-key"), "dGhlIHNhbXBsZSBub25jZQ=="},
		{h.Header("Missing"), ""},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = h.Header("Cookie") }); n != 0 {
		t.Errorf("Header allocates %v times", n)
	}
}

func TestHandshakeNoQueryNoHeaders(t *testing.T) {
	h := newHandshake("", parseRequest(t, "POST /x HTTP/1.0\r\n\r\n"), "", 0)
	if h.Method() != "POST" || h.Path() != "/x" || h.RawQuery() != "" || h.RemoteAddr() != "" || h.id() != "" {
		t.Errorf("got %q %q %q %q", h.Method(), h.Path(), h.RawQuery(), h.RemoteAddr())
	}
	for k, v := range h.Headers() {
		t.Errorf("unexpected header %q: %q", k, v)
	}
	var zero Handshake
	if zero.Method() != "" || zero.Header("Host") != "" {
		t.Error("zero Handshake is not empty")
	}
}

// Every common name and field has its own code, a control byte other than
// LF, and decodes back to itself.
func TestHeaderCodes(t *testing.T) {
	if n := len(commonHeaders) + len(commonFields); n > 30 {
		t.Fatalf("%d codes: they would reach ' '", n)
	}
	seen := map[byte]bool{}
	check := func(i int, name, value string, whole bool) {
		c := codeOf(i)
		if c == 0 || c == '\n' || c >= ' ' || seen[c] || entryOf(c) != i {
			t.Fatalf("%s: bad code %#x", name, c)
		}
		seen[c] = true
		if code, w := fieldCode([]byte(name), []byte(value)); code != c || w != whole {
			t.Errorf("%s: %s: code %#x %v", name, value, code, w)
		}
	}
	for i, name := range commonHeaders {
		check(i, name, "some value", false)
	}
	for i, f := range commonFields {
		check(len(commonHeaders)+i, f[0], f[1], true)
	}
}
