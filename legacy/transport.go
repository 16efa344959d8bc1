package legacy

// Transport is one of the six 0.6 transports (docs/legacy-0.6.md section 5).
type Transport uint8

// The transports, in the order of the 0.6.3 client's default list.
const (
	NoTransport Transport = iota
	WebSocket
	FlashSocket
	HTMLFile
	XHRMultipart
	XHRPolling
	JSONPPolling
)

var transportNames = [...]string{
	NoTransport:  "",
	WebSocket:    "websocket",
	FlashSocket:  "flashsocket",
	HTMLFile:     "htmlfile",
	XHRMultipart: "xhr-multipart",
	XHRPolling:   "xhr-polling",
	JSONPPolling: "jsonp-polling",
}

// String returns the name used in URLs, such as "xhr-polling".
func (t Transport) String() string {
	if int(t) < len(transportNames) {
		return transportNames[t]
	}
	return "Transport(" + itoa(int(t)) + ")"
}

// ParseTransport returns the transport named b, or NoTransport. Names are
// case-sensitive, as in the reference.
func ParseTransport(b []byte) Transport {
	for t := WebSocket; int(t) < len(transportNames); t++ {
		if string(b) == transportNames[t] {
			return t
		}
	}
	return NoTransport
}

// Polling reports whether t is xhr-polling or jsonp-polling: a new GET for
// each answer, no heartbeats, a close timeout between requests.
func (t Transport) Polling() bool { return t == XHRPolling || t == JSONPPolling }

// Streaming reports whether t keeps one connection open for the whole
// session and sends heartbeats: websocket, flashsocket, htmlfile and
// xhr-multipart.
func (t Transport) Streaming() bool { return t >= WebSocket && t <= XHRMultipart }
