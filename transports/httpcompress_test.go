package transports_test

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// decodeBody undoes r's Content-Encoding.
func decodeBody(t *testing.T, r *tt.Response) []byte {
	t.Helper()
	var zr io.Reader
	var err error
	switch enc := r.Header("Content-Encoding"); enc {
	case "":
		return r.Body
	case "gzip":
		zr, err = gzip.NewReader(bytes.NewReader(r.Body))
	case "deflate":
		zr, err = zlib.NewReader(bytes.NewReader(r.Body))
	default:
		t.Fatalf("Content-Encoding %q", enc)
	}
	if err != nil {
		t.Fatalf("%s body: %v", r.Header("Content-Encoding"), err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s body: %v", r.Header("Content-Encoding"), err)
	}
	return b
}

// headerValues returns every value of the header fields named name.
func headerValues(r *tt.Response, name string) []string {
	var out []string
	for _, h := range r.Headers {
		if strings.EqualFold(h[0], name) {
			out = append(out, h[1])
		}
	}
	return out
}

// pollWith opens a polling session, queues msg (text) and answers a GET
// sent with headers; it returns that answer.
func pollWith(t *testing.T, cfg transports.Config, eio int, msg string, headers ...string) *tt.Response {
	t.Helper()
	h := newHarness(t, cfg, 1)
	c := h.Dial(0)
	sid := pollOpen(t, h, c, eio).SID
	h.Send(session(t, h, sid), msg, false)
	h.Loops.RunAll()
	c.Send(tt.PollGET(eio, sid, headers...))
	r := response(t, h, c)
	if r.Status != 200 {
		t.Fatalf("GET: %s", r.Raw)
	}
	if n, err := strconv.Atoi(r.Header("Content-Length")); err != nil || n != len(r.Body) {
		t.Fatalf("Content-Length %q for %d bytes", r.Header("Content-Length"), len(r.Body))
	}
	return r
}

func TestPollAnswerCompression(t *testing.T) {
	big := strings.Repeat("compressible ", 200) // 2600 bytes
	for _, c := range []struct {
		name, accept string
		msg          string
		want         string // Content-Encoding
		vary         bool
	}{
		{"gzip", "gzip, deflate, br", big, "gzip", true},
		{"deflate", "deflate", big, "deflate", true},
		{"preferred by q", "gzip;q=0.5, deflate;q=0.8", big, "deflate", true},
		{"refused", "gzip;q=0, br", big, "", true},
		{"wildcard", "*", big, "gzip", true},
		{"no Accept-Encoding", "", big, "", true},
		{"below the threshold", "gzip", strings.Repeat("x", 1022), "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var headers []string
			if c.accept != "" {
				headers = append(headers, "Accept-Encoding: "+c.accept)
			}
			r := pollWith(t, transports.Config{}, 4, c.msg, headers...)
			if got := r.Header("Content-Encoding"); got != c.want {
				t.Errorf("Content-Encoding %q, want %q", got, c.want)
			}
			if got := decodeBody(t, r); string(got) != "4"+c.msg {
				t.Errorf("decoded body %d bytes, want %d", len(got), 1+len(c.msg))
			}
			if c.want != "" && len(r.Body) >= len(c.msg)/4 {
				t.Errorf("%d compressed bytes for %d", len(r.Body), 1+len(c.msg))
			}
			vary := headerValues(r, "Vary")
			if has := len(vary) == 1 && vary[0] == "Accept-Encoding"; has != c.vary {
				t.Errorf("Vary fields %q, want Accept-Encoding: %v", vary, c.vary)
			}
		})
	}
}

// The threshold counts the body's bytes, as engine.io's does: a body of
// exactly Threshold bytes is compressed.
func TestPollAnswerThreshold(t *testing.T) {
	cfg := transports.Config{HTTPCompression: transports.HTTPCompression{Threshold: 100}}
	r := pollWith(t, cfg, 4, strings.Repeat("y", 99), "Accept-Encoding: gzip")
	if r.Header("Content-Encoding") != "gzip" {
		t.Errorf("100-byte body: Content-Encoding %q, want gzip", r.Header("Content-Encoding"))
	}
	r = pollWith(t, cfg, 4, strings.Repeat("y", 98), "Accept-Encoding: gzip")
	if r.Has("Content-Encoding") || r.Has("Vary") {
		t.Errorf("99-byte body: compressed or Vary:\n%s", r.Raw)
	}
}

func TestPollAnswerCompressionDisabled(t *testing.T) {
	cfg := transports.Config{HTTPCompression: transports.HTTPCompression{Disable: true}}
	r := pollWith(t, cfg, 4, strings.Repeat("z", 5000), "Accept-Encoding: gzip")
	if r.Has("Content-Encoding") || r.Has("Vary") {
		t.Errorf("compression off, but:\n%s", r.Raw[:200])
	}
}

