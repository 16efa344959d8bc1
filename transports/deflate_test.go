package transports_test

import (
	"strings"
	"testing"

	"github.com/tornadio/tornadio/frames"
	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

const deflateOffer = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits"

func deflateConfig(d transports.DeflateConfig) transports.Config {
	cfg := testConfig()
	cfg.MaxPayload = 100_000
	cfg.Deflate = &d
	return cfg
}

// openDeflate opens a websocket session with the given offer headers and
// returns its connection, the 101 response and the session.
func openDeflate(t *testing.T, h *tt.Harness, headers ...string) (*tt.Conn, *tt.Response, *transports.Session) {
	t.Helper()
	c := h.Dial(0)
	c.Send(tt.WSUpgrade(4, "", headers...))
	r := response(t, h, c)
	if r.Status != 101 {
		t.Fatalf("%s", r.Raw)
	}
	_, open := inflated(t, c)
	return c, r, session(t, h, parseOpen(t, open).SID)
}

// inflated reads the next frame and returns it with its payload inflated.
func inflated(t *testing.T, c *tt.Conn) (tt.ServerFrame, string) {
	t.Helper()
	f := readFrame(t, c)
	p, err := f.Inflated()
	if err != nil {
		t.Fatalf("inflate %v: %v", f, err)
	}
	return f, string(p)
}

func TestDeflateNegotiation(t *testing.T) {
	const answer = "permessage-deflate; server_no_context_takeover; client_no_context_takeover"
	for _, c := range []struct {
		name    string
		cfg     *transports.DeflateConfig
		headers []string
		want    string
	}{
		{"off", nil, []string{deflateOffer}, ""},
		{"no offer", &transports.DeflateConfig{}, nil, ""},
		{"ws and browsers", &transports.DeflateConfig{}, []string{deflateOffer}, answer},
		{"second field", &transports.DeflateConfig{}, []string{"Sec-WebSocket-Extensions: x-foo", "Sec-WebSocket-Extensions: permessage-deflate"}, answer},
		{"declined offer", &transports.DeflateConfig{}, []string{"Sec-WebSocket-Extensions: permessage-deflate; bogus"}, ""},
		{"server window", &transports.DeflateConfig{ServerMaxWindowBits: 10}, []string{deflateOffer}, answer + "; server_max_window_bits=10"},
		{"client window", &transports.DeflateConfig{ClientMaxWindowBits: 12}, []string{deflateOffer}, answer + "; client_max_window_bits=12"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.Deflate = c.cfg
			h := newHarness(t, cfg, 1)
			_, r, _ := openDeflate(t, h, c.headers...)
			if got := r.Header("Sec-WebSocket-Extensions"); got != c.want {
				t.Fatalf("Sec-WebSocket-Extensions %q, want %q", got, c.want)
			}
		})
	}
}

func TestDeflateSend(t *testing.T) {
	h := newHarness(t, deflateConfig(transports.DeflateConfig{}), 1)
	c := h.Dial(0)
	c.Send(tt.WSUpgrade(4, "", deflateOffer))
	response(t, h, c)
	open := readFrame(t, c)
	if open.Compressed {
		t.Fatal("open packet compressed below the threshold")
	}
	s := session(t, h, parseOpen(t, string(open.Payload)).SID)
	big := strings.Repeat("compress me ", 200) // 2400 bytes
	h.On(0, func() {
		s.Send([]byte(big), false)
		s.Send([]byte("small"), false)
		s.SendUncompressed([]byte(big), false)
		s.Send([]byte(big), true)
		s.SendText([]byte("2"), []byte(big))
	})
	for i, want := range []struct {
		compressed bool
		op         frames.OpCode
		payload    string
	}{
		{true, frames.OpText, "4" + big},
		{false, frames.OpText, "4small"},
		{false, frames.OpText, "4" + big},
		{true, frames.OpBinary, big},
		{true, frames.OpText, "42" + big},
	} {
		f, p := inflated(t, c)
		if f.Compressed != want.compressed || f.Op != want.op || p != want.payload {
			t.Fatalf("frame %d: compressed %v op %d %d bytes, want %+v", i, f.Compressed, f.Op, len(p), want.compressed)
		}
		if f.Compressed && len(f.Payload) > 100 {
			t.Fatalf("frame %d: %d compressed bytes", i, len(f.Payload))
		}
	}
}

