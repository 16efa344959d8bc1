package engineio

// polling is the polling side of a session: the packets waiting for a GET,
// whether a GET is parked, the upgrade under way and, once the session has
// ended, the wait for a last GET.
type polling[P any] struct {
	caller P // see Session.Polling

	queue     []Packet // outbound, data owned by the session
	queued    int      // bytes in queue (see packetSize)
	cost      int      // what queue counts towards MaxBuffered (see packetCost)
	upgradeBy int64    // probing: when the probe is given up
	noopBy    int64    // upgrading: when a GET parked since the probe gets its noop
	drainBy   int64    // draining: when to stop waiting for a last GET

	parked    bool // a GET waits for an answer
	binaryOK  bool // v3: the client accepts binary payloads
	probing   bool // a websocket probe is open
	upgrading bool // the probe was answered: the client pauses polling
	draining  bool // ended by the server or the client, a last GET is awaited
	closeNext bool // draining: a close packet follows the queue, in a later answer
	byClient  bool // draining: the client closed the session
}

// packetSize is what a queued packet counts towards MaxBuffered: the type
// and the data, a binary packet's as the base64 a text payload carries
// (4 bytes for 3), so that the answer that takes the queue stays under
// MaxBuffered too.
func packetSize(p *Packet) int {
	if p.Binary {
		return 2 + (len(p.Data)+2)/3*4
	}
	return 1 + len(p.Data)
}

// packetCost is what a queued packet counts towards MaxBuffered: its size,
// and at least cfg.MinPacketCost.
func packetCost(cfg *Config, p *Packet) int { return max(packetSize(p), cfg.MinPacketCost) }

// enqueue adds p to the queue, unchecked; it costs its size (Queue adds
// the rest of its cost).
func (p *polling[P]) enqueue(pk Packet) {
	p.queue = append(p.queue, pk)
	n := packetSize(&pk)
	p.queued += n
	p.cost += n
}

// clearQueue empties the queue, keeping its array.
func (p *polling[P]) clearQueue() {
	clear(p.queue)
	p.queue = p.queue[:0]
	p.queued, p.cost = 0, 0
}

// Queued is what Queue answers.
type Queued uint8

const (
	// QueueHeld: the packet waits for the client's next GET.
	QueueHeld Queued = iota
	// QueueWaiting: the packet waits and a GET is parked: answer it
	// (AppendAnswer), at the end of the caller's turn so that packets sent
	// together leave together.
	QueueWaiting
	// QueueAnswerFirst: the packet would take the queue past MaxBuffered
	// while a GET is parked: answer the GET with what waits, then queue the
	// packet again. Nothing was queued.
	QueueAnswerFirst
	// QueueOverflow: the client is a slow consumer (no GET, more than
	// MaxBuffered bytes would wait): the queue was dropped with the
	// packet; close the session.
	QueueOverflow
)

// Queue adds p, whose data the session now owns, to what waits for a GET.
// A websocket session queues only while its open packet is still to be
// written (what its App.Open sends); see Queued.
func (s *Session[P]) Queue(cfg *Config, pk Packet) Queued {
	p := s.poll
	if p == nil {
		p = &polling[P]{}
		s.poll = p
	}
	if p.queued > 0 && p.cost+packetCost(cfg, &pk) > cfg.MaxBuffered {
		if !p.parked {
			p.clearQueue()
			return QueueOverflow
		}
		return QueueAnswerFirst
	}
	p.enqueue(pk)
	p.cost += packetCost(cfg, &pk) - packetSize(&pk)
	if p.parked {
		return QueueWaiting
	}
	return QueueHeld
}

// QueueFirst puts p at the head of the queue: the open packet, which the
// answer to a polling handshake carries before what App.Open sent.
func (s *Session[P]) QueueFirst(pk Packet) {
	p := s.poll
	p.queue = append(p.queue, Packet{})
	copy(p.queue[1:], p.queue)
	p.queue[0] = pk
	p.queued += packetSize(&pk)
	p.cost += packetSize(&pk)
}

// Queued is what waits for the client, in order: on polling, for its next
// GET; on websocket, for the caller to write after the open packet or the
// upgrade, then call DropPolling. Valid until the next call.
func (s *Session[P]) Queued() []Packet {
	if s.poll == nil {
		return nil
	}
	return s.poll.queue
}

// DropPolling forgets the polling side once the session is on websocket
// and what was queued has been written: GETs and POSTs are refused from now
// on, and nothing waits.
func (s *Session[P]) DropPolling() { s.poll = nil }

