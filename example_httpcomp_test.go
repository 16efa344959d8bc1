package tornadio_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/tornadio/tornadio"
)

// Long-polling answers of 1024 bytes and more are compressed for clients
// that accept gzip or deflate (browsers, Go's http.Client); the threshold
// and level can be changed, or compression turned off.
func ExampleWithHTTPCompression() {
	srv := tornadio.NewServer(
		tornadio.WithEventLoops(1),
		tornadio.WithHTTPCompression(tornadio.HTTPCompression{Threshold: 512, Level: 9}),
	)
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		_ = s.Emit("report", strings.Repeat("all quiet. ", 100))
	})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		panic(err)
	}
	defer stop(srv)

	c := dialPolling(srv.Addr())
	c.send("40")
	// http.Get asks for gzip and decodes the answer.
	resp, err := http.Get(c.url)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println("compressed:", resp.Uncompressed)
	fmt.Println("decoded bytes:", len(body))
	// Output:
	// compressed: true
	// decoded bytes: 1148
}

// Behind a reverse proxy, trust it so that sockets see the client's
// address, taken from the X-Forwarded-For header the proxy sets, instead of
// the proxy's.
func ExampleWithTrustedProxies() {
	srv := tornadio.NewServer(
		tornadio.WithEventLoops(1),
		tornadio.WithTrustedProxies("127.0.0.1", "10.0.0.0/8"),
	)
	addr := make(chan string, 1)
	srv.Of("/").OnConnection(func(s *tornadio.Socket) { addr <- s.Request().RemoteAddr })
	if err := srv.Start("127.0.0.1:0"); err != nil {
		panic(err)
	}
	defer stop(srv)

	// What nginx sends with
	// proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
	url := "http://" + srv.Addr() + "/socket.io/?EIO=4&transport=polling"
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("X-Forwarded-For", "198.51.100.23")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	open, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	sid := strings.Split(strings.Split(string(open), `"sid":"`)[1], `"`)[0]
	(&pollingClient{url: url + "&sid=" + sid}).send("40")
	fmt.Println(<-addr)
	// Output: 198.51.100.23:0
}
