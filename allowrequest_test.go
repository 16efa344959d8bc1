package tornadio_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tornadio/tornadio"
)

func TestAllowRequestRefusesHandshake(t *testing.T) {
	var seen atomic.Value
	srv := tornadio.NewServer(tornadio.WithEventLoops(2), tornadio.WithAllowRequest(func(r *tornadio.Request) error {
		seen.Store(r.Header.Get("X-Token"))
		if r.Query().Get("deny") != "" {
			return errors.New("no")
		}
		return nil
	}))
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer stop(srv)
	base := "http://" + srv.Addr() + "/socket.io/?EIO=4&transport=polling"
	req, _ := http.NewRequest("GET", base+"&deny=1", nil)
	req.Header.Set("X-Token", "abc")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || string(body) != `{"code":4,"message":"Forbidden"}` {
		t.Fatalf("refused handshake: %d %s", resp.StatusCode, body)
	}
	if seen.Load() != "abc" {
		t.Fatalf("AllowRequest saw header %q", seen)
	}
	if open := get(base); !strings.HasPrefix(open, `0{"sid":`) {
		t.Fatalf("allowed handshake: %q", open)
	}
	if n := srv.SessionCount(); n != 1 {
		t.Fatalf("sessions = %d, want 1 (the refused one must not linger)", n)
	}
}
