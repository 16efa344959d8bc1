package tornadio

// Join adds the socket to rooms. Rooms shows them at once; broadcasts see
// them in order with everything else posted to the socket's loop.
func (s *Socket) Join(rooms ...string) {
	s.changeRooms(rooms, true)
}

// Leave removes the socket from room.
func (s *Socket) Leave(room string) {
	s.changeRooms([]string{room}, false)
}

// changeRooms makes the socket join or leave rooms now; its loop brings
// its index in line after.
func (s *Socket) changeRooms(rooms []string, join bool) {
	if s.gone.Load() {
		return
	}
	if join {
		s.ns.local.Join(&s.rooms, rooms...)
	} else {
		s.ns.local.Leave(&s.rooms, rooms...)
	}
}

// Rooms lists the rooms the socket is in, its own id included; nothing
// once it has disconnected.
func (s *Socket) Rooms() []string { return s.rooms.Rooms() }

// To starts a broadcast to rooms that leaves this socket out.
func (s *Socket) To(rooms ...string) *BroadcastOperator {
	return s.ns.broadcast().To(rooms...).Except(s.id)
}

// In is To.
func (s *Socket) In(rooms ...string) *BroadcastOperator { return s.To(rooms...) }

// Except starts a broadcast to every socket of the namespace but this one
// and the members of rooms.
func (s *Socket) Except(rooms ...string) *BroadcastOperator {
	return s.ns.broadcast().Except(s.id).Except(rooms...)
}

// Broadcast starts a broadcast to every other socket of the namespace.
func (s *Socket) Broadcast() *BroadcastOperator { return s.ns.broadcast().Except(s.id) }
