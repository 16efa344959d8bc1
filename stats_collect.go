package tornadio

import (
	"sync"
	"sync/atomic"

	"github.com/tornadio/tornadio/adapter"
)

// How Stats is filled. Every layer counts what it sees, on the event loop
// where it happens, into a block of counters of that loop, with atomic
// adds and no lock or allocation; Stats sums the blocks when asked:
//
//   - transports (transports.Server.Counts, LoopCounts): sessions opened
//     and open by transport, refused handshakes, message bytes in and out,
//     slow-consumer cuts, connections and timer lag per loop;
//   - loop (loop.Engine.MailboxDepth): what waits in each loop's mailbox;
//   - adapter (adapter.Local.Counts, one per namespace): sockets attached
//     and detached, broadcasts, their deliveries and volatile drops;
//   - this package (counters below): events received and emitted to one
//     socket, volatile emits dropped, ack timeouts, disconnections by
//     reason.

// counters is the root package's share of the counts, one block per loop.
type counters struct {
	loops []loopCounters

	// Disconnections for a reason outside knownReasons (none that
	// tornadio gives): counted under the lock, with their names.
	mu    sync.Mutex
	other map[DisconnectReason]uint64
}

// loopCounters is one loop's block, on cache lines of its own.
type loopCounters struct {
	eventsIn    atomic.Uint64 // EVENT packets received, and legacy messages
	eventsOut   atomic.Uint64 // events emitted to one socket (broadcasts are adapter deliveries)
	dropped     atomic.Uint64 // volatile emits to one socket dropped
	ackTimeouts atomic.Uint64
	disconnects [len(knownReasons)]atomic.Uint64
	_           [64]byte
}

// knownReasons are the disconnect reasons counted without a lock.
var knownReasons = [...]DisconnectReason{
	ReasonClientNamespaceDisconnect,
	ReasonServerNamespaceDisconnect,
	ReasonTransportClose,
	ReasonTransportError,
	ReasonPingTimeout,
	ReasonParseError,
	ReasonForcedClose,
	ReasonSlowConsumer,
	ReasonServerShuttingDown,
}

// reasonIndex is r's index in knownReasons, or -1.
func reasonIndex(r DisconnectReason) int {
	for i, k := range knownReasons {
		if k == r {
			return i
		}
	}
	return -1
}

// initCounters makes the blocks of n loops.
func (c *core) initCounters(n int) { c.counters.loops = make([]loopCounters, max(1, n)) }

// count returns loop i's block. On loop i.
func (c *core) count(i int) *loopCounters { return &c.counters.loops[max(i, 0)] }

// count returns the block of the socket's loop. On that loop.
func (s *Socket) count() *loopCounters { return s.ns.srv.count(s.loop()) }

// countDisconnect counts a socket of loop i disconnected for reason.
func (c *core) countDisconnect(i int, reason DisconnectReason) {
	if k := reasonIndex(reason); k >= 0 {
		c.count(i).disconnects[k].Add(1)
		return
	}
	c.counters.mu.Lock()
	if c.counters.other == nil {
		c.counters.other = make(map[DisconnectReason]uint64)
	}
	c.counters.other[reason]++
	c.counters.mu.Unlock()
}

// notReady counts an emit that its socket's transport refused, and
// reports false (not written): a volatile packet dropped.
func (s *Socket) notReady(m *adapter.Message) bool {
	if m.Volatile {
		s.count().dropped.Add(1)
	}
	return false
}

// Stats returns a snapshot of the server's counters and gauges: sessions,
// sockets, events, bytes, broadcasts, disconnections, each event loop's
// state (see Stats). Safe from any goroutine, cheap enough for every
// scrape of a metrics exporter: it sums per-loop counters and takes no
// lock the event loops wait for. Before Start, the counters are zero.
func (s *Server) Stats() Stats {
	st := s.core.stats()
	s.mu.RLock()
	nsps := make([]*Namespace, 0, len(s.nsps))
	for _, ns := range s.nsps {
		nsps = append(nsps, ns)
	}
	s.mu.RUnlock()
	st.Sockets = make(map[string]int, len(nsps))
	st.Connects = make(map[string]uint64, len(nsps))
	for _, ns := range nsps {
		n := ns.local.Counts()
		st.Sockets[ns.name] = int(n.Attached - n.Detached)
		st.Connects[ns.name] = n.Attached
		st.Broadcasts += n.Broadcasts
		st.Deliveries += n.Deliveries
		st.Dropped += n.Dropped
	}
	// Every delivery of a broadcast is an event sent to a client.
	st.EventsOut += st.Deliveries
	return st
}

// Stats returns a snapshot of the server's counters and gauges, as
// Server.Stats does; an Engine.IO server has no sockets, events or
// broadcasts, so those stay empty or zero. Safe from any goroutine.
func (s *EngineServer) Stats() Stats { return s.core.stats() }

// stats is what the core knows: the machine's counts, the loops' state,
// and the root's own counters.
func (c *core) stats() Stats {
	st := Stats{
		Sockets:           map[string]int{},
		Connects:          map[string]uint64{},
		Disconnects:       make(map[DisconnectReason]uint64, len(knownReasons)),
		HandshakesRefused: map[string]uint64{},
	}
	for i := range c.counters.loops {
		lc := &c.counters.loops[i]
		st.EventsIn += lc.eventsIn.Load()
		st.EventsOut += lc.eventsOut.Load()
		st.Dropped += lc.dropped.Load()
		st.AckTimeouts += lc.ackTimeouts.Load()
		for k, r := range knownReasons {
			st.Disconnects[r] += lc.disconnects[k].Load()
		}
	}
	c.counters.mu.Lock()
	for r, n := range c.counters.other {
		st.Disconnects[r] += n
	}
	c.counters.mu.Unlock()
	eng := c.startedEngine() // once set, c.tp is too
	if eng == nil {
		return st
	}
	n := c.tp.Counts()
	st.Handshakes = n.Handshakes
	st.HandshakesRefused = n.Refused
	st.BytesIn, st.BytesOut = n.BytesIn, n.BytesOut
	st.SlowConsumerCuts = n.SlowConsumerCuts
	st.Sessions = make([]SessionGauge, 0, len(n.Sessions))
	for _, g := range n.Sessions {
		road := RoadCurrent
		if g.Legacy {
			road = RoadLegacy
		}
		st.Sessions = append(st.Sessions, SessionGauge{Transport: g.Transport, Road: road, Count: g.Count})
	}
	st.Loops = make([]LoopStats, c.tp.Loops())
	for i := range st.Loops {
		conns, lag := c.tp.LoopCounts(i)
		st.Loops[i] = LoopStats{MailboxDepth: eng.MailboxDepth(i), TimerLag: lag, Connections: conns}
	}
	return st
}
