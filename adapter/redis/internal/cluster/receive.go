package cluster

import (
	"encoding/json"
	"strings"

	"github.com/tornadio/tornadio/adapter"
)

// Receive handles a message from the transport, on the transport's
// goroutine: a response to one of this adapter's requests, or a message
// from another node of the namespace (its own messages and other
// namespaces' are dropped). It never blocks on Redis: answers are queued.
func (a *Adapter) Receive(m *Message) {
	if m.Type.IsResponse() {
		a.onResponse(m)
		return
	}
	if m.UID == a.uid || m.Nsp != a.nsp {
		return
	}
	d, err := parseData(m.Data)
	if err != nil {
		a.log.Warn("cluster: message dropped", "type", int(m.Type), "from", m.UID, "err", err)
		return
	}
	switch m.Type {
	case Broadcast:
		a.onBroadcast(m, d)
	case SocketsJoin:
		a.local.AddSockets(d.Opts.options(), roomNames(d.Rooms))
	case SocketsLeave:
		a.local.DelSockets(d.Opts.options(), roomNames(d.Rooms))
	case DisconnectSockets:
		a.local.DisconnectSockets(d.Opts.options(), d.Close)
	case FetchSockets:
		a.onFetchSockets(m, d)
	case ServerSideEmit:
		a.onServerSideEmit(m, d)
	}
	// Heartbeats and ADAPTER_CLOSE: nothing to do without the heartbeat
	// variant; unknown types are ignored, as Node ignores them.
}

func (a *Adapter) onBroadcast(m *Message, d *wireData) {
	p, err := broadcastPacket(d.Packet, a.nsp, m.Attachments)
	if err != nil || p == nil {
		if err != nil {
			a.log.Warn("cluster: broadcast dropped", "from", m.UID, "err", err)
		}
		return
	}
	opts := d.Opts.options()
	requestID := d.requestID()
	if requestID == "" {
		a.local.Broadcast(a.withOffset(p, opts, m.Offset), opts)
		return
	}
	from := m.UID
	a.local.BroadcastWithAck(p, opts, adapter.BroadcastAcks{
		Clients: func(n int) {
			a.respond(from, a.message(BroadcastClientCount, clientCountData(requestID, n), nil))
		},
		Ack: func(args, atts [][]byte) {
			a.respond(from, a.answer(BroadcastAck, requestID, args, atts))
		},
	})
}

// answer makes a BROADCAST_ACK or SERVER_SIDE_EMIT_RESPONSE carrying the
// first of args, copied (the caller's slices may not outlive the call).
func (a *Adapter) answer(t MessageType, requestID string, args, atts [][]byte) *Message {
	var copied [][]byte
	if len(atts) > 0 {
		copied = make([][]byte, len(atts))
		for i, b := range atts {
			copied[i] = append([]byte(nil), b...)
		}
	}
	return a.message(t, packetResponseData(requestID, args), copied)
}

func (a *Adapter) onFetchSockets(m *Message, d *wireData) {
	requestID := d.requestID()
	sockets := a.local.FetchSockets(d.Opts.options())
	data, err := fetchResponseData(requestID, sockets)
	if err != nil {
		a.log.Error("cluster: fetchSockets not answered", "to", m.UID, "err", err)
		return
	}
	a.respond(m.UID, a.message(FetchSocketsResponse, data, nil))
}

func (a *Adapter) onServerSideEmit(m *Message, d *wireData) {
	p, err := eventPacket(d.Packet, a.nsp, m.Attachments)
	if err != nil {
		a.log.Warn("cluster: serverSideEmit dropped", "from", m.UID, "err", err)
		return
	}
	requestID := d.requestID()
	if requestID == "" {
		a.local.ServerSideEmitted(p, nil)
		return
	}
	from := m.UID
	a.local.ServerSideEmitted(p, func(args, atts [][]byte) {
		a.respond(from, a.answer(ServerSideEmitResponse, requestID, args, atts))
	})
}

func (a *Adapter) onResponse(m *Message) {
	d, err := parseData(m.Data)
	if err != nil {
		a.log.Warn("cluster: response dropped", "type", int(m.Type), "from", m.UID, "err", err)
		return
	}
	requestID := d.requestID()
	switch m.Type {
	case BroadcastClientCount:
		if acks, ok := a.ackRequest(requestID); ok {
			acks.Clients(int(d.ClientCount))
		}
	case BroadcastAck:
		if acks, ok := a.ackRequest(requestID); ok {
			acks.Ack(packetArgs(d.Packet), m.Attachments)
		}
	case FetchSocketsResponse:
		sockets := make([]adapter.SocketInfo, 0, len(d.Sockets))
		for _, s := range d.Sockets {
			sockets = append(sockets, adapter.SocketInfo{
				ID:        s.ID,
				Rooms:     roomNames(s.Rooms),
				Handshake: decodeHandshake(s.Handshake),
				Data:      s.Data,
			})
		}
		a.answered(requestID, func(r *request) { r.sockets = append(r.sockets, sockets...) })
	case ServerSideEmitResponse:
		reply := adapter.Reply{Args: packetArgs(d.Packet), Attachments: m.Attachments}
		a.answered(requestID, func(r *request) { r.replies = append(r.replies, reply) })
	}
}

func (a *Adapter) ackRequest(id string) (adapter.BroadcastAcks, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	acks, ok := a.acks[id]
	return acks, ok
}

// packetArgs is an answer's single argument, none when it was undefined.
func packetArgs(packet json.RawMessage) [][]byte {
	if len(packet) == 0 {
		return nil
	}
	return [][]byte{packet}
}

// decodeHandshake reads a fetched socket's handshake, keeping what fits
// when a header or query value is not a string (Node allows arrays).
func decodeHandshake(raw json.RawMessage) *adapter.Handshake {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var h adapter.Handshake
	if json.Unmarshal(raw, &h) == nil {
		return &h
	}
	var loose struct {
		Headers map[string]json.RawMessage `json:"headers"`
		Time    string                     `json:"time"`
		Address string                     `json:"address"`
		XDomain bool                       `json:"xdomain"`
		Secure  bool                       `json:"secure"`
		Issued  float64                    `json:"issued"`
		URL     string                     `json:"url"`
		Query   map[string]json.RawMessage `json:"query"`
		Auth    json.RawMessage            `json:"auth"`
	}
	if json.Unmarshal(raw, &loose) != nil {
		return nil
	}
	return &adapter.Handshake{
		Headers: looseStrings(loose.Headers), Time: loose.Time, Address: loose.Address,
		XDomain: loose.XDomain, Secure: loose.Secure, Issued: int64(loose.Issued),
		URL: loose.URL, Query: looseStrings(loose.Query), Auth: loose.Auth,
	}
}

// looseStrings reads string values as they are and arrays of strings
// joined with ", " (as Node joins repeated headers); others as JSON text.
func looseStrings(in map[string]json.RawMessage) map[string]string {
	out := make(map[string]string, len(in))
	for k, v := range in {
		var s string
		var list []string
		switch {
		case json.Unmarshal(v, &s) == nil:
			out[k] = s
		case json.Unmarshal(v, &list) == nil:
			out[k] = strings.Join(list, ", ")
		default:
			out[k] = string(v)
		}
	}
	return out
}
