package sioclient

import (
	"encoding/json"
	"net/url"

	"github.com/tornadio/tornadio/socketio"
	"github.com/tornadio/tornadio/transports"
)

// Hooks is what App calls for the public API's part of the work. Every
// method runs on the session's loop.
type Hooks[S comparable] interface {
	// Open admits a new session's client, before its first packet: an error
	// refuses the handshake. A v4 client (c.Protocol() 4) is connected to
	// the main namespace without asking, as in Node: Open does that too.
	Open(c *Client[S]) error
	// Connect connects c to namespace nsp, with the CONNECT's auth payload
	// (nil when there is none): admission, then c.SendConnect or
	// c.ConnectError.
	Connect(c *Client[S], nsp string, auth []byte)
	// Event runs an EVENT packet for socket s; Ack an ACK packet. When
	// split, args holds the array elements of the packet's data, views into
	// it; the bytes are valid during the call.
	Event(s S, p socketio.Packet, atts, args [][]byte, split bool)
	Ack(s S, p socketio.Packet, atts, args [][]byte, split bool)
	// Disconnect ends socket s for its client's DISCONNECT packet.
	Disconnect(s S)
	// Close ends socket s because its session ended for reason.
	Close(s S, reason string)
	// NamespaceOf is the name of the namespace socket s is connected to.
	NamespaceOf(s S) string
	// Scratch is the loop's reusable buffers.
	Scratch(loop int) *Scratch
	// Settled is called once c no longer waits for its first CONNECT:
	// a namespace accepted it (before the answer is sent), or its session
	// closed before one did.
	Settled(c *Client[S])
}

// Scratch is one event loop's reusable buffers for decoding incoming
// packets and encoding answers, so that a session keeps none of its own.
// What they hold is valid until the loop's next packet.
type Scratch struct {
	Decoded socketio.Decoded // the packet being routed
	Args    [][]byte         // an event's or ack's arguments, split by the server
	Buf     []byte           // an answer being encoded
	Payload []byte           // its payload, for parsers that transcode it
	Vals    []byte           // an answer's arguments encoded as JSON
	Raws    [][]byte         // views of them
	Name    []byte           // an event name with escapes, unescaped
}

// App receives the Engine.IO events of a server's sessions
// (transports.App) and turns their messages into Socket.IO packets for the
// sockets.
type App[S comparable] struct {
	hooks  Hooks[S]
	parser socketio.Parser
}

// NewApp returns the App that calls hooks and speaks Socket.IO with parser
// (nil: socketio.TextParser).
func NewApp[S comparable](hooks Hooks[S], parser socketio.Parser) *App[S] {
	if parser == nil {
		parser = socketio.TextParser{}
	}
	return &App[S]{hooks: hooks, parser: parser}
}

// Parser is the parser the App decodes and encodes packets with.
func (a *App[S]) Parser() socketio.Parser { return a.parser }

// Open makes the session's client, then lets the hooks admit it.
func (a *App[S]) Open(sess *transports.Session) error {
	c := &Client[S]{Sess: sess, app: a, sio: 5}
	if sess.Version() < 4 {
		c.sio = 4
	}
	sess.Data = c
	if err := a.hooks.Open(c); err != nil {
		sess.Data = nil
		return err
	}
	return nil
}

// Message decodes one Engine.IO message with the server's parser and
// routes the packet it completes, if any.
func (a *App[S]) Message(sess *transports.Session, data []byte, binary bool) {
	c, ok := sess.Data.(*Client[S])
	if !ok {
		return
	}
	// The packet is decoded into the loop's scratch; an event's or ack's
	// arguments are split in the pass that validates it when the parser
	// can.
	sc := a.hooks.Scratch(sess.Loop())
	d := &sc.Decoded
	done, err := a.parser.Decode(&c.dec, data, binary, int(c.sio), d)
	if err != nil {
		sess.Close(transports.ReasonParseError)
		return
	}
	if done {
		c.route(d.Packet, d.Attachments, d.Args, d.Split)
	}
}

// Close ends the session's sockets.
func (a *App[S]) Close(sess *transports.Session, reason string) {
	c, ok := sess.Data.(*Client[S])
	if !ok {
		return
	}
	if !c.joined {
		a.hooks.Settled(c)
	}
	for _, s := range c.Sockets() {
		a.hooks.Close(s, reason)
	}
}

// route hands a packet to its namespace's socket; split tells that args
// holds an event's or ack's array elements.
func (c *Client[S]) route(p socketio.Packet, atts, args [][]byte, split bool) {
	h := c.app.hooks
	nsp := p.NamespaceString()
	switch p.Type {
	case socketio.Connect:
		auth := p.Data
		if c.sio < 5 {
			// v4 carries the namespace's query in its name (/admin?token=x);
			// as in Node, the query is the socket's auth.
			name, query := socketio.SplitNamespaceQuery(p.Namespace)
			nsp = string(name)
			if nsp == "" {
				nsp = "/"
			}
			auth = queryAuth(query)
		}
		if _, ok := c.Socket(nsp); ok {
			return
		}
		h.Connect(c, nsp, auth)
	case socketio.Event, socketio.BinaryEvent:
		if s, ok := c.Socket(nsp); ok {
			h.Event(s, p, atts, args, split)
		}
	case socketio.Ack, socketio.BinaryAck:
		if s, ok := c.Socket(nsp); ok {
			h.Ack(s, p, atts, args, split)
		}
	case socketio.Disconnect:
		if s, ok := c.Socket(nsp); ok {
			h.Disconnect(s)
		}
	default:
		// CONNECT_ERROR is for servers to send.
		c.Sess.Close(transports.ReasonParseError)
	}
}

// queryAuth turns a v4 namespace query into the auth object Node gives
// such sockets: {"key":"value",…}; nil when there is no query.
func queryAuth(query []byte) []byte {
	if len(query) == 0 {
		return nil
	}
	vals, err := url.ParseQuery(string(query))
	if err != nil {
		return nil
	}
	m := make(map[string]string, len(vals))
	for k, v := range vals {
		m[k] = v[len(v)-1]
	}
	b, _ := json.Marshal(m)
	return b
}
