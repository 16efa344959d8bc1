package tornadio

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tornadio/tornadio/adapter"
)

// Namespace is a Socket.IO namespace: a named channel that clients connect
// to over their one Engine.IO session. Get one with Server.Of, or let
// Server.OfFunc create them on demand.
type Namespace struct {
	srv      *Server
	name     string
	parent   *Namespace   // for namespaces made by OfFunc
	isParent bool         // made by OfFunc: broadcasts go to its children
	children []*Namespace // guarded by mu

	mu         sync.RWMutex
	onConn     []func(*Socket)
	handler    Handler
	middleware []func(*Socket) error

	// The sockets, their rooms and the broadcast fan-out; the adapter
	// wraps it.
	local *adapter.Local

	adapter  adapter.Adapter
	recovery *recoveryStore
	sessions adapter.SessionStore // the adapter, when it keeps recovery state itself

	serverSide    map[string][]callback                    // OnServerSideEmit's listeners, guarded by mu
	serverSideAny []func(event string, args Args, ack Ack) // OnAnyServerSideEmit's, guarded by mu
	sideHome      atomic.Pointer[collectorHome]            // where they run, once a loop is active
	sideWorker    int
	observe       observers // OnJoinRoom's and OnLeaveRoom's listeners (observe.go)
}

func newNamespace(srv *Server, name string, parent *Namespace) *Namespace {
	ns := &Namespace{srv: srv, name: name, parent: parent, sideWorker: int(collectorTurn.Add(1) - 1)}
	cfg := adapter.Config{Namespace: name, Loops: srv.opts.EventLoops, Poster: (*serverLoops)(srv),
		ServerSide: ns.onServerSide, Timers: (*serverLoops)(srv), Parser: srv.opts.parser()}
	if srv.opts.Recovery != nil {
		ns.recovery = newRecoveryStore(srv.opts.Recovery.MaxDisconnection, srv.now)
		cfg.RecoveryWindow = ns.recovery.window
		cfg.Record = func(p *adapter.Packet, opts *adapter.Options) [][]byte {
			if ns.sessions != nil {
				return p.Args // the adapter appends its own offsets
			}
			return ns.recovery.record(p, opts)
		}
	}
	ns.local = adapter.NewLocal(cfg)
	factory := srv.opts.Adapter
	if factory == nil {
		factory = adapter.NewInMemory
	}
	ns.adapter = factory(name, ns.local)
	if st, ok := ns.adapter.(adapter.SessionStore); ok && ns.recovery != nil {
		ns.sessions = st
	}
	return ns
}

// Name is the namespace's name, such as "/" or "/chat".
func (ns *Namespace) Name() string { return ns.name }

// Adapter is the namespace's adapter.
func (ns *Namespace) Adapter() adapter.Adapter { return ns.adapter }

// OnConnection registers fn to run for each socket that connects, after the
// client has been told it is connected. Register handlers with Socket.On
// inside fn. Safe from any goroutine.
func (ns *Namespace) OnConnection(fn func(*Socket)) {
	ns.mu.Lock()
	ns.onConn = append(ns.onConn, fn)
	ns.mu.Unlock()
}

// Use adds a middleware. Middlewares run in order for each connecting
// socket, before OnOpen and OnConnection, and see its Request (headers,
// query, auth, remote address). An error refuses the connection: the client
// gets a connect_error with the error's text, and with Data when the error
// is a *ConnectError.
func (ns *Namespace) Use(fn func(s *Socket) error) {
	ns.mu.Lock()
	ns.middleware = append(ns.middleware, fn)
	ns.mu.Unlock()
}

// Handle sets the seed-style handler of this namespace.
func (ns *Namespace) Handle(h Handler) {
	ns.mu.Lock()
	ns.handler = h
	ns.mu.Unlock()
}

// hooks returns the connection hooks; a namespace made by OfFunc uses its
// parent's, then runs its own OnConnection callbacks (registered on the
// child itself, as OnNamespace's listeners do).
func (ns *Namespace) hooks() (onConn []func(*Socket), h Handler, mw []func(*Socket) error) {
	if ns.parent == nil {
		ns.mu.RLock()
		defer ns.mu.RUnlock()
		return ns.onConn, ns.handler, ns.middleware
	}
	ns.mu.RLock()
	own := ns.onConn
	ns.mu.RUnlock()
	p := ns.parent
	p.mu.RLock()
	defer p.mu.RUnlock()
	onConn = p.onConn
	if len(own) > 0 {
		onConn = append(slices.Clip(onConn), own...)
	}
	return onConn, p.handler, p.middleware
}

// ConnectError refuses a connection from a middleware with a message and
// data, as the client's connect_error shows them.
type ConnectError struct {
	Message string
	Data    any
}

func (e *ConnectError) Error() string { return e.Message }

// connect runs the connection of client c to this namespace, from its
// CONNECT packet (auth is the raw payload, or nil). On the session's loop.
func (ns *Namespace) connect(c *client, auth []byte) {
	var restored *persistedSession
	if ns.recovery != nil && c.Protocol() >= 5 && len(auth) > 0 {
		if ns.sessions != nil {
			if ns.restoreFromAdapter(c, auth) {
				return
			}
		} else {
			restored = ns.recovery.restore(ns.srv.opts.parser(), ns.name, auth)
		}
	}
	ns.connectWith(c, auth, restored)
}

