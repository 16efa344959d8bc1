package engineio

import (
	"testing"
	"unsafe"
)

// TestPollingState checks the caller's part of the polling side: there
// exactly while the session has a polling side, kept across calls, and
// gone with it.
func TestPollingState(t *testing.T) {
	var p Session[[2]int]
	p.Init(4, false)
	if p.Polling() == nil {
		t.Fatal("a session opened on polling has no polling state")
	}
	p.Polling()[1] = 7
	p.Queue(&testConfig, Packet{Type: Message, Data: []byte("a")})
	if got := p.Polling()[1]; got != 7 {
		t.Fatalf("polling state after Queue = %d, want 7", got)
	}
	p.DropPolling()
	if p.Polling() != nil {
		t.Fatal("polling state outlives DropPolling")
	}

	var w Session[[2]int]
	w.Init(4, true)
	if w.Polling() != nil {
		t.Fatal("a session opened on websocket has polling state")
	}
	w.Queue(&testConfig, Packet{Type: Message, Data: []byte("a")})
	if w.Polling() == nil || w.Polling()[1] != 0 {
		t.Fatal("a websocket session's first queued packet makes no zero polling state")
	}
}

// TestSessionSize pins a Session at three words: every idle websocket
// session embeds one (see the Session comment).
func TestSessionSize(t *testing.T) {
	if n := unsafe.Sizeof(Session[struct{ a, b, c int }]{}); n > 24 {
		t.Errorf("Session is %d bytes, over its budget of 24", n)
	}
}
