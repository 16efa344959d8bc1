package tornadio_test

// End-to-end tests of the legacy road (Socket.IO 0.6, /work/shared
// docs/legacy-0.6.md) through the public API: a seed-style Handler registered with
// Server.Handle, served over real loopback TCP to raw clients that speak the
// six 2010 transports byte by byte (xhr-polling, jsonp-polling,
// xhr-multipart, htmlfile, websocket and flashsocket with hixie-76, hixie-75
// and RFC 6455). The transports-level golden transcripts (transports/
// legacy_*_test.go) pin the exact bytes; these tests check that the whole
// stack (gnet loops, the Server, the Socket and the Handler) carries them.
//
// Helpers are prefixed "lg"; the raw HTTP and RFC 6455 helpers prefixed "tc"
// come from testclient_test.go. Every read has a deadline.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/frames"
	"github.com/tornadio/tornadio/legacy"
)

// lgAllTransports enables both roads and every legacy transport.
var lgAllTransports = tornadio.WithTransports("websocket", "flashsocket", "xhr-multipart",
	"xhr-polling", "jsonp-polling", "htmlfile", "polling")

// --- framing, written independently of package legacy ---

// lgU16 is the length of s in UTF-16 code units (JavaScript's length).
func lgU16(s string) int { return len(utf16.Encode([]rune(s))) }

// lgFrame frames one message: ~m~LEN~m~DATA, LEN in UTF-16 code units.
func lgFrame(data string) string { return "~m~" + strconv.Itoa(lgU16(data)) + "~m~" + data }

// lgFrames frames each message and concatenates them.
func lgFrames(msgs ...string) string {
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString(lgFrame(m))
	}
	return b.String()
}

// lgDecode splits s into messages, strictly: every frame must start with
// ~m~, LEN must be decimal followed by ~m~, and LEN UTF-16 code units must
// follow without splitting a surrogate pair.
func lgDecode(s string) ([]string, error) {
	var out []string
	for len(s) > 0 {
		if !strings.HasPrefix(s, "~m~") {
			return out, fmt.Errorf("frame does not start with ~m~: %q", s)
		}
		s = s[3:]
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || !strings.HasPrefix(s[i:], "~m~") {
			return out, fmt.Errorf("bad LEN in %q", s)
		}
		n, _ := strconv.Atoi(s[:i])
		s = s[i+3:]
		j, units := 0, 0
		for units < n {
			if j >= len(s) {
				return out, fmt.Errorf("LEN %d goes beyond the data %q", n, s)
			}
			r, w := utf8.DecodeRuneInString(s[j:])
			if r == utf8.RuneError && w == 1 {
				return out, fmt.Errorf("invalid UTF-8 in %q", s)
			}
			if r > 0xFFFF {
				units += 2
			} else {
				units++
			}
			j += w
		}
		if units != n {
			return out, fmt.Errorf("LEN %d splits a surrogate pair", n)
		}
		out = append(out, s[:j])
		s = s[j:]
	}
	return out, nil
}

// lgIsHeartbeat reports whether m is "~h~<n>".
func lgIsHeartbeat(m string) bool { return strings.HasPrefix(m, "~h~") }

// lgSIDPattern: decision 3, 16 to 18 decimal digits.
var lgSIDPattern = regexp.MustCompile(`^[0-9]{16,18}$`)

// lgFormData encodes frames as the 0.6.3 client posts them:
// "data=" + encodeURIComponent(frames).
func lgFormData(frames string) string {
	return "data=" + strings.ReplaceAll(url.QueryEscape(frames), "+", "%20")
}

// --- the server and the seed's Handler ---

type lgOpenInfo struct {
	id, extra, reqTransport, transport, path string
}

// lgHandler is the seed's handler: it records every call and, with echo,
// sends each message back with Socket.Send.
type lgHandler struct {
	refuse func(r *tornadio.Request) error
	echo   bool

	mu     sync.Mutex
	opens  map[string]lgOpenInfo
	msgs   map[string][]any
	closes map[string][]tornadio.DisconnectReason
}

func newLGHandler(echo bool) *lgHandler {
	return &lgHandler{echo: echo, opens: map[string]lgOpenInfo{}, msgs: map[string][]any{},
		closes: map[string][]tornadio.DisconnectReason{}}
}

func (h *lgHandler) OnOpen(s *tornadio.Socket, r *tornadio.Request) error {
	if h.refuse != nil {
		if err := h.refuse(r); err != nil {
			return err
		}
	}
	h.mu.Lock()
	h.opens[s.ID()] = lgOpenInfo{id: s.ID(), extra: r.Extra, reqTransport: r.Transport, transport: s.Transport(), path: r.URL.Path}
	h.mu.Unlock()
	return nil
}

func (h *lgHandler) OnMessage(s *tornadio.Socket, m tornadio.Message) {
	h.mu.Lock()
	h.msgs[s.ID()] = append(h.msgs[s.ID()], m.Data)
	h.mu.Unlock()
	if h.echo {
		_ = s.Send(m.Data)
	}
}

func (h *lgHandler) OnClose(s *tornadio.Socket, reason tornadio.DisconnectReason) {
	h.mu.Lock()
	h.closes[s.ID()] = append(h.closes[s.ID()], reason)
	h.mu.Unlock()
}

func (h *lgHandler) opened(id string) (lgOpenInfo, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	o, ok := h.opens[id]
	return o, ok
}

func (h *lgHandler) ids() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var ids []string
	for id := range h.opens {
		ids = append(ids, id)
	}
	return ids
}

func (h *lgHandler) openCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.opens)
}

func (h *lgHandler) messages(id string) []any {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]any(nil), h.msgs[id]...)
}

func (h *lgHandler) closesOf(id string) []tornadio.DisconnectReason {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]tornadio.DisconnectReason(nil), h.closes[id]...)
}

func (h *lgHandler) totalCloses() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, c := range h.closes {
		n += len(c)
	}
	return n
}

// waitMessages waits until session id's OnMessage saw n messages.
func (h *lgHandler) waitMessages(t testing.TB, id string, n int, within time.Duration) []any {
	t.Helper()
	if !tcWaitFor(within, func() bool { return len(h.messages(id)) >= n }) {
		t.Fatalf("session %s: OnMessage saw %v, want %d messages", id, h.messages(id), n)
	}
	return h.messages(id)
}

// waitClose waits for session id's OnClose, then checks that no second one
// follows within settle, and returns the reason.
func (h *lgHandler) waitClose(t testing.TB, id string, within, settle time.Duration) tornadio.DisconnectReason {
	t.Helper()
	if !tcWaitFor(within, func() bool { return len(h.closesOf(id)) > 0 }) {
		t.Fatalf("session %s: no OnClose within %v", id, within)
	}
	time.Sleep(settle)
	c := h.closesOf(id)
	if len(c) != 1 {
		t.Errorf("session %s: OnClose ran %d times: %v", id, len(c), c)
	}
	return c[0]
}

// lgFreePort returns a loopback port that was free a moment ago.
func lgFreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// lgFastOptions are timers short enough for tests; the heartbeat is off
// the test's path unless a test asks for it.
func lgFastOptions() legacy.Options {
	return legacy.Options{
		HeartbeatInterval: 30 * time.Second,
		HeartbeatTimeout:  30 * time.Second,
		PollDuration:      time.Second,
		PollCloseTimeout:  2 * time.Second,
	}
}

// lgStart starts a server with every transport, the policy listener on a
// free port and h as the seed's Handler.
func lgStart(t testing.TB, h tornadio.Handler, lo legacy.Options, extra ...tornadio.Option) *tornadio.Server {
	t.Helper()
	opts := append([]tornadio.Option{
		lgAllTransports,
		tornadio.WithFlashPolicy(lgFreePort(t), ""),
		tornadio.WithLegacyOptions(lo),
	}, extra...)
	return tcStartServer(t, func(s *tornadio.Server) {
		if h != nil {
			s.Handle(h)
		}
	}, opts...)
}

