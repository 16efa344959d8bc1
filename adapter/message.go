package adapter

import (
	"github.com/tornadio/tornadio/legacy"
	"github.com/tornadio/tornadio/socketio"
	"github.com/tornadio/tornadio/transports"
)

// Message is one encoded packet ready to be written to sessions, shared
// read-only by every loop it reaches. Local.Encode and the broadcasts make
// it in every form its receivers need, once: the Socket.IO text, the
// websocket frame every Engine.IO session writes as it is, and the 0.6 frame
// when 0.6 sessions may receive it. A Message made by hand (one socket's
// emit) carries Text and Attachments only.
type Message struct {
	Text        []byte   // the Socket.IO packet
	Attachments [][]byte // binary attachments, each written after Text
	Event       string   // the event, for outgoing listeners
	Args        [][]byte // its arguments as raw JSON, for outgoing listeners
	Volatile    bool     // drop it for a session that cannot write it now
	// Uncompressed keeps permessage-deflate off for it (Compress(false));
	// by default a message may be compressed.
	Uncompressed bool

	shared *transports.Shared // Text as every Engine.IO session sends it; nil with attachments
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
	m := &Message{
		Text:        socketio.AppendEvent(nil, l.cfg.Namespace, id, len(p.Attachments), p.Event, args...),
		Attachments: p.Attachments,
		Event:       p.Event,
		Args:        p.Args,
		Volatile:    opts.Flags.Volatile,
		Uncompressed: opts.Flags.NoCompress,
	}
	if l.legacyMembers.Load() > 0 && id < 0 {
		m.legacy = legacyFrame(p.Event, p.Args)
	}
	if len(m.Attachments) == 0 {
		// Encoded once for every websocket and polling session it reaches.
		m.shared = transports.NewShared(m.Text)
		m.Text = m.shared.Data()
	}
	return m
}

// sendShared writes the shared form of m to s, compressed as m allows.
func (m *Message) sendShared(s *transports.Session) {
	if m.Uncompressed {
		s.SendSharedUncompressed(m.shared)
	} else {
		s.SendShared(m.shared)
	}
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
