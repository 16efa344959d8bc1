package clientbench

import (
	"context"
	"strconv"
	"testing"

	goredis "github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"

	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
)

// payload is the size of a classic adapter's broadcast of a small chat
// message (msgpack [uid, packet, opts]).
var payload = string(make([]byte, 120))

func goRedisClient(b *testing.B, addr string) *goredis.Client {
	c := goredis.NewClient(&goredis.Options{Addr: addr})
	b.Cleanup(func() { c.Close() })
	return c
}

func rueidisClient(b *testing.B, addr string) rueidis.Client {
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{addr}, DisableCache: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.Close)
	return c
}

// BenchmarkPublish: one goroutine publishes and waits for each reply, as an
// adapter's ordered publisher does.
func BenchmarkPublish(b *testing.B) {
	srv := redistest.Start(b)
	ctx := context.Background()
	b.Run("go-redis", func(b *testing.B) {
		c := goRedisClient(b, srv.Addr())
		b.ReportAllocs()
		for b.Loop() {
			if err := c.Publish(ctx, "socket.io#/#", payload).Err(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rueidis", func(b *testing.B) {
		c := rueidisClient(b, srv.Addr())
		b.ReportAllocs()
		for b.Loop() {
			if err := c.Do(ctx, c.B().Publish().Channel("socket.io#/#").Message(payload).Build()).Error(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPublishParallel: many goroutines publish at once (several
// namespaces' publishers, or requests beside broadcasts).
func BenchmarkPublishParallel(b *testing.B) {
	srv := redistest.Start(b)
	ctx := context.Background()
	b.Run("go-redis", func(b *testing.B) {
		c := goRedisClient(b, srv.Addr())
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := c.Publish(ctx, "socket.io#/#", payload).Err(); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("rueidis", func(b *testing.B) {
		c := rueidisClient(b, srv.Addr())
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := c.Do(ctx, c.B().Publish().Channel("socket.io#/#").Message(payload).Build()).Error(); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkReceive: the cost of taking one message off a pattern
// subscription (the classic adapter's PSUBSCRIBE), publisher included.
func BenchmarkReceive(b *testing.B) {
	srv := redistest.Start(b)
	ctx := context.Background()
	b.Run("go-redis", func(b *testing.B) {
		pub, sub := goRedisClient(b, srv.Addr()), goRedisClient(b, srv.Addr())
		ps := sub.PSubscribe(ctx, "socket.io#/#*")
		defer ps.Close()
		if _, err := ps.Receive(ctx); err != nil { // the subscription's confirmation
			b.Fatal(err)
		}
		ch := ps.Channel(goredis.WithChannelSize(1024))
		b.ReportAllocs()
		b.ResetTimer()
		go func() {
			for i := 0; i < b.N; i++ {
				pub.Publish(ctx, "socket.io#/#", payload)
			}
		}()
		for i := 0; i < b.N; i++ {
			<-ch
		}
	})
	b.Run("rueidis", func(b *testing.B) {
		pub, sub := rueidisClient(b, srv.Addr()), rueidisClient(b, srv.Addr())
		ch := make(chan struct{}, 1024)
		subscribed := make(chan struct{})
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go sub.Receive(ctx, sub.B().Psubscribe().Pattern("socket.io#/#*").Build(), func(rueidis.PubSubMessage) { ch <- struct{}{} })
		go func() {
			// Receive has no confirmation hook: wait until Redis counts the pattern.
			for {
				n, _ := pub.Do(ctx, pub.B().Arbitrary("PUBSUB", "NUMPAT").Build()).AsInt64()
				if n > 0 {
					close(subscribed)
					return
				}
			}
		}()
		<-subscribed
		b.ReportAllocs()
		b.ResetTimer()
		go func() {
			for i := 0; i < b.N; i++ {
				pub.Do(ctx, pub.B().Publish().Channel("socket.io#/#").Message(payload).Build())
			}
		}()
		for i := 0; i < b.N; i++ {
			<-ch
		}
	})
}

var _ = strconv.Itoa
