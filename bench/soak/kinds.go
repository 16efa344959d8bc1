package soak

import "context"

// session is one client session seen through its transport.
type session interface {
	// open handshakes and connects to "/".
	open(ctx context.Context) error
	// next returns the next broadcast or answer, handling pings and
	// heartbeats on the way. Only one goroutine calls it.
	next() (event, error)
	// request sends request k: an "echo" with ack k, or 0.6 "ping:k".
	request(k int64) error
	// leave ends the session cleanly; reset abruptly: an RST in the middle
	// of a request (polling) or of a frame (websocket).
	leave()
	reset()
}

// flooder is a session that can ask the server for more than it reads.
type flooder interface {
	// willFlood makes the session flood: open then sets a small receive
	// buffer, so that the kernel holds little of the Flood. False when
	// the session does not flood.
	willFlood() bool
	// flood asks for n bytes.
	flood(n int) error
}

// Kind is one way of connecting.
type Kind struct {
	Name string
	Road string // "current" (Engine.IO) or "legacy" (0.6)
	New  func(addr string) session
}

// Kinds are every transport of both roads.
var Kinds = []Kind{
	{"eio4 websocket", "current", func(a string) session { return &eioClient{addr: a, v: 4, transport: "websocket"} }},
	{"eio4 polling", "current", func(a string) session { return &eioClient{addr: a, v: 4, transport: "polling"} }},
	{"eio4 polling→websocket", "current", func(a string) session {
		return &eioClient{addr: a, v: 4, transport: "polling", upgrade: true}
	}},
	{"eio3 websocket", "current", func(a string) session { return &eioClient{addr: a, v: 3, transport: "websocket"} }},
	{"eio3 polling→websocket", "current", func(a string) session {
		return &eioClient{addr: a, v: 3, transport: "polling", upgrade: true}
	}},
	{"0.6 websocket rfc6455", "legacy", func(a string) session { return &legacyClient{addr: a, transport: "websocket"} }},
	{"0.6 websocket hixie-76", "legacy", func(a string) session {
		return &legacyClient{addr: a, transport: "websocket", hixie76: true}
	}},
	{"0.6 flashsocket", "legacy", func(a string) session { return &legacyClient{addr: a, transport: "flashsocket"} }},
	{"0.6 xhr-polling", "legacy", func(a string) session { return &legacyClient{addr: a, transport: "xhr-polling"} }},
	{"0.6 jsonp-polling", "legacy", func(a string) session { return &legacyClient{addr: a, transport: "jsonp-polling"} }},
	{"0.6 xhr-multipart", "legacy", func(a string) session { return &legacyClient{addr: a, transport: "xhr-multipart"} }},
	{"0.6 htmlfile", "legacy", func(a string) session { return &legacyClient{addr: a, transport: "htmlfile"} }},
}
