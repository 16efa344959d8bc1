package interop_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// The Engine.IO polling sequence of the official test suites, through nginx:
// every request on a new client connection with "Connection: close", as the
// suites' HTTP client sends them. Several sessions one after the other, so
// that in the HTTP/1.1 mode nginx's pool must carry them on reused upstream
// connections.

// eioPoller speaks Engine.IO 4 long-polling through nginx.
type eioPoller struct {
	t      *testing.T
	client *http.Client
	nginx  string // http://127.0.0.1:port
	sid    string
	// unbuffered: through nginx's location without proxy buffering, where
	// nginx reads tornadio's answer only as fast as the client reads it.
	unbuffered bool
	// stall: how long to wait between an answer's header and reading its
	// body, so that the answer backs up to tornadio.
	stall time.Duration
}

func (p *eioPoller) url() string {
	u := p.nginx + "/socket.io/?EIO=4&transport=polling"
	if p.unbuffered {
		u = p.nginx + "/unbuffered/socket.io/?EIO=4&transport=polling"
	}
	if p.sid != "" {
		u += "&sid=" + p.sid
	}
	return u
}

// do sends one request with "Connection: close" and returns status and body.
func (p *eioPoller) do(method, body string) (int, string, error) {
	req, err := http.NewRequest(method, p.url(), strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Close = true
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, "", fmt.Errorf("%s %s: %w", method, p.url(), err)
	}
	defer resp.Body.Close()
	time.Sleep(p.stall)
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, string(b), fmt.Errorf("%s %s: reading the body (%d bytes read, Content-Length %d): %w",
			method, p.url(), len(b), resp.ContentLength, err)
	}
	return resp.StatusCode, string(b), nil
}

// post sends payload and wants 200 "ok".
func (p *eioPoller) post(payload string) {
	p.t.Helper()
	status, body, err := p.do(http.MethodPost, payload)
	if err != nil || status != http.StatusOK || body != "ok" {
		p.t.Fatalf("POST %.40q: %d %q %v", payload, status, body, err)
	}
}

// next polls until a packet other than a ping arrives (pings are answered)
// and returns the packets of that answer.
func (p *eioPoller) next() []string {
	p.t.Helper()
	got, err := p.poll()
	if err != nil {
		p.t.Fatal(err)
	}
	return got
}

func (p *eioPoller) poll() ([]string, error) {
	for range 10 {
		status, body, err := p.do(http.MethodGet, "")
		if err != nil || status != http.StatusOK {
			return nil, fmt.Errorf("GET: %d %.80q %w", status, body, err)
		}
		var got []string
		for _, pkt := range strings.Split(body, "\x1e") {
			if pkt == "2" {
				p.post("3")
				continue
			}
			got = append(got, pkt)
		}
		if len(got) > 0 {
			return got, nil
		}
	}
	return nil, fmt.Errorf("GET: only pings in 10 answers")
}

// The large answer: bigEvents events of bigEventSize bytes, queued, then
// taken by one GET whose client stalls for bigStall before reading. 20 MB
// is far above what the kernel's socket buffers on the way (tornadio to
// nginx, nginx to the client) take in meanwhile: about 8 MB here.
const (
	bigEvents    = 20
	bigEventSize = 1 << 20
	bigStall     = 300 * time.Millisecond
)

