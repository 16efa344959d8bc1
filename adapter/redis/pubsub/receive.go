package pubsub

import (
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tornadio/tornadio/adapter"
)

// retryDelay is the reader's pause after a failed receive, doubling up to
// maxRetryDelay while Redis stays away.
const (
	retryDelay    = 50 * time.Millisecond
	maxRetryDelay = 2 * time.Second
)

// read subscribes and hands every message to dispatch, until Close. When
// the connection breaks (Redis restarting), go-redis reconnects and
// resubscribes on the next receive; the loop retries with a growing pause
// meanwhile.
func (a *Adapter) read() {
	ctx := a.ctx
	log := a.out.log
	if err := a.ps.PSubscribe(ctx, a.channel+"*"); err != nil && ctx.Err() == nil {
		log.Warn("pubsub: subscribing (go-redis retries on reconnect)", "err", err)
	}
	if err := a.ps.Subscribe(ctx, a.requestChannel, a.responseChannel, a.specificResponseChannel); err != nil && ctx.Err() == nil {
		log.Warn("pubsub: subscribing (go-redis retries on reconnect)", "err", err)
	}
	delay := retryDelay
	var failures int64
	for {
		msg, err := a.ps.Receive(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			failures++
			if doubled(failures-1, failures) {
				log.Warn("pubsub: receiving", "err", err, "failures", failures)
			}
			t := time.NewTimer(delay)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			delay = min(delay*2, maxRetryDelay)
			continue
		}
		if failures > 0 {
			log.Info("pubsub: receiving again", "after_failures", failures)
			failures, delay = 0, retryDelay
		}
		if m, ok := msg.(*redis.Message); ok {
			a.dispatch(m.Channel, []byte(m.Payload))
		}
	}
}

// dispatch routes a message by its channel.
func (a *Adapter) dispatch(channel string, payload []byte) {
	switch {
	case strings.HasPrefix(channel, a.channel):
		a.onBroadcast(payload)
	case channel == a.requestChannel:
		a.onRequestPayload(payload)
	case strings.HasPrefix(channel, a.responseChannel):
		m, err := decodeMessage(payload)
		if err != nil {
			a.out.log.Debug("pubsub: malformed response ignored", "err", err)
			return
		}
		a.onResponse(m)
	}
}

// onBroadcast delivers another node's (or an emitter's) broadcast to this
// node's sockets.
func (a *Adapter) onBroadcast(payload []byte) {
	uid, p, opts, err := decodeBroadcast(payload)
	if err != nil {
		a.out.log.Debug("pubsub: malformed broadcast ignored", "err", err)
		return
	}
	if uid == a.uid {
		return
	}
	if p.Nsp == "" {
		p.Nsp = "/"
	}
	if p.Nsp != a.nsp {
		return
	}
	opts.Flags.Local = true // it stays on this node
	a.local.Broadcast(p, opts)
}

func (a *Adapter) onRequestPayload(payload []byte) {
	m, err := decodeMessage(payload)
	if err != nil {
		a.out.log.Debug("pubsub: malformed request ignored", "err", err)
		return
	}
	a.onRequest(m)
}

