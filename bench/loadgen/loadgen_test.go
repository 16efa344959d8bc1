package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/frames"
)

// startTornadio starts a tornadio server with the benchmark contract.
func startTornadio(t *testing.T, opts ...tornadio.Option) string {
	t.Helper()
	base := []tornadio.Option{tornadio.WithEventLoops(1), tornadio.WithTransports(tornadio.TransportPolling, tornadio.TransportWebSocket)}
	srv := tornadio.NewServer(append(base, opts...)...)
	root := srv.Of("/")
	root.OnConnection(func(s *tornadio.Socket) {
		s.On("echo", func(a tornadio.Args, ack tornadio.Ack) {
			ack(rawArgs(a)...)
		})
		s.On("broadcast", func(a tornadio.Args) {
			root.Emit("broadcast", rawArgs(a)...)
		})
	})
	return serve(t, srv)
}

// serve starts srv on a free loopback port until the test ends and returns
// its address.
func serve(t *testing.T, srv *tornadio.Server) string {
	t.Helper()
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return srv.Addr()
}

func rawArgs(a tornadio.Args) []any {
	v := make([]any, a.Len())
	for i := range v {
		v[i] = json.RawMessage(bytes.Clone(a.Raw(i)))
	}
	return v
}

func run(t *testing.T, cfg Config) *Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := Run(ctx, cfg, testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(res)
	t.Logf("%s", b)
	if res.Connect.Connected != int64(cfg.Clients) || res.Connect.Failed != 0 || res.Results.Dropped != 0 {
		t.Errorf("connected %d of %d, failed %d, dropped %d, errors %v",
			res.Connect.Connected, cfg.Clients, res.Connect.Failed, res.Results.Dropped, res.Errors)
	}
	if res.Connect.LatencyUS.P50 <= 0 || res.Connect.LatencyUS.P99 < res.Connect.LatencyUS.P50 {
		t.Errorf("connect latency %+v", res.Connect.LatencyUS)
	}
	if res.Loadgen.CPUS <= 0 {
		t.Errorf("no load generator CPU reported")
	}
	return res
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimSpace(p)))
	return len(p), nil
}

func checkEcho(t *testing.T, res *Result) {
	t.Helper()
	r := res.Results
	if r.Acks < 100 || r.AcksPerSec <= 0 {
		t.Errorf("acks %d (%.0f/s)", r.Acks, r.AcksPerSec)
	}
	if l := r.LatencyUS; l == nil || l.P50 <= 0 || l.P99 < l.P50 || l.P999 < l.P99 || l.Count != uint64(r.Acks) {
		t.Errorf("ack latency %+v", l)
	}
}

func TestConns(t *testing.T) {
	t.Parallel()
	addr := startTornadio(t, tornadio.WithPingInterval(100*time.Millisecond), tornadio.WithPingTimeout(200*time.Millisecond))
	res := run(t, Config{Scenario: Conns, Target: addr, Clients: 20, Rate: 200, Hold: 600 * time.Millisecond, SrcIPs: 3})
	// Pings every 100 ms with a 200 ms timeout: sessions survive only if pongs go back.
	if res.Results.Alive != 20 || res.Results.PingsAnswered < 20 {
		t.Errorf("alive %d, pings answered %d", res.Results.Alive, res.Results.PingsAnswered)
	}
}

func TestEcho(t *testing.T) {
	t.Parallel()
	addr := startTornadio(t)
	checkEcho(t, run(t, Config{Scenario: Echo, Target: addr, Clients: 10, Duration: time.Second, Loops: 2}))
}

func TestPollingEcho(t *testing.T) {
	t.Parallel()
	addr := startTornadio(t)
	checkEcho(t, run(t, Config{Scenario: PollingEcho, Target: addr, Clients: 5, Duration: time.Second, Payload: 200}))
}

func TestBroadcast(t *testing.T) {
	t.Parallel()
	addr := startTornadio(t)
	res := run(t, Config{Scenario: Broadcast, Target: addr, Clients: 20, Rate: 50, Duration: time.Second, Loops: 2})
	r := res.Results
	if r.Sent < 30 || r.Receivers != 20 || r.DeliveryRatio != 1 || r.Delivered != r.Sent*20 {
		t.Errorf("sent %d, receivers %d, delivered %d, ratio %v", r.Sent, r.Receivers, r.Delivered, r.DeliveryRatio)
	}
	if l := r.LatencyUS; l == nil || l.P50 <= 0 || l.P99 < l.P50 {
		t.Errorf("delivery latency %+v", l)
	}
}

func TestRawEcho(t *testing.T) {
	t.Parallel()
	addr := startRaw(t)
	checkEcho(t, run(t, Config{Scenario: Echo, Target: addr, Raw: true, Clients: 10, Duration: 500 * time.Millisecond}))
}

