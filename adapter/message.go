package adapter

import (
	"github.com/tornadio/tornadio/legacy"
	"github.com/tornadio/tornadio/socketio"
	"github.com/tornadio/tornadio/transports"
)

// Message is one encoded packet ready to be written to sessions, shared
// read-only by every loop it reaches. Local.Encode and the broadcasts make
// it in every form its receivers need, once: the Socket.IO packet in the
// server's encoding (Config.Parser), the websocket frame every Engine.IO
// session writes as it is, and the 0.6 frame when 0.6 sessions may receive
// it. A Message made by hand (one socket's emit) carries Encoded, Binary
// and Attachments only.
type Message struct {
	// Encoded is the Socket.IO packet as the parser wrote it: a text
	// message, or a binary one when Binary (a binary parser's packet,
	// carrying its attachments within).
	Encoded     []byte
	Attachments [][]byte // binary attachments: written after a text packet
	Event       string   // the event, for outgoing listeners
	Args        [][]byte // its arguments as raw JSON, for outgoing listeners
	Volatile    bool     // drop it for a session that cannot write it now
	Binary      bool     // Encoded is a binary message (see Encoded)
	// Uncompressed keeps permessage-deflate off for it (Compress(false));
	// by default a message may be compressed.
	Uncompressed bool

	failed bool               // the parser refused the arguments: nothing is written
	shared *transports.Shared // Encoded as every Engine.IO session sends it; nil when attachments follow
	legacy []byte             // the 0.6 frame; nil when 0.6 clients do not get it
}

// encode makes the message of a broadcast of p; id is its ack id, or -1.
// A broadcast without ack, unless volatile, is recorded first (see
// Config.Record), which may give its arguments an offset.
func (l *Local) encode(p *Packet, opts *Options, id int64) *Message {
	args := p.Args
	if l.cfg.Record != nil && id < 0 && !opts.Flags.Volatile {
		args = l.cfg.Record(p, opts)
	}
	parser := l.parser()
	enc, err := parser.AppendEvent(nil, l.cfg.Namespace, id, p.Event, args, p.Attachments)
	m := &Message{
		Encoded:      enc,
		Binary:       parser.Binary(),
		Attachments:  p.Attachments,
		Event:        p.Event,
		Args:         p.Args,
		Volatile:     opts.Flags.Volatile,
		Uncompressed: opts.Flags.NoCompress,
		failed:       err != nil,
	}
	if l.legacyMembers.Load() > 0 && id < 0 {
		m.legacy = legacyFrame(p.Event, p.Args)
	}
	switch {
	case m.failed:
	case m.Binary:
		// The attachments are inside: one binary message for every
		// websocket and polling session it reaches.
		m.shared = transports.NewSharedBinary(m.Encoded)
		m.Encoded = m.shared.Data()
	case len(m.Attachments) == 0:
		// Encoded once for every websocket and polling session it reaches.
		m.shared = transports.NewShared(m.Encoded)
		m.Encoded = m.shared.Data()
	}
	return m
}

// size is about what writing m to one member costs: its packet and
// attachments.
func (m *Message) size() int {
	n := len(m.Encoded)
	for _, a := range m.Attachments {
		n += len(a)
	}
	return n
}

// Failed reports whether the parser refused the message's arguments (a
// json.RawMessage that is not JSON, for a parser that transcodes it): it is
// written to no one.
func (m *Message) Failed() bool { return m.failed }

// parser is the encoding of the namespace's packets (Config.Parser).
func (l *Local) parser() socketio.Parser {
	if l.cfg.Parser == nil {
		return socketio.TextParser{}
	}
	return l.cfg.Parser
}

// sendShared writes the shared form of m to s, compressed as m allows.
func (m *Message) sendShared(s *transports.Session) transports.SendResult {
	if m.Uncompressed {
		return s.SendSharedUncompressed(m.shared)
	}
	return s.SendShared(m.shared)
}

// legacyFrame frames a one-argument "message" broadcast for 0.6 clients (a
// JSON string becomes a text message, any other value ~j~ JSON); nil for
// anything else, which 0.6 clients cannot receive.
func legacyFrame(event string, args [][]byte) []byte {
	if event != "message" || len(args) != 1 {
		return nil
	}
	raw := args[0]
	if len(raw) > 0 && raw[0] == '"' {
		text, err := socketio.AppendJSONUnquote(nil, raw)
		if err != nil {
			return nil
		}
		return legacy.AppendMessage(nil, text)
	}
	return legacy.AppendJSON(nil, raw)
}
