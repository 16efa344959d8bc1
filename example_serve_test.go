package tornadio_test

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
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tornadio/tornadio"
)

// A Server is an http.Handler: mount it in the mux of the http.Server a
// service runs already. Polling requests are served on net/http's
// goroutines; websockets leave net/http for the event loops.
func ExampleServer_ServeHTTP() {
	srv := tornadio.NewServer(tornadio.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		s.On("hello", func(name string) { s.Emit("welcome", "hi "+name) })
	})

	mux := http.NewServeMux()
	mux.Handle("/socket.io/", srv)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go hs.Serve(ln)

	// What socket.io-client asks first: an Engine.IO handshake.
	resp, err := http.Get("http://" + ln.Addr().String() + "/socket.io/?EIO=4&transport=polling")
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, strings.HasPrefix(string(body), `0{"sid":`))

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	hs.Shutdown(ctx)
	srv.Shutdown(ctx)
	// Output: 200 true
}

// TLS, and HTTP/2 for polling, come from http.Server: here with
// ListenAndServeTLS and a certificate made for the example. Websockets
// (HTTP/1.1 by ALPN) are served by a goroutine pair each.
func ExampleServer_ServeHTTP_tls() {
	certFile, keyFile, pool := exampleCertificate()
	srv := tornadio.NewServer(tornadio.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", srv)
	hs := &http.Server{Addr: exampleFreeAddr(), Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go hs.ListenAndServeTLS(certFile, keyFile)

	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: pool},
		ForceAttemptHTTP2: true,
	}}
	var resp *http.Response
	var err error
	for range 100 { // until the server listens
		resp, err = client.Get("https://" + hs.Addr + "/socket.io/?EIO=4&transport=polling")
		if err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Proto)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	hs.Shutdown(ctx)
	srv.Shutdown(ctx)
	// Output: 200 HTTP/2.0
}

// Serve takes a listener the application made (a unix socket, a socket
// passed by systemd, a TLS listener): the protocol machine reads the
// bytes itself, and a plain TCP connection costs no goroutine. It returns
// ErrServerClosed after Shutdown.
func ExampleServer_Serve() {
	srv := tornadio.NewServer(tornadio.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	resp, err := http.Get("http://" + ln.Addr().String() + "/socket.io/?EIO=4&transport=polling")
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srv.Shutdown(ctx)
	fmt.Println(errors.Is(<-served, http.ErrServerClosed))
	// Output:
	// 200
	// true
}

// exampleCertificate writes a self-signed certificate for 127.0.0.1 and its
// key to a temporary folder, and returns their files and a pool that
// trusts it.
func exampleCertificate() (certFile, keyFile string, pool *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "tornadio example"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		panic(err)
	}
	dir, err := os.MkdirTemp("", "tornadio-example")
	if err != nil {
		panic(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		panic(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		panic(err)
	}
	pool = x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	return certFile, keyFile, pool
}

// exampleFreeAddr is a loopback address with a port free a moment ago.
func exampleFreeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
