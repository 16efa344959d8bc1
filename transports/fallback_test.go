package transports_test

import (
	"testing"

	"github.com/tornadio/tornadio/httpparse"
	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

func TestFallback(t *testing.T) {
	cfg := testConfig()
	var pending []func()
	var paths []string
	cfg.Fallback = func(req *httpparse.Request, remote string, respond func([]byte, bool)) {
		path := string(req.Path)
		paths = append(paths, path+" "+remote)
		pending = append(pending, func() {
			body := "page " + path
			respond([]byte("HTTP/1.1 200 OK\r\nContent-Length: "+itoa(len(body))+"\r\n\r\n"+body), path == "/bye")
		})
	}
	h := newHarness(t, cfg, 2)
	c := h.Dial(1)
	c.Send(append(append(tt.Request("GET", "/a", nil), tt.Request("GET", "/b", nil)...), tt.Request("GET", "/bye", nil)...))
	noResponse(t, h, c)
	if len(paths) != 1 {
		t.Fatalf("pipelined requests handed over before the first answer: %q", paths)
	}
	for i := 0; i < 3; i++ {
		if len(pending) != 1 {
			t.Fatalf("step %d: %d pending", i, len(pending))
		}
		f := pending[0]
		pending = pending[1:]
		f() // from "another goroutine": posted back to loop 1
		h.Loops.RunAll()
	}
	rs, err := c.ReadResponses()
	if err != nil || len(rs) != 3 || string(rs[0].Body) != "page /a" || string(rs[2].Body) != "page /bye" {
		t.Fatalf("%v %v", rs, err)
	}
	wantClosed(t, h, c)
	// Engine.IO requests still go to the machine.
	c2 := h.Dial(0)
	pollOpen(t, h, c2, 4)
	_ = transports.Polling
}
