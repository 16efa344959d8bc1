package transports_test

import (
	"errors"
	"testing"
	"time"

	"github.com/tornadio/tornadio/legacy"
	"github.com/tornadio/tornadio/transports"
	tt "github.com/tornadio/tornadio/transports/transportstest"
)

// TestLegacyXHRMultipart: xhr-multipart.js of socket.io-node 0.6.18. The
// GET's header block is, in N's order, Access-Control-Allow-Origin: * and
// -Credentials: true (allowed Origin), Content-Type
// multipart/x-mixed-replace;boundary="socketio" and Connection:
// keep-alive, with neither chunking nor a length; the body starts
// "--socketio\n" and each write is "Content-Type: text/plain\n\n" frames
// "\n--socketio\n" (_write). The first part is the session id (_payload).
// Heartbeats: ~h~1 10 s after connecting (client.js _heartbeat), the echo
// posted to /send re-arms it, the next unanswered one closes the session
// 8 s later. A preflight (any request with Access-Control-Request-Method)
// gets 200 "ok" with Access-Control-Allow-Methods echoed.
func TestLegacyXHRMultipart(t *testing.T) {
	tr := newTranscript(t, legacyConfig(4), 1)
	tr.note("preflight")
	tr.send("p", "OPTIONS /socket.io/xhr-multipart/ HTTP/1.1\r\nHost: example.com\r\nOrigin: http://example.com\r\nAccess-Control-Request-Method: POST\r\n\r\n")
	tr.note("the stream")
	tr.send("a", get("/socket.io/xhr-multipart/", "Origin: http://example.com"))
	tr.on(`Send "one", "two"`, func(s *transports.LegacySession) {
		s.Send(legacy.AppendText(legacy.AppendText(nil, "one"), "two"))
	})
	tr.send("p", post("/socket.io/xhr-multipart/{sid}/send", "data=~m~2~m~hi", "Origin: http://example.com"))
	tr.note("a second stream for the session: 400, the first goes on")
	tr.send("b", get("/socket.io/xhr-multipart/{sid}", "Origin: http://example.com"))
	tr.note("heartbeat 1 at 10 s, echoed; heartbeat 2 at 20 s, not echoed: closed at 28 s")
	tr.advance(10 * time.Second)
	tr.send("p", post("/socket.io/xhr-multipart/{sid}/send", "data=~m~4~m~~h~1"))
	tr.advance(18 * time.Second)
	tr.sessions()
	tr.check("xhr-multipart", "session")
}

// TestLegacyHTMLFile: htmlfile.js of socket.io-node 0.6.18: Content-Type
// text/html, Connection: keep-alive, Transfer-Encoding: chunked; the first
// chunk (0x100 bytes) is "<html><body>" and 244 spaces; each write is one
// chunk holding <script>parent.s._(<JSON string>, document);</script>; the
// POST is answered "ok" text/plain without CORS headers. The session ends
// when the connection does (closeTimeout 0).
func TestLegacyHTMLFile(t *testing.T) {
	tr := newTranscript(t, legacyConfig(5), 1)
	tr.send("a", get("/socket.io/htmlfile//1300000000000"))
	tr.on(`Send "<\"quoted\">"`, func(s *transports.LegacySession) {
		s.Send(legacy.AppendText(nil, `<"quoted">`))
	})
	tr.send("p", post("/socket.io/htmlfile/{sid}/send", "data=~m~2~m~hi", "Origin: http://example.com"))
	tr.note("the iframe goes away")
	tr.hangup("a")
	tr.sessions()
	tr.note("a session closed by the server ends the chunked body")
	tr.send("b", get("/socket.io/htmlfile//1300000000001"))
	tr.on("Close", func(s *transports.LegacySession) { s.Close() })
	tr.sessions()
	tr.check("htmlfile", "session")
}

var errRefused = errors.New("refused")

const (
	hixieKey1 = "4 @1  46546xW%0l 1 5"
	hixieKey2 = "12998 5 Y3 1  .P00"
	hixieKey3 = "^n:ds[4U" // draft-hixie-76's example; the answer is 8jKS'y:G*Co,Wxa-
)

// TestLegacyWebSocketHixie76: websocket.js of socket.io-node 0.6.18 with a
// draft-76 client whose key3 comes late: the 101 header block
// ("WebSocket Protocol Handshake", Upgrade, Connection,
// Sec-WebSocket-Origin, Sec-WebSocket-Location ws://Host+url,
// Sec-WebSocket-Protocol echoed) at once, the 16-byte MD5 answer when the 8
// bytes arrive, then 0x00 ~m~ frames 0xFF, one per message, the first being
// the session id. A client frame may hold several messages.
func TestLegacyWebSocketHixie76(t *testing.T) {
	tr := newTranscript(t, legacyConfig(6), 1)
	tr.send("a", get("/socket.io/websocket", "Upgrade: WebSocket", "Connection: Upgrade", "Origin: http://example.com",
		"Sec-WebSocket-Key1: "+hixieKey1, "Sec-WebSocket-Key2: "+hixieKey2, "Sec-WebSocket-Protocol: sample"))
	tr.send("a", hixieKey3[:3])
	tr.send("a", hixieKey3[3:]+"\x00~m~3~m~one~m~3~m~two\xff\x00~m~4~m~~h~9")
	tr.send("a", "\xff")
	tr.on(`Send "a", "b"`, func(s *transports.LegacySession) {
		s.Send(legacy.AppendText(legacy.AppendText(nil, "a"), "b"))
	})
	tr.note("heartbeat at 10 s, echoed; the next at 20 s, unanswered: closed at 28 s with 0xFF 0x00")
	tr.advance(10 * time.Second)
	tr.send("a", "\x00~m~4~m~~h~1\xff")
	tr.advance(18 * time.Second)
	tr.sessions()
	tr.check("websocket", "hixie76")
}

