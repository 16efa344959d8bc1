package admin

import (
	"time"

	"github.com/tornadio/tornadio"
)

// traffic is the part of the server's counters (Server.Stats) the
// dashboard charts as packets and bytes in and out: Socket.IO events
// received and sent, and the payload bytes of the messages that carried
// them and every other packet. They are the whole server's, the UI's own
// messages included, as Node's admin-ui counts every packet of its engine.
// Reading them from the counters the server keeps anyway costs no listener
// on any socket, so both modes count them.
type traffic struct {
	eventsIn, eventsOut, bytesIn, bytesOut uint64
}

func trafficOf(st tornadio.Stats) traffic {
	return traffic{eventsIn: st.EventsIn, eventsOut: st.EventsOut, bytesIn: st.BytesIn, bytesOut: st.BytesOut}
}

// countSince adds to agg, at now, what moved from before to t (one
// server_stats interval: the UI sums the counts over 10 s anyway), and
// returns t, the next interval's start.
func (t traffic) countSince(before traffic, agg *aggregator, now time.Time) traffic {
	add := func(kind string, from, to uint64) {
		if to > from { // counters only grow; a restart would not be a negative count
			agg.add(now, kind, "", int64(to-from))
		}
	}
	add(evPacketsIn, before.eventsIn, t.eventsIn)
	add(evPacketsOut, before.eventsOut, t.eventsOut)
	add(evBytesIn, before.bytesIn, t.bytesIn)
	add(evBytesOut, before.bytesOut, t.bytesOut)
	return t
}