// lgSocketCount is the number of sockets on the main namespace.
func lgSocketCount(srv *tornadio.Server) int {
	return len(fetched(srv.Of("/").FetchSockets(context.Background())))
}

// lgWaitNoSockets waits until the main namespace is empty.
func lgWaitNoSockets(t testing.TB, srv *tornadio.Server) {
	t.Helper()
	if !tcWaitFor(5*time.Second, func() bool { return lgSocketCount(srv) == 0 }) {
		t.Fatalf("main namespace still has %d sockets", lgSocketCount(srv))
	}
}

// --- raw connections ---

// lgRaw is one raw TCP connection speaking HTTP/1.1.
type lgRaw struct {
	t  testing.TB
	c  net.Conn
	br *bufio.Reader
}

func lgDial(t testing.TB, addr string) *lgRaw {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, tcIOTimeout)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return &lgRaw{t: t, c: c, br: bufio.NewReaderSize(c, 64<<10)}
}

func (r *lgRaw) close() { r.c.Close() }

func (r *lgRaw) write(b string) error {
	r.c.SetWriteDeadline(time.Now().Add(tcIOTimeout))
	_, err := io.WriteString(r.c, b)
	return err
}

// request writes one request: Host, the header lines in hdr, and for a
// body (or a POST) Content-Length.
func (r *lgRaw) request(method, target string, hdr []string, body string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n", method, target)
	for _, h := range hdr {
		b.WriteString(h)
		b.WriteString("\r\n")
	}
	if method == "POST" || body != "" {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	b.WriteString(body)
	return r.write(b.String())
}

// response reads one whole response within d.
func (r *lgRaw) response(d time.Duration) (*http.Response, string, error) {
	r.c.SetReadDeadline(time.Now().Add(d))
	resp, err := http.ReadResponse(r.br, nil)
	if err != nil {
		return nil, "", err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body), err
}

// roundTrip sends a request and reads the answer, failing on I/O errors.
func (r *lgRaw) roundTrip(method, target string, hdr []string, body string) (*http.Response, string) {
	r.t.Helper()
	if err := r.request(method, target, hdr, body); err != nil {
		r.t.Fatalf("%s %s: write: %v", method, target, err)
	}
	resp, b, err := r.response(tcIOTimeout)
	if err != nil {
		r.t.Fatalf("%s %s: read: %v", method, target, err)
	}
	return resp, b
}

// expectClosedSilently checks that the server closes the connection within
// d without writing a byte.
func (r *lgRaw) expectClosedSilently(d time.Duration) error {
	got, err := tcExpectEOF(r.c, r.br, d)
	if err != nil {
		return err
	}
	if len(got) > 0 {
		return fmt.Errorf("closed after writing %q", got)
	}
	return nil
}

// readUntil reads until sep has come (within d) and returns everything
// up to and including it.
func (r *lgRaw) readUntil(sep string, d time.Duration) (string, error) {
	r.c.SetReadDeadline(time.Now().Add(d))
	var b []byte
	for !bytes.HasSuffix(b, []byte(sep)) {
		c, err := r.br.ReadByte()
		if err != nil {
			return string(b), err
		}
		b = append(b, c)
	}
	return string(b), nil
}

// --- the clients, one per transport ---

// lgClient is one legacy session seen from the client side.
type lgClient interface {
	sid() string
	// send carries frames in one request (polling, streams) or one
	// websocket frame.
	send(frames string)
	// recv returns the next batch of messages; a poll that ran out gives
	// an empty batch.
	recv(within time.Duration) ([]string, error)
	// raw is the last batch's framed text, as the wire carried it.
	lastRaw() string
	// gone closes the client's connections.
	gone()
}

// lgPrefix is "/socket.io" and the extra segment, if any.
func lgPrefix(extra string) string {
	if extra == "" {
		return "/socket.io"
	}
	return "/socket.io/" + extra
}

// lgReadSID takes the session id out of the first messages.
func lgReadSID(t testing.TB, c lgClient, what string, first []string) []string {
	t.Helper()
	if len(first) == 0 {
		t.Fatalf("%s: the first answer carries no message", what)
	}
	if !lgSIDPattern.MatchString(first[0]) {
		t.Fatalf("%s: session id %q is not 16-18 digits", what, first[0])
	}
	return first[1:]
}

// lgPoll is an xhr-polling or jsonp-polling client: GETs on one
// connection, POSTs on another, as a browser does.
type lgPoll struct {
	t          testing.TB
	addr       string
	jsonp      bool
	prefix, id string
	get, post  *lgRaw
	ts         int
	raw        string
}

func (p *lgPoll) sid() string     { return p.id }
func (p *lgPoll) lastRaw() string { return p.raw }
func (p *lgPoll) gone()           { p.get.close(); p.post.close() }

func (p *lgPoll) name() string {
	if p.jsonp {
		return "jsonp-polling"
	}
	return "xhr-polling"
}

// getURL is the GET path: handshake with sid "".
func (p *lgPoll) getURL() string {
	p.ts++
	u := fmt.Sprintf("%s/%s/%s/%d", p.prefix, p.name(), p.id, 1300000000000+p.ts)
	if p.jsonp {
		u += "/0"
	}
	return u
}

var lgJSONPBody = regexp.MustCompile(`^io\.JSONP\[0\]\._\((.*)\);$`)

// parse checks an answer to a GET and decodes its frames.
func (p *lgPoll) parse(resp *http.Response, body string) ([]string, error) {
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET: status %d %q", resp.StatusCode, body)
	}
	if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(len(body)) {
		return nil, fmt.Errorf("Content-Length %q for %d bytes", got, len(body))
	}
	text := body
	if p.jsonp {
		if ct := resp.Header.Get("Content-Type"); ct != legacy.ContentTypeJSONP {
			return nil, fmt.Errorf("Content-Type %q", ct)
		}
		m := lgJSONPBody.FindStringSubmatch(body)
		if m == nil {
			return nil, fmt.Errorf("jsonp body %q", body)
		}
		if err := json.Unmarshal([]byte(m[1]), &text); err != nil {
			return nil, fmt.Errorf("jsonp body %q: %v", body, err)
		}
	} else if ct := resp.Header.Get("Content-Type"); ct != legacy.ContentTypePolling {
		return nil, fmt.Errorf("Content-Type %q", ct)
	}
	p.raw = text
	return lgDecode(text)
}

func (p *lgPoll) recv(within time.Duration) ([]string, error) {
	if err := p.get.request("GET", p.getURL(), nil, ""); err != nil {
		return nil, err
	}
	resp, body, err := p.get.response(within)
	if err != nil {
		return nil, err
	}
	return p.parse(resp, body)
}

func (p *lgPoll) postURL() string {
	if p.jsonp {
		p.ts++
		return fmt.Sprintf("%s/jsonp-polling/%s/%d/0", p.prefix, p.id, 1300000000000+p.ts)
	}
	return fmt.Sprintf("%s/xhr-polling/%s/send", p.prefix, p.id)
}

func (p *lgPoll) send(frames string) {
	p.t.Helper()
	resp, body := p.post.roundTrip("POST", p.postURL(),
		[]string{"Content-Type: application/x-www-form-urlencoded"}, lgFormData(frames))
	if resp.StatusCode != 200 || body != "ok" {
		p.t.Fatalf("%s POST: %d %q", p.name(), resp.StatusCode, body)
	}
}

