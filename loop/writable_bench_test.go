package loop

import (
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/tornadio/tornadio/transports"
)

// echoApp opens sessions like sessionsApp and echoes every message.
type echoApp struct{ sessionsApp }

func (echoApp) Message(s *transports.Session, data []byte, binary bool) { s.Send(data, binary) }

// benchEngine serves app on one loop, websocket only, with the default
// bound.
func benchEngine(b *testing.B, app transports.App) *Engine {
	e := New(Options{Loops: 1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv := transports.NewServer(transports.Config{WebSocket: true}, app, e, e.Loops())
	e.Bind(srv)
	if err := e.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = e.Stop(b.Context()) })
	return e
}

// BenchmarkWritableBroadcast: batches of shared messages to clients that
// read as fast as they can, each batch waited for by every client: the
// throughput a fast reader gets, which the outbox must not cost.
func BenchmarkWritableBroadcast(b *testing.B) {
	for _, size := range []int{1 << 10, 16 << 10, 64 << 10} {
		b.Run(byteSize(size), func(b *testing.B) {
			const readers, batch = 4, 64
			app := sessionsApp{opened: make(chan *transports.Session, readers)}
			e := benchEngine(b, app)
			var sessions []*transports.Session
			done := make(chan error, readers)
			for range readers {
				c, br := wsDial(b, e.Addr().String(), 0)
				sessions = append(sessions, <-app.opened)
				go func() {
					for {
						_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
						for range batch {
							if _, err := wsReadPayload(br); err != nil {
								done <- err
								return
							}
						}
						done <- nil
					}
				}()
			}
			data := make([]byte, size)
			b.SetBytes(int64(size * batch * readers))
			b.ResetTimer()
			for range b.N {
				e.Post(0, func() {
					for range batch {
						m := transports.NewShared(data)
						for _, s := range sessions {
							s.SendShared(m)
						}
					}
				})
				for range readers {
					if err := <-done; err != nil {
						b.Fatal(err)
					}
				}
			}
			// Timer expiries: the writable passes, when readers fall behind.
			b.ReportMetric(float64(e.wakeups.Load())/float64(b.N), "wakeups/op")
		})
	}
}

// BenchmarkWritableEcho: one client sends a message and waits for its echo.
func BenchmarkWritableEcho(b *testing.B) {
	app := echoApp{sessionsApp{opened: make(chan *transports.Session, 1)}}
	e := benchEngine(b, app)
	c, br := wsDial(b, e.Addr().String(), 0)
	<-app.opened
	frame := []byte{0x81, 0x80 | 6, 0, 0, 0, 0, '4', 'h', 'e', 'l', 'l', 'o'} // masked with zeros
	b.ResetTimer()
	for range b.N {
		if _, err := c.Write(frame); err != nil {
			b.Fatal(err)
		}
		if _, err := wsReadPayload(br); err != nil {
			b.Fatal(err)
		}
	}
}

func byteSize(n int) string { return strconv.Itoa(n>>10) + "KiB" }
