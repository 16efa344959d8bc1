package tornadio_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/tornadio/tornadio"
)

// pollingClient speaks just enough Engine.IO v4 long-polling to drive the
// examples without a JavaScript client.
type pollingClient struct{ url string }

func dialPolling(addr string) *pollingClient { return dialPollingPath(addr, "/socket.io/") }

// dialPollingPath opens a session on the Engine.IO path path.
func dialPollingPath(addr, path string) *pollingClient {
	base := "http://" + addr + path + "?EIO=4&transport=polling"
	open := get(base)
	sid := strings.Split(strings.Split(open, `"sid":"`)[1], `"`)[0]
	return &pollingClient{url: base + "&sid=" + sid}
}

func (c *pollingClient) send(packet string) {
	resp, err := http.Post(c.url, "text/plain;charset=UTF-8", strings.NewReader(packet))
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
}

func (c *pollingClient) poll() string { return get(c.url) }

func get(url string) string {
	resp, err := http.Get(url)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func stop(srv interface{ Shutdown(context.Context) error }) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
}

// A server with one event handler that answers with an acknowledgement.
func ExampleSocket_On() {
	srv := tornadio.NewServer(tornadio.WithEventLoops(2))
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		s.On("add", func(a, b int, ack tornadio.Ack) {
			ack(a + b)
		})
	})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		panic(err)
	}
	defer stop(srv)

	c := dialPolling(srv.Addr())
	c.send("40")               // Socket.IO CONNECT to "/"
	c.poll()                   // 40{"sid":"…"}
	c.send(`427["add",20,22]`) // EVENT "add" with ack id 7
	fmt.Println(c.poll())      // ACK 7
	// Output: 437[42]
}

// The server emits with an ack callback; the client's answer is decoded
// into the callback's parameters.
func ExampleSocket_Emit() {
	srv := tornadio.NewServer(tornadio.WithEventLoops(1))
	answered := make(chan string, 1)
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		s.Emit("question", "ready?", func(answer string) {
			answered <- answer
		})
	})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		panic(err)
	}
	defer stop(srv)

	c := dialPolling(srv.Addr())
	c.send("40")
	fmt.Println(strings.Split(c.poll(), "\x1e")[1]) // the EVENT, after the CONNECT answer
	c.send(`430["yes"]`)                            // ACK 0
	fmt.Println(<-answered)
	// Output:
	// 420["question","ready?"]
	// yes
}

// Chat is a handler in the seed's style.
type Chat struct{ tornadio.NopHandler }

func (Chat) OnOpen(s *tornadio.Socket, r *tornadio.Request) error {
	var auth struct{ Token string }
	if err := r.DecodeAuth(&auth); err != nil || auth.Token != "secret" {
		return errors.New("not authorized")
	}
	return nil
}

func (Chat) OnMessage(s *tornadio.Socket, m tornadio.Message) {
	s.Send(map[string]any{"echo": m.Data})
}

// The seed's handler style: OnOpen may refuse, OnMessage receives the
// "message" event decoded, Send answers with "message".
func ExampleHandler() {
	srv := tornadio.NewServer(tornadio.WithEventLoops(1))
	srv.Handle(Chat{})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		panic(err)
	}
	defer stop(srv)

	refused := dialPolling(srv.Addr())
	refused.send(`40{"token":"wrong"}`)
	fmt.Println(refused.poll())

	c := dialPolling(srv.Addr())
	c.send(`40{"token":"secret"}`)
	c.poll()
	c.send(`42["message",{"text":"hello"}]`)
	fmt.Println(c.poll())
	// Output:
	// 44{"message":"not authorized"}
	// 42["message",{"echo":{"text":"hello"}}]
}

// A plain Engine.IO server (no Socket.IO layer) that sends every message
// back: text as text, binary as binary.
func ExampleEngineServer() {
	srv := tornadio.NewEngineServer(tornadio.WithEventLoops(1)) // on /engine.io/
	srv.OnConnection(func(s *tornadio.EngineSession) {
		s.OnMessage(func(data []byte, binary bool) {
			s.Send(data, binary) // data is valid during the call only; Send copies it
		})
		s.OnClose(func(reason tornadio.DisconnectReason) {
			fmt.Println("closed:", reason)
		})
	})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		panic(err)
	}

	c := dialPollingPath(srv.Addr(), "/engine.io/")
	c.send("4hello\x1ebAQID")    // a text message and a binary one (base64 over polling)
	fmt.Printf("%q\n", c.poll()) // the same two messages back
	c.send("1")                  // the client closes the session
	stop(srv)
	// Output:
	// "4hello\x1ebAQID"
	// closed: transport close
}