// A connection that did not agree gets plain frames, on the same server.
func TestDeflateOnlyWhenAgreed(t *testing.T) {
	h := newHarness(t, deflateConfig(transports.DeflateConfig{}), 1)
	c, _, s := openDeflate(t, h)
	big := strings.Repeat("x", 5000)
	h.On(0, func() { s.Send([]byte(big), false) })
	if f, p := inflated(t, c); f.Compressed || p != "4"+big {
		t.Fatalf("compressed %v, %d bytes", f.Compressed, len(p))
	}
	// RSV1 from a client that did not agree is a protocol error.
	c.Send(tt.CompressedFrame(frames.OpText, []byte("4hello")))
	h.Loops.RunAll()
	if f := readFrame(t, c); f.CloseCode() != 1002 {
		t.Fatalf("%v", f)
	}
}

func TestDeflateThresholdAndLevel(t *testing.T) {
	h := newHarness(t, deflateConfig(transports.DeflateConfig{Threshold: -1, Level: 1}), 1)
	c, _, s := openDeflate(t, h, deflateOffer)
	h.On(0, func() {
		s.Send([]byte("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), false)
		s.Send([]byte("x"), false) // does not shrink: sent plain
	})
	if f, p := inflated(t, c); !f.Compressed || p != "4"+strings.Repeat("a", 40) {
		t.Fatalf("%v", f)
	}
	if f, p := inflated(t, c); f.Compressed || p != "4x" {
		t.Fatalf("%v", f)
	}
}

// With a window under 15 bits, only messages no longer than the window are
// compressed: compress/flate cannot make a smaller window, but a message
// compressed alone refers back no further than its own start.
func TestDeflateSmallServerWindow(t *testing.T) {
	h := newHarness(t, deflateConfig(transports.DeflateConfig{Threshold: -1}), 1)
	c, r, s := openDeflate(t, h, "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=9")
	if !strings.HasSuffix(r.Header("Sec-WebSocket-Extensions"), "; server_max_window_bits=9") {
		t.Fatalf("%s", r.Raw)
	}
	fits := strings.Repeat("y", 511) // 512 bytes with the packet type
	h.On(0, func() {
		s.Send([]byte(fits), false)
		s.Send([]byte(fits+"y"), false)
	})
	if f, p := inflated(t, c); !f.Compressed || p != "4"+fits {
		t.Fatalf("%v", f)
	}
	if f, p := inflated(t, c); f.Compressed || p != "4"+fits+"y" {
		t.Fatalf("%v", f)
	}
}

func TestDeflateReceive(t *testing.T) {
	h := newHarness(t, deflateConfig(transports.DeflateConfig{}), 1)
	c, _, s := openDeflate(t, h, deflateOffer)
	big := strings.Repeat("é", 3000)
	msg := append(tt.CompressedFrame(frames.OpText, []byte("4"+big)), tt.CompressedFrame(frames.OpBinary, []byte{1, 2, 3})...)
	msg = append(msg, tt.Text("4plain")...)
	// A compressed message in two fragments, RSV1 on the first only.
	whole := tt.CompressedFrame(frames.OpText, []byte("4fragmented"))
	payload := unmask(whole)
	msg = append(msg, rsv1(tt.Fragment(frames.OpText, false, payload[:4]))...)
	msg = append(msg, tt.Fragment(frames.OpContinuation, true, payload[4:])...)
	c.Send(msg)
	h.Loops.RunAll()
	got := h.App.Messages(s.ID())
	if len(got) != 4 || got[0] != big || got[1] != "\x01\x02\x03" || got[2] != "plain" || got[3] != "fragmented" {
		t.Fatalf("messages %q", got)
	}
}

// unmask returns the payload of a masked client frame made by tt.
func unmask(f []byte) []byte {
	m, _, err := (&frames.Decoder{Deflate: true}).Next(append([]byte(nil), f...))
	if err != nil {
		panic(err)
	}
	return m.Payload
}

func rsv1(f []byte) []byte {
	f[0] |= 0x40
	return f
}

func TestDeflateBombCloses1009(t *testing.T) {
	h := newHarness(t, deflateConfig(transports.DeflateConfig{}), 1)
	c, _, s := openDeflate(t, h, deflateOffer)
	bomb := tt.CompressedFrame(frames.OpText, []byte("4"+strings.Repeat("0", 10_000_000)))
	if len(bomb) > 20_000 {
		t.Fatalf("bomb of %d bytes", len(bomb))
	}
	c.Send(bomb)
	h.Loops.RunAll()
	if f := readFrame(t, c); f.CloseCode() != 1009 {
		t.Fatalf("%v", f)
	}
	wantCloses(t, h, s.ID(), transports.ReasonTransportError)
	if len(h.App.Messages(s.ID())) != 0 {
		t.Fatal("bomb delivered")
	}
}

func TestDeflateBadDataCloses1007(t *testing.T) {
	h := newHarness(t, deflateConfig(transports.DeflateConfig{}), 1)
	c, _, _ := openDeflate(t, h, deflateOffer)
	c.Send(tt.CompressedFrame(frames.OpText, []byte("4\xff")))
	h.Loops.RunAll()
	if f := readFrame(t, c); f.CloseCode() != 1007 {
		t.Fatalf("%v", f)
	}
}

// A broadcast's compressed frame is made once and written as it is to
// every session that agreed; the others get the plain frame.
func TestDeflateShared(t *testing.T) {
	h := newHarness(t, deflateConfig(transports.DeflateConfig{}), 2)
	c1, _, s1 := openDeflate(t, h, deflateOffer)
	c2, _, s2 := openDeflate(t, h, deflateOffer)
	c3, _, s3 := openDeflate(t, h)
	big := strings.Repeat("broadcast ", 300)
	m := transports.NewShared([]byte(big))
	h.On(s1.Loop(), func() { s1.SendShared(m) })
	h.On(s2.Loop(), func() { s2.SendShared(m) })
	h.On(s3.Loop(), func() { s3.SendShared(m) })
	f1, p1 := inflated(t, c1)
	f2, p2 := inflated(t, c2)
	f3, p3 := inflated(t, c3)
	if !f1.Compressed || !f2.Compressed || f3.Compressed || p1 != "4"+big || p2 != p1 || p3 != p1 {
		t.Fatalf("%v %v %v", f1.Compressed, f2.Compressed, f3.Compressed)
	}
	h.On(s1.Loop(), func() { s1.SendSharedUncompressed(m) })
	if f, p := inflated(t, c1); f.Compressed || p != "4"+big {
		t.Fatalf("%v", f)
	}
}

// An upgrade from polling negotiates on the probe's request.
func TestDeflateUpgrade(t *testing.T) {
	h := newHarness(t, deflateConfig(transports.DeflateConfig{}), 1)
	p := h.Dial(0)
	p.Send(tt.PollGET(4, ""))
	sid := parseOpen(t, string(response(t, h, p).Body)).SID
	w := h.Dial(0)
	w.Send(tt.WSUpgrade(4, sid, deflateOffer))
	if r := response(t, h, w); r.Status != 101 || r.Header("Sec-WebSocket-Extensions") == "" {
		t.Fatalf("%s", r.Raw)
	}
	w.Send(tt.CompressedFrame(frames.OpText, []byte("2probe")))
	h.Loops.RunAll()
	if f, payload := inflated(t, w); payload != "3probe" {
		t.Fatalf("%v", f)
	}
	w.Send(tt.Text("5"))
	h.Loops.RunAll()
	s := session(t, h, sid)
	big := strings.Repeat("z", 3000)
	h.On(0, func() { s.Send([]byte(big), false) })
	if f, payload := inflated(t, w); !f.Compressed || payload != "4"+big {
		t.Fatalf("%v", f)
	}
}
