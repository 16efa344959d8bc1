package tornadio

// ConnectQueueForTest returns how many sessions loop's connect-timeout
// queue holds: waiting, and in all (removed entries not dropped yet).
// On loop, or with the loops stopped.
func ConnectQueueForTest(s *Server, loop int) (waiting, held int) {
	q := &s.scratch(loop).connects
	return q.Len(), q.Held()
}

// ValidateForTest applies opts to default options and validates them, as
// Start does.
func ValidateForTest(opts ...Option) error {
	var o Options
	for _, opt := range opts {
		opt(&o)
	}
	return o.validate()
}
