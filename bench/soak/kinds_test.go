package soak

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"
)

// startServer starts the soak server on 2 loops, broadcasting every 20 ms.
func startServer(t *testing.T) *Server {
	t.Helper()
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(2, port, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	srv.Broadcast(20*time.Millisecond, 50)
	t.Cleanup(func() {
		srv.StopBroadcast()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return srv
}

// TestEveryKind: one healthy client of each kind receives broadcasts in
// order, gets every request answered, and its socket is closed exactly
// once on the server.
func TestEveryKind(t *testing.T) {
	srv := startServer(t)
	t.Run("kinds", func(t *testing.T) {
		for i, k := range Kinds {
			t.Run(k.Name, func(t *testing.T) {
				t.Parallel()
				ch := NewChurn(ChurnConfig{Addr: srv.Addr(), Every: 100 * time.Millisecond})
				ch.client(context.Background(), i, Healthy, 1500*time.Millisecond)
				st := ch.Stats()[i]
				if st.OpenFailures != 0 || st.Dropped != 0 {
					t.Fatalf("open failures %d, dropped %d: %q", st.OpenFailures, st.Dropped, st.Errors)
				}
				if st.Broadcasts < 5 || st.Gaps != 0 || st.Dups != 0 {
					t.Errorf("broadcasts %d, gaps %d, dups %d", st.Broadcasts, st.Gaps, st.Dups)
				}
				if st.Requests < 3 || st.Answers != st.Requests || st.ExtraAnswers != 0 {
					t.Errorf("requests %d, answers %d, extra %d", st.Requests, st.Answers, st.ExtraAnswers)
				}
			})
		}
	})
	deadline := time.Now().Add(Settle)
	for time.Now().Before(deadline) {
		st := srv.Stats()
		if st.Opens == int64(len(Kinds)) && st.Closes == st.Opens && st.Sessions+st.LegacySessions == 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	st := srv.Stats()
	if st.Opens != int64(len(Kinds)) || st.Closes != st.Opens || st.StrayCloses != 0 || st.Sessions+st.LegacySessions != 0 {
		t.Errorf("server: %+v", st)
	}
}

// TestOpenFailure: a client of each kind that cannot connect reports it,
// and resetting it then is harmless.
func TestOpenFailure(t *testing.T) {
	port, err := FreePort() // nothing listens there
	if err != nil {
		t.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	for _, k := range Kinds {
		s := k.New(addr)
		if err := s.open(context.Background()); err == nil {
			t.Errorf("%s: open succeeded with no server", k.Name)
		}
		s.reset()
	}
}

// TestFloodCut: an Engine.IO websocket client that asks for a Flood and
// never reads is closed by the server as a slow consumer.
func TestFloodCut(t *testing.T) {
	srv := startServer(t)
	for _, i := range []int{0, 3} { // eio4 websocket, eio3 websocket
		if !strings.HasSuffix(Kinds[i].Name, " websocket") {
			t.Fatalf("kind %d is %s", i, Kinds[i].Name)
		}
		s := Kinds[i].New(srv.Addr())
		if !s.(flooder).willFlood() {
			t.Fatalf("%s does not flood", Kinds[i].Name)
		}
		if err := s.open(context.Background()); err != nil {
			t.Fatal(err)
		}
		defer s.reset()
		if err := s.(flooder).flood(Flood); err != nil {
			t.Fatalf("%s: flood: %v", Kinds[i].Name, err)
		}
	}
	deadline := time.Now().Add(PingInterval) // before any ping timeout
	for srv.Stats().Reasons["slow consumer"] < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if st := srv.Stats(); st.Reasons["slow consumer"] != 2 {
		t.Fatalf("closes by reason %v, want 2 slow consumers", st.Reasons)
	}
}
