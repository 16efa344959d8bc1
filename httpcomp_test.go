package tornadio_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/tornadio/tornadio"
)

// pollOnce opens an Engine.IO v4 polling session on srv with client, and
// returns the first GET answer after the handshake.
func pollOnce(t *testing.T, srv *tornadio.Server, client *http.Client, header http.Header) *http.Response {
	t.Helper()
	base := "http://" + srv.Addr() + "/socket.io/?EIO=4&transport=polling"
	do := func(method, url, body string) *http.Response {
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		for k, v := range header {
			req.Header[k] = v
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := do("GET", base, "")
	open, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	sid, _, ok := strings.Cut(strings.TrimPrefix(string(open), `0{"sid":"`), `"`)
	if !ok {
		t.Fatalf("handshake answer %q", open)
	}
	resp = do("POST", base+"&sid="+sid, "40")
	resp.Body.Close()
	return do("GET", base+"&sid="+sid, "")
}

// A polling client that accepts gzip (Go's http.Transport asks for it and
// decodes it) gets large answers compressed by default, and decodes them to
// the same packets; one that does not, or a server with compression
// disabled, gets them as they are.
func TestHTTPCompressionOfPolling(t *testing.T) {
	payload := strings.Repeat("tornadio ", 1000)
	for _, c := range []struct {
		name       string
		opts       []tornadio.Option
		noGzip     bool
		compressed bool
	}{
		{"default", nil, false, true},
		{"client without gzip", nil, true, false},
		{"disabled", []tornadio.Option{tornadio.WithHTTPCompression(tornadio.HTTPCompression{Disable: true})}, false, false},
		{"threshold above", []tornadio.Option{tornadio.WithHTTPCompression(tornadio.HTTPCompression{Threshold: 20000})}, false, false},
		{"best speed", []tornadio.Option{tornadio.WithHTTPCompression(tornadio.HTTPCompression{Level: 1})}, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := tornadio.NewServer(append([]tornadio.Option{tornadio.WithEventLoops(1)}, c.opts...)...)
			srv.Of("/").OnConnection(func(s *tornadio.Socket) { _ = s.Emit("big", payload) })
			if err := srv.Start("127.0.0.1:0"); err != nil {
				t.Fatal(err)
			}
			defer stop(srv)
			client := &http.Client{Transport: &http.Transport{DisableCompression: c.noGzip}}
			defer client.CloseIdleConnections()
			resp := pollOnce(t, srv, client, nil)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.Uncompressed != c.compressed {
				t.Errorf("compressed: %v, want %v", resp.Uncompressed, c.compressed)
			}
			if !strings.Contains(string(body), `42["big","`+payload+`"]`) {
				t.Errorf("answer %.100q… lacks the event", body)
			}
		})
	}
}

// Behind a trusted proxy, a socket's Request.RemoteAddr is the client the
// proxy names; from any other peer, the header changes nothing.
func TestTrustedProxiesRemoteAddr(t *testing.T) {
	for _, c := range []struct {
		name    string
		proxies []string
		want    string
	}{
		{"trusted", []string{"127.0.0.0/8"}, "203.0.113.7:0"},
		{"trusted by address", []string{"::1", "127.0.0.1"}, "203.0.113.7:0"},
		{"not trusted", []string{"10.0.0.0/8"}, "127.0.0.1:"},
		{"none", nil, "127.0.0.1:"},
	} {
		t.Run(c.name, func(t *testing.T) {
			addrs := make(chan string, 1)
			srv := tornadio.NewServer(tornadio.WithEventLoops(1), tornadio.WithTrustedProxies(c.proxies...))
			srv.Of("/").OnConnection(func(s *tornadio.Socket) { addrs <- s.Request().RemoteAddr })
			if err := srv.Start("127.0.0.1:0"); err != nil {
				t.Fatal(err)
			}
			defer stop(srv)
			client := &http.Client{Transport: &http.Transport{}}
			defer client.CloseIdleConnections()
			pollOnce(t, srv, client, http.Header{"X-Forwarded-For": {"6.6.6.6, 203.0.113.7"}}).Body.Close()
			got := <-addrs
			if got != c.want && !(strings.HasSuffix(c.want, ":") && strings.HasPrefix(got, c.want)) {
				t.Errorf("RemoteAddr %q, want %q", got, c.want)
			}
		})
	}
}

func TestHTTPCompOptionsValidated(t *testing.T) {
	for i, opt := range []tornadio.Option{
		tornadio.WithTrustedProxies("10.0.0.300"),
		tornadio.WithTrustedProxies("10.0.0.0/33"),
		tornadio.WithTrustedProxies("proxy.example"),
		tornadio.WithHTTPCompression(tornadio.HTTPCompression{Level: 10}),
		tornadio.WithHTTPCompression(tornadio.HTTPCompression{Threshold: -1}),
	} {
		srv := tornadio.NewServer(tornadio.WithEventLoops(1), opt)
		if err := srv.Start("127.0.0.1:0"); err == nil {
			stop(srv)
			t.Errorf("option %d: Start accepted it", i)
		}
	}
}
