package admin

import (
	"encoding/json"
	"time"

	"github.com/tornadio/tornadio"
)

// socketView is a socket as the UI lists it (the admin-ui's
// SerializedSocket): its ids, transport, namespace, data, opening request
// and rooms.
type socketView struct {
	ID        string          `json:"id"`
	ClientID  string          `json:"clientId"`
	Transport string          `json:"transport"`
	Nsp       string          `json:"nsp"`
	Data      json.RawMessage `json:"data"`
	Handshake handshakeView   `json:"handshake"`
	Rooms     []string        `json:"rooms"`
}

// handshakeView is the socket's opening request, without its auth payload
// (the UI is not to see credentials).
type handshakeView struct {
	Address string            `json:"address"`
	Headers map[string]string `json:"headers"`
	Query   map[string]string `json:"query"`
	Issued  int64             `json:"issued"`
	Secure  bool              `json:"secure"`
	Time    string            `json:"time"`
	URL     string            `json:"url"`
	XDomain bool              `json:"xdomain"`
}

// clientIDLength is how much of the session id the UI is shown, as
// admin-ui does: enough to tell clients apart.
const clientIDLength = 12

// clientID is the UI's name for the socket's client (its Engine.IO
// session).
func clientID(s *tornadio.Socket) string {
	id := s.SessionID()
	if len(id) > clientIDLength {
		id = id[:clientIDLength]
	}
	return id
}

// viewOf describes a socket of this node.
func viewOf(s *tornadio.Socket) socketView {
	h := s.Handshake()
	address := h.Address
	// As admin-ui: the client's address a proxy names, when there is one.
	if v := h.Headers["cf-connecting-ip"]; v != "" {
		address = v
	} else if v := h.Headers["x-forwarded-for"]; v != "" {
		address = v
	}
	rooms := s.Rooms()
	if rooms == nil {
		rooms = []string{}
	}
	return socketView{
		ID:        s.ID(),
		ClientID:  clientID(s),
		Transport: s.Transport(),
		Nsp:       s.Namespace().Name(),
		Data:      dataJSON(s.Data()),
		Handshake: handshakeView{
			Address: address,
			Headers: h.Headers,
			Query:   h.Query,
			Issued:  h.Issued,
			Secure:  h.Secure,
			Time:    h.Time,
			URL:     h.URL,
			XDomain: h.XDomain,
		},
		Rooms: rooms,
	}
}

// dataJSON is the socket's data (SetData) as the UI shows it: an empty
// object when there is none, or when it has no JSON form.
func dataJSON(v any) json.RawMessage {
	if v == nil {
		return json.RawMessage("{}")
	}
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return json.RawMessage("{}")
	}
	return b
}

// jsTime writes t as JavaScript's Date.toJSON does, the form the UI's
// timestamps take.
func jsTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
