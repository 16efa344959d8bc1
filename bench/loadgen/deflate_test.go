package loadgen

import (
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

func TestParseDeflateAnswer(t *testing.T) {
	for _, c := range []struct {
		head      string
		on, noCtx bool
		bits      int
		bad       bool
	}{
		{head: "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket"},
		{head: "HTTP/1.1 101 x\r\nsec-websocket-extensions: permessage-deflate", on: true, bits: 15},
		{head: "HTTP/1.1 101 x\r\nSec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover", on: true, noCtx: true, bits: 15},
		{head: "HTTP/1.1 101 x\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=10; server_max_window_bits=\"12\"", on: true, bits: 10},
		{head: "HTTP/1.1 101 x\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=16", bad: true},
		{head: "HTTP/1.1 101 x\r\nSec-WebSocket-Extensions: permessage-deflate, permessage-deflate", bad: true},
		{head: "HTTP/1.1 101 x\r\nSec-WebSocket-Extensions: x-webkit-deflate-frame", bad: true},
		{head: "HTTP/1.1 101 x\r\nSec-WebSocket-Extensions: permessage-deflate; mystery", bad: true},
	} {
		d, err := parseDeflateAnswer([]byte(c.head))
		if c.bad {
			if err == nil {
				t.Errorf("%q: accepted", c.head)
			}
			continue
		}
		if err != nil || (d != nil) != c.on {
			t.Errorf("%q: %+v, %v", c.head, d, err)
			continue
		}
		if d != nil && (d.serverNoContext != c.noCtx || d.clientMaxBits != c.bits) {
			t.Errorf("%q: %+v, want no context %v, bits %d", c.head, d, c.noCtx, c.bits)
		}
	}
}

// TestInflateKeepsTheServersContext compresses messages as a server that
// keeps its context does (one stream, a sync flush after each message,
// its tail removed): the second message refers back into the first, and
// inflates only with the first as its dictionary.
func TestInflateKeepsTheServersContext(t *testing.T) {
	msgs := [][]byte{words(3000), words(3000), append(words(40000), " end"...), words(500)}
	var stream bytes.Buffer
	w, _ := flate.NewWriter(&stream, flate.BestCompression)
	var l loop
	d := &wsDeflate{clientMaxBits: 15}
	for i, m := range msgs {
		stream.Reset()
		w.Write(m)
		w.Flush()
		z := bytes.TrimSuffix(stream.Bytes(), []byte{0, 0, 0xff, 0xff})
		if i == 1 && len(z) > 100 {
			t.Errorf("the repeated message compressed to %d bytes: it should refer back to the first", len(z))
		}
		got, err := l.inflate(d, z)
		if err != nil || !bytes.Equal(got, m) {
			t.Fatalf("message %d: inflated %d bytes (%v), want %d", i, len(got), err, len(m))
		}
		if len(d.window) > maxWindow {
			t.Fatalf("window of %d bytes", len(d.window))
		}
	}
	// Without the context the repeated message does not inflate.
	stream.Reset()
	w.Write(msgs[3])
	w.Flush()
	z := bytes.TrimSuffix(stream.Bytes(), []byte{0, 0, 0xff, 0xff})
	if got, err := l.inflate(&wsDeflate{serverNoContext: true}, z); err == nil && bytes.Equal(got, msgs[3]) {
		t.Error("a message referring to the previous one inflated without the context")
	}
}

func TestDeflateRoundTrip(t *testing.T) {
	var l loop
	d := &wsDeflate{serverNoContext: true, clientMaxBits: 15}
	for _, m := range [][]byte{words(1), words(1024), words(100000)} {
		z, ok := l.deflate(d, m)
		if !ok {
			t.Fatal("not compressed")
		}
		z = append([]byte(nil), z...)
		got, err := l.inflate(d, z)
		if err != nil || !bytes.Equal(got, m) {
			t.Fatalf("%d bytes: round trip gave %d (%v)", len(m), len(got), err)
		}
	}
	if _, ok := l.deflate(&wsDeflate{clientMaxBits: 9}, words(1000)); ok {
		t.Error("compressed 1000 bytes though the server allows the client a 512-byte window")
	}
}

func TestDeflateNeedsWebsocket(t *testing.T) {
	for _, cfg := range []Config{
		{Scenario: PollingEcho, Target: "127.0.0.1:1", Deflate: true},
		{Scenario: Conns, Transport: "polling", Target: "127.0.0.1:1", Deflate: true},
		{Scenario: Echo, Raw: true, Target: "127.0.0.1:1", Deflate: true},
	} {
		if err := cfg.Normalize(); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
}

// startNodeDeflate starts bench/node/server.js with permessage-deflate
// (ws keeps its context by default), skipping when node or its packages
// are not installed.
func startNodeDeflate(t *testing.T, threshold string) string {
	t.Helper()
	node, err := exec.LookPath("node")
	dir, _ := filepath.Abs(filepath.Join("..", "node"))
	if _, serr := os.Stat(filepath.Join(dir, "node_modules", "socket.io")); err != nil || serr != nil {
		t.Skip("node or bench/node/node_modules missing (cd bench/node && npm ci)")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, node, "server.js", "-deflate", "-deflate-threshold", threshold)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	var ready struct{ Addr string }
	if err != nil || json.Unmarshal([]byte(line), &ready) != nil || ready.Addr == "" {
		t.Fatalf("server.js: %q, %v", line, err)
	}
	return ready.Addr
}

// TestDeflateAgainstNode runs the echo with permessage-deflate against
// socket.io 4.8 with perMessageDeflate on: every message both ways is
// compressed (threshold 1 on both sides), the server keeping its context,
// and every ack must come back.
func TestDeflateAgainstNode(t *testing.T) {
	addr := startNodeDeflate(t, "1")
	res := run(t, Config{Scenario: Echo, Target: addr, Clients: 5, Duration: 700 * time.Millisecond,
		Deflate: true, DeflateThreshold: 1, Words: true, Payload: 2000})
	checkEcho(t, res)
	if r := res.Results; r.CompressedIn < r.Acks || r.CompressedOut < r.Acks {
		t.Errorf("%d acks, %d compressed messages in and %d out: want every one compressed", r.Acks, r.CompressedIn, r.CompressedOut)
	}
	if !res.Params.Deflate || !res.Params.Words {
		t.Errorf("params %+v", res.Params)
	}
}

// TestDeflateRequired fails the sessions of a server that does not accept
// the offer: a deflate setup must measure deflate.
func TestDeflateRequired(t *testing.T) {
	addr := startTornadio(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, _ := Run(ctx, Config{Scenario: Echo, Target: addr, Clients: 2, Duration: 300 * time.Millisecond, Deflate: true}, testWriter{t})
	if res == nil || res.Connect.Connected != 0 {
		t.Fatalf("sessions connected to a server without permessage-deflate: %+v", res)
	}
	var named bool
	for k := range res.Errors {
		named = named || strings.Contains(k, "permessage-deflate")
	}
	if !named {
		t.Errorf("errors %v do not name permessage-deflate", res.Errors)
	}
}

// TestDeflateAgainstTornadio runs the echo with permessage-deflate against
// tornadio with WithPerMessageDeflate (no context takeover either way):
// every message both ways is compressed, every ack comes back.
func TestDeflateAgainstTornadio(t *testing.T) {
	addr := startTornadio(t, tornadio.WithPerMessageDeflate(tornadio.PerMessageDeflate{Threshold: -1}))
	res := run(t, Config{Scenario: Echo, Target: addr, Clients: 5, Duration: 700 * time.Millisecond,
		Deflate: true, DeflateThreshold: 1, Words: true, Payload: 2000})
	checkEcho(t, res)
	if r := res.Results; r.CompressedIn < r.Acks || r.CompressedOut < r.Acks {
		t.Errorf("%d acks, %d compressed messages in and %d out: want every one compressed", r.Acks, r.CompressedIn, r.CompressedOut)
	}
}
