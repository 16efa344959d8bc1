package tornadio

import (
	"sync"

	"github.com/tornadio/tornadio/socketio"
)

// Namespace is a Socket.IO namespace: a named channel that clients connect
// to over their one Engine.IO session. Get one with Server.Of.
type Namespace struct {
	srv  *Server
	name string

	mu      sync.RWMutex
	onConn  []func(*Socket)
	handler Handler

	// sockets per event loop; each set is touched only on its loop, so
	// delivering a namespace-wide emit takes no lock.
	loops []map[*Socket]struct{}
}

func newNamespace(srv *Server, name string) *Namespace {
	n := srv.opts.EventLoops
	if n <= 0 {
		n = 1
	}
	ns := &Namespace{srv: srv, name: name, loops: make([]map[*Socket]struct{}, n)}
	for i := range ns.loops {
		ns.loops[i] = make(map[*Socket]struct{})
	}
	return ns
}

// Name is the namespace's name, such as "/" or "/chat".
func (ns *Namespace) Name() string { return ns.name }

// OnConnection registers fn to run for each socket that connects, after the
// client has been told it is connected. Register handlers with Socket.On
// inside fn. Safe from any goroutine.
func (ns *Namespace) OnConnection(fn func(*Socket)) {
	ns.mu.Lock()
	ns.onConn = append(ns.onConn, fn)
	ns.mu.Unlock()
}

// Handle sets the seed-style handler of this namespace.
func (ns *Namespace) Handle(h Handler) {
	ns.mu.Lock()
	ns.handler = h
	ns.mu.Unlock()
}

func (ns *Namespace) hooks() ([]func(*Socket), Handler) {
	ns.mu.RLock()
	defer ns.mu.RUnlock()
	return ns.onConn, ns.handler
}

// Emit sends an event to every socket connected to the namespace. The
// packet is encoded once and handed to each event loop, which writes it to
// its own sockets. []byte arguments travel as binary attachments. Acks are
// not supported on a namespace-wide emit (that comes with broadcasts).
// Safe from any goroutine.
func (ns *Namespace) Emit(event string, args ...any) error {
	if err := checkEvent(event); err != nil {
		return err
	}
	raw, atts, err := encodeArgs(args)
	if err != nil {
		return err
	}
	pkt := socketio.AppendEvent(nil, ns.name, -1, len(atts), event, raw...)
	eng := ns.srv.engine
	if eng == nil {
		return nil
	}
	for i := range ns.loops {
		set := ns.loops[i]
		eng.Post(i, func() {
			for sock := range set {
				sock.writePacket(pkt, atts)
			}
		})
	}
	return nil
}

// connect runs the connection of client c to this namespace, from its
// CONNECT packet (auth is the raw payload, or nil). On the session's loop.
func (ns *Namespace) connect(c *client, auth []byte) {
	sock := newSocket(ns, c)
	sock.req = newRequest(c.sess, auth)
	onConn, h := ns.hooks()
	var refused error
	open := func() {
		if h != nil {
			refused = h.OnOpen(sock, sock.req)
		}
	}
	ns.srv.run(sock, open, func() {
		if c.sess.Closed() {
			return
		}
		if refused != nil {
			c.connectError(ns.name, refused.Error())
			return
		}
		c.sockets[ns.name] = sock
		ns.loops[c.sess.Loop()][sock] = struct{}{}
		sock.connected = true
		c.sendConnect(ns.name, sock.id)
		ns.srv.run(sock, func() {
			for _, fn := range onConn {
				fn(sock)
			}
		}, nil)
	})
}
