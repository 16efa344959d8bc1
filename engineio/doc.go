// Package engineio implements the Engine.IO wire format used by Socket.IO:
// packets, polling payloads and the handshake, for protocol revision 4
// (socket.io-client 3.x and 4.x, EIO=4) and revision 3 (socket.io-client
// 2.x, EIO=3).
//
// The codecs in this package are sans-IO: they transform byte slices and never
// touch the network, start goroutines or read clocks. Parsing returns views
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
// # Handshake and errors
//
// AppendOpen writes the open packet carrying the session id and timers;
// NewSID makes session ids; AppendErrorJSON writes the JSON body of the HTTP
// 400 answers defined by the protocol.
package engineio
