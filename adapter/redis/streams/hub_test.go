package streams

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/tornadio/tornadio/adapter/redis/internal/cluster"
	"github.com/tornadio/tornadio/adapter/redis/internal/redistest"
)

type recorder chan *cluster.Message

func (r recorder) Receive(m *cluster.Message) { r <- m }

// Two namespaces on one stream share one reader; the stream's entries go
// to the namespace they name; once both leave, the reader, the
// subscription and their goroutines are gone.
func TestHubSharesOneReaderPerStream(t *testing.T) {
	srv := redistest.Start(t)
	client := srv.Client(t)
	base := runtime.NumGoroutine()
	cfg := defaultConfig()
	cfg.blockTime = 200 * time.Millisecond
	h := newHub(client, cfg)
	root, chat := make(recorder, 4), make(recorder, 4)
	h.register("/", "socket.io", "p#/#", "p#/#u1#", root)
	h.register("/chat", "socket.io", "p#/chat#", "p#/chat#u2#", chat)
	if len(h.readers) != 1 || h.readers["socket.io"].users != 2 {
		t.Fatalf("readers %v", h.readers)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := h.subscribe(ctx, "p#/chat#", "p#/chat#u2#"); err != nil {
		t.Fatal(err)
	}
	// Entries added before the reader's first XREAD are not read (it starts
	// at "$"): add until one arrives.
	var got *cluster.Message
	for got == nil {
		values, _ := entryValues(&cluster.Message{UID: "x", Nsp: "/chat", Type: cluster.SocketsJoin, Data: []byte(`{"rooms":["a"]}`)}, false)
		id, err := h.xadd(ctx, "socket.io", values)
		if err != nil {
			t.Fatal(err)
		}
		select {
		case got = <-chat:
			// The entry read is this one or an earlier attempt.
			if !offsetRE.MatchString(got.Offset) || got.Offset > id {
				t.Fatalf("offset %q, last entry %q", got.Offset, id)
			}
		case <-time.After(500 * time.Millisecond):
		case <-ctx.Done():
			t.Fatal("no entry read")
		}
	}
	if got.Nsp != "/chat" || got.Type != cluster.SocketsJoin || string(got.Data) != `{"rooms":["a"]}` {
		t.Fatalf("got %+v", got)
	}
	payload, _ := encodeEphemeral(&cluster.Message{UID: "y", Nsp: "/chat", Type: cluster.ServerSideEmit, Data: []byte(`{"packet":["e"]}`)})
	if err := h.publish(ctx, "p#/chat#", payload); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-chat:
		if m.Type != cluster.ServerSideEmit || m.UID != "y" {
			t.Fatalf("pub/sub message %+v", m)
		}
	case <-ctx.Done():
		t.Fatal("no pub/sub message")
	}
	select {
	case m := <-root:
		t.Fatalf("/ got %+v", m)
	default:
	}

	h.unregister(ctx, "/", "socket.io", "p#/#", "p#/#u1#")
	if len(h.readers) != 1 {
		t.Fatal("the reader stopped while /chat still reads the stream")
	}
	h.unregister(ctx, "/chat", "socket.io", "p#/chat#", "p#/chat#u2#")
	if len(h.readers) != 0 || h.sub != nil {
		t.Fatal("reader or subscription left")
	}
	deadline := time.Now().Add(20 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, %d before:\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}