func engineIOThroughNginx(t *testing.T, mode upstreamMode) {
	// Long heartbeats: a ping must not end a session while the large answer
	// is queued and read.
	const interval, timeout = 5 * time.Second, 10 * time.Second
	rec, hs, ngx := startBehindNginx(t, mode, tornadio.WithMaxBufferedBytes((bigEvents+1)*bigEventSize),
		tornadio.WithPingInterval(interval), tornadio.WithPingTimeout(timeout))
	client := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	const sessions = 3
	var ids []string
	for i := range sessions {
		p := &eioPoller{t: t, client: client, nginx: ngx.url}
		status, body, err := p.do(http.MethodGet, "")
		if err != nil || status != http.StatusOK || !strings.HasPrefix(body, "0{") {
			t.Fatalf("session %d: handshake: %d %q %v", i, status, body, err)
		}
		var open struct {
			SID          string   `json:"sid"`
			Upgrades     []string `json:"upgrades"`
			PingInterval int      `json:"pingInterval"`
			PingTimeout  int      `json:"pingTimeout"`
		}
		if err := json.Unmarshal([]byte(body[1:]), &open); err != nil || open.SID == "" {
			t.Fatalf("session %d: handshake body %q: %v", i, body, err)
		}
		if open.PingInterval != int(interval.Milliseconds()) || open.PingTimeout != int(timeout.Milliseconds()) {
			t.Errorf("session %d: handshake %q: heartbeat is not the server's", i, body)
		}
		p.sid = open.SID

		p.post("40")
		got := p.next()
		var conn struct {
			SID string `json:"sid"`
		}
		if len(got) != 1 || !strings.HasPrefix(got[0], "40{") || json.Unmarshal([]byte(got[0][2:]), &conn) != nil || conn.SID == "" {
			t.Fatalf("session %d: after CONNECT got %q, want 40{\"sid\":…}", i, got)
		}
		ids = append(ids, conn.SID)

		p.post(`421["echo","through nginx"]`)
		if got := p.next(); len(got) != 1 || got[0] != `431["through nginx"]` {
			t.Errorf("session %d: echo ack: got %q, want %q", i, got, `431["through nginx"]`)
		}

		if i == 0 {
			// Once: every byte of a large answer must arrive, also when
			// tornadio closes the connection after it (HTTP/1.0).
			p.post(fmt.Sprintf(`42["fill",%d,%d]`, bigEvents, bigEventSize))
			var want []string
			payload := strings.Repeat("0123456789", bigEventSize/10)
			for k := range bigEvents {
				want = append(want, fmt.Sprintf(`42["filler",%d,"%s"]`, k, payload))
			}
			p.unbuffered, p.stall = true, bigStall
			if got, err := p.poll(); err != nil {
				t.Errorf("session %d: large answer: %v", i, err)
			} else if strings.Join(got, "\x1e") != strings.Join(want, "\x1e") {
				t.Errorf("session %d: large answer: got %d packets, %d bytes, want %d packets, %d bytes",
					i, len(got), len(strings.Join(got, "\x1e")), len(want), len(strings.Join(want, "\x1e")))
			}
			p.unbuffered, p.stall = false, 0
		}

		// Two packets in one POST: the namespace disconnect, then the
		// Engine.IO close.
		p.post("41\x1e1")
		// The first GET after a client's close gets the noop that would
		// have released a GET in flight (with several loops, one sent
		// before the close can be read after it: transports' clientClose);
		// from the next on, the session is unknown.
		status, body, err = p.do(http.MethodGet, "")
		if err != nil || status != http.StatusOK || body != "6" {
			t.Errorf("session %d: first GET after close: %d %q %v, want 200 \"6\"", i, status, body, err)
		}
		status, body, err = p.do(http.MethodGet, "")
		if err != nil || status != http.StatusBadRequest {
			t.Errorf("session %d: GET after close: %d %q %v, want 400", i, status, body, err)
		}
	}
	expectDisconnects(t, rec, ids, "client namespace disconnect")
	if p := ngx.problems(); len(p) > 0 {
		t.Errorf("nginx logged %d failures between it and tornadio:\n%s", len(p), joinLines(p))
	}
	total, distinct := hs.counts()
	t.Logf("%d handshakes reached tornadio on %d distinct upstream connections", total, distinct)
	// Over HTTP/1.1 with a keepalive pool the requests are sequential, so
	// each handshake finds the previous session's connection idle in the
	// pool, unless tornadio closed it.
	if mode.keepalive && distinct == total {
		t.Errorf("HTTP/1.1 with keepalive: %d handshakes came on %d distinct upstream connections, want reuse", total, distinct)
	}
}
