package tornadio_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/tornadio/tornadio"
)

// ListenAndServe ends with ErrServerClosed (http.ErrServerClosed itself)
// once Shutdown is called, from any goroutine: a clean stop is not an
// error to exit on.
func ExampleServer_ListenAndServe() {
	srv := tornadio.NewServer(tornadio.WithEventLoops(1))
	served := make(chan error, 1)
	go func() { served <- srv.ListenAndServe("127.0.0.1:0") }()

	stop(srv) // on SIGTERM, say

	if err := <-served; !errors.Is(err, tornadio.ErrServerClosed) {
		fmt.Println("failed:", err)
		return
	}
	fmt.Println("stopped cleanly")
	// Output: stopped cleanly
}

// The Server's own Emit, To, Except, SocketsJoin, … are the main
// namespace's, as Node's io.emit, io.to, … are io.of("/")'s.
func ExampleServer_Emit() {
	srv := tornadio.NewServer(tornadio.WithEventLoops(1))
	srv.OnConnection(func(s *tornadio.Socket) {}) // io.on("connection", …)
	if err := srv.Start("127.0.0.1:0"); err != nil {
		panic(err)
	}
	defer stop(srv)

	c := dialPolling(srv.Addr())
	c.send("40")
	c.poll() // the CONNECT answer: the socket is in the namespace

	srv.SocketsJoin("news")                   // io.socketsJoin("news")
	_ = srv.To("news").Emit("headline", "hi") // io.to("news").emit(…)
	_ = srv.Except("news").Emit("never")      // io.except("news").emit(…)
	_ = srv.Emit("everyone", 1)               // io.emit(…)

	var got []string
	for len(got) < 2 {
		got = append(got, strings.Split(c.poll(), "\x1e")...)
	}
	fmt.Println(strings.Join(got, "\n"))
	// Output:
	// 42["headline","hi"]
	// 42["everyone",1]
}

// The pages served by WithHTTPHandler have a body cap of their own,
// apart from MaxPayload: a bigger body is refused with 413 before the
// handler runs.
func ExampleWithHTTPHandlerMaxBody() {
	upload := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "stored") })
	srv := tornadio.NewServer(tornadio.WithEventLoops(1),
		tornadio.WithHTTPHandler(upload),
		tornadio.WithHTTPHandlerMaxBody(64<<10), // 64 KiB uploads; the default is 10 MiB
	)
	if err := srv.Start("127.0.0.1:0"); err != nil {
		panic(err)
	}
	defer stop(srv)

	for _, size := range []int{64 << 10, 64<<10 + 1} {
		resp, err := http.Post("http://"+srv.Addr()+"/upload", "application/octet-stream", strings.NewReader(strings.Repeat("x", size)))
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println(size, resp.StatusCode)
	}
	// Output:
	// 65536 200
	// 65537 413
}

// SessionCount counts the Engine.IO sessions; a Server's legacy 0.6
// sessions are counted apart.
func ExampleServer_LegacySessionCount() {
	srv := tornadio.NewServer(tornadio.WithEventLoops(1))
	if err := srv.Start("127.0.0.1:0"); err != nil {
		panic(err)
	}
	defer stop(srv)

	dialPolling(srv.Addr())                                   // a socket.io-client 4 session
	get("http://" + srv.Addr() + "/socket.io/xhr-polling//1") // a socket.io 0.6 one
	fmt.Println(srv.SessionCount(), srv.LegacySessionCount())
	// Output: 1 1
}
