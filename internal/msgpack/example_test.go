package msgpack_test

import (
	"fmt"

	"github.com/tornadio/tornadio/internal/msgpack"
)

func ExampleWriter_JSON() {
	var w msgpack.Writer
	arg := []byte(`{"tok":"t-1","n":42,"file":{"_placeholder":true,"num":0}}`)
	if err := w.JSON(arg, [][]byte{[]byte("abc")}); err != nil {
		panic(err)
	}
	fmt.Printf("% x\n", w.Bytes())
	// Output: 83 a3 74 6f 6b a3 74 2d 31 a1 6e 2a a4 66 69 6c 65 c4 03 61 62 63
}

func ExampleReader_JSON() {
	msg := []byte{0x82, 0xa1, 'n', 0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0xa1, 'b', 0xc4, 0x02, 0xca, 0xfe}
	r := msgpack.NewReader(msg)
	text, atts, err := r.JSON(nil, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s %x\n", text, atts)
	// Output: {"n":1.5,"b":{"_placeholder":true,"num":0}} [cafe]
}
