package interop_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// A polling POST over WithMaxPayload, through nginx: nginx must pass on
// tornadio's 413. tornadio answers as soon as it has the headers, while
// nginx is still sending the body; a close with that body unread made the
// kernel reset the connection, nginx's write failed ("writev() failed (32:
// Broken pipe) while sending request to upstream") and the client got 502.
// The body stays under nginx's own client_max_body_size (2m), so that it
// reaches tornadio.
func oversizedThroughNginx(t *testing.T, mode upstreamMode) {
	const max, size = 64 << 10, 1536 << 10
	_, _, ngx := startBehindNginx(t, mode, tornadio.WithMaxPayload(max))
	client := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for _, unbuffered := range []bool{false, true} {
		p := &eioPoller{t: t, client: client, nginx: ngx.url, unbuffered: unbuffered}
		status, body, err := p.do(http.MethodGet, "")
		if err != nil || status != http.StatusOK || !strings.HasPrefix(body, "0{") {
			t.Fatalf("handshake: %d %q %v", status, body, err)
		}
		p.sid = body[strings.Index(body, `"sid":"`)+7:]
		p.sid = p.sid[:strings.IndexByte(p.sid, '"')]
		status, body, err = p.do(http.MethodPost, "4"+strings.Repeat("x", size))
		if err != nil || status != http.StatusRequestEntityTooLarge {
			t.Errorf("oversized POST (unbuffered %v): %d %.80q %v, want 413", unbuffered, status, body, err)
		}
	}
	if p := ngx.problems(); len(p) > 0 {
		t.Errorf("nginx logged %d failures between it and tornadio:\n%s", len(p), joinLines(p))
	}
}
