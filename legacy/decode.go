package legacy

import (
	"encoding/json"
	"unicode/utf8"
)

// Kind says what a decoded [Message] holds.
type Kind uint8

// The kinds of message, told apart by the start of the data.
const (
	Text      Kind = iota // plain text
	JSON                  // data started with "~j~": Data is the raw JSON
	Heartbeat             // data was "~h~" and a number: Heartbeat holds it
)

func (k Kind) String() string {
	switch k {
	case Text:
		return "Text"
	case JSON:
		return "JSON"
	case Heartbeat:
		return "Heartbeat"
	}
	return "Kind(" + itoa(int(k)) + ")"
}

// Message is one decoded ~m~ frame.
type Message struct {
	Kind Kind
	// Data is a view into the decoder's input, valid as long as the input
	// is: the whole data for Text, the JSON after "~j~" for JSON, the digits
	// after "~h~" for Heartbeat.
	Data []byte
	// Heartbeat is the heartbeat number, for Kind Heartbeat.
	Heartbeat int
}

// maxLenDigits bounds LEN: nine digits already allow a 999,999,999-unit
// message, far more than any transport buffers.
const maxLenDigits = 9

// Next decodes the frame at the start of p and returns it with the number of
// bytes it took. p must not be empty.
//
// Next is strict where the 0.6 reference decoder is loose (docs/legacy-0.6.md
// section 3): socket.io-node stops at the first malformed frame and keeps
// what came before, and turns bad ~j~ JSON into {}. Next instead returns an
// error wrapping [ErrFraming] (n is then 0) for
//
//   - a frame that does not start with "~m~" ([ErrPrefix]);
//   - a LEN that is empty, has a non-digit, has more than nine digits or is
//     not followed by "~m~" ([ErrLength]); leading zeros are accepted;
//   - a LEN beyond the end of p ([ErrTruncated]);
//   - a LEN that ends between the two halves of a surrogate pair
//     ([ErrSurrogate]);
//   - a "~h~" message whose number is not 1 to 9 decimal digits
//     ([ErrHeartbeat]);
//   - a "~j~" message whose data is not valid JSON ([ErrJSON]),
//
// so that the transport can refuse the whole request (HTTP 400) or close the
// websocket, instead of acting on half of it. Bytes that are not valid UTF-8
// count as one code unit each, as the U+FFFD a browser would decode them to.
func Next(p []byte) (m Message, n int, err error) {
	if len(p) < len(frameMarker) || string(p[:len(frameMarker)]) != frameMarker {
		return m, 0, ErrPrefix
	}
	i := len(frameMarker)
	size := 0
	start := i
	for i < len(p) && p[i] >= '0' && p[i] <= '9' {
		size = size*10 + int(p[i]-'0')
		i++
		if i-start > maxLenDigits {
			return m, 0, ErrLength
		}
	}
	if i == start || len(p)-i < len(frameMarker) || string(p[i:i+len(frameMarker)]) != frameMarker {
		return m, 0, ErrLength
	}
	i += len(frameMarker)
	data := i
	// Walk size UTF-16 code units.
	for units := 0; units < size; {
		if i >= len(p) {
			return m, 0, ErrTruncated
		}
		if c := p[i]; c < utf8.RuneSelf {
			// ASCII run: take as many bytes as are still wanted.
			j := i + 1
			for want := i + size - units; j < len(p) && j < want && p[j] < utf8.RuneSelf; j++ {
			}
			units += j - i
			i = j
			continue
		}
		_, w := utf8.DecodeRune(p[i:])
		units++
		if w == 4 {
			units++
			if units > size {
				return m, 0, ErrSurrogate
			}
		}
		i += w
	}
	m.Data = p[data:i]
	switch {
	case len(m.Data) >= len(jsonMarker) && string(m.Data[:len(jsonMarker)]) == jsonMarker:
		m.Kind = JSON
		m.Data = m.Data[len(jsonMarker):]
		if !json.Valid(m.Data) {
			return Message{}, 0, ErrJSON
		}
	case len(m.Data) >= len(beatMarker) && string(m.Data[:len(beatMarker)]) == beatMarker:
		m.Kind = Heartbeat
		m.Data = m.Data[len(beatMarker):]
		h, ok := parseDigits(m.Data)
		if !ok {
			return Message{}, 0, ErrHeartbeat
		}
		m.Heartbeat = h
	}
	return m, i, nil
}

// parseDigits parses 1 to 9 decimal digits.
func parseDigits(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > maxLenDigits {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// Decode calls fn for each message in b, a concatenation of frames such as a
// polling POST's data field or a websocket text frame. An empty b holds no
// messages. It stops at the first error, from the framing (see [Next]; the
// messages before it have been passed to fn) or from fn, and returns it.
func Decode(b []byte, fn func(Message) error) error {
	for len(b) > 0 {
		m, n, err := Next(b)
		if err != nil {
			return err
		}
		if err := fn(m); err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// Decoder iterates over the frames of one input without a callback:
//
//	d := legacy.NewDecoder(body)
//	for d.More() {
//		m, err := d.Next()
//		...
//	}
//
// The zero value holds no input. A Decoder is not safe for concurrent use.
type Decoder struct {
	p   []byte
	off int
}

// NewDecoder returns a Decoder over p; see [Decoder.Reset].
func NewDecoder(p []byte) *Decoder { return &Decoder{p: p} }

// Reset makes d decode p from the start. Messages are views into p.
func (d *Decoder) Reset(p []byte) { d.p, d.off = p, 0 }

// More reports whether input is left.
func (d *Decoder) More() bool { return d.off < len(d.p) }

// Offset returns the number of bytes consumed so far.
func (d *Decoder) Offset() int { return d.off }

// Next decodes the next message; see the package function [Next] for the
// errors. After an error, Next returns the same error again.
func (d *Decoder) Next() (Message, error) {
	m, n, err := Next(d.p[d.off:])
	d.off += n
	return m, err
}

// itoa formats small integers for String methods without strconv's API
// showing up in every file.
func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
