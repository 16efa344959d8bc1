package frames_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tornadio/tornadio/frames"
)

func ExampleDecoder() {
	// Bytes as a client sends them: a fragmented text message with a ping
	// in the middle, then a close frame, arriving in one read.
	mask := [4]byte{1, 2, 3, 4}
	var in []byte
	in = frames.AppendMaskedFrame(in, frames.OpText, false, mask, []byte("Hel"))
	in = frames.AppendMaskedFrame(in, frames.OpPing, true, mask, []byte("?"))
	in = frames.AppendMaskedFrame(in, frames.OpContinuation, true, mask, []byte("lo"))
	in = frames.AppendMaskedFrame(in, frames.OpClose, true, mask, []byte("\x03\xe8"))

	d := frames.Decoder{MaxMessageSize: 1 << 20}
	var out []byte
	for {
		m, n, err := d.Next(in)
		if errors.Is(err, frames.ErrNeedMore) {
			break
		}
		if err != nil {
			out = frames.AppendClose(out, frames.CloseCodeOf(err), "")
			break
		}
		switch m.Op {
		case frames.OpText:
			fmt.Printf("text %q\n", m.Payload)
		case frames.OpPing:
			fmt.Printf("ping %q\n", m.Payload)
			out = frames.AppendFrame(out, frames.OpPong, m.Payload)
		case frames.OpClose:
			fmt.Printf("close %d\n", m.CloseCode)
			out = frames.AppendClose(out, m.CloseCode, "")
		}
		in = in[n:]
	}
	fmt.Printf("left %d, reply % x\n", len(in), out)
	// Output:
	// ping "?"
	// text "Hello"
	// close 1000
	// left 0, reply 8a 01 3f 88 02 03 e8
}

func ExampleCheckUpgrade() {
	key := []byte("dGhlIHNhbXBsZSBub25jZQ==")
	req := frames.UpgradeRequest{Method: []byte("GET"), Minor: 1, Version: []byte("13"), Key: key, KeyFields: 1}
	if err := frames.CheckUpgrade(req); err != nil {
		fmt.Println(err)
		return
	}
	resp := frames.AppendUpgradeResponse(nil, key)
	fmt.Print(strings.ReplaceAll(string(resp), "\r\n", "\n"))
	// Output:
	// HTTP/1.1 101 Switching Protocols
	// Upgrade: websocket
	// Connection: Upgrade
	// Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
}