// connectWith goes on with a connection once the recovery store has
// answered (restored is nil when nothing was recovered). On the session's
// loop.
func (ns *Namespace) connectWith(c *client, auth []byte, restored *persistedSession) {
	sock := newSocket(ns, c, restored)
	if len(auth) > 0 {
		sock.originForInit().auth = append([]byte(nil), auth...)
	}
	onConn, h, mw := ns.hooks()
	if restored != nil && ns.srv.opts.Recovery.SkipMiddlewares {
		mw = nil
	}
	if ns.srv.workers == nil {
		// On the loop: no closures to carry the steps over.
		ns.admitted(c, sock, restored, admit(sock, mw, h), onConn)
		return
	}
	var refused error
	ns.srv.run(sock, func() { refused = admit(sock, mw, h) }, func() {
		ns.admitted(c, sock, restored, refused, onConn)
	})
}

// admitted completes a connection once the middlewares have run: refused,
// or attached and announced, then the OnConnection callbacks. On the loop.
func (ns *Namespace) admitted(c *client, sock *Socket, restored *persistedSession, refused error, onConn []func(*Socket)) {
	if c.Sess.Closed() {
		return
	}
	if refused != nil {
		var data any
		var ce *ConnectError
		if errors.As(refused, &ce) {
			data = ce.Data
		}
		c.ConnectError(ns.name, refused.Error(), data)
		return
	}
	ns.attach(sock)
	c.SendConnect(ns.name, sock.id, sock.pid())
	if restored != nil {
		for _, pkt := range restored.missed {
			sock.writePacket(pkt.text, pkt.atts)
		}
	}
	if ns.srv.workers == nil {
		for _, fn := range onConn {
			fn(sock)
		}
		return
	}
	ns.srv.run(sock, func() {
		for _, fn := range onConn {
			fn(sock)
		}
	}, nil)
}

// admit runs the middlewares, then the Handler's OnOpen, for a connecting
// socket; the first error refuses it.
func admit(sock *Socket, mw []func(*Socket) error, h Handler) error {
	for _, fn := range mw {
		if err := fn(sock); err != nil {
			return err
		}
	}
	if h != nil {
		return h.OnOpen(sock, sock.Request())
	}
	return nil
}

// attach registers a connected socket with its client and in the
// namespace's rooms. On the socket's loop.
func (ns *Namespace) attach(sock *Socket) {
	if c := sock.client; c != nil {
		c.Attach(sock)
	}
	ns.local.Attach(&sock.rooms)
}

// detach removes a socket from its client and the namespace's rooms. On
// the socket's loop.
func (ns *Namespace) detach(sock *Socket) {
	if c := sock.client; c != nil {
		c.Detach(sock)
	}
	ns.local.Detach(&sock.rooms)
}

// Emit sends an event to every socket of the namespace. The packet is
// encoded once and handed to each event loop, which writes it to its own
// sockets. []byte arguments travel as binary attachments. When the last
// argument is a function, it collects every client's acknowledgement (see
// BroadcastOperator.Emit). Safe from any goroutine; from a goroutine of
// your own it waits while an event loop has a backlog (see
// BroadcastOperator.Emit, Backpressure).
func (ns *Namespace) Emit(event string, args ...any) error {
	return ns.broadcast().Emit(event, args...)
}

// To selects the sockets in any of rooms for a broadcast.
func (ns *Namespace) To(rooms ...string) *BroadcastOperator { return ns.broadcast().To(rooms...) }

// In is To.
func (ns *Namespace) In(rooms ...string) *BroadcastOperator { return ns.To(rooms...) }

// Except leaves out the sockets in any of rooms (or with any of these ids).
func (ns *Namespace) Except(rooms ...string) *BroadcastOperator {
	return ns.broadcast().Except(rooms...)
}

// Local restricts a broadcast to this node.
func (ns *Namespace) Local() *BroadcastOperator { return ns.broadcast().Local() }

// Volatile drops the packet for sockets that cannot take it right now.
func (ns *Namespace) Volatile() *BroadcastOperator { return ns.broadcast().Volatile() }

// Compress sets the compress flag of a broadcast.
func (ns *Namespace) Compress(on bool) *BroadcastOperator { return ns.broadcast().Compress(on) }

// Timeout sets how long a broadcast waits for acknowledgements.
func (ns *Namespace) Timeout(d time.Duration) *BroadcastOperator { return ns.broadcast().Timeout(d) }

// SocketsJoin makes every socket of the namespace join rooms.
func (ns *Namespace) SocketsJoin(rooms ...string) { ns.broadcast().SocketsJoin(rooms...) }

// SocketsLeave makes every socket of the namespace leave rooms.
func (ns *Namespace) SocketsLeave(rooms ...string) { ns.broadcast().SocketsLeave(rooms...) }

// DisconnectSockets disconnects every socket of the namespace.
func (ns *Namespace) DisconnectSockets(close bool) { ns.broadcast().DisconnectSockets(close) }

// FetchSockets returns the sockets of the namespace, of every node of a
// cluster (see BroadcastOperator.FetchSockets).
func (ns *Namespace) FetchSockets(ctx context.Context) ([]*RemoteSocket, error) {
	return ns.broadcast().FetchSockets(ctx)
}

// Socket returns the connected socket with id, or nil.
func (ns *Namespace) Socket(id string) *Socket {
	return socketOfMember(ns.local.Member(id))
}

func (ns *Namespace) broadcast() *BroadcastOperator { return &BroadcastOperator{ns: ns} }

// each calls fn with the operator itself, or, on a dynamic parent, with a
// copy of it for each child namespace (as Node's parent namespaces do for
// broadcasts).
func (b *BroadcastOperator) each(fn func(*BroadcastOperator)) {
	if !b.ns.isParent {
		fn(b)
		return
	}
	b.ns.mu.RLock()
	children := append([]*Namespace(nil), b.ns.children...)
	b.ns.mu.RUnlock()
	for _, child := range children {
		c := *b
		c.ns = child
		fn(&c)
	}
}