// Buffered is the number of bytes queued for polling.
func (s *Session[P]) Buffered() int {
	if s.poll == nil {
		return 0
	}
	return s.poll.queued
}

// Writable reports whether a packet queued now would leave at once: a GET
// is parked and nothing waits.
func (s *Session[P]) Writable() bool {
	p := s.poll
	return !s.closed && p != nil && p.parked && len(p.queue) == 0
}

// Answerable reports whether a GET is parked and something waits for it.
func (s *Session[P]) Answerable() bool {
	p := s.poll
	return p != nil && p.parked && len(p.queue) > 0
}

// AppendAnswer appends the queue as a polling payload to dst, empties the
// queue and counts the parked GET, if any, as answered. binary reports
// whether the payload is v3's binary format.
func (s *Session[P]) AppendAnswer(dst []byte) (payload []byte, binary bool) {
	p := s.poll
	v := int(s.version)
	payload = AppendPayload(dst, v, p.binaryOK, p.queue)
	binary = PayloadIsBinary(v, p.binaryOK, p.queue)
	p.clearQueue()
	p.parked = false
	return payload, binary
}

// AnswerCompressible reports whether the next answer may be compressed:
// whether any queued packet was sent without NoCompress (engine.io compresses
// a polling answer unless every packet in it asked for no compression).
func (s *Session[P]) AnswerCompressible() bool {
	for i := range s.poll.queue {
		if !s.poll.queue[i].NoCompress {
			return true
		}
	}
	return false
}

// Unpark counts the parked GET as gone without an answer.
func (s *Session[P]) Unpark() {
	if s.poll != nil {
		s.poll.parked = false
	}
}

// Polled is what Poll answers.
type Polled uint8

const (
	// PollUnknownSID: refuse the GET: the session has ended.
	PollUnknownSID Polled = iota
	// PollBadRequest: refuse the GET: the session is on websocket.
	PollBadRequest
	// PollSecond: a GET came while another is parked, which breaks the
	// protocol: refuse it, and end the session with a transport error
	// (End answers the parked one).
	PollSecond
	// PollParked: the GET is parked until something is queued, or, during
	// an upgrade, until the noop Tick releases it with (see Deadline).
	PollParked
	// PollAnswer: the GET is parked and something waits: answer it now.
	PollAnswer
	// PollLast: the session has ended and the GET is parked for what was
	// left for it: answer it now, then call Drained.
	PollLast
)

// Poll takes a polling GET that came at now.
func (s *Session[P]) Poll(now int64) Polled {
	p := s.poll
	switch {
	case p == nil:
		if s.closed {
			return PollUnknownSID
		}
		return PollBadRequest
	case s.closed && p.draining && len(p.queue) > 0:
		p.parked = true
		return PollLast
	case s.closed:
		return PollUnknownSID
	case s.websocket.Load():
		return PollBadRequest
	case p.parked:
		return PollSecond
	}
	p.parked = true
	if len(p.queue) > 0 {
		return PollAnswer
	}
	if p.upgrading {
		// The client pauses polling to upgrade: this GET gets a noop to
		// return with, but after UpgradeNoopDelay, as Node's upgrade check
		// does. A client sends "5" only once its GETs are answered, so a
		// GET read while "5" is on its way (on another loop, say) was sent
		// after it: when the "5" comes first, the GET is refused as one
		// after the upgrade (see ProbePacket).
		p.noopBy = now + int64(UpgradeNoopDelay)
	}
	return PollParked
}

// Drained says, after the answer to a PollLast GET, whether the session is
// done (call StopDraining), or waits for one more GET to carry its close
// packet.
func (s *Session[P]) Drained() (done bool) {
	p := s.poll
	if p.closeNext {
		p.closeNext = false
		p.enqueue(Packet{Type: Close})
		return false
	}
	return true
}

// Posted is what Post answers.
type Posted uint8

const (
	// PostAccept: decode the payload and Receive its packets.
	PostAccept Posted = iota
	// PostUnknownSID: refuse the POST: the session has ended.
	PostUnknownSID
	// PostBadRequest: refuse the POST: the session is on websocket.
	PostBadRequest
	// PostDiscard: answer "ok" and drop the payload: the server ended the
	// session, whose close packet awaits a GET (as Node does).
	PostDiscard
)

// Post takes a polling POST.
func (s *Session[P]) Post() Posted {
	p := s.poll
	switch {
	case p != nil && s.closed && p.draining && !p.byClient:
		return PostDiscard
	case s.closed:
		return PostUnknownSID
	case p == nil || s.websocket.Load():
		return PostBadRequest
	}
	return PostAccept
}
