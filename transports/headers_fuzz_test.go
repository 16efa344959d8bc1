package transports

import (
	"net/netip"
	"testing"

	"github.com/tornadio/tornadio/httpparse"
)

// FuzzAcceptedCoding: any Accept-Encoding field gives one of the three
// codings, without panicking, and the same one when asked twice. Seeds are
// RFC 9110 section 12.5.3's examples and browsers' fields.
func FuzzAcceptedCoding(f *testing.F) {
	for _, s := range []string{
		"compress, gzip", "", "*", "compress;q=0.5, gzip;q=1.0",
		"gzip;q=1.0, identity; q=0.5, *;q=0", "gzip, deflate, br, zstd",
		"deflate;q=0.5, gzip;q=0.5", "gzip;q=0.001", "gzip;q=abc", ",,;;q=,",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, field string) {
		r := &httpparse.Request{Headers: []httpparse.Header{{Name: []byte("accept-encoding"), Value: []byte(field)}}}
		got := acceptedCoding(r)
		switch got {
		case codingIdentity, codingGzip, codingDeflate:
		default:
			t.Fatalf("%q: coding %d", field, got)
		}
		if again := acceptedCoding(r); again != got {
			t.Fatalf("%q: %d then %d", field, got, again)
		}
	})
}

// FuzzForwardedClient: whatever X-Forwarded-For and Forwarded hold, the
// client found behind a trusted proxy is an ip:port (the peer's own when
// the fields name none), never a panic. Seeds are RFC 7239's examples and
// the de facto X-Forwarded-For form.
func FuzzForwardedClient(f *testing.F) {
	for _, s := range [][2]string{
		{"203.0.113.195, 70.41.3.18, 150.172.238.178", ""},
		{"2001:db8:85a3:8d3:1319:8a2e:370:7348", ""},
		{"", `for="_gazonk"`},
		{"", `For="[2001:db8:cafe::17]:4711"`},
		{"", "for=192.0.2.60;proto=http;by=203.0.113.43"},
		{"", "for=192.0.2.43, for=198.51.100.17"},
		{"unknown, 10.0.0.1", `for=unknown, for="[::1]"`},
		{"", `for="192.0.2.1:80, for=x"`},
	} {
		f.Add(s[0], s[1])
	}
	srv := &Server{cfg: Config{TrustedProxies: []netip.Prefix{
		netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128"),
	}}}
	const peer = "127.0.0.1:5000"
	f.Fuzz(func(t *testing.T, xff, forwarded string) {
		r := &httpparse.Request{}
		if xff != "" {
			r.Headers = append(r.Headers, httpparse.Header{Name: []byte("x-forwarded-for"), Value: []byte(xff)})
		}
		if forwarded != "" {
			r.Headers = append(r.Headers, httpparse.Header{Name: []byte("forwarded"), Value: []byte(forwarded)})
		}
		got := srv.forwardedClient(r, peer)
		if _, err := netip.ParseAddrPort(got); err != nil {
			t.Fatalf("X-Forwarded-For %q, Forwarded %q: client %q: %v", xff, forwarded, got, err)
		}
		if len(r.Headers) == 0 && got != peer {
			t.Fatalf("no forwarding fields: client %q, want the peer", got)
		}
	})
}
