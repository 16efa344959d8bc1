package transports

// The outbox: what a connection holds for output, bounded as a whole.
//
// An edge copies what it is given and cannot write yet into buffers of its
// own, sized as it sizes them (gnet rounds up to powers of two: a 16.1 KiB
// frame takes 32 KiB there), and a broadcast's frame, shared by every
// session that takes it, would be copied there once per connection. So
// when the edge can say when its buffer runs low (WritableIO), the machine
// lets it hold at most Server.handoff bytes of a connection's output and
// keeps the rest in the connection's outbox:
//
//   - while the connection has no outbox, a frame goes to the edge at once
//     if the edge then holds no more than a handoff, and in pieces of what
//     fits while the edge takes them at once (a client that keeps up: no
//     copy, no outbox);
//   - what the edge cannot take waits in the outbox: a shared frame
//     (Shared) by reference, never copied; any other frame copied once;
//   - the outbox is pumped into the edge whenever the edge holds under half
//     a handoff: after each write to the connection, after each read from
//     it (Feed), and when the edge calls OnWritable, which it does once its
//     buffer has gone under the mark asked by WaitWritable;
//   - what the connection holds (held) is the outbox's arrays, the corked
//     bytes and the edge's Footprint for a handoff: Config.MaxBuffered
//     bounds that sum (Conn.write cuts a slow consumer past it);
//   - a connection cut as a slow consumer drops its outbox, but for the
//     rest of a frame the edge has begun, so that what the edge drains
//     (within its drain rules) ends on a frame boundary; any other close
//     hands the whole outbox to the edge first, so that what was written
//     before the close is delivered, as the IO contract says; a connection
//     the edge reports gone (OnClose) frees its outbox at once.
//
// An edge that is not a WritableIO gets every byte at once, as it is
// written (its Buffered then counts in place of the outbox).

// WritableIO is an IO that tells the machine when its outbound buffer runs
// low, so that the machine can keep the rest (see above).
type WritableIO interface {
	IO
	// WaitWritable asks for one call of Conn.OnWritable on a later turn of
	// the connection's loop once Buffered is under low bytes: soon after,
	// not necessarily at once (the edge may look on a timer). Asking again
	// before the call comes only changes low. On the connection's loop.
	WaitWritable(low int)
	// Footprint is the memory the edge may hold for its outbound bytes
	// while Buffered never passes max: its buffers as it sizes them; 0
	// while Buffered is 0.
	Footprint(max int) int
}

// outbox holds a connection's frames not yet handed to its edge.
type outbox struct {
	frames []queuedFrame // in order; frames[head] may be handed in part already
	head   int
	off    int // bytes of frames[head] handed already
	held   int // the memory the frames hold: shared ones counted in full
}

// queuedFrame is one frame in an outbox.
type queuedFrame struct {
	b      []byte
	shared bool // a Shared frame, referenced; else the outbox's own copy
	rest   bool // the rest of a frame whose start the edge has
}

// cost is what f holds: a shared frame counts in full, though its bytes
// are every taker's; a copy counts its array as the allocator sized it.
func (f *queuedFrame) cost() int {
	if f.shared {
		return len(f.b)
	}
	return cap(f.b)
}

// entrySize is what a queued frame costs in the outbox's own array.
const entrySize = 32

// minPacketCost is the least a packet queued for polling counts towards
// MaxBuffered (engineio.Config.MinPacketCost): its place in the queue (a
// 40-byte engineio.Packet, in an array that grows by doubling) and its
// copy's smallest allocation, so that a flood of tiny packets to a client
// that does not poll holds no more than MaxBuffered either.
const minPacketCost = 2*40 + 16

// handoffSize is the most bytes the machine lets an edge hold for one
// connection, for a MaxBuffered of bound: an eighth of it, between 1 KiB
// and 64 KiB (gnet's outbound ring grows up to 64 KiB before it turns to a
// list of pooled arrays).
func handoffSize(bound int) int {
	return min(max(bound/8, 1<<10), 64<<10)
}

// push queues b, a reference when shared (b must not change), else a copy;
// rest says that b is the rest of a frame whose start the edge has.
func (ob *outbox) push(b []byte, shared, rest bool) {
	if len(b) == 0 {
		return
	}
	if !shared {
		b = append([]byte(nil), b...) // its cap is what the allocator gave
	}
	f := queuedFrame{b: b, shared: shared, rest: rest}
	ob.held += f.cost()
	if ob.head > 0 && ob.head == len(ob.frames) {
		ob.frames, ob.head = ob.frames[:0], 0
	}
	if len(ob.frames) == cap(ob.frames) && ob.head >= len(ob.frames)/2 && ob.head > 0 {
		// Slide the unsent frames down rather than grow the array.
		n := copy(ob.frames, ob.frames[ob.head:])
		clear(ob.frames[n:])
		ob.frames, ob.head = ob.frames[:n], 0
	}
	before := cap(ob.frames)
	ob.frames = append(ob.frames, f)
	ob.held += (cap(ob.frames) - before) * entrySize
}

