package legacy

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Seeds: the examples of docs/legacy-0.6.md section 3 and the frames the 0.6.3
// client sends, plus each kind of broken frame.
var frameSeeds = []string{
	"~m~16~m~7394962304027448",
	"~m~3~m~one~m~3~m~two",
	"~m~0~m~",
	"~m~9~m~h\u00e9llo \u20ac\U0001F600",
	"~m~4~m~~h~1",
	`~m~15~m~~j~{"a":"<b>&"}`,
	"~m~05~m~hello",
	"~m~1~m~\U0001F600",
	"~m~6~m~hello",
	"~m~~m~",
	"~m~5x~m~hello",
	"~m~4~m~~j~{",
	"~m~3~m~~h~",
	"\xff",
}

// FuzzNext checks that the decoder never panics, consumes what it says,
// that LEN matches the UTF-16 length of what it took, that re-encoding each
// message decodes the same, and that Decode and Decoder agree with Next.
func FuzzNext(f *testing.F) {
	for _, s := range frameSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		var fromDecode []Message
		errDecode := Decode(p, func(m Message) error { fromDecode = append(fromDecode, m); return nil })
		var fromNext []Message
		var errNext error
		for q := p; len(q) > 0; {
			m, n, err := Next(q)
			if n < 0 || n > len(q) || (err != nil) != (n == 0) {
				t.Fatalf("n=%d of %d, err=%v", n, len(q), err)
			}
			if err != nil {
				errNext = err
				break
			}
			fromNext = append(fromNext, m)
			var re []byte
			switch m.Kind {
			case Text:
				re = AppendMessage(nil, m.Data)
			case JSON:
				if !json.Valid(m.Data) {
					t.Fatalf("invalid JSON %q accepted", m.Data)
				}
				re = AppendJSON(nil, m.Data)
			case Heartbeat:
				re = AppendHeartbeat(nil, m.Heartbeat)
			}
			m2, n2, err := Next(re)
			if err != nil || n2 != len(re) || m2.Kind != m.Kind || m2.Heartbeat != m.Heartbeat ||
				(m.Kind != Heartbeat && !bytes.Equal(m2.Data, m.Data)) {
				t.Fatalf("%q re-encoded as %q decodes as %+v, %v", q[:n], re, m2, err)
			}
			q = q[n:]
		}
		if errDecode != errNext || len(fromDecode) != len(fromNext) {
			t.Fatalf("Decode: %d, %v; Next: %d, %v", len(fromDecode), errDecode, len(fromNext), errNext)
		}
		d := NewDecoder(p)
		for i := 0; d.More(); i++ {
			m, err := d.Next()
			if err != nil {
				if err != errNext || i != len(fromNext) {
					t.Fatalf("Decoder: error %v at %d", err, i)
				}
				break
			}
			if !bytes.Equal(m.Data, fromNext[i].Data) {
				t.Fatal("Decoder differs")
			}
		}
	})
}

// FuzzAppendMessage: whatever the data, the frame decodes back to it.
func FuzzAppendMessage(f *testing.F) {
	for _, s := range frameSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) >= 3 && (s[:3] == jsonMarker || s[:3] == beatMarker) {
			return // typed messages: covered by FuzzNext
		}
		b := AppendText(nil, s)
		m, n, err := Next(b)
		if err != nil || n != len(b) || m.Kind != Text || string(m.Data) != s {
			t.Fatalf("%q: %+v %d %v", b, m, n, err)
		}
		if utf8.ValidString(s) && UTF16Len([]byte(s)) != len(utf16.Encode([]rune(s))) {
			t.Fatal("UTF16Len")
		}
	})
}

// FuzzAppendJSString: the output is one JSON string holding the input, with
// each invalid byte as U+FFFD, and has the UTF-16 length UTF16Len counted.
func FuzzAppendJSString(f *testing.F) {
	f.Add([]byte("a\"b\\c\x01\x1f\b\f\n\r\t\x7f</script>\u2028é😀"))
	f.Add([]byte("\xff\xe2\x82"))
	f.Fuzz(func(t *testing.T, s []byte) {
		out := AppendJSString(nil, s)
		var back string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%q: %v", out, err)
		}
		var want []rune
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRune(s[i:])
			want = append(want, r)
			i += n
		}
		if back != string(want) || len(utf16.Encode([]rune(back))) != UTF16Len(s) {
			t.Fatalf("%q -> %q -> %q", s, out, back)
		}
	})
}

