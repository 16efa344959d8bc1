package loop

import (
	"bytes"
	"runtime"
	"sync"
)

// noWait holds the ids of the goroutines whose posts never wait for a
// mailbox to drain (mailbox.go): the event loops of every engine of the
// process, and the goroutines the loops may wait for. A goroutine keeps
// its id for its whole life, and ids are not reused.
var noWait sync.Map // uint64 → struct{}

// MarkNoWait marks the calling goroutine as one whose posts to a loop never
// wait for its mailbox to drain. The loops mark themselves; call it on the
// goroutines an event loop may wait for — a worker a loop hands callbacks
// to through a bounded queue — since a worker waiting for a loop that waits
// for the worker would stop both.
func MarkNoWait() { noWait.Store(goroutineID(), struct{}{}) }

// mayWait reports whether the calling goroutine may wait for a mailbox.
// About a microsecond: asked only of posts to a mailbox past its high-water
// mark.
func mayWait() bool {
	_, marked := noWait.Load(goroutineID())
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
