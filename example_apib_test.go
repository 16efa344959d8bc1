package tornadio_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tornadio/tornadio"
)

// startExample starts srv on a loopback port, or panics.
func startExample(srv *tornadio.Server) {
	if err := srv.Start("127.0.0.1:0"); err != nil {
		panic(err)
	}
}

// connectExample connects a polling client to the main namespace.
func connectExample(srv *tornadio.Server) *pollingClient {
	c := dialPolling(srv.Addr())
	c.send("40")
	c.poll() // 40{"sid":"…"}
	return c
}

// A handler answers by acknowledgement when the client asked for one, and
// by an emit otherwise.
func ExampleAck_Requested() {
	srv := tornadio.NewServer(tornadio.WithEventLoops(1))
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		s.On("time", func(zone string, ack tornadio.Ack) {
			answer := "12:00 " + zone
			if ack.Requested() {
				ack(answer)
				return
			}
			s.Emit("time", answer)
		})
	})
	startExample(srv)
	defer stop(srv)

	c := connectExample(srv)
	c.send(`421["time","UTC"]`) // with ack id 1
	fmt.Println(c.poll())
	c.send(`42["time","CET"]`) // without
	fmt.Println(c.poll())
	// Output:
	// 431["12:00 UTC"]
	// 42["time","12:00 CET"]
}

// Arguments that do not fit the handler's parameters reach the error
// handler; the client, which asked for an acknowledgement, gets an
// AckError answer.
func ExampleWithErrorHandler() {
	reported := make(chan string, 1)
	srv := tornadio.NewServer(tornadio.WithEventLoops(1),
		tornadio.WithErrorHandler(func(s *tornadio.Socket, event string, err error) {
			var ae *tornadio.ArgumentError
			if errors.As(err, &ae) {
				reported <- fmt.Sprintf("%s: argument %d", ae.Event, ae.Index)
			}
		}))
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		s.On("add", func(a, b int, ack tornadio.Ack) { ack(a + b) })
	})
	startExample(srv)
	defer stop(srv)

	c := connectExample(srv)
	c.send(`422["add",1,"two"]`)
	fmt.Println(c.poll())
	fmt.Println(<-reported)
	// Output:
	// 432[{"error":"tornadio: event \"add\": argument 1: json: cannot unmarshal string into Go value of type int"}]
	// add: argument 1
}

// Once handles the first "hello" only; Off removes a handler.
func ExampleSocket_Once() {
	srv := tornadio.NewServer(tornadio.WithEventLoops(1))
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		s.Once("hello", func(ack tornadio.Ack) { ack("welcome") })
		s.On("stop", func(ack tornadio.Ack) {
			s.Off("ping")
			ack("stopped")
		})
		s.On("ping", func(ack tornadio.Ack) { ack("pong") })
	})
	startExample(srv)
	defer stop(srv)

	c := connectExample(srv)
	c.send(`421["hello"]`)
	fmt.Println(c.poll())
	c.send(`422["hello"]` + "\x1e" + `423["ping"]`) // the second hello finds no handler
	fmt.Println(c.poll())
	c.send(`424["stop"]` + "\x1e" + `425["ping"]` + "\x1e" + `426["hello"]` + "\x1e" + `427["stop"]`)
	fmt.Println(strings.Split(c.poll(), "\x1e"))
	// Output:
	// 431["welcome"]
	// 433["pong"]
	// [434["stopped"] 437["stopped"]]
}

// Received arguments are passed on unchanged by giving the Args value
// itself: to every other client, and back to the sender as the answer.
func ExampleArgs_passOn() {
	srv := tornadio.NewServer(tornadio.WithEventLoops(1))
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		s.On("chat", func(args tornadio.Args, ack tornadio.Ack) {
			s.Broadcast().Emit("chat", s.ID(), args) // one argument more before them
			ack(args)
		})
	})
	startExample(srv)
	defer stop(srv)

	c := connectExample(srv)
	c.send(`421["chat","hi",{"mood":"ok"}]`)
	fmt.Println(c.poll())
	// Output:
	// 431["hi",{"mood":"ok"}]
}

// EmitWithAck waits for the client's answer; here from a goroutine, as a
// handler running on an event loop must not wait.
func ExampleSocket_EmitWithAck() {
	srv := tornadio.NewServer(tornadio.WithEventLoops(1))
	answers := make(chan string, 1)
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		go func() {
			args, err := s.Timeout(5*time.Second).EmitWithAck(context.Background(), "name?")
			if err != nil {
				answers <- err.Error()
				return
			}
			var name string
			_ = args.Decode(0, &name)
			answers <- name
		}()
	})
	startExample(srv)
	defer stop(srv)

	c := dialPolling(srv.Addr())
	c.send("40")
	polled := c.poll()
	for !strings.Contains(polled, `"name?"`) {
		polled += "\x1e" + c.poll()
	}
	fmt.Println(strings.Split(polled, "\x1e")[1]) // the EVENT, after the CONNECT answer
	c.send(`430["Ada"]`)
	fmt.Println(<-answers)
	// Output:
	// 420["name?"]
	// Ada
}

// Namespace.EmitWithAck collects every client's answer.
func ExampleNamespace_EmitWithAck() {
	srv := tornadio.NewServer(tornadio.WithEventLoops(1))
	startExample(srv)
	defer stop(srv)
	a, b := connectExample(srv), connectExample(srv)

	type result struct {
		replies []tornadio.Args
		err     error
	}
	done := make(chan result, 1)
	go func() {
		replies, err := srv.Of("/").Timeout(5*time.Second).EmitWithAck(context.Background(), "vote?")
		done <- result{replies, err}
	}()
	fmt.Println(a.poll(), b.poll()) // one ack id for the whole broadcast
	a.send(`430["yes"]`)
	b.send(`430["no"]`)
	r := <-done
	fmt.Println(len(r.replies), r.err)
	// Output:
	// 420["vote?"] 420["vote?"]
	// 2 <nil>
}
