package transports_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio/legacy"
	"github.com/tornadio/tornadio/transports"
)

// get and post build the 0.6.3 client's requests.
func get(target string, headers ...string) string {
	var b strings.Builder
	b.WriteString("GET " + target + " HTTP/1.1\r\nHost: example.com\r\n")
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("\r\n")
	return b.String()
}

func post(target, body string, headers ...string) string {
	var b strings.Builder
	b.WriteString("POST " + target + " HTTP/1.1\r\nHost: example.com\r\nContent-Type: application/x-www-form-urlencoded\r\n")
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("Content-Length: " + itoa(len(body)) + "\r\n\r\n" + body)
	return b.String()
}

// TestLegacyXHRPollingSession: the life of an xhr-polling session.
// Checked against xhr-polling.js and client.js of socket.io-node 0.6.18:
// the handshake GET is answered at once with the session id as the first
// frame followed by what the app queued (Client._payload), Content-Type
// "text/plain; charset=UTF-8" and a byte Content-Length (_write); an
// allowed Origin is echoed with credentials when a Cookie came; a GET with
// nothing queued is held 20 s then answered with an empty body; the POST's
// form field data is decoded and answered "ok" text/plain with
// Access-Control-Allow-Origin: * (_onConnect POST); 8 s after an answer
// with no new GET the session is gone (closeTimeout 8000).
func TestLegacyXHRPollingSession(t *testing.T) {
	tr := newTranscript(t, legacyConfig(1), 1)
	tr.rec.OnOpen = func(s *transports.LegacySession) error {
		s.Send(legacy.AppendText(nil, "welcome"))
		return nil
	}
	tr.note("handshake: the session id, then what LegacyOpen sent")
	tr.send("a", get("/socket.io/xhr-polling//1300000000000", "Origin: http://example.com", "Cookie: a=b"))
	tr.note("a poll with nothing queued is held")
	tr.send("a", get("/socket.io/xhr-polling/{sid}/1300000000001", "Origin: http://example.com"))
	tr.note("a send answers it")
	tr.on(`Send "héllo €😀", "~j~{\"a\":1}"`, func(s *transports.LegacySession) {
		s.Send(legacy.AppendJSON(legacy.AppendText(nil, "héllo €😀"), []byte(`{"a":1}`)))
	})
	tr.note("the client posts two messages and the echo of nothing")
	tr.send("b", post("/socket.io/xhr-polling/{sid}/send", "data=%7Em%7E3%7Em%7Eone%7Em%7E10%7Em%7E%7Ej%7E%7B%22b%22%3A2%7D", "Origin: http://example.com"))
	tr.note("queued while no poll is held: everything in one answer")
	tr.on(`Send "x" twice`, func(s *transports.LegacySession) {
		s.Send(legacy.AppendText(nil, "x"))
		s.Send(legacy.AppendText(nil, "y"))
	})
	tr.send("a", get("/socket.io/xhr-polling/{sid}/1300000000002"))
	tr.note("an empty poll is answered after 20 s; 8 s later the session is gone")
	tr.send("a", get("/socket.io/xhr-polling/{sid}/1300000000003"))
	tr.advance(29 * time.Second)
	tr.sessions()
	tr.note("its id is now unknown: the connection is closed without an answer")
	tr.send("a", get("/socket.io/xhr-polling/{sid}/1300000000004"))
	tr.check("xhr-polling", "session")
}

