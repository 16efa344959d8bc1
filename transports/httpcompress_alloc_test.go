//go:build !race

// Allocation counts differ under the race detector.

package transports_test

import (
	"strings"
	"testing"

	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// compressedCycle is one long-polling exchange whose answer, msg, is
// compressed with the coding accept asks for: a GET that parks, msg sent
// to it, and a POST.
func compressedCycle(t testing.TB, accept, msg string) func() {
	srv := transports.NewServer(transports.Config{}, nopApp{}, &inlineLoops{now: tt.Epoch}, 1)
	get, post := srv.NewConn(discardIO{}, 0), srv.NewConn(discardIO{}, 0)
	get.Feed(tt.PollGET(4, ""))
	s := srv.Sessions()[0]
	getReq, postReq := tt.PollGET(4, s.ID(), "Accept-Encoding: "+accept), tt.PollPOST(4, s.ID(), "4hello")
	buf := make([]byte, len(postReq))
	data := []byte(msg)
	return func() {
		if n := get.Feed(getReq); n != len(getReq) {
			t.Fatalf("GET: fed %d of %d bytes", n, len(getReq))
		}
		s.Send(data, false)
		copy(buf, postReq)
		if n := post.Feed(buf); n != len(buf) {
			t.Fatalf("POST: fed %d of %d bytes", n, len(buf))
		}
	}
}

// Compressing polling answers allocates nothing per answer once the loop's
// writer and buffers exist: the steady state of a session whose answers
// are compressed allocates no more than one whose answers are not.
func TestCompressedPollAllocs(t *testing.T) {
	msg := strings.Repeat("a compressible message ", 200)
	plain := compressedCycle(t, "identity", msg)
	plain() // warm the loop's buffers
	base := testing.AllocsPerRun(200, plain)
	for _, coding := range []string{"gzip", "deflate"} {
		cycle := compressedCycle(t, coding, msg)
		cycle() // make the loop's writer
		if n := testing.AllocsPerRun(200, cycle); n > base {
			t.Errorf("%s: %v allocations per compressed polling exchange, %v uncompressed", coding, n, base)
		}
	}
}

// BenchmarkCompressedPollingCycle is BenchmarkPollingCycle with a 4.6 kB
// answer, compressed with gzip or sent as it is.
func BenchmarkCompressedPollingCycle(b *testing.B) {
	msg := strings.Repeat("a compressible message ", 200)
	for _, accept := range []string{"identity", "gzip", "deflate"} {
		b.Run(accept, func(b *testing.B) {
			cycle := compressedCycle(b, accept, msg)
			b.ReportAllocs()
			for b.Loop() {
				cycle()
			}
		})
	}
}
