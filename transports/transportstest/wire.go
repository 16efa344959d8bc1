package transportstest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/tornadio/tornadio/frames"
)

// WSKey is a valid Sec-WebSocket-Key (RFC 6455's sample nonce), and
// WSAccept its Sec-WebSocket-Accept.
const (
	WSKey    = "dGhlIHNhbXBsZSBub25jZQ=="
	WSAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
)

// Query builds an Engine.IO query: EIO, transport, sid when not empty, and a
// cache-busting t.
func Query(eio int, transport, sid string) string {
	q := "EIO=" + strconv.Itoa(eio) + "&transport=" + transport + "&t=Nx1a2b3"
	if sid != "" {
		q += "&sid=" + sid
	}
	return q
}

// Target is the request target for Query on the default path.
func Target(eio int, transport, sid string) string {
	return "/socket.io/?" + Query(eio, transport, sid)
}

// Request builds a raw HTTP/1.1 request. Each header is a "Name: value"
// string. Host is added unless given; Content-Length is added when body is
// not nil.
func Request(method, target string, body []byte, headers ...string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\n", method, target)
	host := false
	for _, h := range headers {
		if strings.HasPrefix(strings.ToLower(h), "host:") {
			host = true
		}
	}
	if !host {
		b.WriteString("Host: localhost\r\n")
	}
	for _, h := range headers {
		b.WriteString(h)
		b.WriteString("\r\n")
	}
	if body != nil {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}

// PollGET is a polling GET for sid ("" for a handshake).
func PollGET(eio int, sid string, headers ...string) []byte {
	return Request("GET", Target(eio, "polling", sid), nil, headers...)
}

// PollPOST is a polling POST of body for sid.
func PollPOST(eio int, sid string, body string, headers ...string) []byte {
	h := append([]string{"Content-Type: text/plain;charset=UTF-8"}, headers...)
	return Request("POST", Target(eio, "polling", sid), []byte(body), h...)
}

// WSUpgrade is a WebSocket opening handshake for sid ("" for a direct
// websocket session) with the key WSKey.
func WSUpgrade(eio int, sid string, headers ...string) []byte {
	h := append([]string{
		"Upgrade: websocket",
		"Connection: Upgrade",
		"Sec-WebSocket-Key: " + WSKey,
		"Sec-WebSocket-Version: 13",
	}, headers...)
	return Request("GET", Target(eio, "websocket", sid), nil, h...)
}

// Payload joins v4 polling packets with the record separator.
func Payload(packets ...string) string { return strings.Join(packets, "\x1e") }

// PayloadV3 frames v3 polling text packets as <length>:<packet>, the length
// in UTF-16 code units.
func PayloadV3(packets ...string) string {
	var b strings.Builder
	for _, p := range packets {
		n := 0
		for _, r := range p {
			if r >= 0x10000 {
				n += 2
			} else {
				n++
			}
		}
		b.WriteString(strconv.Itoa(n))
		b.WriteByte(':')
		b.WriteString(p)
	}
	return b.String()
}

// ClientMask is the mask of the frames built here.
var ClientMask = [4]byte{0x37, 0xfa, 0x21, 0x3d}

// Frame is a final masked client frame.
func Frame(op frames.OpCode, payload []byte) []byte {
	return frames.AppendMaskedFrame(nil, op, true, ClientMask, payload)
}

// Fragment is a masked client frame with the given FIN bit.
func Fragment(op frames.OpCode, fin bool, payload []byte) []byte {
	return frames.AppendMaskedFrame(nil, op, fin, ClientMask, payload)
}

// Text is a masked text frame.
func Text(s string) []byte { return Frame(frames.OpText, []byte(s)) }

// Binary is a masked binary frame.
func Binary(b []byte) []byte { return Frame(frames.OpBinary, b) }

// CloseFrame is a masked close frame with code (no payload when code is 0).
func CloseFrame(code uint16) []byte {
	var p []byte
	if code != 0 {
		p = binary.BigEndian.AppendUint16(nil, code)
	}
	return Frame(frames.OpClose, p)
}

// Response is an HTTP response read back from a connection's output.
type Response struct {
	Status  int
	Reason  string
	Headers [][2]string
	Body    []byte
	Raw     []byte
}

// Header returns the first value of header name (case-insensitive).
func (r *Response) Header(name string) string {
	for _, h := range r.Headers {
		if strings.EqualFold(h[0], name) {
			return h[1]
		}
	}
	return ""
}

// Has reports whether header name is present.
func (r *Response) Has(name string) bool {
	for _, h := range r.Headers {
		if strings.EqualFold(h[0], name) {
			return true
		}
	}
	return false
}

func (r *Response) String() string { return fmt.Sprintf("%d %q", r.Status, r.Body) }

// ErrIncomplete means the output does not hold a whole response or frame.
var ErrIncomplete = errors.New("transportstest: incomplete")

// ParseResponse reads one HTTP/1.1 response from the start of b. Responses
// without Content-Length have no body unless their status is 101, whose
// following bytes belong to the WebSocket.
func ParseResponse(b []byte) (*Response, int, error) {
	end := bytes.Index(b, []byte("\r\n\r\n"))
	if end < 0 {
		return nil, 0, ErrIncomplete
	}
	head := string(b[:end])
	lines := strings.Split(head, "\r\n")
	var r Response
	parts := strings.SplitN(lines[0], " ", 3)
	if len(parts) < 2 || parts[0] != "HTTP/1.1" {
		return nil, 0, fmt.Errorf("transportstest: bad status line %q", lines[0])
	}
	st, err := strconv.Atoi(parts[1])
	if err != nil || len(parts[1]) != 3 {
		return nil, 0, fmt.Errorf("transportstest: bad status line %q", lines[0])
	}
	r.Status = st
	if len(parts) == 3 {
		r.Reason = parts[2]
	}
	length := 0
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ":")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, 0, fmt.Errorf("transportstest: bad header line %q", l)
		}
		value = strings.Trim(value, " \t")
		r.Headers = append(r.Headers, [2]string{name, value})
		if strings.EqualFold(name, "Content-Length") {
			if length, err = strconv.Atoi(value); err != nil || length < 0 {
				return nil, 0, fmt.Errorf("transportstest: bad Content-Length %q", value)
			}
		}
	}
	n := end + 4
	if len(b)-n < length {
		return nil, 0, ErrIncomplete
	}
	r.Body = append([]byte(nil), b[n:n+length]...)
	n += length
	r.Raw = append([]byte(nil), b[:n]...)
	return &r, n, nil
}

