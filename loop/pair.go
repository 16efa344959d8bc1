package loop

import (
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tornadio/tornadio/transports"
)

// The goroutine-pair edge serves any net.Conn the loops cannot poll
// themselves: a *tls.Conn above all, whose bytes only crypto/tls can turn
// into plaintext. Its machine still lives on a loop, as every machine does;
// goroutines carry the bytes:
//
//   - the reader reads and posts each read to the loop, where it is
//     appended to the connection's input and fed to the machine; it reads
//     again only once the loop has taken the bytes, so a client can get no
//     further ahead than one read. Input the machine leaves unconsumed (a
//     request or frame still incomplete) is bounded by Options.MaxInbound,
//     as on the gnet edge: past it the connection is closed. An idle
//     reader waits with a small buffer (pairReadSize), taking a big one
//     from a pool only while reads fill the small one;
//   - the writer writes what the machine wrote (IO.Write appends to an
//     outbound queue, IO.Buffered is its length plus the write in flight,
//     which the machine bounds with its MaxBuffered: a client that stops
//     reading is cut as a slow consumer). It runs only while the queue
//     holds something: an idle connection has the reader alone. The edge
//     is a transports.WritableIO: the machine hands it a bounded amount at
//     a time, and the writer posts Conn.OnWritable to the loop once what it
//     holds has gone under the mark the machine asked for.
//
// A close asked by the machine is graceful, as on the gnet edge
// (drain.go): the machine is told at once (on a later turn), the writer
// sends what is queued within Options.DrainTimeout, then shuts the write
// side (TLS close_notify, or FIN), and the reader reads and throws away
// until the peer closes, for at most Options.LingerTimeout; then the
// connection is closed. Engine.Stop closes every pair connection at once.
//
// Each pair connection counts against MaxConns, as it holds a descriptor.

// pairConn is the context of one connection served by goroutines.
type pairConn struct {
	m    transports.Conn
	nc   net.Conn
	e    *Engine
	loop int

	// On the loop only.
	in      []byte // input the machine has not taken yet
	closing bool   // IO.Close was asked, or the peer is gone
	told    bool   // the machine has had OnClose

	// Between the loop and the writer.
	mu       sync.Mutex
	out      []byte // queued by IO.Write, not taken by the writer yet
	writing  bool   // a writer runs
	shut     bool   // the writer is to drain, shut the write side and end
	low      int    // WaitWritable's mark, while waiting
	waiting  bool   // the machine waits for Buffered to go under low
	buffered atomic.Int64

	fed     chan struct{} // the loop took the reader's bytes
	readEnd chan struct{} // the reader has ended
	once    sync.Once     // the descriptor's close
}

// pairSet tracks the live pair connections, for Engine.Stop.
type pairSet struct {
	mu      sync.Mutex
	m       map[*pairConn]struct{}
	stopped bool
}

// pairReadSize is the reader's own buffer, which it holds while it waits
// for input (what idle connections do); a read that fills it is followed
// by reads into a pooled buffer of pairBigRead.
const (
	pairReadSize = 512
	pairBigRead  = 16 << 10 // a TLS record's plaintext
)

var pairBufs = sync.Pool{New: func() any { b := make([]byte, pairBigRead); return &b }}

// ServeConn serves nc with a goroutine pair (see above), with first as its
// first input. nc belongs to the engine from then on; it is closed at once
// when the engine has stopped or holds MaxConns connections.
func (e *Engine) ServeConn(nc net.Conn, first []byte) error {
	i, err := e.Pick()
	if err != nil {
		nc.Close()
		return err
	}
	if !e.limit.admit(time.Now()) {
		nc.Close()
		return nil
	}
	x := &pairConn{
		nc: nc, e: e, loop: i,
		fed:     make(chan struct{}, 1),
		readEnd: make(chan struct{}),
	}
	if !e.pairs.add(x) {
		x.release()
		return errStopped
	}
	in := append([]byte(nil), first...)
	e.Post(i, func() {
		e.srv.InitConn(&x.m, x, i)
		x.in = in
		x.feed()
	})
	go x.read()
	return nil
}

func (s *pairSet) add(x *pairConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return false
	}
	if s.m == nil {
		s.m = make(map[*pairConn]struct{})
	}
	s.m[x] = struct{}{}
	return true
}

func (s *pairSet) remove(x *pairConn) {
	s.mu.Lock()
	delete(s.m, x)
	s.mu.Unlock()
}

// closePairs closes every pair connection and refuses new ones: the
// engine is stopping.
func (e *Engine) closePairs() {
	s := &e.pairs
	s.mu.Lock()
	s.stopped = true
	all := make([]*pairConn, 0, len(s.m))
	for x := range s.m {
		all = append(all, x)
	}
	s.mu.Unlock()
	for _, x := range all {
		x.release()
	}
}

// release closes the descriptor and uncounts the connection, once.
func (x *pairConn) release() {
	x.once.Do(func() {
		x.nc.Close()
		x.e.limit.release()
		x.e.pairs.remove(x)
	})
}

// Write is IO.Write: queued for the writer, started if none runs.
func (x *pairConn) Write(b []byte) {
	if x.closing {
		return
	}
	x.buffered.Add(int64(len(b)))
	x.mu.Lock()
	x.out = append(x.out, b...)
	start := !x.writing
	x.writing = true
	x.mu.Unlock()
	if start {
		go x.write()
	}
}

