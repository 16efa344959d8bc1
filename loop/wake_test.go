package loop_test

import (
	"bufio"
	"context"
	"net"
	"testing"
	"time"

	"github.com/tornadio/tornadio/loop"
	"github.com/tornadio/tornadio/transports"
)

// Generous bound on how late a timer may fire on a loaded machine (under
// -race, with other tests running).
const wakeSlack = 50 * time.Millisecond

// A timer of the machine fires when it is due: not before, and within
// wakeSlack after, although an earlier pass was armed for a later deadline
// (the connection's idle timeout). A chain of timers, each set
// from the previous one's function, does not drift: the last fires at the
// sum of their delays, within the same slack.
func TestTimerFiresWhenDue(t *testing.T) {
	e := loop.New(loop.Options{Loops: 1})
	srv := transports.NewServer(transports.Config{}, nopApp{}, e, 1)
	e.Bind(srv)
	if err := e.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer e.Stop(context.Background())

	// One answered request: loop 0 has a connection, so it runs posted work.
	c, err := net.Dial("tcp", e.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("GET /elsewhere HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := bufio.NewReader(c).ReadString('\n'); err != nil {
		t.Fatal(err)
	}

	check := func(what string, want time.Duration, got <-chan time.Duration) {
		t.Helper()
		select {
		case d := <-got:
			t.Logf("%s: %v", what, d)
			if d < want || d > want+wakeSlack {
				t.Errorf("%s: fired after %v, want %v (+%v at most)", what, d, want, wakeSlack)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: not fired after 5s (due after %v)", what, want)
		}
	}

	one := make(chan time.Duration, 1)
	e.Post(0, func() {
		start := time.Now()
		srv.AfterFunc(0, 3*time.Millisecond, func() { one <- time.Since(start) })
	})
	check("one timer", 3*time.Millisecond, one)

	const links, step = 20, 5 * time.Millisecond
	chain := make(chan time.Duration, 1)
	e.Post(0, func() {
		start := time.Now()
		n := 0
		var next func()
		next = func() {
			if n++; n == links {
				chain <- time.Since(start)
				return
			}
			srv.AfterFunc(0, step, next)
		}
		srv.AfterFunc(0, step, next)
	})
	check("chain", links*step, chain)
}
