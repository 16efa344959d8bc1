package tornadio

import (
	"encoding/json"
	"net"
	"strings"

	"github.com/tornadio/tornadio/adapter"
)

// Data returns the value stored with SetData (Node's socket.data), or nil.
// Safe from any goroutine.
func (s *Socket) Data() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ext == nil {
		return nil
	}
	return s.ext.data
}

// SetData stores v with the socket (Node's socket.data). FetchSockets
// returns it: as it is on this node, and as its JSON encoding to the other
// nodes of a cluster, so v should marshal to JSON. Store a new value rather
// than change one that other goroutines may be reading (and so that
// Namespace.OnSocketData listeners, such as the admin UI's, hear of the
// change). Safe from any goroutine.
func (s *Socket) SetData(v any) {
	s.mu.Lock()
	s.extLocked().data = v
	s.mu.Unlock()
	s.ns.socketDataSet(s, v)
}

// Describe gives other nodes the socket's handshake and data
// (adapter.Describer): Node's socket.handshake, and socket.data as JSON;
// no data goes as {}, Node's default, and data that does not marshal as
// null.
func (m *member) Describe() (*adapter.Handshake, json.RawMessage) {
	s := (*Socket)(m)
	return nodeHandshake(s.Request()), dataJSON(s.Data())
}

// dataJSON is a socket's data as other nodes get it.
func dataJSON(v any) json.RawMessage {
	if v == nil {
		return json.RawMessage("{}")
	}
	data, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage("null")
	}
	return data
}

// nodeHandshake describes r as Node's socket.handshake does: header names
// in lower case, repeated fields joined; the remote IP without its port;
// the query's first values; the auth object ({} when the client sent
// none).
func nodeHandshake(r *Request) *adapter.Handshake {
	h := &adapter.Handshake{
		Headers: make(map[string]string, len(r.Header)),
		Time:    jsDateString(r.Time),
		Address: r.RemoteAddr,
		XDomain: r.Header.Get("Origin") != "",
		Issued:  r.Time.UnixMilli(),
		URL:     r.URL.RequestURI(),
		Query:   make(map[string]string),
		Auth:    r.Auth,
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		h.Address = host
	}
	for name, values := range r.Header {
		sep := ", "
		if strings.EqualFold(name, "Cookie") {
			sep = "; "
		}
		h.Headers[strings.ToLower(name)] = strings.Join(values, sep)
	}
	for k, v := range r.Query() {
		if len(v) > 0 {
			h.Query[k] = v[0]
		}
	}
	if len(h.Auth) == 0 {
		h.Auth = json.RawMessage("{}")
	}
	return h
}