// Close is IO.Close: the graceful close described above.
func (x *pairConn) Close() {
	if x.closing {
		return
	}
	_ = x.nc.SetWriteDeadline(time.Now().Add(x.e.opts.DrainTimeout))
	x.shutdown()
	x.e.Post(x.loop, x.tell)
}

// shutdown has the writer end the connection once the queue is written;
// on the loop.
func (x *pairConn) shutdown() {
	x.closing = true
	x.in = nil
	x.mu.Lock()
	x.shut = true
	start := !x.writing
	x.writing = true
	x.mu.Unlock()
	if start {
		go x.write()
	}
}

// Wake is IO.Wake: the input held is fed again, on a later turn.
func (x *pairConn) Wake() {
	if len(x.in) > 0 {
		x.e.Post(x.loop, x.feed)
	}
}

func (x *pairConn) Buffered() int { return int(x.buffered.Load()) }

func (x *pairConn) RemoteAddr() string { return x.nc.RemoteAddr().String() }

// tell gives the machine its OnClose, once; on the loop.
func (x *pairConn) tell() {
	if !x.told {
		x.told = true
		x.m.OnClose()
	}
}

// feed gives the held input to the machine; on the loop.
func (x *pairConn) feed() {
	if x.closing || len(x.in) == 0 {
		return
	}
	n := x.m.Feed(x.in)
	if x.closing {
		return
	}
	rest := copy(x.in, x.in[n:])
	x.in = x.in[:rest]
	if rest == 0 && cap(x.in) > pairBigRead {
		x.in = nil // an idle connection keeps no big buffer
	}
	if rest > x.e.opts.MaxInbound {
		x.Close()
		x.tell() // it never asked for this close: told now
	}
}

// gone is the peer's end, seen by the reader or the writer; on the loop.
func (x *pairConn) gone() {
	if !x.closing {
		x.shutdown()
	}
	x.tell()
}

// read is the reader goroutine.
func (x *pairConn) read() {
	defer close(x.readEnd)
	var small [pairReadSize]byte
	buf := small[:]
	var big *[]byte
	defer func() {
		if big != nil {
			pairBufs.Put(big)
		}
	}()
	for {
		n, err := x.nc.Read(buf)
		if n > 0 {
			b := buf[:n]
			x.e.Post(x.loop, func() {
				if !x.closing {
					x.in = append(x.in, b...)
					x.feed()
				}
				x.fed <- struct{}{}
			})
			select {
			case <-x.fed:
			case <-x.e.done:
				return
			}
		}
		if err != nil {
			x.e.Post(x.loop, x.gone)
			return
		}
		switch {
		case big == nil && n == len(buf):
			big = pairBufs.Get().(*[]byte)
			buf = *big
		case big != nil && n < pairReadSize:
			pairBufs.Put(big)
			big, buf = nil, small[:]
		}
	}
}

// write is the writer goroutine: it writes the queue until it is empty,
// then ends, or, once the connection is shut, lingers and closes it.
func (x *pairConn) write() {
	for {
		x.mu.Lock()
		b, shut := x.out, x.shut
		x.out = nil
		if len(b) == 0 && !shut {
			x.writing = false
			x.mu.Unlock()
			return
		}
		x.mu.Unlock()
		if len(b) == 0 {
			x.linger()
			x.release()
			return
		}
		_, err := x.nc.Write(b)
		left := x.buffered.Add(-int64(len(b)))
		x.mu.Lock()
		tell := x.waiting && left < int64(x.low)
		if tell {
			x.waiting = false
		}
		x.mu.Unlock()
		if tell {
			x.e.Post(x.loop, x.writable)
		}
		if err != nil {
			x.e.Post(x.loop, x.gone)
			x.release() // the peer is gone, or the drain deadline passed
			return
		}
	}
}

// linger shuts the write side down and waits for the reader to see the
// peer's end, for at most LingerTimeout.
func (x *pairConn) linger() {
	if cw, ok := x.nc.(interface{ CloseWrite() error }); ok {
		if err := cw.CloseWrite(); err != nil {
			return
		}
	}
	_ = x.nc.SetReadDeadline(time.Now().Add(x.e.opts.LingerTimeout))
	select {
	case <-x.readEnd:
	case <-x.e.done:
	}
}

// WaitWritable is transports.WritableIO's: the writer posts OnWritable
// once Buffered is under low; on the loop.
func (x *pairConn) WaitWritable(low int) {
	x.mu.Lock()
	x.low = low
	tell := x.buffered.Load() < int64(low)
	x.waiting = !tell
	x.mu.Unlock()
	if tell {
		x.e.Post(x.loop, x.writable)
	}
}

// writable tells the machine that the writer has room; on the loop.
func (x *pairConn) writable() {
	if !x.closing {
		x.m.OnWritable()
	}
}

// Footprint is transports.WritableIO's: while Buffered stays under max,
// the queue (grown by append, up to twice what it holds) and the write in
// flight (a queue taken whole) hold at most four times max.
func (x *pairConn) Footprint(max int) int {
	if x.buffered.Load() == 0 {
		return 0
	}
	return 4 * max
}
