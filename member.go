package tornadio

import "github.com/tornadio/tornadio/adapter"

// member is a Socket as its namespace's rooms hold it (adapter.Member):
// the adapter writes broadcasts to its session and calls back only for
// what needs the socket. A distinct type keeps these methods out of
// Socket's API.
type member Socket

func (s *Socket) member() *member { return (*member)(s) }

// socketOfMember returns the Socket of an adapter member of this process,
// or nil.
func socketOfMember(m any) *Socket {
	if x, ok := m.(*member); ok {
		return (*Socket)(x)
	}
	return nil
}

func (m *member) ID() string { return m.id }

func (m *member) Loop() int { return (*Socket)(m).loop() }

func (m *member) Target() adapter.Target {
	s := (*Socket)(m)
	if leg := s.legacy(); leg != nil {
		return adapter.Target{Legacy: leg}
	}
	return adapter.Target{Session: s.client.Sess}
}

func (m *member) Outgoing(msg *adapter.Message) {
	(*Socket)(m).notifyOutgoing(msg.Event, msg.Args, msg.Attachments)
}

func (m *member) AwaitAck(id int64, ack adapter.AckFunc) {
	(*Socket)(m).addAck(id, &pendingAck{bcast: ack})
}

func (m *member) Disconnect(close bool) { (*Socket)(m).disconnectOnLoop(close) }

// serverLoops is the server's event loops as the adapter posts to them.
type serverLoops Server

// Post runs fn on loop i when it serves connections.
func (l *serverLoops) Post(i int, fn func()) bool {
	srv := (*Server)(l)
	if srv.loops == nil || !srv.active(i) {
		return false
	}
	srv.loops.Post(i, fn)
	return true
}

// PostSized is Post for fn that writes about size bytes to each socket it
// reaches: the loops' backpressure counts them (loop.MailboxHighBytes).
func (l *serverLoops) PostSized(i int, fn func(), size int) bool {
	srv := (*Server)(l)
	if srv.loops == nil || !srv.active(i) {
		return false
	}
	if sized, ok := srv.loops.(interface{ PostSized(int, func(), int) }); ok {
		sized.PostSized(i, fn, size)
	} else {
		srv.loops.Post(i, fn)
	}
	return true
}

// postWriting runs fn, which writes about size bytes to the socket, on the
// socket's loop, as post does; the loop's backpressure counts the bytes.
func (s *Socket) postWriting(fn func(), size int) {
	if !(*serverLoops)(s.ns.srv).PostSized(s.loop(), fn, size) {
		s.post(fn) // not served by the engine's loops: the session's own way
	}
}

// messageSize is about what writing m costs: its packet and attachments.
func messageSize(m *adapter.Message) int {
	n := len(m.Encoded)
	for _, a := range m.Attachments {
		n += len(a)
	}
	return n
}