// onRequest serves a request of another node or of an emitter. This
// node's own requests come back from Redis too: it applied them when it
// made them, so it ignores them here (Node's nodes apply their own room
// changes and disconnections only then, and skip the rest).
func (a *Adapter) onRequest(m *message) {
	uid := m.uid()
	if uid != "" && uid == a.uid {
		return
	}
	switch m.typ() {
	case typeSockets:
		infos := a.local.FetchSockets(&adapter.Options{Rooms: m.Rooms})
		ids := make([]string, len(infos))
		for i, s := range infos {
			ids[i] = s.ID
		}
		a.respond(uid, encodeSocketIDsResponse(m.RequestID, ids))
	case typeAllRooms:
		a.respond(uid, encodeRoomsResponse(m.RequestID, a.local.Rooms()))
	case typeRemoteJoin, typeRemoteLeave:
		if m.Opts == nil {
			a.legacyRoomChange(m)
			return
		}
		if m.typ() == typeRemoteJoin {
			a.local.AddSockets(m.Opts.selection(), m.Rooms)
		} else {
			a.local.DelSockets(m.Opts.selection(), m.Rooms)
		}
	case typeRemoteDisconnect:
		if m.Opts == nil {
			if a.local.Member(m.Sid) != nil {
				a.local.DisconnectSockets(&adapter.Options{Rooms: []string{m.Sid}}, m.Close)
				a.respond(uid, encodeDoneResponse(m.RequestID))
			}
			return
		}
		a.local.DisconnectSockets(m.Opts.selection(), m.Close)
	case typeRemoteFetch:
		opts := &adapter.Options{}
		if m.Opts != nil {
			opts = m.Opts.selection()
		}
		a.respond(uid, encodeFetchResponse(m.RequestID, a.local.FetchSockets(opts)))
	case typeServerSideEmit:
		a.onServerSideEmit(m)
	case typeBroadcast:
		a.onBroadcastWithAck(uid, m)
	}
}

// legacyRoomChange serves the join or leave of one socket by id that
// nodes before the opts form sent, and answers it.
func (a *Adapter) legacyRoomChange(m *message) {
	if a.local.Member(m.Sid) == nil {
		return
	}
	opts := &adapter.Options{Rooms: []string{m.Sid}}
	rooms := []string{roomText(m.Room)}
	if m.typ() == typeRemoteJoin {
		a.local.AddSockets(opts, rooms)
	} else {
		a.local.DelSockets(opts, rooms)
	}
	a.respond(m.uid(), encodeDoneResponse(m.RequestID))
}

// onServerSideEmit hands another node's event to this namespace's
// listeners; with a request id, the first answer goes back on the shared
// response channel (always there, as Node answers).
func (a *Adapter) onServerSideEmit(m *message) {
	p, err := eventPacket(a.nsp, m.Data, m.attachments)
	if err != nil {
		a.out.log.Debug("pubsub: malformed server-side emit ignored", "err", err)
		return
	}
	if m.RequestID == "" {
		a.local.ServerSideEmitted(p, nil)
		return
	}
	id := m.RequestID
	a.local.ServerSideEmitted(p, func(args, atts [][]byte) {
		a.out.enqueue(job{channel: a.responseChannel, payload: encodeServerSideAnswer(id, args, atts)})
	})
}

// onBroadcastWithAck delivers another node's broadcast with
// acknowledgement here and reports to the requester: the count of clients
// asked, then each client's answer.
func (a *Adapter) onBroadcastWithAck(uid string, m *message) {
	a.mu.Lock()
	_, own := a.ackRequests[m.RequestID]
	a.mu.Unlock()
	if own {
		return
	}
	data, err := packetData(m.Packet)
	if err != nil {
		a.out.log.Debug("pubsub: malformed broadcast with ack ignored", "err", err)
		return
	}
	p, err := eventPacket(a.nsp, data, m.attachments)
	if err != nil {
		a.out.log.Debug("pubsub: malformed broadcast with ack ignored", "err", err)
		return
	}
	opts := &adapter.Options{}
	if m.Opts != nil {
		opts = m.Opts.selection() // Node's receivers keep rooms and except only
	}
	id := m.RequestID
	a.local.BroadcastWithAck(p, opts, adapter.BroadcastAcks{
		Clients: func(n int) { a.respond(uid, encodeClientCount(id, n)) },
		Ack: func(args, atts [][]byte) {
			msg, err := encodeBroadcastAck(id, args, atts)
			if err != nil {
				a.out.log.Warn("pubsub: ack answer not sent", "err", err)
				return
			}
			a.respond(uid, msg)
		},
	})
}

// respond publishes an answer to the requester uid: on the shared
// response channel, or on the requester's own with
// WithPublishOnSpecificResponseChannel.
func (a *Adapter) respond(uid string, payload []byte) {
	channel := a.responseChannel
	if a.cfg.specificChannel && uid != "" {
		channel += uid + "#"
	}
	a.out.enqueue(job{channel: channel, payload: payload})
}
