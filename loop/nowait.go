package loop

import (
	"bytes"
	"runtime"
	"sync"
)

// loopGoroutines holds the ids of the goroutines that run the event loops
// of every engine of the process, each noted when its loop takes its first
// connection; noWait holds the goroutines marked by MarkNoWait. A loop's
// posts never wait for a mailbox to drain (mailbox.go), nor do those of the
// goroutines the loops may wait for. A goroutine keeps its id for its whole
// life, and ids are not reused.
var loopGoroutines, noWait sync.Map // uint64 → struct{}

// MarkNoWait marks the calling goroutine as one whose posts to a loop never
// wait for its mailbox to drain. The loops mark themselves; call it on the
// goroutines an event loop may wait for — a worker a loop hands callbacks
// to through a bounded queue — since a worker waiting for a loop that waits
// for the worker would stop both.
func MarkNoWait() { noWait.Store(goroutineID(), struct{}{}) }

// OnLoop reports whether the calling goroutine runs the event loop of an
// engine of the process (one that has taken a connection): code there must
// not wait for anything a loop has to do. About a microsecond.
func OnLoop() bool {
	_, ok := loopGoroutines.Load(goroutineID())
	return ok
}

// markLoop notes the calling goroutine as an event loop's.
func markLoop() { loopGoroutines.Store(goroutineID(), struct{}{}) }

// mayWait reports whether the calling goroutine may wait for a mailbox:
// neither a loop nor marked by MarkNoWait. About a microsecond: asked only
// of posts to a mailbox past its high-water mark.
func mayWait() bool {
	id := goroutineID()
	if _, loop := loopGoroutines.Load(id); loop {
		return false
	}
	_, marked := noWait.Load(id)
	return !marked
}

// goroutineID is the calling goroutine's id, as its stack trace's first
// line ("goroutine 42 [running]:") shows it.
func goroutineID() uint64 {
	var buf [64]byte
	b := bytes.TrimPrefix(buf[:runtime.Stack(buf[:], false)], []byte("goroutine "))
	var id uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uint64(c-'0')
	}
	return id
}
