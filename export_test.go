package tornadio

import (
	"github.com/tornadio/tornadio/internal/workerpool"
	"github.com/tornadio/tornadio/transports"
)

// BindForTest runs the server on in-memory loops (transportstest) instead
// of gnet, and returns its protocol machine.
func BindForTest(s *Server, loops transports.Loops) *transports.Server {
	if s.opts.Workers > 0 {
		s.workers = workerpool.New(s.opts.Workers)
	}
	s.bind(loops, func(int) bool { return true })
	return s.tp
}
