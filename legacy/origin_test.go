package legacy

import "testing"

func mustOrigins(t *testing.T, p ...string) Origins {
	t.Helper()
	o, err := ParseOrigins(p)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestOrigins(t *testing.T) {
	t.Parallel()
	all := mustOrigins(t, "*:*")
	zero := Origins{}
	some := mustOrigins(t, "example.com:80", "app.test:*", "*:8443", "[::1]:3000")
	tests := []struct {
		o      *Origins
		origin string
		want   bool
	}{
		{&all, "http://evil.test", true},
		{&all, "null", true},
		{&all, "", true},
		{&zero, "anything at all", true},
		{&some, "http://example.com", true},         // default port 80
		{&some, "http://EXAMPLE.com:80", true},      // host case
		{&some, "https://example.com", false},       // 443
		{&some, "http://example.com:8080", false},   // port
		{&some, "http://example.org", false},        // host
		{&some, "https://app.test:1234", true},      // host:*
		{&some, "wss://app.test", true},             // host:*, default port
		{&some, "https://other.test:8443", true},    // *:port
		{&some, "http://[::1]:3000", true},          // IPv6
		{&some, "http://[::1]:3001", false},         // IPv6, port
		{&some, "http://[::1", false},               // broken
		{&some, "http://example.com:80/path", true}, // lenient about a path
		{&some, "null", false},
		{&some, "", false},
		{&some, "example.com:80", false}, // no scheme
		{&some, "http://:80", false},     // no host
		{&some, "ftp://app.test", true},  // host:* even without a known default port
		{&some, "ftp://example.com", false},
	}
	for _, tt := range tests {
		if got := tt.o.Allowed([]byte(tt.origin)); got != tt.want {
			t.Errorf("Allowed(%q) = %v, want %v", tt.origin, got, tt.want)
		}
	}
	for _, bad := range []string{"example.com", ":80", "example.com:", "example.com:8o", "*"} {
		if _, err := ParseOrigins([]string{bad}); err != ErrOriginPattern {
			t.Errorf("ParseOrigins(%q) = %v", bad, err)
		}
	}
	if o := mustOrigins(t, "a.test:1", "*:*"); !o.Allowed([]byte("http://b.test")) {
		t.Error("*:* among others must allow everything")
	}
}

// The CORS rules of socket.io-node 0.6.18 (docs/legacy-0.6.md section 5).
func TestCORS(t *testing.T) {
	t.Parallel()
	all := Origins{}
	some := mustOrigins(t, "good.test:*")
	hdr := func(c CORS) string { return string(c.AppendHeaders(nil)) }

	// transports/xhr-polling.js, _write (GET answers).
	for _, tt := range []struct {
		o      *Origins
		origin string
		cookie bool
		want   string
	}{
		{&all, "", false, ""},
		{&all, "http://a.test", false, "Access-Control-Allow-Origin: http://a.test\r\n"},
		{&all, "http://a.test", true, "Access-Control-Allow-Origin: http://a.test\r\nAccess-Control-Allow-Credentials: true\r\n"},
		{&all, "null", false, "Access-Control-Allow-Origin: *\r\n"},
		{&some, "http://bad.test", true, ""},
		{&some, "http://good.test", false, "Access-Control-Allow-Origin: http://good.test\r\n"},
	} {
		if got := hdr(PollingAnswerCORS(tt.o, []byte(tt.origin), tt.cookie)); got != tt.want {
			t.Errorf("answer %q cookie=%v: %q, want %q", tt.origin, tt.cookie, got, tt.want)
		}
	}

	// transports/xhr-polling.js, _onConnect, POST.
	for _, tt := range []struct {
		o      *Origins
		origin string
		cookie bool
		want   string
		ok     bool
	}{
		{&all, "", true, "", true},
		{&all, "http://a.test", false, "Access-Control-Allow-Origin: *\r\n", true},
		{&all, "http://a.test", true, "Access-Control-Allow-Origin: *\r\nAccess-Control-Allow-Credentials: true\r\n", true},
		{&some, "http://bad.test", false, "", false},
		{&some, "", false, "", true},
	} {
		c, ok := PollingPostCORS(tt.o, []byte(tt.origin), tt.cookie)
		if got := hdr(c); got != tt.want || ok != tt.ok {
			t.Errorf("post %q cookie=%v: %q %v, want %q %v", tt.origin, tt.cookie, got, ok, tt.want, tt.ok)
		}
	}

	// transports/xhr-multipart.js, _onConnect.
	if got := hdr(MultipartCORS(&all, []byte("http://a.test"), nil, false)); got != "Access-Control-Allow-Origin: *\r\nAccess-Control-Allow-Credentials: true\r\n" {
		t.Errorf("multipart: %q", got)
	}
	if got := hdr(MultipartCORS(&some, []byte("http://bad.test"), []byte("POST"), true)); got != "Access-Control-Allow-Methods: POST\r\n" {
		t.Errorf("multipart preflight, bad origin: %q", got)
	}
	if got := hdr(MultipartCORS(&all, []byte("http://a.test"), nil, true)); got != "Access-Control-Allow-Origin: *\r\nAccess-Control-Allow-Credentials: true\r\nAccess-Control-Allow-Methods: \r\n" {
		t.Errorf("multipart preflight, empty method: %q", got)
	}
	if got := hdr(MultipartCORS(&all, nil, nil, false)); got != "" {
		t.Errorf("multipart without origin: %q", got)
	}

	// transports/jsonp-polling.js, _write.
	if !JSONPAllowed(&some, nil) || JSONPAllowed(&some, []byte("http://bad.test")) || !JSONPAllowed(&some, []byte("http://good.test")) {
		t.Error("JSONPAllowed")
	}
}