// lgOpenPoll opens a polling session and returns the client and the
// messages that came after the session id in the first answer.
func lgOpenPoll(t testing.TB, addr string, jsonp bool, extra string) (*lgPoll, []string) {
	t.Helper()
	p := &lgPoll{t: t, addr: addr, jsonp: jsonp, prefix: lgPrefix(extra), get: lgDial(t, addr), post: lgDial(t, addr)}
	msgs, err := p.recv(tcIOTimeout)
	if err != nil {
		t.Fatalf("%s handshake: %v", p.name(), err)
	}
	rest := lgReadSID(t, p, p.name(), msgs)
	p.id = msgs[0]
	return p, rest
}

// lgStream is an xhr-multipart or htmlfile client: one endless GET, POSTs on
// another connection.
type lgStream struct {
	t         testing.TB
	htmlfile  bool
	prefix    string
	id        string
	conn      *lgRaw
	body      io.Reader
	pending   []byte
	post      *lgRaw
	raw       string
	transport string
}

func (s *lgStream) sid() string     { return s.id }
func (s *lgStream) lastRaw() string { return s.raw }
func (s *lgStream) gone()           { s.conn.close(); s.post.close() }

// until reads the stream body until sep and returns what came before it.
func (s *lgStream) until(sep string, within time.Duration) (string, error) {
	s.conn.c.SetReadDeadline(time.Now().Add(within))
	buf := make([]byte, 4096)
	for {
		if i := bytes.Index(s.pending, []byte(sep)); i >= 0 {
			out := string(s.pending[:i])
			s.pending = s.pending[i+len(sep):]
			return out, nil
		}
		n, err := s.body.Read(buf)
		s.pending = append(s.pending, buf[:n]...)
		if err != nil && n == 0 {
			return "", fmt.Errorf("stream: waiting for %q after %q: %w", sep, s.pending, err)
		}
	}
}

const (
	lgPartHead   = "Content-Type: text/plain\n\n"
	lgPartEnd    = "\n--socketio\n"
	lgScriptHead = "<script>parent.s._("
	lgScriptEnd  = ", document);</script>"
)

func (s *lgStream) recv(within time.Duration) ([]string, error) {
	if s.htmlfile {
		pre, err := s.until(lgScriptHead, within)
		if err != nil {
			return nil, err
		}
		if pre != "" {
			return nil, fmt.Errorf("htmlfile: %q between scripts", pre)
		}
		js, err := s.until(lgScriptEnd, within)
		if err != nil {
			return nil, err
		}
		var text string
		if err := json.Unmarshal([]byte(js), &text); err != nil {
			return nil, fmt.Errorf("htmlfile: script argument %q: %v", js, err)
		}
		s.raw = text
		return lgDecode(text)
	}
	part, err := s.until(lgPartEnd, within)
	if err != nil {
		return nil, err
	}
	text, ok := strings.CutPrefix(part, lgPartHead)
	if !ok {
		return nil, fmt.Errorf("multipart: part %q", part)
	}
	s.raw = text
	return lgDecode(text)
}

func (s *lgStream) send(frames string) {
	s.t.Helper()
	resp, body := s.post.roundTrip("POST", fmt.Sprintf("%s/%s/%s/send", s.prefix, s.transport, s.id),
		[]string{"Content-Type: application/x-www-form-urlencoded"}, lgFormData(frames))
	if resp.StatusCode != 200 || body != "ok" {
		s.t.Fatalf("%s POST: %d %q", s.transport, resp.StatusCode, body)
	}
}

