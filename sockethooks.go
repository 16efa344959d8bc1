package tornadio

import (
	"github.com/tornadio/tornadio/internal/sioclient"
	"github.com/tornadio/tornadio/socketio"
)

// client is the Socket.IO state of one Engine.IO session (see
// internal/sioclient, where its packets enter the Socket.IO layer).
type client = sioclient.Client[*Socket]

// socketHooks is the public API's part of the Socket.IO layer: sioclient
// parses and routes each session's packets and calls these, on the
// session's loop, to admit clients and sockets and run the user's
// handlers.
type socketHooks struct{ srv *Server }

var _ sioclient.Hooks[*Socket] = socketHooks{}

// Open admits a session: HandshakeLimit.MaxPending then AllowRequest
// decide, the connect timeout starts, and a v4 client is connected to the
// main namespace without asking.
func (h socketHooks) Open(c *client) error {
	if err := h.srv.reservePending(); err != nil {
		return err
	}
	if _, err := h.srv.allowRequest(c.Sess); err != nil {
		h.srv.pending.Add(-1)
		return err
	}
	h.srv.watchConnect(c)
	if c.Protocol() == 4 {
		if ns := h.srv.namespace("/"); ns != nil {
			ns.connect(c, nil)
		}
	}
	return nil
}

// Connect connects c to namespace nsp for its CONNECT packet.
func (h socketHooks) Connect(c *client, nsp string, auth []byte) {
	ns := h.srv.lookupNamespace(nsp, auth)
	if ns == nil {
		c.ConnectError(nsp, sioclient.InvalidNamespace, nil)
		return
	}
	ns.connect(c, auth)
}

func (socketHooks) Event(s *Socket, p socketio.Packet, atts, args [][]byte, split bool) {
	s.count().eventsIn.Add(1)
	s.onEvent(p, atts, args, split)
}

func (socketHooks) Ack(s *Socket, p socketio.Packet, atts, args [][]byte, split bool) {
	s.onAck(p, atts, args, split)
}

func (socketHooks) Disconnect(s *Socket) { s.close(ReasonClientNamespaceDisconnect) }

func (socketHooks) Close(s *Socket, reason string) { s.close(DisconnectReason(reason)) }

func (socketHooks) NamespaceOf(s *Socket) string { return s.ns.name }

func (h socketHooks) Scratch(loop int) *sioclient.Scratch { return &h.srv.scratch(loop).sio }

// Settled takes c out of the connect-timeout queue: it joined a namespace
// or its session closed.
func (h socketHooks) Settled(c *client) { h.srv.unwatchConnect(c) }
