package transports

// OutboxFrames is what c's outbox holds, not yet handed to its edge: the
// unhanded part of each frame, in order; nil without an outbox. On c's loop.
func OutboxFrames(c *Conn) [][]byte {
	ob := c.outboxOf(&c.srv.loopState[c.loop()])
	if ob == nil {
		return nil
	}
	var out [][]byte
	for i := ob.head; i < len(ob.frames); i++ {
		b := ob.frames[i].b
		if i == ob.head {
			b = b[ob.off:]
		}
		out = append(out, b)
	}
	return out
}

// Handoff is the most an edge that is a WritableIO holds for one
// connection.
func (srv *Server) Handoff() int { return srv.handoff }