// lgOpenStream opens an xhr-multipart or htmlfile session.
func lgOpenStream(t testing.TB, addr string, htmlfile bool, extra string) (*lgStream, []string) {
	t.Helper()
	s := &lgStream{t: t, htmlfile: htmlfile, prefix: lgPrefix(extra), conn: lgDial(t, addr), post: lgDial(t, addr), transport: "xhr-multipart"}
	target := s.prefix + "/xhr-multipart/"
	if htmlfile {
		s.transport = "htmlfile"
		target = s.prefix + "/htmlfile//1300000000000"
	}
	if err := s.conn.request("GET", target, nil, ""); err != nil {
		t.Fatal(err)
	}
	s.conn.c.SetReadDeadline(time.Now().Add(tcIOTimeout))
	resp, err := http.ReadResponse(s.conn.br, nil)
	if err != nil {
		t.Fatalf("%s: stream answer: %v", s.transport, err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("%s: status %d", s.transport, resp.StatusCode)
	}
	s.body = resp.Body
	if htmlfile {
		if ct := resp.Header.Get("Content-Type"); ct != legacy.ContentTypeHTMLFile {
			t.Errorf("htmlfile: Content-Type %q", ct)
		}
		if !reflect.DeepEqual(resp.TransferEncoding, []string{"chunked"}) {
			t.Errorf("htmlfile: Transfer-Encoding %v, want chunked", resp.TransferEncoding)
		}
		pre := make([]byte, 256)
		if _, err := io.ReadFull(s.body, pre); err != nil {
			t.Fatalf("htmlfile: preamble: %v", err)
		}
		if want := "<html><body>" + strings.Repeat(" ", 244); string(pre) != want {
			t.Fatalf("htmlfile: preamble %q", pre)
		}
	} else {
		if ct := resp.Header.Get("Content-Type"); ct != `multipart/x-mixed-replace;boundary="socketio"` {
			t.Errorf("xhr-multipart: Content-Type %q", ct)
		}
		if resp.ContentLength != -1 || len(resp.TransferEncoding) != 0 {
			t.Errorf("xhr-multipart: length %d, encoding %v: want a raw body", resp.ContentLength, resp.TransferEncoding)
		}
		if pre, err := s.until("--socketio\n", tcIOTimeout); err != nil || pre != "" {
			t.Fatalf("xhr-multipart: preamble %q: %v", pre, err)
		}
	}
	msgs, err := s.recv(tcIOTimeout)
	if err != nil {
		t.Fatalf("%s: first part: %v", s.transport, err)
	}
	rest := lgReadSID(t, s, s.transport, msgs)
	s.id = msgs[0]
	return s, rest
}

// lgWS is a websocket or flashsocket client speaking hixie-75, hixie-76 or
// RFC 6455.
type lgWS struct {
	t     testing.TB
	proto string // "hixie-75", "hixie-76", "rfc6455"
	conn  *lgRaw
	ws    *tcWS // rfc6455
	id    string
	raw   string
}

func (w *lgWS) sid() string     { return w.id }
func (w *lgWS) lastRaw() string { return w.raw }
func (w *lgWS) gone()           { w.conn.close() }

func (w *lgWS) send(frames string) {
	w.t.Helper()
	var err error
	if w.proto == "rfc6455" {
		err = w.ws.writeFrame(0x1, true, []byte(frames))
	} else {
		err = w.conn.write("\x00" + frames + "\xff")
	}
	if err != nil {
		w.t.Fatalf("websocket send: %v", err)
	}
}

// readFrame reads one text message: 0x00 ... 0xFF, or an RFC 6455 text
// frame. errWSClosed reports a closing handshake (0xFF 0x00, or a close
// frame, whose code is returned).
func (w *lgWS) readFrame(within time.Duration) (string, int, error) {
	if w.proto == "rfc6455" {
		for {
			f, err := w.ws.readFrameWithin(within)
			if err != nil {
				return "", 0, err
			}
			switch f.op {
			case frames.OpText:
				if !f.fin {
					return "", 0, errors.New("fragmented server message")
				}
				return string(f.payload), 0, nil
			case frames.OpClose:
				return "", f.closeCode(), errWSClosed
			case frames.OpPing:
				_ = w.ws.writeFrame(frames.OpPong, true, f.payload)
			default:
				return "", 0, fmt.Errorf("unexpected frame op %d", f.op)
			}
		}
	}
	w.conn.c.SetReadDeadline(time.Now().Add(within))
	b, err := w.conn.br.ReadByte()
	if err != nil {
		return "", 0, err
	}
	switch b {
	case 0x00:
		s, err := w.conn.br.ReadString(0xFF)
		if err != nil {
			return "", 0, err
		}
		return s[:len(s)-1], 0, nil
	case 0xFF:
		z, err := w.conn.br.ReadByte()
		if err != nil || z != 0x00 {
			return "", 0, fmt.Errorf("0xFF followed by %#x, %v", z, err)
		}
		return "", 0, errWSClosed
	}
	return "", 0, fmt.Errorf("frame type %#x", b)
}

var errWSClosed = errors.New("websocket closing handshake")

func (w *lgWS) recv(within time.Duration) ([]string, error) {
	text, _, err := w.readFrame(within)
	if err != nil {
		return nil, err
	}
	w.raw = text
	msgs, err := lgDecode(text)
	if err == nil && len(msgs) != 1 {
		err = fmt.Errorf("websocket frame %q carries %d messages, want 1 per frame", text, len(msgs))
	}
	return msgs, err
}

// Hixie-76 keys: the example of draft-ietf-hybi-thewebsocketprotocol-00.
const (
	lgKey1 = "4 @1  46546xW%0l 1 5"
	lgKey2 = "12998 5 Y3 1  .P00"
	lgKey3 = "^n:ds[4U"
	lgAns  = "8jKS'y:G*Co,Wxa-"
)

// lgHixie76Answer computes the answer independently: each key's digits as
// a number divided by its spaces, big-endian, then key3, then MD5.
func lgHixie76Answer(k1, k2, k3 string) string {
	num := func(k string) uint32 {
		var n, spaces uint64
		for _, c := range k {
			switch {
			case c >= '0' && c <= '9':
				n = n*10 + uint64(c-'0')
			case c == ' ':
				spaces++
			}
		}
		return uint32(n / spaces)
	}
	var b [16]byte
	binary.BigEndian.PutUint32(b[0:], num(k1))
	binary.BigEndian.PutUint32(b[4:], num(k2))
	copy(b[8:], k3)
	sum := md5.Sum(b[:])
	return string(sum[:])
}

// lgHeaderBlock parses a raw header block into its status line and headers
// (names as sent, in order).
func lgHeaderBlock(block string) (status string, hdr [][2]string) {
	lines := strings.Split(strings.TrimSuffix(block, "\r\n\r\n"), "\r\n")
	for _, l := range lines[1:] {
		k, v, _ := strings.Cut(l, ": ")
		hdr = append(hdr, [2]string{k, v})
	}
	return lines[0], hdr
}

// lgWSHandshake writes the opening handshake of proto on path and returns
// the connection; the caller reads the answer.
func lgWSRequest(t testing.TB, addr, path, proto string) *lgRaw {
	t.Helper()
	r := lgDial(t, addr)
	req := "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + strings.Split(addr, ":")[1] + "\r\n"
	switch proto {
	case "rfc6455":
		req += "Upgrade: websocket\r\nConnection: Upgrade\r\nOrigin: http://127.0.0.1\r\n" +
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	case "hixie-76":
		req += "Upgrade: WebSocket\r\nConnection: Upgrade\r\nOrigin: http://127.0.0.1\r\n" +
			"Sec-WebSocket-Key1: " + lgKey1 + "\r\nSec-WebSocket-Key2: " + lgKey2 + "\r\n\r\n"
	default:
		req += "Upgrade: WebSocket\r\nConnection: Upgrade\r\nOrigin: http://127.0.0.1\r\n\r\n"
	}
	if err := r.write(req); err != nil {
		t.Fatal(err)
	}
	return r
}

// lgOpenWS opens a websocket (transport "websocket" or "flashsocket") with
// proto; hixie-76's key3 is sent late, after the 101 header block came.
func lgOpenWS(t testing.TB, addr, transport, proto, extra string) (*lgWS, []string) {
	t.Helper()
	path := lgPrefix(extra) + "/" + transport
	r := lgWSRequest(t, addr, path, proto)
	w := &lgWS{t: t, proto: proto, conn: r}
	host := "127.0.0.1:" + strings.Split(addr, ":")[1]
	switch proto {
	case "rfc6455":
		r.c.SetReadDeadline(time.Now().Add(tcIOTimeout))
		resp, err := http.ReadResponse(r.br, nil)
		if err != nil {
			t.Fatalf("%s rfc6455: %v", transport, err)
		}
		if resp.StatusCode != 101 || resp.Header.Get("Sec-WebSocket-Accept") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
			t.Fatalf("%s rfc6455: %d %v", transport, resp.StatusCode, resp.Header)
		}
		w.ws = &tcWS{t: t, conn: r.c, br: r.br}
	case "hixie-76":
		block, err := r.readUntil("\r\n\r\n", tcIOTimeout)
		if err != nil {
			t.Fatalf("%s hixie-76: 101 header block before key3: %q: %v", transport, block, err)
		}
		status, hdr := lgHeaderBlock(block)
		want := [][2]string{{"Upgrade", "WebSocket"}, {"Connection", "Upgrade"},
			{"Sec-WebSocket-Origin", "http://127.0.0.1"}, {"Sec-WebSocket-Location", "ws://" + host + path}}
		if status != "HTTP/1.1 101 WebSocket Protocol Handshake" || !reflect.DeepEqual(hdr, want) {
			t.Errorf("%s hixie-76 answer:\n%q\nwant status %q and headers %q", transport, block, "HTTP/1.1 101 WebSocket Protocol Handshake", want)
		}
		// Nothing more before key3.
		r.c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		if b, err := r.br.ReadByte(); err == nil {
			t.Fatalf("%s hixie-76: byte %#x before key3", transport, b)
		}
		if err := r.write(lgKey3[:3]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Millisecond)
		if err := r.write(lgKey3[3:]); err != nil {
			t.Fatal(err)
		}
		r.c.SetReadDeadline(time.Now().Add(tcIOTimeout))
		ans := make([]byte, 16)
		if _, err := io.ReadFull(r.br, ans); err != nil {
			t.Fatalf("%s hixie-76: answer: %v", transport, err)
		}
		if string(ans) != lgAns || string(ans) != lgHixie76Answer(lgKey1, lgKey2, lgKey3) {
			t.Fatalf("%s hixie-76: answer %q, want %q", transport, ans, lgAns)
		}
	default:
		block, err := r.readUntil("\r\n\r\n", tcIOTimeout)
		if err != nil {
			t.Fatalf("%s hixie-75: %q: %v", transport, block, err)
		}
		status, hdr := lgHeaderBlock(block)
		want := [][2]string{{"Upgrade", "WebSocket"}, {"Connection", "Upgrade"},
			{"WebSocket-Origin", "http://127.0.0.1"}, {"WebSocket-Location", "ws://" + host + path}}
		if status != "HTTP/1.1 101 Web Socket Protocol Handshake" || !reflect.DeepEqual(hdr, want) {
			t.Errorf("%s hixie-75 answer:\n%q\nwant headers %q", transport, block, want)
		}
	}
	msgs, err := w.recv(tcIOTimeout)
	if err != nil {
		t.Fatalf("%s %s: first frame: %v", transport, proto, err)
	}
	rest := lgReadSID(t, w, transport+" "+proto, msgs)
	w.id = msgs[0]
	return w, rest
}

// lgKind names one way to open a legacy session.
type lgKind struct {
	name      string
	transport string // as OnOpen's Request and Socket.Transport tell it
	open      func(t testing.TB, addr, extra string) (lgClient, []string)
	streaming bool // heartbeats, closes as soon as the connection ends
}

