package admin

import (
	"os"
	"time"
)

// serverStats is the server_stats message: this node's identity and
// counts, every few seconds.
type serverStats struct {
	ServerID            string            `json:"serverId"`
	Hostname            string            `json:"hostname"`
	PID                 int               `json:"pid"`
	Uptime              float64           `json:"uptime"` // seconds
	ClientsCount        int               `json:"clientsCount"`
	PollingClientsCount int               `json:"pollingClientsCount"`
	AggregatedEvents    []aggregatedEvent `json:"aggregatedEvents"`
	Namespaces          []namespaceCount  `json:"namespaces"`
}

// statsLoop sends server_stats at once, then every statsEvery until Close
// (once the server serves).
func (in *Instrumentation) statsLoop() {
	defer close(in.done)
	t := time.NewTicker(in.cfg.statsEvery)
	defer t.Stop()
	in.sendStats()
	for {
		select {
		case <-t.C:
			in.sendStats()
		case <-in.stop:
			return
		}
	}
}

// serving reports whether the server's event loops run: it listens
// (Addr), or a socket connected (a server mounted in net/http starts its
// loops at the first request). Until then nothing may be sent from this
// goroutine: a broadcast would race the server's start.
func (in *Instrumentation) serving() bool {
	return in.sawSocket.Load() || in.srv.Addr() != ""
}

// sendStats sends server_stats, after the socket_updated of the clients
// that upgraded to websocket since the last time (development mode), with
// the traffic since the last time among the aggregated counts.
func (in *Instrumentation) sendStats() {
	if !in.serving() {
		return
	}
	in.counted = trafficOf(in.srv.Stats()).countSince(in.counted, in.agg, time.Now())
	polling, upgraded := in.reg.pollTransports()
	if in.cfg.mode == Development {
		for _, s := range upgraded {
			in.send("socket_updated", map[string]string{
				"id": s.ID(), "nsp": s.Namespace().Name(), "transport": s.Transport(),
			})
		}
	}
	in.send("server_stats", serverStats{
		ServerID:            in.cfg.serverID,
		Hostname:            in.hostname,
		PID:                 os.Getpid(),
		Uptime:              time.Since(processStart).Seconds(),
		ClientsCount:        in.srv.SessionCount() + in.srv.LegacySessionCount(),
		PollingClientsCount: polling,
		AggregatedEvents:    in.agg.drain(),
		Namespaces:          in.reg.namespaceCounts(),
	})
}