// empty reports whether every frame was handed.
func (ob *outbox) empty() bool { return ob.head == len(ob.frames) }

// next is the next piece to hand, at most n bytes.
func (ob *outbox) next(n int) []byte {
	p := ob.frames[ob.head].b[ob.off:]
	if len(p) > n {
		p = p[:n]
	}
	return p
}

// advance records that n bytes of the head frame were handed; a frame
// handed whole is let go, so that its memory goes as soon as it can.
func (ob *outbox) advance(n int) {
	f := &ob.frames[ob.head]
	ob.off += n
	if ob.off < len(f.b) {
		return
	}
	ob.held -= f.cost()
	*f = queuedFrame{}
	ob.head++
	ob.off = 0
}

// outboxOf is c's outbox, nil when it has none.
func (c *Conn) outboxOf(ls *loopState) *outbox {
	if len(ls.outbox) == 0 {
		return nil
	}
	return ls.outbox[c]
}

// out hands b to the edge, or queues it in c's outbox (see above); shared
// says that b is a Shared frame, queued without a copy.
func (c *Conn) out(b []byte, shared bool) {
	if len(b) == 0 {
		return
	}
	w, ok := c.io.(WritableIO)
	if !ok {
		c.io.Write(b)
		return
	}
	ls := &c.srv.loopState[c.loop()]
	ob := c.outboxOf(ls)
	rest := false
	if ob == nil {
		// No outbox yet: hand b, in pieces when it is bigger than what
		// fits, as long as the edge takes them (a client that keeps up),
		// and queue only what is left.
		h := c.srv.handoff
		for g := c.io.Buffered(); g < h/2 || g+len(b) <= h; g = c.io.Buffered() {
			n := min(len(b), h-g)
			c.io.Write(b[:n])
			if b = b[n:]; len(b) == 0 || c.closing {
				return
			}
			rest = true
		}
		ob = &outbox{}
		if ls.outbox == nil {
			ls.outbox = make(map[*Conn]*outbox)
		}
		ls.outbox[c] = ob
	}
	ob.push(b, shared, rest)
	c.pump(ls, w, ob)
}

// pump hands the outbox to the edge while the edge holds under half a
// handoff, then asks to hear when it does again; an emptied outbox goes.
func (c *Conn) pump(ls *loopState, w WritableIO, ob *outbox) {
	h := c.srv.handoff
	for !ob.empty() {
		g := c.io.Buffered()
		if g >= h/2 {
			w.WaitWritable(h / 2)
			return
		}
		p := ob.next(h - g)
		c.io.Write(p)
		if ls.outbox[c] != ob {
			return // the edge ended the connection within Write
		}
		ob.advance(len(p))
	}
	delete(ls.outbox, c)
}

// OnWritable tells the machine that the edge's outbound buffer went under
// the mark asked by WaitWritable. On the connection's loop.
func (c *Conn) OnWritable() {
	ls := &c.srv.loopState[c.loop()]
	ob := c.outboxOf(ls)
	if ob == nil || c.closing {
		return
	}
	c.pump(ls, c.io.(WritableIO), ob)
}

// settleOutbox empties c's outbox as c closes: handed to the edge whole,
// so that it is delivered before the end, or, when c is cut as a slow
// consumer, dropped but for the rest of a frame the edge has in part.
func (c *Conn) settleOutbox(ls *loopState) {
	ob := c.outboxOf(ls)
	if ob == nil {
		return
	}
	delete(ls.outbox, c)
	end := len(ob.frames)
	if c.failure == failSlow {
		// Only the rest of a frame begun: the client gets whole frames.
		end = ob.head
		if end < len(ob.frames) && (ob.off > 0 || ob.frames[end].rest) {
			end++
		}
	}
	for i := ob.head; i < end; i++ {
		p := ob.frames[i].b
		if i == ob.head {
			p = p[ob.off:]
		}
		c.io.Write(p)
	}
}

// dropOutbox frees c's outbox at once: the connection is gone.
func (c *Conn) dropOutbox(ls *loopState) {
	if c.outboxOf(ls) != nil {
		delete(ls.outbox, c)
	}
}

// held is what c holds for output: its outbox, its corked bytes and what
// its edge holds (the edge's Footprint for a handoff's worth while it holds
// anything, or, for an edge that is not a WritableIO, its Buffered).
func (c *Conn) held() int {
	ls := &c.srv.loopState[c.loop()]
	n := c.corked()
	if ob := c.outboxOf(ls); ob != nil {
		n += ob.held
	}
	if w, ok := c.io.(WritableIO); ok {
		if c.io.Buffered() > 0 {
			n += w.Footprint(c.srv.handoff)
		}
		return n
	}
	return n + c.io.Buffered()
}
