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
// two goroutines carry the bytes:
//
//   - the reader reads into a buffer of its own and posts each read to the
//     loop, where it is appended to the connection's input and fed to the
//     machine; it reads again only once the loop has taken the bytes, so a
//     client can get no further ahead than one read. Input the machine
//     leaves unconsumed (a request or frame still incomplete) is bounded
//     by Options.MaxInbound, as on the gnet edge: past it the connection is
//     closed;
//   - the writer writes what the machine wrote (IO.Write appends to an
//     outbound queue, IO.Buffered is its length plus the write in flight,
//     which the machine bounds with its MaxBuffered: a client that stops
//     reading is cut as a slow consumer).
//
// A close asked by the machine is graceful, as on the gnet edge
// (drain.go): the machine is told at once (on a later turn), the writer
// sends what is queued within Options.DrainTimeout, then shuts the write
// side (TLS close_notify and FIN), and the reader reads and throws away
// until the peer closes, for at most Options.LingerTimeout; then the
// connection is closed. Engine.Stop closes every pair connection at once.
//
// Each pair connection counts against MaxConns, as it holds a descriptor.

// pairConn is the context of one connection served by a goroutine pair.
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
	shut     bool   // the writer is to drain, shut the write side and end
	kick     chan struct{}
	buffered atomic.Int64 // bytes queued or being written

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

// pairReadSize is the reader's buffer: one buffer per connection, held
// while the reader waits for input, which is what idle connections do.
const pairReadSize = 4 << 10

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
		kick:    make(chan struct{}, 1),
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
	go x.write()
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

// Write is IO.Write: queued for the writer.
func (x *pairConn) Write(b []byte) {
	if x.closing {
		return
	}
	x.mu.Lock()
	x.out = append(x.out, b...)
	x.mu.Unlock()
	x.buffered.Add(int64(len(b)))
	x.signal()
}

func (x *pairConn) signal() {
	select {
	case x.kick <- struct{}{}:
	default:
	}
}

// Close is IO.Close: the graceful close described above.
func (x *pairConn) Close() {
	if x.closing {
		return
	}
	x.closing = true
	x.in = nil
	_ = x.nc.SetWriteDeadline(time.Now().Add(x.e.opts.DrainTimeout))
	x.mu.Lock()
	x.shut = true
	x.mu.Unlock()
	x.signal()
	x.e.Post(x.loop, x.tell)
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
	if rest == 0 && cap(x.in) > pairReadSize {
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
		x.closing = true
		x.in = nil
		x.mu.Lock()
		x.shut = true
		x.mu.Unlock()
		x.signal()
	}
	x.tell()
}

// read is the reader goroutine.
func (x *pairConn) read() {
	defer close(x.readEnd)
	buf := make([]byte, pairReadSize)
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
	}
}

// write is the writer goroutine; it owns the end of the connection.
func (x *pairConn) write() {
	defer x.release()
	var spare []byte
	for {
		select {
		case <-x.kick:
		case <-x.e.done:
			return
		}
		x.mu.Lock()
		b, shut := x.out, x.shut
		x.out = spare[:0]
		x.mu.Unlock()
		if len(b) > 0 {
			_, err := x.nc.Write(b)
			x.buffered.Add(-int64(len(b)))
			if err != nil {
				x.e.Post(x.loop, x.gone)
				return // the peer is gone or the drain deadline passed
			}
		}
		spare = nil
		if cap(b) <= pairReadSize {
			spare = b[:0]
		}
		x.mu.Lock()
		more := len(x.out) > 0
		x.mu.Unlock()
		if more {
			x.signal()
			continue
		}
		if shut {
			x.linger()
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