var lgKinds = []lgKind{
	{"xhr-polling", "xhr-polling", func(t testing.TB, a, e string) (lgClient, []string) { return lgOpenPoll(t, a, false, e) }, false},
	{"jsonp-polling", "jsonp-polling", func(t testing.TB, a, e string) (lgClient, []string) { return lgOpenPoll(t, a, true, e) }, false},
	{"xhr-multipart", "xhr-multipart", func(t testing.TB, a, e string) (lgClient, []string) { return lgOpenStream(t, a, false, e) }, true},
	{"htmlfile", "htmlfile", func(t testing.TB, a, e string) (lgClient, []string) { return lgOpenStream(t, a, true, e) }, true},
	{"websocket/hixie-76", "websocket", func(t testing.TB, a, e string) (lgClient, []string) {
		return lgOpenWS(t, a, "websocket", "hixie-76", e)
	}, true},
	{"websocket/hixie-75", "websocket", func(t testing.TB, a, e string) (lgClient, []string) {
		return lgOpenWS(t, a, "websocket", "hixie-75", e)
	}, true},
	{"websocket/rfc6455", "websocket", func(t testing.TB, a, e string) (lgClient, []string) {
		return lgOpenWS(t, a, "websocket", "rfc6455", e)
	}, true},
	{"flashsocket/hixie-76", "flashsocket", func(t testing.TB, a, e string) (lgClient, []string) {
		return lgOpenWS(t, a, "flashsocket", "hixie-76", e)
	}, true},
	{"flashsocket/rfc6455", "flashsocket", func(t testing.TB, a, e string) (lgClient, []string) {
		return lgOpenWS(t, a, "flashsocket", "rfc6455", e)
	}, true},
}

// lgCollect receives until n messages that are not heartbeats have come
// (heartbeats are echoed), within d in all.
func lgCollect(t testing.TB, c lgClient, n int, d time.Duration) (msgs []string, raws []string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for len(msgs) < n {
		left := time.Until(deadline)
		if left <= 0 {
			t.Fatalf("received %q, want %d messages", msgs, n)
		}
		batch, err := c.recv(left)
		if err != nil {
			t.Fatalf("receive (have %q, want %d messages): %v", msgs, n, err)
		}
		if len(batch) > 0 {
			raws = append(raws, c.lastRaw())
		}
		for _, m := range batch {
			if lgIsHeartbeat(m) {
				c.send(lgFrame(m))
				continue
			}
			msgs = append(msgs, m)
		}
	}
	return msgs, raws
}

// The messages of the echo scenario: text, ~j~ JSON, non-ASCII with an
// emoji (LEN in UTF-16 code units), an empty message.
const (
	lgText    = "hello"
	lgUnicode = "h\u00e9llo \u20ac\U0001F600" // LEN 9, 14 bytes (docs/legacy-0.6.md says 15)
	lgJSON    = "{\"a\":1,\"b\":[true,null],\"s\":\"\u00e9\u20ac\U0001F600\"}"
)

// TestLegacyE2EEcho runs the seed's Handler on every transport: OnOpen
// sees the Request with its extra segment, OnMessage gets text and decoded
// ~j~ JSON, Send frames strings and JSON with LEN in UTF-16 code units,
// and OnClose runs once when the client goes.
func TestLegacyE2EEcho(t *testing.T) {
	h := newLGHandler(true)
	srv := lgStart(t, h, lgFastOptions())
	addr := srv.Addr()
	base := tcGoroutines()

	if lgU16(lgUnicode) != 9 || len(lgUnicode) != 14 {
		t.Fatalf("test data: %q has %d code units, %d bytes", lgUnicode, lgU16(lgUnicode), len(lgUnicode))
	}
	jsonValue := map[string]any{"a": 1.0, "b": []any{true, nil}, "s": "é€😀"}

	for _, k := range lgKinds {
		for _, extra := range []string{"", "tok3n"} {
			t.Run(k.name+"/extra="+extra, func(t *testing.T) {
				c, rest := k.open(t, addr, extra)
				if len(rest) != 0 {
					t.Errorf("first answer: messages after the session id: %q", rest)
				}
				id := c.sid()
				o, ok := h.opened(id)
				if !ok {
					t.Fatalf("OnOpen did not see session %s", id)
				}
				if o.extra != extra || o.reqTransport != k.transport || o.transport != k.transport {
					t.Errorf("OnOpen: Request.Extra %q, Request.Transport %q, Socket.Transport %q; want %q, %q",
						o.extra, o.reqTransport, o.transport, extra, k.transport)
				}

				// Four messages in one request (one websocket frame).
				c.send(lgFrames(lgText, "~j~"+lgJSON, lgUnicode, ""))
				got := h.waitMessages(t, id, 4, 5*time.Second)
				want := []any{lgText, jsonValue, lgUnicode, ""}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("OnMessage got %#v, want %#v", got, want)
				}

				// The echoes: each Send is one message.
				msgs, raws := lgCollect(t, c, 4, 8*time.Second)
				if msgs[0] != lgText || msgs[2] != lgUnicode || msgs[3] != "" {
					t.Errorf("echoes %q", msgs)
				}
				js, ok := strings.CutPrefix(msgs[1], "~j~")
				var v any
				if !ok || json.Unmarshal([]byte(js), &v) != nil || !reflect.DeepEqual(v, jsonValue) {
					t.Errorf("JSON echo %q, want ~j~ and %v", msgs[1], jsonValue)
				}
				all := strings.Join(raws, "")
				for _, frame := range []string{"~m~5~m~hello", "~m~9~m~" + lgUnicode, "~m~0~m~",
					"~m~" + strconv.Itoa(lgU16(msgs[1])) + "~m~" + msgs[1]} {
					if !strings.Contains(all, frame) {
						t.Errorf("the wire %q lacks the frame %q", all, frame)
					}
				}
				if lgU16(msgs[1]) == len(msgs[1]) {
					t.Errorf("JSON echo %q: test data should have non-ASCII", msgs[1])
				}

				// Server-side Send from another goroutine, with a string
				// that looks like framing.
				sock := srv.Of("/").Socket(id)
				if sock == nil {
					t.Fatalf("Namespace.Socket(%s) = nil", id)
				}
				if err := sock.Send("~m~1~m~x and \u2028 </script>"); err != nil {
					t.Fatalf("Send: %v", err)
				}
				if err := sock.Send([]any{"😀", 2.5}); err != nil {
					t.Fatalf("Send: %v", err)
				}
				msgs, _ = lgCollect(t, c, 2, 8*time.Second)
				if msgs[0] != "~m~1~m~x and \u2028 </script>" || msgs[1] != `~j~["😀",2.5]` {
					t.Errorf("server sends: %q", msgs)
				}

				// The client goes: OnClose once. Polling clients have the
				// close timeout to come back.
				c.gone()
				within := 3 * time.Second
				if !k.streaming {
					within = 6 * time.Second
				}
				if r := h.waitClose(t, id, within, 300*time.Millisecond); r != tornadio.ReasonTransportClose {
					t.Errorf("OnClose reason %q, want %q", r, tornadio.ReasonTransportClose)
				}
				if srv.Of("/").Socket(id) != nil {
					t.Errorf("socket %s still in the namespace after OnClose", id)
				}
				if err := sock.Send("late"); !errors.Is(err, tornadio.ErrDisconnected) && err != nil {
					t.Errorf("Send after close: %v", err)
				}
			})
		}
	}
	lgWaitNoSockets(t, srv)
	tcCheckGoroutines(t, base)
}

