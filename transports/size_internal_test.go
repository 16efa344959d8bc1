package transports

import (
	"testing"
	"unsafe"
)

// TestSessionSize pins the size of what every idle websocket session keeps.
// Servers hold tens of thousands of them, and the Go allocator rounds an
// object up to its size class (…, 64, 80, 96, 112, …): one field more on
// Session moves it from 96 to 112 bytes, and every session with it. The
// polling side stays behind one pointer (engineio.Session's, which holds the
// pollState), the settings with the Server. A Conn lives inside the edge's
// per-connection object (loop's is 80 bytes with it), and the legacy road's
// state with its loop. Grow these only with a reason worth a class, and say
// it here.
func TestSessionSize(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"Session", unsafe.Sizeof(Session{}), 96},
		{"Conn", unsafe.Sizeof(Conn{}), 56},
		{"Handshake", unsafe.Sizeof(Handshake{}), 16},
		{"timerNode", unsafe.Sizeof(timerNode{}), 16},
	} {
		if c.got > c.want {
			t.Errorf("%s is %d bytes, over its budget of %d (see the comment above)", c.name, c.got, c.want)
		}
	}
}
