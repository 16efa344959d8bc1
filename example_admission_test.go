package tornadio_test

import (
	"fmt"
	"io"
	"net/http"

	"github.com/tornadio/tornadio"
)

// Admission limits refuse handshakes past a rate or a number of sessions,
// with 429 or 503 and Retry-After: clients retry with their reconnection
// backoff. Here each client IP may open 2 sessions at once.
func ExampleWithHandshakeLimit() {
	srv := tornadio.NewServer(
		tornadio.WithEventLoops(1),
		tornadio.WithHandshakeLimit(tornadio.HandshakeLimit{
			PerIPRate: 5, PerIPBurst: 10, // handshakes per second from one IP, and at once
			Rate: 500, Burst: 1000, // from all clients together
			MaxPending: 10_000, // sessions not yet connected to a namespace
			MaxPerIP:   2,      // sessions open from one IP
		}),
	)
	if err := srv.Start("127.0.0.1:0"); err != nil {
		panic(err)
	}
	defer stop(srv)

	url := "http://" + srv.Addr() + "/socket.io/?EIO=4&transport=polling"
	for range 3 {
		resp, err := http.Get(url)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			fmt.Println(resp.StatusCode, resp.Header.Get("Retry-After"), string(body))
			continue
		}
		fmt.Println(resp.StatusCode, "open")
	}
	// Output:
	// 200 open
	// 200 open
	// 503 1 {"code":4,"message":"Server busy"}
}
