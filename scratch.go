package tornadio

import "github.com/tornadio/tornadio/internal/sioclient"

// loopScratch is one event loop's state shared by its sessions: reusable
// buffers for decoding incoming packets and encoding answers, so that a
// session keeps none of its own, and the connect-timeout queue. Only its
// loop touches it; what the buffers hold is valid until the loop's next
// packet: callbacks that outlive it (WithWorkers) get copies.
type loopScratch struct {
	sio sioclient.Scratch // packets decoded, answers encoded

	connects connectQueue // sessions waiting for their first CONNECT
	_        [64]byte     // keep loops' scratch on separate cache lines
}

// scratch returns loop i's buffers. On loop i only.
func (s *Server) scratch(i int) *loopScratch { return &s.scratches[i] }