// TestLegacyE2EHeartbeat: streaming transports send ~h~1 after the
// heartbeat interval, the next one after the echo; an unanswered one closes
// the session with ReasonPingTimeout (OnClose once) and ends the stream.
// Heartbeats never reach OnMessage.
func TestLegacyE2EHeartbeat(t *testing.T) {
	h := newLGHandler(false)
	lo := lgFastOptions()
	lo.HeartbeatInterval = 200 * time.Millisecond
	lo.HeartbeatTimeout = 500 * time.Millisecond
	srv := lgStart(t, h, lo)
	for _, k := range lgKinds {
		if !k.streaming {
			continue
		}
		t.Run(k.name, func(t *testing.T) {
			c, _ := k.open(t, srv.Addr(), "")
			id := c.sid()
			start := time.Now()
			for n := 1; n <= 2; n++ {
				msgs, err := c.recv(3 * time.Second)
				if err != nil || len(msgs) != 1 || msgs[0] != fmt.Sprintf("~h~%d", n) {
					t.Fatalf("heartbeat %d: %q, %v", n, msgs, err)
				}
				if n == 1 {
					if el := time.Since(start); el < 150*time.Millisecond {
						t.Errorf("first heartbeat after %v, want about 200ms", el)
					}
					c.send(lgFrame("~h~1"))
				}
			}
			// ~h~2 is not answered.
			if r := h.waitClose(t, id, 3*time.Second, 200*time.Millisecond); r != tornadio.ReasonPingTimeout {
				t.Errorf("OnClose reason %q, want %q", r, tornadio.ReasonPingTimeout)
			}
			if got := h.messages(id); len(got) != 0 {
				t.Errorf("heartbeats reached OnMessage: %v", got)
			}
			// The stream ends: hixie-76/75 with 0xFF 0x00, RFC 6455 with a
			// close frame 1000, htmlfile with the last chunk.
			switch c := c.(type) {
			case *lgWS:
				_, code, err := c.readFrame(3 * time.Second)
				if c.proto == "hixie-75" {
					// Draft 75 has no closing handshake: the TCP
					// connection just ends.
					if !errors.Is(err, io.EOF) {
						t.Errorf("after the timeout: %v, want the end of the connection", err)
					}
				} else if !errors.Is(err, errWSClosed) || (c.proto == "rfc6455" && code != 1000) {
					t.Errorf("after the timeout: %v (code %d), want a closing handshake", err, code)
				}
				if err := c.conn.expectClosedSilently(3 * time.Second); c.proto != "rfc6455" && err != nil {
					t.Errorf("connection: %v", err)
				}
			case *lgStream:
				c.conn.c.SetReadDeadline(time.Now().Add(3 * time.Second))
				rest, err := io.ReadAll(c.body)
				if err != nil || len(rest) != 0 {
					t.Errorf("stream end: %q, %v; want a clean end of body", rest, err)
				}
			}
		})
	}
	lgWaitNoSockets(t, srv)
}

// TestLegacyE2EPollTimers: a polling session lives while its client polls
// (each empty poll held for the poll duration), closes once the close
// timeout passes without a GET (also when the held GET's connection is
// dropped), and its id is unknown afterwards.
func TestLegacyE2EPollTimers(t *testing.T) {
	h := newLGHandler(false)
	lo := lgFastOptions()
	lo.PollDuration = 200 * time.Millisecond
	lo.PollCloseTimeout = 400 * time.Millisecond
	srv := lgStart(t, h, lo)
	addr := srv.Addr()
	for _, jsonp := range []bool{false, true} {
		t.Run(fmt.Sprintf("jsonp=%v", jsonp), func(t *testing.T) {
			// Polling for 1.5 s keeps the session.
			p, _ := lgOpenPoll(t, addr, jsonp, "")
			for start := time.Now(); time.Since(start) < 1500*time.Millisecond; {
				t0 := time.Now()
				msgs, err := p.recv(3 * time.Second)
				if err != nil || len(msgs) != 0 {
					t.Fatalf("empty poll: %q, %v", msgs, err)
				}
				if el := time.Since(t0); el < 150*time.Millisecond {
					t.Fatalf("empty poll answered after %v, want the poll duration (200ms)", el)
				}
				if p.jsonp && p.raw != "" {
					t.Fatalf("empty jsonp poll carried %q", p.raw)
				}
			}
			if c := h.closesOf(p.sid()); len(c) != 0 {
				t.Fatalf("OnClose while polling: %v", c)
			}
			// No more GETs: closed after the close timeout.
			t0 := time.Now()
			if r := h.waitClose(t, p.sid(), 3*time.Second, 300*time.Millisecond); r != tornadio.ReasonTransportClose {
				t.Errorf("reason %q", r)
			}
			if el := time.Since(t0); el < 300*time.Millisecond {
				t.Errorf("closed after %v, want the close timeout (400ms)", el)
			}
			// The id is gone: the connection is closed without an answer.
			if err := p.get.request("GET", p.getURL(), nil, ""); err != nil {
				t.Fatal(err)
			}
			if err := p.get.expectClosedSilently(3 * time.Second); err != nil {
				t.Errorf("GET on the closed session: %v", err)
			}

			// A held GET whose connection is dropped: the close timeout
			// runs from there.
			q, _ := lgOpenPoll(t, addr, jsonp, "")
			if err := q.get.request("GET", q.getURL(), nil, ""); err != nil {
				t.Fatal(err)
			}
			time.Sleep(50 * time.Millisecond)
			q.gone()
			if r := h.waitClose(t, q.sid(), 3*time.Second, 300*time.Millisecond); r != tornadio.ReasonTransportClose {
				t.Errorf("reason %q", r)
			}
		})
	}
	lgWaitNoSockets(t, srv)
}

// TestLegacyE2ERefused: an error from OnOpen refuses the session on every
// transport: 403 for HTTP transports and RFC 6455, a connection closed
// without an answer for hixie-75/76 (as socket.io-node refuses those).
// OnClose never runs and no socket is left.
func TestLegacyE2ERefused(t *testing.T) {
	h := newLGHandler(true)
	h.refuse = func(r *tornadio.Request) error {
		if r.Extra == "deny" {
			return errors.New("not you")
		}
		return nil
	}
	srv := lgStart(t, h, lgFastOptions())
	addr := srv.Addr()
	for _, c := range []struct{ name, target string }{
		{"xhr-polling", "/socket.io/deny/xhr-polling//1"},
		{"jsonp-polling", "/socket.io/deny/jsonp-polling//1/0"},
		{"xhr-multipart", "/socket.io/deny/xhr-multipart/"},
		{"htmlfile", "/socket.io/deny/htmlfile//1"},
	} {
		r := lgDial(t, addr)
		resp, body := r.roundTrip("GET", c.target, nil, "")
		if resp.StatusCode != 403 {
			t.Errorf("%s refused: %d %q, want 403", c.name, resp.StatusCode, body)
		}
	}
	for _, c := range []struct{ transport, proto string }{
		{"websocket", "hixie-76"}, {"websocket", "hixie-75"}, {"flashsocket", "hixie-76"},
		{"websocket", "rfc6455"}, {"flashsocket", "rfc6455"},
	} {
		r := lgWSRequest(t, addr, "/socket.io/deny/"+c.transport, c.proto)
		if c.proto == "rfc6455" {
			resp, _, err := r.response(tcIOTimeout)
			if err != nil || resp.StatusCode != 403 {
				t.Errorf("%s %s refused: %v, %v; want 403", c.transport, c.proto, resp, err)
			}
			continue
		}
		if c.proto == "hixie-76" {
			_ = r.write(lgKey3)
		}
		if err := r.expectClosedSilently(3 * time.Second); err != nil {
			t.Errorf("%s %s refused: %v", c.transport, c.proto, err)
		}
	}
	// The same server accepts others.
	p, _ := lgOpenPoll(t, addr, false, "welcome")
	p.send(lgFrame("hi"))
	h.waitMessages(t, p.sid(), 1, 3*time.Second)
	if n := h.openCount(); n != 1 {
		t.Errorf("OnOpen accepted %d sessions, want 1", n)
	}
	if n := h.totalCloses(); n != 0 {
		t.Errorf("OnClose ran %d times for refused sessions", n)
	}
	if n := lgSocketCount(srv); n != 1 {
		t.Errorf("%d sockets, want 1", n)
	}
}