// ServerFrame is a frame read back from a connection's output.
type ServerFrame struct {
	Fin bool
	Op  frames.OpCode
	// Compressed reports RSV1: a message compressed with
	// permessage-deflate, whose Payload is then the compressed bytes (see
	// Inflated).
	Compressed bool
	Payload    []byte
}

// Inflated is the message's payload, decompressed when it is compressed.
func (f ServerFrame) Inflated() ([]byte, error) {
	var inf frames.Inflater
	m, err := inf.Inflate(frames.Message{Op: f.Op, Payload: f.Payload, Compressed: f.Compressed}, 0)
	return m.Payload, err
}

// CompressedFrame is a final masked client frame carrying payload
// compressed with permessage-deflate (RSV1 set).
func CompressedFrame(op frames.OpCode, payload []byte) []byte {
	z, err := frames.NewDeflater(6)
	if err != nil {
		panic(err)
	}
	z.Begin(nil)
	z.Write(payload)
	f := Frame(op, z.Finish())
	f[0] |= 0x40
	return f
}

// CloseCode is the code of a close frame, or 0 when it has none.
func (f ServerFrame) CloseCode() uint16 {
	if f.Op != frames.OpClose || len(f.Payload) < 2 {
		return 0
	}
	return binary.BigEndian.Uint16(f.Payload)
}

func (f ServerFrame) String() string {
	if f.Op == frames.OpClose {
		return fmt.Sprintf("close(%d)", f.CloseCode())
	}
	if f.Op == frames.OpText {
		return fmt.Sprintf("text %q", f.Payload)
	}
	return fmt.Sprintf("op%d %x", f.Op, f.Payload)
}

// ParseFrame reads one server frame from the start of b. Server frames must
// not be masked or use RSV bits but RSV1 (permessage-deflate).
func ParseFrame(b []byte) (ServerFrame, int, error) {
	if len(b) < 2 {
		return ServerFrame{}, 0, ErrIncomplete
	}
	var f ServerFrame
	f.Fin = b[0]&0x80 != 0
	if b[0]&0x30 != 0 {
		return f, 0, fmt.Errorf("transportstest: RSV bits set in %x", b[0])
	}
	f.Compressed = b[0]&0x40 != 0
	f.Op = frames.OpCode(b[0] & 0x0f)
	if b[1]&0x80 != 0 {
		return f, 0, errors.New("transportstest: masked server frame")
	}
	n := 2
	length := uint64(b[1] & 0x7f)
	switch length {
	case 126:
		if len(b) < 4 {
			return f, 0, ErrIncomplete
		}
		length = uint64(binary.BigEndian.Uint16(b[2:]))
		if length < 126 {
			return f, 0, errors.New("transportstest: non-minimal length")
		}
		n = 4
	case 127:
		if len(b) < 10 {
			return f, 0, ErrIncomplete
		}
		length = binary.BigEndian.Uint64(b[2:])
		if length < 1<<16 {
			return f, 0, errors.New("transportstest: non-minimal length")
		}
		n = 10
	}
	if uint64(len(b)-n) < length {
		return f, 0, ErrIncomplete
	}
	f.Payload = append([]byte(nil), b[n:n+int(length)]...)
	return f, n + int(length), nil
}

// ReadResponse consumes the next HTTP response from c's output.
func (c *Conn) ReadResponse() (*Response, error) {
	r, n, err := ParseResponse(c.Unread())
	if err != nil {
		return nil, err
	}
	c.consume(n)
	return r, nil
}

// ReadFrame consumes the next WebSocket frame from c's output.
func (c *Conn) ReadFrame() (ServerFrame, error) {
	f, n, err := ParseFrame(c.Unread())
	if err != nil {
		return f, err
	}
	c.consume(n)
	return f, nil
}

// ReadFrames consumes every complete frame in c's output.
func (c *Conn) ReadFrames() ([]ServerFrame, error) {
	var fs []ServerFrame
	for {
		f, err := c.ReadFrame()
		if errors.Is(err, ErrIncomplete) {
			return fs, nil
		}
		if err != nil {
			return fs, err
		}
		fs = append(fs, f)
	}
}

// ReadResponses consumes every complete response in c's output.
func (c *Conn) ReadResponses() ([]*Response, error) {
	var rs []*Response
	for {
		r, err := c.ReadResponse()
		if errors.Is(err, ErrIncomplete) {
			return rs, nil
		}
		if err != nil {
			return rs, err
		}
		rs = append(rs, r)
	}
}