// Engine.IO v3 answers, text and binary (the XHR2 payload format), are
// compressed too, as engine.io compresses both.
func TestPollAnswerCompressionV3Binary(t *testing.T) {
	h := newHarness(t, transports.Config{}, 1)
	c := h.Dial(0)
	sid := pollOpen(t, h, c, 3).SID
	bin := bytes.Repeat([]byte{0, 1, 2, 3}, 1000)
	h.On(0, func() { session(t, h, sid).Send(bin, true) })
	h.Loops.RunAll()
	c.Send(tt.PollGET(3, sid, "Accept-Encoding: gzip"))
	r := response(t, h, c)
	if r.Header("Content-Type") != "application/octet-stream" || r.Header("Content-Encoding") != "gzip" {
		t.Fatalf("binary answer not gzipped:\n%s", r.Raw[:200])
	}
	body := decodeBody(t, r)
	// v3 binary payload: 0x01, the length in decimal digits, 0xff, then
	// the packet (type byte 4, the data).
	want := append([]byte{1, 4, 0, 0, 1, 0xff, 4}, bin...)
	if !bytes.Equal(body, want) {
		t.Fatalf("decoded payload starts %v, want %v", body[:10], want[:10])
	}
}

// A JSONP answer is compressed as a whole script, as engine.io does (its
// JSONP transport writes through the polling one).
func TestJSONPAnswerCompression(t *testing.T) {
	h := newHarness(t, transports.Config{}, 1)
	c := h.Dial(0)
	c.Send(jsonpGET(4, "", "3"))
	o := parseOpen(t, jsonpPayload(t, response(t, h, c), "3"))
	msg := strings.Repeat("jsonp ", 500)
	h.Send(session(t, h, o.SID), msg, false)
	h.Loops.RunAll()
	c.Send(jsonpGET(4, o.SID, "3", "Accept-Encoding: gzip"))
	r := response(t, h, c)
	if r.Header("Content-Encoding") != "gzip" {
		t.Fatalf("JSONP answer not gzipped:\n%s", r.Raw[:200])
	}
	r.Body = decodeBody(t, r)
	if got := jsonpPayload(t, r, "3"); got != "4"+msg {
		t.Fatalf("JSONP payload %d bytes, want %d", len(got), 1+len(msg))
	}
}

// A parked GET is answered in the coding it asked for, even when the
// packets arrive later.
func TestParkedPollAnswerCompression(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	sid := pollOpen(t, h, c, 4).SID
	c.Send(tt.PollGET(4, sid, "Accept-Encoding: deflate"))
	noResponse(t, h, c)
	msg := strings.Repeat("later ", 400)
	h.Send(session(t, h, sid), msg, false)
	r := response(t, h, c)
	if r.Header("Content-Encoding") != "deflate" {
		t.Fatalf("parked GET's answer not deflated:\n%s", r.Raw[:200])
	}
	if got := decodeBody(t, r); string(got) != "4"+msg {
		t.Fatalf("decoded %d bytes, want %d", len(got), 1+len(msg))
	}
}

// A POST's answer and errors are never compressed.
func TestPollPostAnswerUncompressed(t *testing.T) {
	h := newHarness(t, testConfig(), 1)
	c := h.Dial(0)
	sid := pollOpen(t, h, c, 4).SID
	c.Send(tt.PollPOST(4, sid, "4"+strings.Repeat("p", 900), "Accept-Encoding: gzip"))
	r := response(t, h, c)
	wantStatus(t, r, 200, "ok")
	if r.Has("Content-Encoding") || r.Has("Vary") {
		t.Errorf("POST answer:\n%s", r.Raw)
	}
}

// TestPollAnswerUncompressedPackets: an answer whose every packet was sent
// with Compress(false) (SendUncompressed) goes uncompressed whatever its
// size, as engine.io's polling does; one plain packet among them lets the
// whole answer be compressed.
func TestPollAnswerUncompressedPackets(t *testing.T) {
	big := strings.Repeat("compressible ", 200)
	for _, c := range []struct {
		name  string
		plain bool // one packet sent with Send too
		want  string
	}{
		{"all uncompressed", false, ""},
		{"one compressible", true, "gzip"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, transports.Config{}, 1)
			conn := h.Dial(0)
			sid := pollOpen(t, h, conn, 4).SID
			s := session(t, h, sid)
			h.Loops.On(s.Loop(), func() {
				s.SendUncompressed([]byte(big), false)
				if c.plain {
					s.Send([]byte("x"), false)
				}
			})
			h.Loops.RunAll()
			conn.Send(tt.PollGET(4, sid, "Accept-Encoding: gzip"))
			r := response(t, h, conn)
			if got := r.Header("Content-Encoding"); got != c.want {
				t.Fatalf("Content-Encoding %q, want %q", got, c.want)
			}
			if !bytes.Contains(decodeBody(t, r), []byte(big)) {
				t.Fatalf("answer lost the message: %.80q", r.Body)
			}
		})
	}
}