// TestLegacyE2EBroadcast: Namespace.Emit("message", v) reaches every legacy
// client (a string as text, other values as ~j~ JSON) and other events do
// not; Namespace.OnConnection and Socket.On("message") see legacy sessions
// beside the Handler.
func TestLegacyE2EBroadcast(t *testing.T) {
	h := newLGHandler(false)
	var mu sync.Mutex
	onConn := map[string][]any{}
	srv := lgStart(t, h, lgFastOptions())
	srv.Of("/").OnConnection(func(s *tornadio.Socket) {
		id := s.ID()
		mu.Lock()
		onConn[id] = []any{}
		mu.Unlock()
		s.On("message", func(v any) {
			mu.Lock()
			onConn[id] = append(onConn[id], v)
			mu.Unlock()
		})
	})
	addr := srv.Addr()
	var clients []lgClient
	for _, k := range lgKinds {
		c, _ := k.open(t, addr, "")
		clients = append(clients, c)
	}
	if !tcWaitFor(3*time.Second, func() bool { return lgSocketCount(srv) == len(clients) }) {
		t.Fatalf("%d sockets, want %d", lgSocketCount(srv), len(clients))
	}
	ns := srv.Of("/")
	if err := ns.Emit("other", "not for 0.6"); err != nil {
		t.Fatal(err)
	}
	if err := ns.Emit("message", "to all é😀"); err != nil {
		t.Fatal(err)
	}
	if err := ns.Emit("message", map[string]any{"n": 1, "s": "€"}); err != nil {
		t.Fatal(err)
	}
	for i, c := range clients {
		msgs, raws := lgCollect(t, c, 2, 8*time.Second)
		if msgs[0] != "to all é😀" || msgs[1] != `~j~{"n":1,"s":"€"}` {
			t.Errorf("%s: broadcast gave %q", lgKinds[i].name, msgs)
		}
		if all := strings.Join(raws, ""); !strings.Contains(all, "~m~10~m~to all é😀") {
			t.Errorf("%s: wire %q, want LEN 10 for the text", lgKinds[i].name, all)
		}
		c.send(lgFrames("back", "~j~[1]"))
		h.waitMessages(t, c.sid(), 2, 3*time.Second)
	}
	mu.Lock()
	for _, c := range clients {
		if got := onConn[c.sid()]; !reflect.DeepEqual(got, []any{"back", []any{1.0}}) {
			t.Errorf("On(\"message\") of %s: %#v", c.sid(), got)
		}
	}
	mu.Unlock()
	for _, c := range clients {
		c.gone()
	}
	lgWaitNoSockets(t, srv)
}

