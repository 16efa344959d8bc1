package tornadio

import (
	"sync"

	"github.com/tornadio/tornadio/adapter"
)

// Hooks for tools that watch a server from the side, such as the admin UI
// (module github.com/tornadio/tornadio/admin): they see every namespace
// made, every room joined or left, every socket data stored, and which
// Engine.IO session a socket belongs to, without the application's help.
// Node has the same through io.on("new_namespace"), the adapter's
// "join-room" and "leave-room" events, and (admin-ui) a proxy on
// socket.data.

// observers holds the hooks' listeners of a Server or a Namespace.
type observers struct {
	mu         sync.Mutex
	namespaces []func(*Namespace)
	joins      []func(room, id string)
	leaves     []func(room, id string)
	watching   bool // the namespace's adapter reports room changes
	data       []func(s *Socket, data any)
}

// OnNamespace registers fn to run with every namespace of the server: at
// once (on the caller's goroutine) for each existing one, then for each
// one made later, by Of or on demand by an OfFunc parent, on the goroutine
// that makes it (an event loop, for a namespace made when a client
// connects: fn must not block). Parents made by OfFunc are not namespaces
// clients connect to and are not reported. A namespace made while
// OnNamespace runs may be reported twice. Safe from any goroutine.
func (s *Server) OnNamespace(fn func(*Namespace)) {
	s.observe.mu.Lock()
	s.observe.namespaces = append(s.observe.namespaces, fn)
	s.observe.mu.Unlock()
	s.mu.RLock()
	existing := make([]*Namespace, 0, len(s.nsps))
	for _, ns := range s.nsps {
		existing = append(existing, ns)
	}
	s.mu.RUnlock()
	for _, ns := range existing {
		fn(ns)
	}
}

// namespaceMade tells the OnNamespace listeners of a new namespace. The
// caller holds no lock.
func (s *Server) namespaceMade(ns *Namespace) {
	s.observe.mu.Lock()
	fns := s.observe.namespaces
	s.observe.mu.Unlock()
	for _, fn := range fns {
		fn(ns)
	}
}

// OnJoinRoom registers fn to run each time a socket of the namespace on
// this node joins a room it was not in (Socket.Join, SocketsJoin, from this
// node or another), with the room and the socket's id: Node's adapter
// "join-room" event. fn runs on the goroutine that made the change, after
// it (a broadcast issued then sees it); it must be quick and safe from any
// goroutine. A socket's own room (its id) is not reported when it
// connects. Safe from any goroutine.
func (ns *Namespace) OnJoinRoom(fn func(room, id string)) {
	ns.observe.mu.Lock()
	ns.observe.joins = append(ns.observe.joins, fn)
	ns.watchRoomsLocked()
	ns.observe.mu.Unlock()
}

// OnLeaveRoom registers fn to run each time a socket of the namespace on
// this node leaves a room (Socket.Leave, SocketsLeave), and for every room
// it was in, its own (its id) last, when it disconnects: Node's adapter
// "leave-room" event. fn runs as OnJoinRoom's does. Safe from any
// goroutine.
func (ns *Namespace) OnLeaveRoom(fn func(room, id string)) {
	ns.observe.mu.Lock()
	ns.observe.leaves = append(ns.observe.leaves, fn)
	ns.watchRoomsLocked()
	ns.observe.mu.Unlock()
}

// OnSocketData registers fn to run each time Socket.SetData stores a value
// on a socket of the namespace, with the socket and the value stored: what
// the admin UI shows as the socket's data (Node's admin-ui learns of it by
// watching socket.data). fn runs on the goroutine that called SetData,
// after the value is stored and outside the socket's lock (fn may call
// Data); it must be quick and safe from any goroutine. Values stored
// before the socket connected (in a middleware) are reported too. Safe
// from any goroutine.
func (ns *Namespace) OnSocketData(fn func(s *Socket, data any)) {
	ns.observe.mu.Lock()
	ns.observe.data = append(ns.observe.data, fn)
	ns.observe.mu.Unlock()
}

// socketDataSet tells the OnSocketData listeners that s stored v. The
// caller holds no lock.
func (ns *Namespace) socketDataSet(s *Socket, v any) {
	ns.observe.mu.Lock()
	fns := ns.observe.data
	ns.observe.mu.Unlock()
	for _, fn := range fns {
		fn(s, v)
	}
}

// watchRoomsLocked has the adapter report room changes, from the first
// listener on: until then the room changes cost nothing more.
func (ns *Namespace) watchRoomsLocked() {
	if ns.observe.watching {
		return
	}
	ns.observe.watching = true
	ns.local.WatchRoomChanges(func(c adapter.RoomChange) {
		ns.observe.mu.Lock()
		fns := ns.observe.leaves
		if c.Joined {
			fns = ns.observe.joins
		}
		ns.observe.mu.Unlock()
		for _, fn := range fns {
			fn(c.Room, c.ID)
		}
	})
}

// SessionID is the id of the Engine.IO session the socket belongs to (the
// sid of its handshake; Node's socket.conn.id), shared by the sockets of
// one client in several namespaces. On the legacy (0.6) road, whose
// session holds one socket, it is the socket's id.
func (s *Socket) SessionID() string {
	if s.client == nil {
		return s.id
	}
	return s.client.Sess.ID()
}

// Handshake describes the request that opened the socket's session as
// Node's socket.handshake does (headers, address, time, issued, url, query,
// auth): what FetchSockets tells of a socket, and what tools such as the
// admin UI show. It is built at each call; it belongs to the caller.
func (s *Socket) Handshake() *adapter.Handshake { return nodeHandshake(s.Request()) }
