package httpfallback

import (
	"bufio"
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio/httpparse"
)

type answer struct {
	resp  *http.Response
	body  string
	raw   string
	close bool
}

// serve runs h for req and parses what comes back.
func serve(t *testing.T, h http.Handler, req *httpparse.Request) answer {
	t.Helper()
	done := make(chan answer, 1)
	s := &Server{Handler: h, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	s.Serve(req, "127.0.0.1:5000", func(resp []byte, close bool) {
		done <- answer{raw: string(resp), close: close}
	})
	var a answer
	select {
	case a = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("no response")
	}
	resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(a.raw)), &http.Request{Method: string(req.Method)})
	if err != nil {
		t.Fatalf("response %q: %v", a.raw, err)
	}
	b, _ := io.ReadAll(resp.Body)
	a.resp, a.body = resp, string(b)
	return a
}

func get(target string, headers ...httpparse.Header) *httpparse.Request {
	return &httpparse.Request{Method: []byte("GET"), Target: []byte(target), Minor: 1,
		Headers: append([]httpparse.Header{{Name: []byte("Host"), Value: []byte("example.test")}}, headers...)}
}

func TestServeCopiesTheRequest(t *testing.T) {
	var seen *http.Request
	var body []byte
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r
		body, _ = io.ReadAll(r.Body)
		w.Header().Set("X-Seen", r.URL.Query().Get("q"))
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, "<html>hi</html>")
	})
	req := get("/page?q=1", httpparse.Header{Name: []byte("X-A"), Value: []byte("b")})
	req.Method, req.Body = []byte("POST"), []byte("payload")
	a := serve(t, h, req)
	if seen.Method != "POST" || seen.URL.Path != "/page" || seen.Host != "example.test" || seen.Header.Get("X-A") != "b" ||
		seen.RemoteAddr != "127.0.0.1:5000" || seen.ProtoMinor != 1 || string(body) != "payload" || seen.ContentLength != 7 {
		t.Fatalf("handler saw %+v, body %q", seen, body)
	}
	if a.resp.StatusCode != http.StatusTeapot || a.body != "<html>hi</html>" || a.close ||
		a.resp.Header.Get("X-Seen") != "1" || a.resp.ContentLength != 15 ||
		!strings.HasPrefix(a.resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("response %q, close %v", a.raw, a.close)
	}
	if strings.Contains(a.raw, "Connection:") {
		t.Fatalf("response carries a Connection field: %q", a.raw)
	}
}

func TestHeadHasNoBody(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "body") })
	req := get("/")
	req.Method = []byte("HEAD")
	a := serve(t, h, req)
	if a.resp.ContentLength != 4 || strings.HasSuffix(a.raw, "body") {
		t.Fatalf("HEAD response %q", a.raw)
	}
}

func TestHandlerAsksToClose(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "keep-alive, Close")
		w.Header().Set("Transfer-Encoding", "chunked")
	})
	a := serve(t, h, get("/"))
	if !a.close || strings.Contains(a.raw, "Connection:") || strings.Contains(a.raw, "Transfer-Encoding") || a.resp.StatusCode != 200 {
		t.Fatalf("close %v, response %q", a.close, a.raw)
	}
	req := get("/")
	req.Close = true
	if a := serve(t, h, req); !a.close {
		t.Fatal("a request that closes did not close")
	}
}

func TestPanicIs500(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "half")
		panic("boom")
	})
	a := serve(t, h, get("/"))
	if a.resp.StatusCode != http.StatusInternalServerError || a.body != "" {
		t.Fatalf("response %q", a.raw)
	}
}

func TestBadTarget(t *testing.T) {
	called := false
	h := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true })
	a := serve(t, h, get("no-slash"))
	if called || !a.close || a.resp.StatusCode != http.StatusBadRequest || !bytes.Contains([]byte(a.body), []byte("bad request target")) {
		t.Fatalf("called %v, close %v, response %q", called, a.close, a.raw)
	}
}
