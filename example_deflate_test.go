package tornadio_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/tornadio/tornadio"
)

// permessage-deflate on: emits of 512 bytes and more go compressed to the
// clients that offer the extension (browsers always do), unless sent with
// Compress(false).
func ExampleWithPerMessageDeflate() {
	srv := tornadio.NewServer(
		tornadio.WithEventLoops(1),
		tornadio.WithPerMessageDeflate(tornadio.PerMessageDeflate{Threshold: 512}),
	)
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		_ = s.Emit("report", strings.Repeat("row,", 1000))        // compressed
		_ = s.Compress(false).Emit("photo", "already compressed") // not
	})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		panic(err)
	}
	defer stop(srv)

	// A client's opening handshake offering the extension, and the answer.
	conn, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"+
		"Host: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"+
		"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.Status)
	fmt.Println(resp.Header.Get("Sec-WebSocket-Extensions"))
	// Output:
	// 101 Switching Protocols
	// permessage-deflate; server_no_context_takeover; client_no_context_takeover
}
