package streams

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tornadio/tornadio/adapter"
	"github.com/tornadio/tornadio/adapter/redis/internal/cluster"
	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
)

type noLoops struct{}

func (noLoops) Post(int, func()) bool { return false }

// slowSet delays every SET, as a loaded Redis or network might.
type slowSet struct{}

func (slowSet) DialHook(next redis.DialHook) redis.DialHook { return next }
func (slowSet) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (slowSet) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if cmd.Name() == "set" || cmd.Name() == "SET" {
			time.Sleep(300 * time.Millisecond)
		}
		return next(ctx, cmd)
	}
}

// A client that comes back at once to the node it left finds its session,
// however long storing it takes: the restoration waits for it.
func TestRestoreWaitsForThePersistOfThisNode(t *testing.T) {
	srv := redistest.Start(t)
	client := srv.Client(t)
	client.AddHook(slowSet{})
	local := adapter.NewLocal(adapter.Config{Namespace: "/", Loops: 1, Poster: noLoops{}, RecoveryWindow: time.Minute})
	a := New(client)("/", local).(*Adapter)
	t.Cleanup(func() { _ = a.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	values, _ := entryValues(&cluster.Message{UID: "other", Nsp: "/", Type: cluster.Broadcast,
		Data: []byte(`{"packet":{"type":2,"data":["e"]},"opts":{"rooms":[],"except":[],"flags":{}}}`)}, false)
	offset, err := a.h.xadd(ctx, a.Stream(), values)
	if err != nil {
		t.Fatal(err)
	}
	a.PersistSession(&adapter.Session{SID: "s1", PID: "p1", Rooms: []string{"s1"}, Data: []byte(`{}`)})
	got := make(chan *adapter.Session, 1)
	a.RestoreSession("p1", offset, func(s *adapter.Session, _ []*adapter.Packet) { got <- s })
	select {
	case s := <-got:
		if s == nil || s.SID != "s1" {
			t.Fatalf("restored %+v", s)
		}
	case <-ctx.Done():
		t.Fatal("no answer")
	}
}