func TestRawBroadcast(t *testing.T) {
	t.Parallel()
	addr := startRaw(t)
	res := run(t, Config{Scenario: Broadcast, Target: addr, Raw: true, Clients: 10, Rate: 100, Duration: 500 * time.Millisecond})
	if r := res.Results; r.Sent < 20 || r.DeliveryRatio != 1 {
		t.Errorf("sent %d, delivered %d, ratio %v", r.Sent, r.Delivered, r.DeliveryRatio)
	}
}

func TestNotLoopback(t *testing.T) {
	for _, target := range []string{"10.0.0.1:80", "example.com:80", "[::1]:80", "8.8.8.8:53"} {
		cfg := Config{Scenario: Echo, Target: target}
		if err := cfg.Normalize(); !errors.Is(err, ErrNotLoopback) && err == nil {
			t.Errorf("%s: accepted", target)
		}
	}
}

func TestDefaults(t *testing.T) {
	cfg := Config{Scenario: Conns, Target: "127.0.0.1:1", Clients: 100000}
	if err := cfg.Normalize(); err != nil {
		t.Fatal(err)
	}
	if cfg.Procs != 6 || cfg.SrcIPs*PortsPerIP() < 100000 || cfg.Loops < 1 {
		t.Errorf("procs %d, src ips %d, loops %d", cfg.Procs, cfg.SrcIPs, cfg.Loops)
	}
}

func TestHistogram(t *testing.T) {
	var h Histogram
	for i := int64(1); i <= 100000; i++ {
		h.Record(i * 1000) // 1 µs … 100 ms
	}
	for _, c := range []struct{ q, want float64 }{{0.5, 50e6}, {0.99, 99e6}, {0.999, 99.9e6}} {
		if got := h.Quantile(c.q); got < c.want*0.98 || got > c.want*1.02 {
			t.Errorf("q%v = %v, want ≈%v", c.q, got, c.want)
		}
	}
	var w Histogram
	w.fromWire(h.wire())
	if w.Summary() != h.Summary() {
		t.Errorf("wire round trip: %+v != %+v", w.Summary(), h.Summary())
	}
}

func TestParseResponse(t *testing.T) {
	var scratch []byte
	whole := "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n40\r\n3;x\r\n\x1e42\r\n0\r\n\r\n"
	r, n, err := parseResponse([]byte(whole), &scratch)
	if err != nil || n != 40 || string(r.body) != "ok" || r.close {
		t.Fatalf("first: %+v %d %v", r, n, err)
	}
	for cut := 0; cut < len(whole)-n; cut++ {
		if _, m, _ := parseResponse([]byte(whole[n:n+cut]), &scratch); m != 0 {
			t.Fatalf("cut %d: consumed %d of a partial response", cut, m)
		}
	}
	r, m, err := parseResponse([]byte(whole[n:]), &scratch)
	if err != nil || m != len(whole)-n || string(r.body) != "40\x1e42" || !r.close {
		t.Fatalf("chunked: %+v %d %v", r, m, err)
	}
}

// startRaw starts a goroutine-per-connection stand-in for the raw baseline:
// websocket upgrade on any path, text frames echoed, except those starting
// 42["broadcast" which go to every connection.
func startRaw(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var mu sync.Mutex
	conns := map[net.Conn]bool{}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				var key []byte
				for {
					line, err := br.ReadSlice('\n')
					if err != nil {
						return
					}
					if k, ok := bytes.CutPrefix(line, []byte("Sec-WebSocket-Key:")); ok {
						key = bytes.Clone(bytes.TrimSpace(k))
					}
					if len(bytes.TrimSpace(line)) == 0 {
						break
					}
				}
				c.Write(frames.AppendUpgradeResponse(nil, key))
				mu.Lock()
				conns[c] = true
				mu.Unlock()
				defer func() { mu.Lock(); delete(conns, c); mu.Unlock() }()
				var d frames.Decoder
				var in []byte
				buf := make([]byte, 4096)
				for {
					n, err := br.Read(buf)
					if err != nil {
						return
					}
					in = append(in, buf[:n]...)
					for {
						m, used, err := d.Next(in)
						if errors.Is(err, frames.ErrNeedMore) {
							break
						}
						if err != nil {
							return
						}
						in = in[used:]
						if m.Op != frames.OpText {
							continue
						}
						out := frames.AppendFrame(nil, frames.OpText, m.Payload)
						if bytes.HasPrefix(m.Payload, []byte(`42["broadcast"`)) {
							mu.Lock()
							for o := range conns {
								o.Write(out)
							}
							mu.Unlock()
						} else {
							c.Write(out)
						}
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}