// TestLegacyWebSocketHixie75: the draft-75 handshake of websocket.js
// ("Web Socket Protocol Handshake", WebSocket-Origin, WebSocket-Location,
// no answer bytes), on the flashsocket path, with the extra segment; the
// client's closing 0xFF 0x00 is answered in kind and ends the session.
func TestLegacyWebSocketHixie75(t *testing.T) {
	tr := newTranscript(t, legacyConfig(7), 1)
	tr.send("a", get("/socket.io/token123/flashsocket", "Upgrade: WebSocket", "Connection: Upgrade", "Origin: http://example.com"))
	tr.send("a", "\x00~m~5~m~hello\xff")
	tr.send("a", "\xff\x00")
	tr.sessions()
	tr.check("flashsocket", "hixie75")
}

// TestLegacyWebSocketRFC6455: decision 2, RFC 6455 on the legacy path:
// the usual 101 with Sec-WebSocket-Accept, then one text frame per
// message carrying the same ~m~ framing; broken framing closes with 1002
// and ends the session.
func TestLegacyWebSocketRFC6455(t *testing.T) {
	tr := newTranscript(t, legacyConfig(8), 1)
	tr.send("a", get("/socket.io/websocket", "Upgrade: websocket", "Connection: Upgrade",
		"Sec-WebSocket-Key: "+tt.WSKey, "Sec-WebSocket-Version: 13", "Origin: http://example.com"))
	tr.send("a", string(tt.Text("~m~3~m~one~m~3~m~two")))
	tr.send("a", string(tt.Frame(9, []byte("p"))))
	tr.on(`Send "a", "b"`, func(s *transports.LegacySession) {
		s.Send(legacy.AppendText(legacy.AppendText(nil, "a"), "b"))
	})
	tr.note("a wrong LEN")
	tr.send("a", string(tt.Text("~m~9~m~one")))
	tr.sessions()
	tr.check("websocket", "rfc6455")
}

// TestLegacyWebSocketRefusals: hixie handshakes N would drop are closed
// without an answer; RFC 6455 ones get a status.
func TestLegacyWebSocketRefusals(t *testing.T) {
	cfg := legacyConfig(9)
	cfg.LegacyOrigins = []string{"example.com:*"}
	tr := newTranscript(t, cfg, 1)
	tr.note("hixie-76 from a disallowed origin, with a bad key, with key1 only")
	tr.send("a", get("/socket.io/websocket", "Upgrade: WebSocket", "Connection: Upgrade", "Origin: http://evil.example",
		"Sec-WebSocket-Key1: "+hixieKey1, "Sec-WebSocket-Key2: "+hixieKey2))
	tr.send("b", get("/socket.io/websocket", "Upgrade: WebSocket", "Connection: Upgrade", "Origin: http://example.com",
		"Sec-WebSocket-Key1: 12345", "Sec-WebSocket-Key2: "+hixieKey2))
	tr.send("c", get("/socket.io/websocket", "Upgrade: WebSocket", "Connection: Upgrade", "Origin: http://example.com",
		"Sec-WebSocket-Key1: "+hixieKey1))
	tr.note("RFC 6455 from a disallowed origin; a GET without upgrade")
	tr.send("d", get("/socket.io/websocket", "Upgrade: websocket", "Connection: Upgrade",
		"Sec-WebSocket-Key: "+tt.WSKey, "Sec-WebSocket-Version: 13", "Origin: http://evil.example"))
	tr.send("e", get("/socket.io/websocket"))
	tr.note("the application refuses the session")
	tr.rec.OnOpen = func(*transports.LegacySession) error { return errRefused }
	tr.send("f", get("/socket.io/websocket", "Upgrade: websocket", "Connection: Upgrade",
		"Sec-WebSocket-Key: "+tt.WSKey, "Sec-WebSocket-Version: 13", "Origin: http://example.com"))
	tr.send("g", get("/socket.io/xhr-polling//1", "Origin: http://example.com"))
	tr.note("hixie-76 whose key3 never comes: closed after IdleTimeout, the session ends")
	tr.rec.OnOpen = nil
	tr.send("h", get("/socket.io/websocket", "Upgrade: WebSocket", "Connection: Upgrade", "Origin: http://example.com",
		"Sec-WebSocket-Key1: "+hixieKey1, "Sec-WebSocket-Key2: "+hixieKey2))
	tr.advance(60 * time.Second)
	tr.sessions()
	tr.check("websocket", "refusals")
}

// TestLegacyFlashPolicy: the policy request on the main port (inline,
// flashsocket.js) and on the policy listener, whole and in pieces; the
// answer is the policy and NUL, then close (decision 1). Garbage on the
// main port is HTTP's 400; on the policy listener it is closed at once.
func TestLegacyFlashPolicy(t *testing.T) {
	tr := newTranscript(t, legacyConfig(10), 1)
	tr.note("main port, in three pieces")
	tr.send("a", "<policy")
	tr.send("a", "-file-request/>")
	tr.send("a", "\x00")
	tr.note("main port, garbage")
	tr.send("b", "<policy-file-request/>X")
	tr.note("policy listener, whole; then in pieces; then garbage")
	for _, n := range []string{"p1", "p2", "p3"} {
		tr.dialPolicy(n, 0)
	}
	tr.send("p1", "<policy-file-request/>\x00")
	tr.send("p2", "<policy-file-")
	tr.send("p2", "request/>\x00")
	tr.send("p3", "GET / HTTP/1.1\r\n\r\n")
	tr.check("policy", "policy")
}
