package tornadio

import (
	"encoding/json"

	"github.com/tornadio/tornadio/adapter"
)

// RemoteSocket is a socket as FetchSockets returns it, on this node or on
// another node of a cluster: a snapshot of its id, handshake, rooms and
// data, with methods that act on the live socket wherever it is (through
// the adapter for a socket of another node).
type RemoteSocket struct {
	ID    string
	Rooms []string
	// Handshake is the socket's opening request as Node describes it
	// (headers, address, time, url, query, auth).
	Handshake *adapter.Handshake
	// Data is the socket's data (Socket.SetData): the value itself for a
	// socket of this node, its JSON decoded into an any for one of
	// another node. DecodeData decodes it into a type of yours either way.
	Data any
	// Request and Recovered are known for a socket of this node only (nil
	// and false for the others).
	Request   *Request
	Recovered bool

	ns      *Namespace
	local   *Socket
	rawData json.RawMessage
}

func newRemoteSocket(ns *Namespace, in adapter.SocketInfo) *RemoteSocket {
	rs := &RemoteSocket{ID: in.ID, Rooms: in.Rooms, Handshake: in.Handshake, ns: ns, rawData: in.Data}
	if s := socketOfMember(in.Local); s != nil {
		rs.local = s
		rs.Request = s.Request()
		rs.Recovered = s.Recovered()
		rs.Data = s.Data()
		if rs.Handshake == nil {
			rs.Handshake = nodeHandshake(rs.Request)
		}
		return rs
	}
	if len(in.Data) > 0 {
		_ = json.Unmarshal(in.Data, &rs.Data) // null or bad JSON: nil
	}
	return rs
}

// Local reports whether the socket lives on this node.
func (r *RemoteSocket) Local() bool { return r.local != nil }

// DecodeData decodes the socket's data into v, a pointer: from its JSON
// for a socket of another node, through JSON for one of this node.
func (r *RemoteSocket) DecodeData(v any) error {
	raw := r.rawData
	if r.local != nil {
		b, err := json.Marshal(r.Data)
		if err != nil {
			return err
		}
		raw = b
	}
	if len(raw) == 0 {
		raw = []byte("null")
	}
	return json.Unmarshal(raw, v)
}

// only selects the socket alone, for the operations sent through the
// adapter to a socket of another node.
func (r *RemoteSocket) only() *BroadcastOperator {
	return &BroadcastOperator{ns: r.ns, rooms: []string{r.ID}}
}

// Emit sends an event to the socket.
func (r *RemoteSocket) Emit(event string, args ...any) error {
	if r.local != nil {
		return r.local.Emit(event, args...)
	}
	return r.only().Emit(event, args...)
}

// Join makes the socket join rooms.
func (r *RemoteSocket) Join(rooms ...string) {
	if r.local != nil {
		r.local.Join(rooms...)
		return
	}
	r.only().SocketsJoin(rooms...)
}

// Leave makes the socket leave a room.
func (r *RemoteSocket) Leave(room string) {
	if r.local != nil {
		r.local.Leave(room)
		return
	}
	r.only().SocketsLeave(room)
}

// Disconnect disconnects the socket; close also closes its Engine.IO
// session.
func (r *RemoteSocket) Disconnect(close bool) error {
	if r.local != nil {
		return r.local.disconnect(close)
	}
	r.only().DisconnectSockets(close)
	return nil
}
