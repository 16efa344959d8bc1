package loop_test

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio/flash"
	"github.com/tornadio/tornadio/legacy"
	"github.com/tornadio/tornadio/loop"
	"github.com/tornadio/tornadio/transports"
)

type nopApp struct{}

func (nopApp) Open(*transports.Session) error                          { return nil }
func (nopApp) Message(*transports.Session, []byte, bool)               {}
func (nopApp) Close(*transports.Session, string)                       {}
func (nopApp) LegacyOpen(*transports.LegacySession) error              { return nil }
func (nopApp) LegacyMessage(*transports.LegacySession, legacy.Message) {}
func (nopApp) LegacyClose(*transports.LegacySession, string)           {}

// exchange dials addr, writes the pieces with pauses, and reads until the
// server closes.
func exchange(t *testing.T, addr string, pieces ...string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, p := range pieces {
		if _, err := c.Write([]byte(p)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("read: %v (got %q)", err, b)
	}
	return string(b)
}

// The policy listener and the main port share the engine's loops; both
// answer the policy request, whole or in pieces, with the policy and NUL.
func TestPolicyListener(t *testing.T) {
	e := loop.New(loop.Options{Loops: 2, PolicyAddr: "127.0.0.1:0"})
	srv := transports.NewServer(transports.Config{
		LegacyTransports: []string{"flashsocket", "xhr-polling"},
		LegacyApp:        nopApp{},
	}, nopApp{}, e, e.Loops())
	e.Bind(srv)
	if err := e.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer e.Stop(context.Background())
	main, policy := e.Addr().String(), e.PolicyAddr().String()
	if main == policy || e.PolicyAddr().(*net.TCPAddr).Port == 0 {
		t.Fatalf("addresses %s and %s", main, policy)
	}
	want := flash.DefaultPolicy + "\x00"
	for _, tc := range []struct {
		addr   string
		pieces []string
		want   string
	}{
		{policy, []string{flash.Request}, want},
		{policy, []string{"<policy-file", "-request/>", "\x00"}, want},
		{policy, []string{"GET / HTTP/1.1\r\nHost: x\r\n\r\n"}, ""},
		{main, []string{flash.Request}, want},
		{main, []string{"<policy-", "file-request/>\x00"}, want},
	} {
		if got := exchange(t, tc.addr, tc.pieces...); got != tc.want {
			t.Errorf("%s %q: got %q, want %q", tc.addr, tc.pieces, got, tc.want)
		}
	}
	// The main port still speaks HTTP, legacy included.
	got := exchange(t, main, "GET /socket.io/xhr-polling//1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if !strings.HasPrefix(got, "HTTP/1.1 200 OK\r\n") || !strings.Contains(got, "\r\n\r\n~m~18~m~") {
		t.Errorf("legacy handshake: %q", got)
	}
	got = exchange(t, main, "<policy-file-request/>X")
	if !strings.HasPrefix(got, "HTTP/1.1 400 ") {
		t.Errorf("garbage: %q", got)
	}
}
