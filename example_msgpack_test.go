package tornadio_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/socketio"
	"github.com/tornadio/tornadio/socketio/msgpackparser"
)

// ExampleWithParser serves clients that use socket.io-msgpack-parser:
//
//	const socket = io(url, { parser: require("socket.io-msgpack-parser") });
//
// Handlers are written as for any client. Here a bare Engine.IO polling
// client speaks the encoding by hand: each packet is one binary message,
// which polling carries in base64 ("b…").
func ExampleWithParser() {
	srv := tornadio.NewServer(tornadio.WithEventLoops(1), tornadio.WithParser(msgpackparser.Parser{}))
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		s.On("hash", func(name string, data []byte, ack tornadio.Ack) {
			ack(name, len(data), data[:2])
		})
	})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		panic(err)
	}
	defer srv.Shutdown(context.Background())

	var mp msgpackparser.Parser
	send := func(c *pollingClient, pkt []byte) { c.send("b" + base64.StdEncoding.EncodeToString(pkt)) }
	receive := func(c *pollingClient) socketio.Decoded {
		msg, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(c.poll(), "b"))
		var d socketio.Decoded
		if _, err := mp.Decode(&socketio.DecoderState{}, msg, true, 5, &d); err != nil {
			panic(err)
		}
		return d
	}

	c := dialPolling(srv.Addr())
	connect, _ := mp.AppendPacket(nil, socketio.Packet{Type: socketio.Connect, ID: -1}, nil)
	send(c, connect)
	fmt.Println(receive(c).Packet.Type)
	// ["hash", "a.bin", <Buffer 01 02 03>] with ack id 1.
	event, _ := mp.AppendEvent(nil, "/", 1, "hash", [][]byte{[]byte(`"a.bin"`), []byte(`{"_placeholder":true,"num":0}`)}, [][]byte{{1, 2, 3}})
	send(c, event)
	ack := receive(c)
	fmt.Println(ack.Packet.Type, ack.Packet.ID, string(ack.Packet.Data), ack.Attachments)
	// Output:
	// CONNECT
	// ACK 1 ["a.bin",3,{"_placeholder":true,"num":0}] [[1 2]]
}
