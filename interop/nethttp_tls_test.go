package interop_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// What the net/http tests share: a certificate made by the test, an
// http.Server serving TLS (HTTP/2 by ALPN, as net/http does by default) on
// a loopback port, and a record of the protocol every request came with.

// selfSignedCert makes an ECDSA P-256 certificate for 127.0.0.1 and
// localhost, valid for an hour, and the pool that trusts it.
func selfSignedCert(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("generating the key: %v", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		t.Fatalf("serial: %v", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "tornadio interop test"},
		NotBefore:             now.Add(-time.Minute),
		NotAfter:              now.Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("creating the certificate: %v", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("parsing the certificate: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// seenRequest is one request as the handler in front of the mux saw it.
type seenRequest struct {
	proto   string // r.Proto: "HTTP/1.1", "HTTP/2.0"
	major   int
	method  string
	path    string
	query   string
	upgrade string // the Upgrade header ("websocket" for a websocket)
}

// protoLog records every request that reaches the wrapped handler.
type protoLog struct {
	mu   sync.Mutex
	seen []seenRequest
}

func (l *protoLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.seen = append(l.seen, seenRequest{proto: r.Proto, major: r.ProtoMajor, method: r.Method,
			path: r.URL.Path, query: r.URL.RawQuery, upgrade: strings.ToLower(r.Header.Get("Upgrade"))})
		l.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

// under returns the requests whose path starts with prefix, and clears the
// whole record (each subtest reads its own).
func (l *protoLog) under(prefix string) []seenRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []seenRequest
	for _, s := range l.seen {
		if strings.HasPrefix(s.path, prefix) {
			out = append(out, s)
		}
	}
	l.seen = nil
	return out
}

// tlsSite is an http.Server serving TLS on a loopback port.
type tlsSite struct {
	base string // https://127.0.0.1:port
	pool *x509.CertPool
	// caFile is the certificate in PEM (see nodeEnv).
	caFile string
	log    *protoLog
}

// startTLSSite serves h over TLS with a certificate made for the test,
// HTTP/2 and HTTP/1.1 offered by ALPN, every request recorded. The server
// is shut down when the test ends (after whatever cleanup the caller
// registers later, which runs first).
func startTLSSite(t testing.TB, h http.Handler) *tlsSite {
	t.Helper()
	cert, pool := selfSignedCert(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	site := &tlsSite{base: "https://" + ln.Addr().String(), pool: pool, log: &protoLog{},
		caFile: filepath.Join(t.TempDir(), "ca.pem")}
	if err := os.WriteFile(site.caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Leaf.Raw}), 0o600); err != nil {
		t.Fatalf("writing the certificate: %v", err)
	}
	hs := &http.Server{
		Handler:           site.log.wrap(h),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
	}
	served := make(chan error, 1)
	go func() { served <- hs.ServeTLS(ln, "", "") }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := hs.Shutdown(ctx); err != nil {
			// Long-polls the tornadio server has ended may still be
			// finishing: closing is enough.
			_ = hs.Close()
		}
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("ServeTLS: %v", err)
		}
	})
	return site
}

// nodeEnv is the environment in which a Node.js script trusts the site's
// certificate (NODE_EXTRA_CA_CERTS), verifying the server as a real one.
func (s *tlsSite) nodeEnv() []string { return []string{"NODE_EXTRA_CA_CERTS=" + s.caFile} }

// client is an HTTP client trusting the site's certificate; h2 offers
// HTTP/2 by ALPN, else only HTTP/1.1.
func (s *tlsSite) client(h2 bool) *http.Client {
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.pool}, ForceAttemptHTTP2: h2}
	if !h2 {
		tr.TLSClientConfig.NextProtos = []string{"http/1.1"}
		tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	}
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// TestNetHTTPTLSSite checks the harness the net/http tests stand on: the
// test's certificate verifies for 127.0.0.1, a client offering h2 gets
// HTTP/2 and one offering only http/1.1 gets HTTP/1.1, and the record says
// which.
func TestNetHTTPTLSSite(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /page", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "page over "+r.Proto)
	})
	site := startTLSSite(t, mux)
	for _, c := range []struct {
		h2    bool
		proto string
		major int
	}{{true, "HTTP/2.0", 2}, {false, "HTTP/1.1", 1}} {
		resp, err := site.client(c.h2).Get(site.base + "/page")
		if err != nil {
			t.Fatalf("GET /page (h2 %v): %v", c.h2, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.ProtoMajor != c.major || string(body) != "page over "+c.proto {
			t.Errorf("h2 %v: response %s with %q, want %s", c.h2, resp.Proto, body, c.proto)
		}
		if seen := site.log.under("/page"); len(seen) != 1 || seen[0].major != c.major {
			t.Errorf("h2 %v: the server recorded %+v, want one request over %s", c.h2, seen, c.proto)
		}
	}
}
