// Package engineio implements the Engine.IO protocol used by Socket.IO: the
// wire format (packets, polling payloads, the handshake) and the state
// machine of a session, for protocol revision 4 (socket.io-client 3.x and
// 4.x, EIO=4) and revision 3 (socket.io-client 2.x, EIO=3).
//
// Everything in this package is sans-IO: it transforms byte slices and
// events and never touches the network, starts goroutines or reads clocks. Parsing returns views
// into the input instead of copies, and encoding appends to a caller-supplied
// buffer, so that the steady-state hot paths (ParseText, ParseBinaryFrame,
// DecodePayload, AppendText, AppendPayload) do not allocate.
//
// # Packets
//
// A packet is a type (Open, Close, Ping, Pong, Message, Upgrade, Noop) and
// optional data. In text form it is the type as an ASCII digit followed by
// the data: "4hello", "2probe", "6". Binary messages travel as WebSocket
// binary frames: as is in v4, behind a raw type byte (0x04) in v3. Peers that
// cannot use binary frames (b64=1, forceBase64) send them as base64 text
// frames instead; see ParseTextFrame and AppendBase64Text.
//
// # Payloads
//
// HTTP long-polling concatenates packets into payloads:
//
//   - v4: packets joined by the record separator 0x1E; binary messages are
//     "b" followed by standard base64: "4hello\x1ebAQIDBA==".
//   - v3 text: "<length>:<packet>" repeated, where length counts UTF-16 code
//     units (JavaScript string length); binary packets are "b<type><base64>":
//     "6:4hello2:4€10:b4AQIDBA==".
//   - v3 binary (XHR2), used when the client accepts binary and a packet is
//     binary: each packet is a 0x00 (string) or 0x01 (binary) marker, the
//     decimal length as bytes 0..9, 0xFF, then the packet (text form for
//     strings, type byte + data for binary).
//
// # Session
//
// Session is the protocol state of one session, as a machine in the manner
// of h11: the caller tells it what happened (Receive a packet, Poll a GET,
// Probe an upgrade, Tick at a deadline, End) with the current time, and it
// answers what to do (deliver a message, write a ping or a pong, answer the
// parked GET with AppendAnswer, refuse a request, close a probe), keeping
// the heartbeat, the packets queued for polling with their MaxBuffered
// bound, the upgrade's probe and noop, and the wait for a last GET once the
// session has ended. It holds no connection and no settings: package
// transports keeps those (the connections in Session's type parameter,
// beside the polling state; the Config with its server) and drives it. A
// websocket session's packets are written by the caller as they are sent,
// without passing through the machine.
//
// # Handshake and errors
//
// AppendOpen writes the open packet carrying the session id and timers;
// NewSID makes session ids; AppendErrorJSON writes the JSON body of the HTTP
// 400 answers defined by the protocol.
package engineio