// FuzzParsePath: no panic, and every view lies inside the path in order.
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{
		"/socket.io/websocket", "/socket.io/xhr-polling//1300000000000",
		"/socket.io/jsonp-polling/77/1300000000000/12/", "/socket.io/tok/htmlfile/1/send",
		"/socket.io/", "/socket.io//x",
	} {
		f.Add([]byte(s), "socket.io")
	}
	f.Fuzz(func(t *testing.T, p []byte, res string) {
		r, ok := ParsePath(p, res)
		if !ok {
			if r.Transport != NoTransport || r.SessionID != nil {
				t.Fatal("partial route")
			}
			return
		}
		if r.Transport == NoTransport || !bytes.Contains(p, []byte(r.Transport.String())) {
			t.Fatalf("%q: %+v", p, r)
		}
		if r.Send && !bytes.HasPrefix(r.Rest, []byte("send")) {
			t.Fatal("Send")
		}
		if len(r.Index) > 0 && !bytes.Contains(r.Rest, r.Index) {
			t.Fatal("Index")
		}
	})
}

// FuzzOrigins: matching never panics, and "*:*" allows everything.
func FuzzOrigins(f *testing.F) {
	f.Add("example.com:80", []byte("http://example.com"))
	f.Add("[::1]:*", []byte("http://[::1]:3000"))
	f.Add("*:443", []byte("null"))
	f.Fuzz(func(t *testing.T, pattern string, origin []byte) {
		o, err := ParseOrigins([]string{pattern})
		if err == nil {
			o.Allowed(origin)
		}
		all, _ := ParseOrigins([]string{pattern, "*:*"})
		if !all.Allowed(origin) {
			t.Fatal("*:* refused", origin)
		}
	})
}

// FuzzSession drives a session with arbitrary inputs and checks that it
// stays consistent: no panic, deadlines set exactly in the timed states,
// an empty queue once closed.
func FuzzSession(f *testing.F) {
	f.Add(uint8(WebSocket), []byte{0, 6, 6, 4, 6, 6, 2}, []byte("~m~4~m~~h~1"))
	f.Add(uint8(XHRPolling), []byte{0, 5, 1, 6, 0, 6, 6}, []byte("~m~1~m~a"))
	f.Fuzz(func(t *testing.T, tr uint8, ops []byte, data []byte) {
		transport := Transport(tr%6 + 1)
		s, err := New(transport, &Options{Rand: &seqReader{}, StreamCloseTimeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		now := t0
		for _, op := range ops {
			now = now.Add(time.Duration(op>>3) * time.Second)
			switch Input(op&7) % numInputs {
			case InputConnect:
				s.Connect(transport, now)
			case InputAnswer:
				s.Answered(now)
			case InputDisconnect:
				s.Disconnect(now)
			case InputReceive, InputEcho:
				s.Receive(data, now)
			case InputSend:
				s.Send(AppendMessage(nil, data))
			case InputTimer:
				s.Tick(now)
			case InputClose:
				s.Close(now)
			}
			s.Flush(nil)
			timed := s.State() == StateAwaitEcho || s.State() == StatePolling || s.State() == StateWaiting || s.State() == StateOpen
			if s.Deadline().IsZero() == timed {
				t.Fatalf("%v with deadline %v", s.State(), s.Deadline())
			}
			if s.State() == StateClosed && (s.Pending() != 0 || s.Reason() == ReasonNone) {
				t.Fatal("closed session keeps a queue or has no reason")
			}
			if transport.Polling() && (s.State() == StateOpen || s.State() == StateAwaitEcho) ||
				transport.Streaming() && s.State() == StatePolling {
				t.Fatalf("%v in %v", transport, s.State())
			}
		}
	})
}
