package msgpack

import "errors"

// MaxDepth bounds the nesting of arrays and maps the transcoders accept, so a
// hostile message cannot exhaust the stack.
const MaxDepth = 100

var (
	// ErrShort reports input that ends inside a value.
	ErrShort = errors.New("msgpack: unexpected end of input")
	// ErrType reports a value of another kind than the one asked for.
	ErrType = errors.New("msgpack: unexpected type")
	// ErrDepth reports nesting deeper than MaxDepth.
	ErrDepth = errors.New("msgpack: nesting too deep")
	// ErrInvalid reports a byte that starts no msgpack value (0xc1) or a value
	// JSON cannot hold.
	ErrInvalid = errors.New("msgpack: invalid value")
	// ErrJSON reports JSON text that JSON.parse would reject.
	ErrJSON = errors.New("msgpack: invalid JSON")
	// ErrPlaceholder reports a Socket.IO placeholder whose num names no
	// attachment.
	ErrPlaceholder = errors.New("msgpack: placeholder out of range")
)
