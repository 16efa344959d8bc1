package transports

// Writable reports whether a packet sent now would leave at once rather
// than wait in a queue: over polling, a GET is parked and nothing is
// queued; over websocket, nothing waits in the connection's outbox or its
// edge's outbound buffer (outbox.go). Volatile packets are dropped when it
// is false, long before Config.MaxBuffered closes a slow consumer. On the
// home loop.
func (s *Session) Writable() bool {
	if s.eio.Closed() {
		return false
	}
	if s.ws != nil {
		if s.ws.loop() != s.Loop() {
			return true // another loop's buffer cannot be read from here
		}
		return s.ws.held() == 0
	}
	return s.eio.Writable()
}
