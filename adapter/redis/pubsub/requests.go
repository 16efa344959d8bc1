package pubsub

import (
	"context"
	"sync"

	"github.com/tornadio/tornadio/adapter"
)

// request is a request of this node waiting for the other nodes' answers
// (FetchSockets, AllRooms, ServerSideEmit with an answer). It ends once,
// with every answer, at its timeout (on the event loops' clock), when its
// caller's context ends, or when the adapter closes.
type request struct {
	a    *Adapter
	id   string
	typ  int
	want int // answers expected: the other nodes

	// Under a.mu while the request is listed in a.requests; read once
	// done is closed.
	got     int
	sockets []adapter.SocketInfo
	rooms   []string
	replies []adapter.Reply
	stop    func()
	err     error

	once   sync.Once
	done   chan struct{}
	onDone func(err error)
}

// startRequest lists a request with a fresh id and arms its timeout.
func (a *Adapter) startRequest(typ, want int, onDone func(err error)) *request {
	return a.startRequestID(newUID(6), typ, want, onDone)
}

func (a *Adapter) startRequestID(id string, typ, want int, onDone func(err error)) *request {
	r := &request{a: a, id: id, typ: typ, want: want, done: make(chan struct{}), onDone: onDone}
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		r.finish(ErrClosed)
		return r
	}
	a.requests[id] = r
	a.mu.Unlock()
	a.requestsSent.Add(1)
	stop := a.local.AfterFunc(a.cfg.requestsTimeout, r.timeout)
	a.mu.Lock()
	if _, listed := a.requests[id]; listed {
		r.stop = stop
		stop = nil
	}
	a.mu.Unlock()
	if stop != nil { // finished already
		stop()
	}
	return r
}

func (r *request) timeout() {
	r.a.mu.Lock()
	got := r.got
	r.a.mu.Unlock()
	r.finish(&adapter.TimeoutError{Got: got, Want: r.want})
}

// finish ends the request with err (nil: every answer came); only the
// first call counts.
func (r *request) finish(err error) {
	r.once.Do(func() {
		a := r.a
		if _, timedOut := err.(*adapter.TimeoutError); timedOut {
			a.requestTimeouts.Add(1)
		}
		a.mu.Lock()
		delete(a.requests, r.id)
		stop := r.stop
		r.stop = nil
		r.err = err
		a.mu.Unlock()
		if stop != nil {
			stop()
		}
		close(r.done)
		if r.onDone != nil {
			r.onDone(err)
		}
	})
}

// RequestStats counts the requests this adapter made of the other nodes
// (FetchSockets, AllRooms and ServerSideEmit with answers, when there are
// other nodes) and those that ended by their timeout before every node
// answered; a request its caller gave up on (context ended) or that the
// adapter's closing ended is not a timeout.
func (a *Adapter) RequestStats() adapter.RequestStats {
	return adapter.RequestStats{Requests: a.requestsSent.Load(), Timeouts: a.requestTimeouts.Load()}
}

// wait waits for the request to end or ctx to end first.
func (a *Adapter) wait(ctx context.Context, r *request) error {
	select {
	case <-r.done:
	case <-ctx.Done():
		r.finish(ctx.Err())
	}
	return r.err
}

// onResponse takes an answer to one of this node's requests: a client
// count or a client's answer to a broadcast with acknowledgement, or one
// node's answer to a request. Answers to other nodes' requests, and late
// ones, are ignored.
func (a *Adapter) onResponse(m *message) {
	a.mu.Lock()
	if acks := a.ackRequests[m.RequestID]; acks != nil {
		a.mu.Unlock()
		switch m.typ() {
		case typeBroadcastClientCount:
			acks.Clients(int(m.ClientCount))
		case typeBroadcastAck:
			if m.Packet == nil {
				acks.Ack(nil, nil)
			} else {
				acks.Ack([][]byte{m.Packet}, m.attachments)
			}
		}
		return
	}
	r := a.requests[m.RequestID]
	if r == nil {
		a.mu.Unlock()
		return
	}
	r.got++
	switch r.typ {
	case typeRemoteFetch:
		if m.Sockets != nil {
			r.sockets = append(r.sockets, decodeSockets(m.Sockets)...)
		}
	case typeAllRooms:
		r.rooms = append(r.rooms, m.Rooms...)
	case typeServerSideEmit:
		reply := adapter.Reply{}
		if m.Data != nil {
			reply.Args = [][]byte{m.Data}
			reply.Attachments = m.attachments
		}
		r.replies = append(r.replies, reply)
	}
	complete := r.got >= r.want
	a.mu.Unlock()
	if complete {
		r.finish(nil)
	}
}