// TestLegacyJSONPPolling: jsonp-polling.js of socket.io-node 0.6.18: the
// same session rules as xhr-polling, each answer is
// io.JSONP[<index>]._(<JSON.stringify of the frames>); with Content-Type
// "text/javascript; charset=UTF-8" and no CORS headers, the index being the
// last number of each request's path; an empty poll gives
// io.JSONP[i]._(""); a present, disallowed Origin turns the body into the
// alert statement; the POST (a form posted into an iframe, field data)
// gets "ok", with Access-Control-Allow-Origin: * for an allowed Origin.
func TestLegacyJSONPPolling(t *testing.T) {
	cfg := legacyConfig(2)
	cfg.LegacyOrigins = []string{"example.com:80"}
	tr := newTranscript(t, cfg, 1)
	tr.note("handshake, index 0")
	tr.send("a", get("/socket.io/jsonp-polling//1300000000000/0"))
	tr.note("the app sends text that needs escaping; a poll with index 3 takes it")
	tr.on(`Send "say \"hi\"\n</script>\u2028"`, func(s *transports.LegacySession) {
		s.Send(legacy.AppendText(nil, "say \"hi\"\n</script>\u2028\\"))
	})
	tr.send("a", get("/socket.io/jsonp-polling/{sid}/1300000000001/3", "Origin: http://example.com"))
	tr.note("a POST from the page's form")
	tr.send("b", post("/socket.io/jsonp-polling/{sid}/1300000000002/3", "data=~m~5~m~hello", "Origin: http://example.com"))
	tr.note("a POST from a disallowed origin: 401")
	tr.send("b", post("/socket.io/jsonp-polling/{sid}/1300000000003/3", "data=~m~5~m~hello", "Origin: http://evil.example:80"))
	tr.note("an empty poll, and a poll from a disallowed origin")
	tr.send("a", get("/socket.io/jsonp-polling/{sid}/1300000000004/3"))
	tr.advance(20 * time.Second)
	tr.on(`Send "x"`, func(s *transports.LegacySession) { s.Send(legacy.AppendText(nil, "x")) })
	tr.send("a", get("/socket.io/jsonp-polling/{sid}/1300000000005/3", "Origin: http://evil.example"))
	tr.note("the server closes the session while a poll is held")
	tr.send("a", get("/socket.io/jsonp-polling/{sid}/1300000000006/3"))
	tr.on("Close", func(s *transports.LegacySession) { s.Close() })
	tr.sessions()
	tr.check("jsonp-polling", "session")
}

// TestLegacyPollingBadInput: refusals on the polling transports (see
// legacy_conn.go for where they differ from N, which leaves most of these
// hanging or acts on half of the input).
func TestLegacyPollingBadInput(t *testing.T) {
	cfg := legacyConfig(3)
	cfg.MaxPayload = 100
	tr := newTranscript(t, cfg, 1)
	tr.send("a", get("/socket.io/xhr-polling//1"))
	tr.note("broken framing: wrong LEN (too long), bad prefix, LEN not a number: 400, nothing delivered")
	tr.send("b", post("/socket.io/xhr-polling/{sid}/send", "data=~m~9~m~one"))
	tr.send("b", post("/socket.io/xhr-polling/{sid}/send", "data=~x~3~m~one"))
	tr.send("b", post("/socket.io/xhr-polling/{sid}/send", "data=~m~3x~m~one~m~1~m~2"))
	tr.note("broken JSON and a bad heartbeat number")
	tr.send("b", post("/socket.io/xhr-polling/{sid}/send", "data=~m~5~m~~j~{x"))
	tr.send("b", post("/socket.io/xhr-polling/{sid}/send", "data=~m~5~m~~h~ab"))
	tr.note("no data field: ok, nothing delivered; a bad escape: 400")
	tr.send("b", post("/socket.io/xhr-polling/{sid}/send", "other=1"))
	tr.send("b", post("/socket.io/xhr-polling/{sid}/send", "data=%zz"))
	tr.note("a post too big for MaxPayload: 413 and close")
	tr.send("c", post("/socket.io/xhr-polling/{sid}/send", "data="+strings.Repeat("x", 101)))
	tr.note("the session's id with another transport: 400 (decision 4)")
	tr.send("b", post("/socket.io/htmlfile/{sid}/send", "data=~m~1~m~x"))
	tr.send("b", get("/socket.io/jsonp-polling/{sid}/1/0"))
	tr.note("a second GET while one is held: 400, the first stays")
	tr.send("d", get("/socket.io/xhr-polling/{sid}/2"))
	tr.send("e", get("/socket.io/xhr-polling/{sid}/3"))
	tr.on(`Send "z"`, func(s *transports.LegacySession) { s.Send(legacy.AppendText(nil, "z")) })
	tr.note("unknown session ids: closed without an answer")
	tr.send("f", get("/socket.io/xhr-polling/123456/4"))
	tr.send("g", post("/socket.io/xhr-polling/123456/send", "data=~m~1~m~x"))
	tr.note("an id that is not alphanumeric, an unknown transport, a disabled one: not the legacy road (404 without a Fallback)")
	tr.send("h", get("/socket.io/xhr-polling/12-34/4"))
	tr.send("h", get("/socket.io/socket.io.js"))
	tr.note("other methods: 405; a POST opening a session: 400; jsonp without an index: 400")
	tr.send("h", "PUT /socket.io/xhr-polling//1 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
	tr.send("h", post("/socket.io/xhr-polling//send", "data=~m~1~m~x"))
	tr.send("h", get("/socket.io/jsonp-polling//1300000000000/x"))
	tr.note("the held GET's connection drops: the close timeout runs")
	tr.hangup("d")
	tr.advance(8 * time.Second)
	tr.sessions()
	tr.check("xhr-polling", "bad-input")
}
