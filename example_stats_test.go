package tornadio_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/tornadio/tornadio"
)

// Stats is a snapshot of a server's counters and gauges, for a metrics
// exporter or a health page; reading it is cheap and safe from any
// goroutine. Here, after one client's handshake.
func ExampleServer_Stats() {
	srv := tornadio.NewServer(tornadio.WithEventLoops(2), tornadio.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err := srv.Start("127.0.0.1:0"); err != nil {
		panic(err)
	}
	defer srv.Shutdown(context.Background())

	// What socket.io-client asks first: an Engine.IO handshake.
	resp, err := http.Get("http://" + srv.Addr() + "/socket.io/?EIO=4&transport=polling")
	if err != nil {
		panic(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()

	st := srv.Stats()
	fmt.Println("handshakes:", st.Handshakes)
	for _, g := range st.Sessions {
		if g.Count > 0 {
			fmt.Println("sessions:", g.Transport, g.Road, g.Count)
		}
	}
	fmt.Println("sockets in /:", st.Sockets["/"])
	fmt.Println("event loops:", len(st.Loops))
	// Output:
	// handshakes: 1
	// sessions: polling current 1
	// sockets in /: 0
	// event loops: 2
}
