package admin

import (
	"sync"

	"github.com/tornadio/tornadio"
)

// registry is what the instrumentation knows of this node: the namespaces,
// their sockets and the clients (Engine.IO sessions) these belong to.
// Safe from any goroutine.
type registry struct {
	mu         sync.Mutex
	namespaces []*tornadio.Namespace
	byName     map[string]*tornadio.Namespace
	counts     map[*tornadio.Namespace]int
	clients    map[string]*clientEntry // by session id
}

// clientEntry is one client: its sockets, in every namespace, and the
// transport it was last seen on.
type clientEntry struct {
	sockets   []*tornadio.Socket
	transport string
}

func newRegistry() *registry {
	return &registry{
		byName:  make(map[string]*tornadio.Namespace),
		counts:  make(map[*tornadio.Namespace]int),
		clients: make(map[string]*clientEntry),
	}
}

// addNamespace lists ns; false when it was listed already.
func (r *registry) addNamespace(ns *tornadio.Namespace) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.byName[ns.Name()]; ok {
		return false
	}
	r.byName[ns.Name()] = ns
	r.namespaces = append(r.namespaces, ns)
	return true
}

// namespace returns the listed namespace name, or nil: the UI's actions
// reach existing namespaces only, never make one.
func (r *registry) namespace(name string) *tornadio.Namespace {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byName[name]
}

// connected lists a socket that connected; it reports whether it is its
// client's first.
func (r *registry) connected(s *tornadio.Socket) (newClient bool) {
	sid := s.SessionID()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.counts[s.Namespace()]++
	c := r.clients[sid]
	if c == nil {
		c = &clientEntry{transport: s.Transport()}
		r.clients[sid] = c
		newClient = true
	}
	c.sockets = append(c.sockets, s)
	return newClient
}

// disconnected takes a socket out; it reports whether it was its client's
// last.
func (r *registry) disconnected(s *tornadio.Socket) (lastOfClient bool) {
	sid := s.SessionID()
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.clients[sid]
	if c == nil {
		return false
	}
	for i, x := range c.sockets {
		if x == s {
			c.sockets = append(c.sockets[:i], c.sockets[i+1:]...)
			r.counts[s.Namespace()]--
			break
		}
	}
	if len(c.sockets) == 0 {
		delete(r.clients, sid)
		return true
	}
	return false
}

// listed reports whether s is listed: it connected, the UI was told, and
// it has not gone.
func (r *registry) listed(s *tornadio.Socket) bool {
	sid := s.SessionID()
	r.mu.Lock()
	defer r.mu.Unlock()
	if c := r.clients[sid]; c != nil {
		for _, x := range c.sockets {
			if x == s {
				return true
			}
		}
	}
	return false
}

// sockets lists every socket of this node.
func (r *registry) sockets() []*tornadio.Socket {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*tornadio.Socket
	for _, c := range r.clients {
		out = append(out, c.sockets...)
	}
	return out
}

// namespaceCount is one namespace's sockets on this node, as server_stats
// lists them.
type namespaceCount struct {
	Name         string `json:"name"`
	SocketsCount int    `json:"socketsCount"`
}

func (r *registry) namespaceCounts() []namespaceCount {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]namespaceCount, 0, len(r.namespaces))
	for _, ns := range r.namespaces {
		out = append(out, namespaceCount{Name: ns.Name(), SocketsCount: r.counts[ns]})
	}
	return out
}

// pollTransports counts the clients on long-polling, and returns the
// sockets of the clients whose transport changed (upgraded to websocket)
// since the last call.
func (r *registry) pollTransports() (polling int, changed []*tornadio.Socket) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.clients {
		if c.transport != tornadio.TransportPolling || len(c.sockets) == 0 {
			continue
		}
		if now := c.sockets[0].Transport(); now != c.transport {
			c.transport = now
			changed = append(changed, c.sockets...)
			continue
		}
		polling++
	}
	return polling, changed
}
