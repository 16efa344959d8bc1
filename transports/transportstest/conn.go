package transportstest

import (
	"fmt"
	"sync"
	"time"

	"github.com/tornadio/tornadio/transports"
)

// Conn is a fake connection: it implements transports.IO for the machine
// and plays the edge (inbound buffer, Feed, OnClose) and the peer.
//
// Like gnet, Close and Wake are asynchronous: they queue work on the
// connection's loop, and OnClose is delivered once.
type Conn struct {
	L    *Loops
	Loop int
	M    *transports.Conn

	// ByteByByte makes Send deliver its bytes one at a time, each as a
	// separate arrival event.
	ByteByByte bool
	// OnWrite, when set, sees each write, on the loop, as it is made: a
	// peer that answers at once (it may Send).
	OnWrite func(b []byte)

	mu               sync.Mutex
	in               []byte // the edge's inbound buffer
	out              []byte // everything written
	read             int    // how much of out the Read helpers consumed
	closeReqs        int    // calls to Close
	closedAt         time.Time
	gone             bool // OnClose delivered
	wakes            int
	writesAfterClose int
	stalled          bool
	buffered         int // bytes written while stalled
	violations       []string
	remote           string
}

var _ transports.IO = (*Conn)(nil)

func (c *Conn) check(what string) {
	if cur := c.L.Current(); cur != c.Loop {
		c.violations = append(c.violations, fmt.Sprintf("%s called on loop %d, conn is on loop %d", what, cur, c.Loop))
	}
}

// Write implements transports.IO.
func (c *Conn) Write(b []byte) {
	c.check("Write")
	c.mu.Lock()
	if c.gone || c.closeReqs > 0 {
		c.writesAfterClose++
		if c.gone {
			c.mu.Unlock()
			return
		}
	}
	c.out = append(c.out, b...)
	if c.stalled {
		c.buffered += len(b)
	}
	c.mu.Unlock()
	if c.OnWrite != nil {
		c.OnWrite(b)
	}
}

// Close implements transports.IO.
func (c *Conn) Close() {
	c.check("Close")
	c.mu.Lock()
	c.closeReqs++
	first := c.closeReqs == 1
	if first {
		c.closedAt = c.L.Now()
	}
	c.mu.Unlock()
	if first {
		c.L.PostIO(c.Loop, c.deliverClose)
	}
}

// Wake implements transports.IO.
func (c *Conn) Wake() {
	c.check("Wake")
	c.mu.Lock()
	c.wakes++
	c.mu.Unlock()
	c.L.PostIO(c.Loop, c.feed)
}

// Buffered implements transports.IO: 0, or while the peer is stalled (see
// Stall), the bytes written since.
func (c *Conn) Buffered() int {
	c.check("Buffered")
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buffered
}

// Stall makes the peer stop reading: from now on Buffered reports every byte
// written since, as if it all waited in the edge's outbound buffer. The
// bytes are still recorded in the output.
func (c *Conn) Stall() {
	c.mu.Lock()
	c.stalled = true
	c.mu.Unlock()
}

// Drain makes the peer read again: the outbound buffer empties and Buffered
// reports 0.
func (c *Conn) Drain() {
	c.mu.Lock()
	c.stalled, c.buffered = false, 0
	c.mu.Unlock()
}

// Stalled is Buffered, readable from any goroutine.
func (c *Conn) Stalled() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buffered
}

// RemoteAddr implements transports.IO.
func (c *Conn) RemoteAddr() string { return c.remote }

func (c *Conn) deliverClose() {
	c.mu.Lock()
	if c.gone {
		c.mu.Unlock()
		return
	}
	c.gone = true
	c.in = nil
	c.mu.Unlock()
	c.M.OnClose()
}

// feed hands the inbound buffer to the machine, as gnet's OnTraffic does.
func (c *Conn) feed() {
	c.mu.Lock()
	if c.gone || len(c.in) == 0 {
		c.mu.Unlock()
		return
	}
	buf := c.in
	c.mu.Unlock()
	n := c.M.Feed(buf)
	c.mu.Lock()
	if n < 0 || n > len(buf) {
		c.violations = append(c.violations, fmt.Sprintf("Feed returned %d of %d", n, len(buf)))
		n = len(buf)
	}
	if !c.gone {
		c.in = append([]byte(nil), buf[n:]...)
	}
	c.mu.Unlock()
}

// Send makes b arrive from the peer: it is appended to the inbound buffer
// and a Feed is queued on the connection's loop (one per byte when
// ByteByByte is set).
func (c *Conn) Send(b []byte) {
	if c.ByteByByte {
		for i := range b {
			ch := b[i]
			c.L.PostIO(c.Loop, func() { c.arrive([]byte{ch}) })
		}
		return
	}
	cp := append([]byte(nil), b...)
	c.L.PostIO(c.Loop, func() { c.arrive(cp) })
}

// SendString is Send for a string.
func (c *Conn) SendString(s string) { c.Send([]byte(s)) }

func (c *Conn) arrive(b []byte) {
	c.mu.Lock()
	if c.gone {
		c.mu.Unlock()
		return
	}
	c.in = append(c.in, b...)
	c.mu.Unlock()
	c.feed()
}

// Hangup makes the peer close the connection: OnClose is queued on the
// connection's loop (once in all).
func (c *Conn) Hangup() { c.L.PostIO(c.Loop, c.deliverClose) }

// Output is a copy of every byte the machine wrote.
func (c *Conn) Output() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]byte(nil), c.out...)
}

// Unread is a copy of the written bytes the Read helpers have not consumed.
func (c *Conn) Unread() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]byte(nil), c.out[c.read:]...)
}

func (c *Conn) consume(n int) {
	c.mu.Lock()
	c.read += n
	c.mu.Unlock()
}

// Inbound is the number of bytes the machine has not consumed.
func (c *Conn) Inbound() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.in)
}

// CloseRequested reports whether the machine called Close.
func (c *Conn) CloseRequested() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closeReqs > 0
}

// ClosedAt is the clock when the machine first called Close, the zero time
// if it has not.
func (c *Conn) ClosedAt() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closedAt
}

// CloseCalls is the number of calls to Close.
func (c *Conn) CloseCalls() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closeReqs
}

// Gone reports whether OnClose was delivered.
func (c *Conn) Gone() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gone
}

// Wakes is the number of calls to Wake.
func (c *Conn) Wakes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.wakes
}

// WritesAfterClose counts writes made after Close or OnClose.
func (c *Conn) WritesAfterClose() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writesAfterClose
}

// Violations lists IO calls made off the connection's loop and bad Feed
// results.
func (c *Conn) Violations() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.violations...)
}
