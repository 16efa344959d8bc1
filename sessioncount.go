package tornadio

// LegacySessionCount is the number of live legacy 0.6 sessions (the seed's
// transports, websocket and flashsocket included). SessionCount counts the
// Engine.IO sessions only, so that it keeps meaning what Node's
// engine.clientsCount does, on both servers; a Server's clients of both
// roads number SessionCount() + LegacySessionCount(). Safe from any
// goroutine; 0 before Start.
func (s *Server) LegacySessionCount() int {
	if s.tp == nil {
		return 0
	}
	return s.tp.LegacySessionCount()
}
