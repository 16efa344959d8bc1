package tornadio_test

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// bodyLength is an HTTPHandler that answers the length of the body it got.
// Other methods get 404 (the test server's warm-up requests).
var bodyLength = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	io.WriteString(w, strconv.Itoa(len(b)))
})

// postLength posts a body of n bytes to url, or, when headOnly, only
// announces n with Content-Length and sends none of it; it returns the
// status and the answer.
func postLength(t *testing.T, url string, n int, headOnly bool) (int, string) {
	t.Helper()
	var body io.Reader = bytes.NewReader(bytes.Repeat([]byte("a"), n))
	if headOnly {
		never := make(blockingReader)
		defer close(never)
		body = never
	}
	req, err := http.NewRequest("POST", url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(n)
	client := &http.Client{Timeout: 20 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST %d bytes: %v", n, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// blockingReader is a request body whose bytes never come (until it is
// closed): the server must answer from the head alone.
type blockingReader chan struct{}

func (b blockingReader) Read([]byte) (int, error) {
	<-b
	return 0, io.ErrUnexpectedEOF
}

// TestHTTPHandlerMaxBody: the WithHTTPHandler routes have a body cap of
// their own, HTTPHandlerMaxBody (default 10 MiB), not MaxPayload: a body
// past MaxPayload (and past the 2 MiB the event loops used to hold of an
// unfinished request) reaches the handler whole, and one past the cap is
// refused with 413 from its Content-Length alone, before it is sent.
func TestHTTPHandlerMaxBody(t *testing.T) {
	t.Run("default", func(t *testing.T) {
		srv := tcStartServer(t, nil, tornadio.WithHTTPHandler(bodyLength), tornadio.WithMaxPayload(1000))
		url := "http://" + srv.Addr() + "/upload"
		if status, got := postLength(t, url, 3<<20, false); status != 200 || got != strconv.Itoa(3<<20) {
			t.Fatalf("3 MiB body: %d %q", status, got)
		}
		if status, got := postLength(t, url, tornadio.DefaultHTTPHandlerMaxBody, false); status != 200 || got != strconv.Itoa(tornadio.DefaultHTTPHandlerMaxBody) {
			t.Fatalf("body at the default cap: %d %q", status, got)
		}
		if status, _ := postLength(t, url, tornadio.DefaultHTTPHandlerMaxBody+1, true); status != http.StatusRequestEntityTooLarge {
			t.Fatalf("body past the default cap: status %d, want 413", status)
		}
	})

	t.Run("WithHTTPHandlerMaxBody", func(t *testing.T) {
		srv := tcStartServer(t, nil, tornadio.WithHTTPHandler(bodyLength), tornadio.WithHTTPHandlerMaxBody(5000))
		url := "http://" + srv.Addr() + "/upload"
		if status, got := postLength(t, url, 5000, false); status != 200 || got != "5000" {
			t.Fatalf("body at the cap: %d %q", status, got)
		}
		if status, _ := postLength(t, url, 5001, true); status != http.StatusRequestEntityTooLarge {
			t.Fatalf("body past the cap: status %d, want 413", status)
		}
	})

	t.Run("negative", func(t *testing.T) {
		srv := tornadio.NewServer(tornadio.WithHTTPHandlerMaxBody(-1), tornadio.WithLogger(lgDiscardLogger()))
		if err := srv.Start("127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "negative") {
			t.Fatalf("Start with a negative cap: %v", err)
		}
	})
}

// TestMaxPayloadPastTwoMiB: a polling POST as big as a MaxPayload above
// 2 MiB reaches the session whole (the event loops hold as much of an
// unfinished request as the largest body a route takes).
func TestMaxPayloadPastTwoMiB(t *testing.T) {
	got := make(chan int, 1)
	srv := tornadio.NewEngineServer(tornadio.WithEventLoops(2), tornadio.WithLogger(lgDiscardLogger()),
		tornadio.WithMaxPayload(4<<20))
	srv.OnConnection(func(s *tornadio.EngineSession) {
		s.OnMessage(func(data []byte, binary bool) { got <- len(data) })
	})
	tcServe(t, srv)
	base := "http://" + srv.Addr() + "/engine.io/?EIO=4&transport=polling"
	client := &http.Client{Timeout: 20 * time.Second}
	resp, err := client.Get(base)
	if err != nil {
		t.Fatal(err)
	}
	open, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	sid, err := tcParseOpen(string(open))
	if err != nil {
		t.Fatal(err)
	}
	const size = 3 << 20
	resp, err = client.Post(base+"&sid="+sid, "text/plain", strings.NewReader("4"+strings.Repeat("a", size)))
	if err != nil {
		t.Fatalf("POST of 3 MiB: %v", err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(answer) != "ok" {
		t.Fatalf("POST of 3 MiB: %d %q", resp.StatusCode, answer)
	}
	select {
	case n := <-got:
		if n != size {
			t.Fatalf("message of %d bytes, want %d", n, size)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no message")
	}
}