// TestLegacyE2EBadInput: broken input gets clean answers, reaches nothing,
// and leaks nothing: every session opened gets exactly one OnClose, the
// namespace ends empty and no goroutine is left.
func TestLegacyE2EBadInput(t *testing.T) {
	h := newLGHandler(false)
	lo := lgFastOptions()
	lo.PollCloseTimeout = 500 * time.Millisecond
	srv := lgStart(t, h, lo, tornadio.WithMaxPayload(64<<10), tornadio.WithHTTPIdleTimeout(time.Second))
	addr := srv.Addr()
	base := tcGoroutines()
	form := []string{"Content-Type: application/x-www-form-urlencoded"}

	p, _ := lgOpenPoll(t, addr, false, "")
	post := func(target, body string) (int, string) {
		t.Helper()
		resp, b := p.post.roundTrip("POST", target, form, body)
		return resp.StatusCode, b
	}
	send := "/socket.io/xhr-polling/" + p.sid() + "/send"

	t.Run("broken framing", func(t *testing.T) {
		for _, bad := range []string{
			"~m~9~m~one",         // LEN beyond the data
			"~m~2~m~one",         // LEN too short: "e" is not a frame
			"~x~3~m~one",         // bad prefix
			"~m~3x~m~one",        // LEN not a number
			"~m~~m~",             // LEN empty
			"~m~5~m~~j~{x",       // broken JSON
			"~m~5~m~~h~ab",       // bad heartbeat
			"~m~1~m~😀",           // LEN splits a surrogate pair
			"~m~3~m~one~m~9~m~t", // good, then broken: nothing delivered
			"hello",
		} {
			if code, body := post(send, lgFormData(bad)); code != 400 {
				t.Errorf("data=%q: %d %q, want 400", bad, code, body)
			}
		}
		// A body that is not form-encoded well.
		if code, _ := post(send, "data=%zz"); code != 400 {
			t.Errorf("bad escape: %d, want 400", code)
		}
		if got := h.messages(p.sid()); len(got) != 0 {
			t.Errorf("broken input reached OnMessage: %q", got)
		}
		// The session goes on.
		if code, body := post(send, lgFormData(lgFrame("ok after"))); code != 200 || body != "ok" {
			t.Errorf("good POST: %d %q", code, body)
		}
		h.waitMessages(t, p.sid(), 1, 3*time.Second)
	})

	t.Run("unknown session", func(t *testing.T) {
		for _, target := range []string{
			"/socket.io/xhr-polling/123456789012345678/1",
			"/socket.io/jsonp-polling/123456789012345678/1/0",
		} {
			r := lgDial(t, addr)
			if err := r.request("GET", target, nil, ""); err != nil {
				t.Fatal(err)
			}
			if err := r.expectClosedSilently(3 * time.Second); err != nil {
				t.Errorf("GET %s: %v", target, err)
			}
		}
		r := lgDial(t, addr)
		if err := r.request("POST", "/socket.io/htmlfile/123456789012345678/send", form, lgFormData(lgFrame("x"))); err != nil {
			t.Fatal(err)
		}
		if err := r.expectClosedSilently(3 * time.Second); err != nil {
			t.Errorf("POST to an unknown session: %v", err)
		}
	})

	t.Run("refusals", func(t *testing.T) {
		for _, c := range []struct {
			method, target string
			want           int
		}{
			{"GET", "/socket.io/jsonp-polling/" + p.sid() + "/1/0", 400}, // another transport (decision 4)
			{"GET", "/socket.io/htmlfile/" + p.sid() + "/1", 400},
			{"GET", "/socket.io/websocket", 400},          // no upgrade
			{"POST", "/socket.io/xhr-polling/", 400},      // a POST opens nothing
			{"PUT", "/socket.io/xhr-polling//1", 405},     // method
			{"GET", "/socket.io/jsonp-polling/", 400},     // no index
			{"GET", "/socket.io/bogus-polling//1", 404},   // no transport: the app's
			{"GET", "/socket.io/xhr-polling/12$4/1", 404}, // not a session id
			{"GET", "/socket.io/a/b/xhr-polling//1", 404}, // two extra segments
			{"GET", "/socket.ioxhr-polling//1", 404},      // not under the resource
			{"GET", "/socket.io/socket.io.js", 404},       // N's client file: not served
			{"DELETE", "/socket.io/xhr-polling/" + p.sid(), 405},
		} {
			r := lgDial(t, addr)
			body := ""
			if c.method == "POST" {
				body = lgFormData(lgFrame("x"))
			}
			resp, b := r.roundTrip(c.method, c.target, nil, body)
			if resp.StatusCode != c.want {
				t.Errorf("%s %s: %d %q, want %d", c.method, c.target, resp.StatusCode, b, c.want)
			}
		}
		if got := h.messages(p.sid()); len(got) != 1 {
			t.Errorf("OnMessage got %q", got)
		}
	})

	t.Run("second poll", func(t *testing.T) {
		if err := p.get.request("GET", p.getURL(), nil, ""); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
		r := lgDial(t, addr)
		resp, _ := r.roundTrip("GET", "/socket.io/xhr-polling/"+p.sid()+"/2", nil, "")
		if resp.StatusCode != 400 {
			t.Errorf("second GET: %d, want 400", resp.StatusCode)
		}
		// The held one stays and gets what is sent.
		if err := srv.Of("/").Socket(p.sid()).Send("to the held poll"); err != nil {
			t.Fatal(err)
		}
		resp, body, err := p.get.response(3 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if msgs, err := p.parse(resp, body); err != nil || !reflect.DeepEqual(msgs, []string{"to the held poll"}) {
			t.Errorf("held poll: %q, %v", msgs, err)
		}
	})

	t.Run("huge post", func(t *testing.T) {
		r := lgDial(t, addr)
		big := lgFormData(lgFrame(strings.Repeat("x", 100<<10)))
		if err := r.request("POST", send, form, big); err != nil {
			t.Fatal(err)
		}
		resp, _, err := r.response(3 * time.Second)
		if err != nil || resp.StatusCode != 413 {
			t.Fatalf("huge POST: %v, %v; want 413", resp, err)
		}
		if err := r.expectClosedSilently(3 * time.Second); err != nil {
			t.Errorf("after 413: %v", err)
		}
		// Unlike the modern road, the legacy session goes on (socket.io
		// 0.6 had no limit at all); nothing was delivered.
		if got := h.messages(p.sid()); len(got) != 1 {
			t.Errorf("OnMessage got %q", got)
		}
		if code, _ := post(send, lgFormData(lgFrame("after huge"))); code != 200 {
			t.Errorf("POST after the huge one: %d", code)
		}
		h.waitMessages(t, p.sid(), 2, 3*time.Second)
	})

	t.Run("second stream", func(t *testing.T) {
		for _, html := range []bool{false, true} {
			s, _ := lgOpenStream(t, addr, html, "")
			target := "/socket.io/xhr-multipart/" + s.sid()
			if html {
				target = "/socket.io/htmlfile/" + s.sid() + "/1"
			}
			r := lgDial(t, addr)
			resp, _ := r.roundTrip("GET", target, nil, "")
			if resp.StatusCode != 400 {
				t.Errorf("second stream %s: %d, want 400", target, resp.StatusCode)
			}
			// The first stream goes on.
			if err := srv.Of("/").Socket(s.sid()).Send("still here"); err != nil {
				t.Fatal(err)
			}
			if msgs, _ := lgCollect(t, s, 1, 3*time.Second); msgs[0] != "still here" {
				t.Errorf("first stream: %q", msgs)
			}
			s.gone()
			h.waitClose(t, s.sid(), 3*time.Second, 0)
		}
	})

	t.Run("websocket", func(t *testing.T) {
		// Broken framing inside a websocket message: the session ends.
		for _, proto := range []string{"hixie-76", "hixie-75", "rfc6455"} {
			w, _ := lgOpenWS(t, addr, "websocket", proto, "")
			w.send("~m~9~m~one")
			_, code, err := w.readFrame(3 * time.Second)
			switch proto {
			case "rfc6455":
				if !errors.Is(err, errWSClosed) || code != 1002 {
					t.Errorf("%s: %v %d, want a close frame 1002", proto, err, code)
				}
			default:
				if err == nil {
					t.Errorf("%s: a frame after broken framing", proto)
				}
			}
			if r := h.waitClose(t, w.sid(), 3*time.Second, 0); r != tornadio.ReasonParseError {
				t.Errorf("%s: reason %q, want %q", proto, r, tornadio.ReasonParseError)
			}
			if got := h.messages(w.sid()); len(got) != 0 {
				t.Errorf("%s: OnMessage got %q", proto, got)
			}
		}
		// A POST or a GET naming a live websocket session: 400, the
		// session goes on.
		w, _ := lgOpenWS(t, addr, "websocket", "rfc6455", "")
		for _, m := range []string{"POST", "GET"} {
			r := lgDial(t, addr)
			if resp, _ := r.roundTrip(m, "/socket.io/websocket/"+w.sid()+"/send", form, lgFormData(lgFrame("x"))); resp.StatusCode != 400 {
				t.Errorf("%s to a websocket session: %d, want 400", m, resp.StatusCode)
			}
		}
		w.send(lgFrame("still"))
		h.waitMessages(t, w.sid(), 1, 3*time.Second)
		w.gone()
		h.waitClose(t, w.sid(), 3*time.Second, 0)
		// A hixie frame that is not text, and a too big one: closed.
		w, _ = lgOpenWS(t, addr, "websocket", "hixie-76", "")
		_ = w.conn.write("\x80\x05hello")
		h.waitClose(t, w.sid(), 3*time.Second, 0)
		w, _ = lgOpenWS(t, addr, "flashsocket", "hixie-76", "")
		w.send(lgFrame(strings.Repeat("y", 100<<10)))
		h.waitClose(t, w.sid(), 3*time.Second, 0)
		// RFC 6455: a binary frame, then a too big one.
		w, _ = lgOpenWS(t, addr, "websocket", "rfc6455", "")
		_ = w.ws.writeFrame(frames.OpBinary, true, []byte("~m~1~m~x"))
		if _, code, err := w.readFrame(3 * time.Second); !errors.Is(err, errWSClosed) || code != 1003 {
			t.Errorf("binary frame: %v %d, want close 1003", err, code)
		}
		h.waitClose(t, w.sid(), 3*time.Second, 0)
		w, _ = lgOpenWS(t, addr, "websocket", "rfc6455", "")
		w.send(lgFrame(strings.Repeat("y", 100<<10)))
		if _, code, err := w.readFrame(3 * time.Second); !errors.Is(err, errWSClosed) || code != 1009 {
			t.Errorf("too big: %v %d, want close 1009", err, code)
		}
		h.waitClose(t, w.sid(), 3*time.Second, 0)
		// Hixie-76 with Key1 and no Key2, or a bad key: closed unanswered.
		for _, hdr := range []string{
			"Sec-WebSocket-Key1: " + lgKey1 + "\r\n",
			"Sec-WebSocket-Key1: 123\r\nSec-WebSocket-Key2: 456\r\n", // no spaces
		} {
			r := lgDial(t, addr)
			_ = r.write("GET /socket.io/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\nOrigin: http://127.0.0.1\r\n" + hdr + "\r\n")
			if err := r.expectClosedSilently(3 * time.Second); err != nil {
				t.Errorf("hixie-76 %q: %v", hdr, err)
			}
		}
		// Hixie-76 whose key3 never comes: closed after the idle timeout,
		// and its session (opened before key3) closes once.
		before := h.ids()
		r := lgWSRequest(t, addr, "/socket.io/websocket", "hixie-76")
		if _, err := r.readUntil("\r\n\r\n", 3*time.Second); err != nil {
			t.Fatal(err)
		}
		if err := r.expectClosedSilently(4 * time.Second); err != nil {
			t.Errorf("key3 never sent: %v", err)
		}
		for _, id := range h.ids() {
			if !slices.Contains(before, id) {
				if r := h.waitClose(t, id, 3*time.Second, 0); r != tornadio.ReasonTransportClose {
					t.Errorf("key3 never sent: reason %q", r)
				}
			}
		}
	})

	// Everything ends: the polling session by its close timeout.
	p.gone()
	if !tcWaitFor(5*time.Second, func() bool { return h.totalCloses() == h.openCount() }) {
		t.Errorf("opened %d sessions, OnClose ran %d times", h.openCount(), h.totalCloses())
	}
	h.mu.Lock()
	for id, c := range h.closes {
		if len(c) != 1 {
			t.Errorf("session %s: OnClose %v", id, c)
		}
	}
	for id := range h.opens {
		if _, ok := h.closes[id]; !ok {
			t.Errorf("session %s: no OnClose", id)
		}
	}
	h.mu.Unlock()
	lgWaitNoSockets(t, srv)
	r := lgDial(t, addr)
	if err := r.request("GET", "/socket.io/xhr-polling/"+p.sid()+"/9", nil, ""); err != nil {
		t.Fatal(err)
	}
	if err := r.expectClosedSilently(3 * time.Second); err != nil {
		t.Errorf("GET on the closed polling session: %v", err)
	}
	tcCheckGoroutines(t, base)
}