// Options are functional; every default is documented on Options.
func ExampleNewServer() {
	srv := tornadio.NewServer(
		tornadio.WithEventLoops(4),
		tornadio.WithPingInterval(10*time.Second),
		tornadio.WithPingTimeout(5*time.Second),
		tornadio.WithMaxPayload(64<<10),
		tornadio.WithTransports(tornadio.TransportWebSocket, tornadio.TransportPolling),
		tornadio.WithAllowedOrigins("https://example.com"),
	)
	if err := srv.Start("127.0.0.1:0"); err != nil {
		panic(err)
	}
	defer stop(srv)
	fmt.Println(strings.HasPrefix(srv.Addr(), "127.0.0.1:"))
	// Output: true
}

// A standalone Flash socket policy server, for the seed's manual start
// (Server also starts one itself when asked for: WithFlashPolicy, or
// flashsocket named in WithTransports).
func ExampleNewPolicyServer() {
	ps := tornadio.NewPolicyServer(tornadio.WithFlashPolicy(0, "")) // "" = built-in permissive policy
	if err := ps.Start("127.0.0.1:0"); err != nil {
		panic(err)
	}
	defer ps.Shutdown(context.Background())

	c, err := net.Dial("tcp", ps.Addr())
	if err != nil {
		panic(err)
	}
	defer c.Close()
	c.Write([]byte("<policy-file-request/>\x00"))
	answer, _ := io.ReadAll(c) // the policy, a NUL, then the server closes
	fmt.Println(strings.Contains(string(answer), `<allow-access-from domain="*" to-ports="*"/>`), answer[len(answer)-1] == 0)
	// Output: true true
}

// A socket's data (Node's socket.data) travels with FetchSockets: as it is
// on this node, as JSON from the other nodes of a cluster.
func ExampleSocket_SetData() {
	srv := tornadio.NewServer(tornadio.WithEventLoops(1))
	type profile struct {
		Name string `json:"name"`
	}
	joined := make(chan struct{}, 1)
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		var auth profile
		_ = s.Request().DecodeAuth(&auth)
		s.SetData(profile{Name: auth.Name})
		s.Join("lobby")
		joined <- struct{}{}
	})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		panic(err)
	}
	defer stop(srv)

	c := dialPolling(srv.Addr())
	c.send(`40{"name":"ann"}`) // CONNECT with auth
	c.poll()
	<-joined
	// With a cluster adapter FetchSockets waits for the other nodes: call it
	// from a goroutine of your own, not from a handler on an event loop.
	sockets, err := srv.Of("/").In("lobby").FetchSockets(context.Background())
	if err != nil {
		panic(err)
	}
	for _, rs := range sockets {
		var p profile
		_ = rs.DecodeData(&p)
		fmt.Println(p.Name, slices.Contains(rs.Rooms, "lobby"), string(rs.Handshake.Auth))
	}
	// Output: ann true {"name":"ann"}
}

// Server-side events go to the same namespace on the other nodes of a
// cluster; with a callback, each node's listener may answer. On a single
// node there is nobody to answer.
func ExampleNamespace_ServerSideEmit() {
	srv := tornadio.NewServer(tornadio.WithEventLoops(1))
	// What the other nodes run (Node: io.on("hello", (from, callback) => …)).
	_ = srv.Of("/").OnServerSideEmit("hello", func(from string, ack tornadio.Ack) {
		ack("hi " + from)
	})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		panic(err)
	}
	defer stop(srv)

	done := make(chan struct{})
	_ = srv.Of("/").ServerSideEmit("hello", "node-1", func(err error, answers []string) {
		fmt.Println(err, len(answers))
		close(done)
	})
	<-done
	// Output: <nil> 0
}
