package tornadio

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/tornadio/tornadio/transports"
)

// Request describes how a socket connected: the HTTP request that opened its
// Engine.IO session and the auth payload of its CONNECT packet. An
// EngineSession's has no auth payload. A Request is shared; do not modify
// it.
type Request struct {
	Method     string
	URL        *url.URL
	Header     http.Header
	RemoteAddr string
	// Transport is the transport of the opening request: "polling" or
	// "websocket" on the modern road (Socket.Transport tells the current
	// one), the legacy transport's name ("xhr-polling", "flashsocket", …)
	// on the 0.6 road.
	Transport string
	// EIO is the Engine.IO protocol version: 4, or 3 for socket.io-client
	// 2.x; 0 on the legacy (Socket.IO 0.6) road.
	EIO int
	// Extra is the optional path segment of a legacy (0.6) request between
	// the resource and the transport (SocketTornad.IO's "extra", often an
	// auth token); "" otherwise.
	Extra string
	// Auth is the CONNECT packet's auth payload, as raw JSON (nil if none).
	Auth json.RawMessage
	// Time is when the opening request arrived.
	Time time.Time
}

func newRequest(s *transports.Session, auth []byte) *Request {
	hs := s.Handshake()
	u := &url.URL{Path: hs.Path(), RawQuery: hs.RawQuery()}
	r := &Request{
		Method:     hs.Method(),
		URL:        u,
		Header:     handshakeHeader(hs),
		RemoteAddr: hs.RemoteAddr(),
		Transport:  u.Query().Get("transport"),
		EIO:        s.Version(),
		Time:       hs.Issued(),
	}
	if len(auth) > 0 {
		r.Auth = json.RawMessage(auth)
	}
	return r
}

// Query is the URL's query, decoded.
func (r *Request) Query() url.Values { return r.URL.Query() }

// DecodeAuth decodes the auth payload into v.
func (r *Request) DecodeAuth(v any) error {
	if len(r.Auth) == 0 {
		return nil
	}
	return json.Unmarshal(r.Auth, v)
}

// newLegacyRequest describes a legacy (0.6) session's opening request.
func newLegacyRequest(ls legacyWire) *Request {
	hs := ls.Handshake()
	return &Request{
		Method:     hs.Method(),
		URL:        &url.URL{Path: hs.Path(), RawQuery: hs.RawQuery()},
		Header:     handshakeHeader(hs),
		RemoteAddr: hs.RemoteAddr(),
		Transport:  ls.Transport(),
		Extra:      ls.Extra(),
		Time:       hs.Issued(),
	}
}

// handshakeHeader copies the header fields of an opening request.
func handshakeHeader(hs *transports.Handshake) http.Header {
	h := make(http.Header)
	for name, value := range hs.Headers() {
		h.Add(name, value)
	}
	return h
}
