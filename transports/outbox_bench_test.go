//go:build !race

package transports_test

import (
	"testing"

	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// writableDiscardIO is discardIO that is a WritableIO: an edge that always
// keeps up, so every frame takes the outbox's fast path.
type writableDiscardIO struct{ discardIO }

func (writableDiscardIO) WaitWritable(int)  {}
func (writableDiscardIO) Footprint(int) int { return 0 }

// BenchmarkSendSharedKeepsUp is the cost of a shared frame to a websocket
// session whose client keeps up, through an edge without the writable
// notification (every byte handed at once) and one with it (the outbox's
// checks): the outbox must cost a fast reader next to nothing.
func BenchmarkSendSharedKeepsUp(b *testing.B) {
	for _, tc := range []struct {
		name string
		io   transports.IO
	}{{"plain", discardIO{}}, {"writable", writableDiscardIO{}}} {
		b.Run(tc.name, func(b *testing.B) {
			app := &openedApp{}
			srv := transports.NewServer(transports.Config{}, app, &inlineLoops{now: tt.Epoch}, 1)
			c := srv.NewConn(tc.io, 0)
			req := tt.WSUpgrade(4, "")
			if n := c.Feed(req); n != len(req) {
				b.Fatalf("fed %d of %d", n, len(req))
			}
			s := app.s
			m := transports.NewShared(make([]byte, 1024))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if r := s.SendShared(m); r != transports.SendQueued {
					b.Fatalf("result %d", r)
				}
			}
		})
	}
}

// openedApp keeps the last session opened.
type openedApp struct {
	nopApp
	s *transports.Session
}

func (a *openedApp) Open(s *transports.Session) error { a.s = s; return nil }
