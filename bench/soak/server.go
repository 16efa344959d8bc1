package soak

import (
	"encoding/json"
	"log/slog"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/legacy"
)

// Server is the soak's tornadio server: both roads, every transport, the
// soak's timers, and the counts of sockets opened and closed.
type Server struct {
	*tornadio.Server
	counts counts
	seq    atomic.Int64
	stop   chan struct{}
}

// NewServer configures (does not start) the soak server on loops event
// loops, its Flash policy listener on policyPort.
func NewServer(loops, policyPort int, logger *slog.Logger) *Server {
	srv := tornadio.NewServer(
		tornadio.WithEventLoops(loops),
		tornadio.WithTransports(tornadio.TransportWebSocket, tornadio.TransportPolling,
			tornadio.TransportFlashSocket, tornadio.TransportXHRMultipart, tornadio.TransportXHRPolling,
			tornadio.TransportJSONPPolling, tornadio.TransportHTMLFile),
		tornadio.WithFlashPolicy(policyPort, ""),
		tornadio.WithPingInterval(PingInterval),
		tornadio.WithPingTimeout(PingTimeout),
		tornadio.WithLegacyOptions(legacy.Options{
			HeartbeatInterval: HeartbeatInterval,
			HeartbeatTimeout:  HeartbeatTimeout,
			PollDuration:      PollDuration,
			PollCloseTimeout:  PollCloseTimeout,
		}),
		tornadio.WithMaxBufferedBytes(MaxBuffered),
		tornadio.WithLogger(logger),
	)
	s := &Server{Server: srv, counts: counts{open: map[string]bool{}}, stop: make(chan struct{})}
	s.counts.st.Reasons = map[string]int64{}
	srv.Of("/").OnConnection(func(sock *tornadio.Socket) {
		id := sock.ID()
		s.counts.opened(id)
		sock.OnDisconnect(func(reason tornadio.DisconnectReason) { s.counts.closed(id, string(reason)) })
		sock.On("echo", func(args tornadio.Args, ack tornadio.Ack) {
			out := make([]any, args.Len())
			for i := range out {
				out[i] = json.RawMessage(args.Raw(i))
			}
			ack(out...)
		})
		sock.On("flood", func(n int) {
			// From a goroutine, a chunk a millisecond, until the socket is
			// gone: the loop writes as it goes, and the server cuts the
			// socket once the kernel's buffers and MaxBuffered are full.
			go func() {
				chunk := strings.Repeat("f", 32<<10)
				for range n / len(chunk) {
					if !sock.Connected() || sock.Emit("blob", chunk) != nil {
						return
					}
					time.Sleep(time.Millisecond)
				}
			}()
		})
		sock.On("message", func(text string) {
			if k, ok := strings.CutPrefix(text, "ping:"); ok {
				_ = sock.Send("pong:" + k)
			}
		})
	})
	return s
}

// Broadcast emits "seq:<n>:<padding>" to every socket of "/" every
// period, n counting from 1, until Close.
func (s *Server) Broadcast(every time.Duration, padding int) {
	pad := strings.Repeat("x", padding)
	ns := s.Of("/")
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				n := s.seq.Add(1)
				_ = ns.Emit("message", "seq:"+strconv.FormatInt(n, 10)+":"+pad)
			}
		}
	}()
}

// StopBroadcast ends Broadcast.
func (s *Server) StopBroadcast() { close(s.stop) }

// Stats is what /stats serves.
func (s *Server) Stats() ServerStats {
	st := s.counts.snapshot()
	st.Goroutines = runtime.NumGoroutine()
	st.Sessions = s.SessionCount()
	st.LegacySessions = s.LegacySessionCount()
	st.Broadcasts = s.seq.Load()
	return st
}

// counts are the sockets opened and closed, by id, so that a second close
// of one socket is seen.
type counts struct {
	mu   sync.Mutex
	open map[string]bool // the sockets open now
	st   ServerStats
}

func (c *counts) opened(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.Opens++
	if c.open[id] {
		c.st.DoubleOpens++
	}
	c.open[id] = true
}

func (c *counts) closed(id, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.Closes++
	c.st.Reasons[reason]++
	if !c.open[id] {
		c.st.StrayCloses++ // a second close, or a close of a socket never opened
		return
	}
	delete(c.open, id)
}

func (c *counts) snapshot() ServerStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.st
	st.Reasons = make(map[string]int64, len(c.st.Reasons))
	for k, v := range c.st.Reasons {
		st.Reasons[k] = v
	}
	st.OpenSockets = len(c.open)
	return st
}

// FreePort is a free loopback port (for the Flash policy listener).
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
