package adapter

import "encoding/json"

// Handshake is what a node tells others of one of its sockets' opening
// request: Node's socket.handshake, with its JSON keys, as FETCH_SOCKETS
// answers carry it.
type Handshake struct {
	Headers map[string]string `json:"headers"`
	// Time is the time of the handshake as JavaScript's Date.toString
	// writes it.
	Time    string `json:"time"`
	Address string `json:"address"`
	XDomain bool   `json:"xdomain"`
	Secure  bool   `json:"secure"`
	// Issued is the time of the handshake in milliseconds since the Unix
	// epoch.
	Issued int64             `json:"issued"`
	URL    string            `json:"url"`
	Query  map[string]string `json:"query"`
	Auth   json.RawMessage   `json:"auth"`
}

// Describer is a member that can describe itself to other nodes.
type Describer interface {
	// Describe returns the socket's handshake and its data as JSON
	// (socket.data in Node; "null" or nil when unset). Any goroutine.
	Describe() (*Handshake, json.RawMessage)
}

// Describe returns the handshake and data of a local member (the Local of
// a SocketInfo); nil, nil for one that cannot describe itself.
func Describe(member any) (*Handshake, json.RawMessage) {
	if d, ok := member.(Describer); ok {
		return d.Describe()
	}
	return nil, nil
}
