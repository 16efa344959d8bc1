package tornadio

import "github.com/tornadio/tornadio/httpparse"

// DefaultHTTPHandlerMaxBody is the default of Options.HTTPHandlerMaxBody:
// 10 MiB, the cap net/http's Request.ParseForm puts on a form body.
const DefaultHTTPHandlerMaxBody = 10 << 20

// WithHTTPHandlerMaxBody bounds the body of a request served by the
// WithHTTPHandler handler (default DefaultHTTPHandlerMaxBody); see
// Options.HTTPHandlerMaxBody.
func WithHTTPHandlerMaxBody(n int64) Option { return func(o *Options) { o.HTTPHandlerMaxBody = n } }

// httpHandlerMaxBody is HTTPHandlerMaxBody with its default.
func (o *Options) httpHandlerMaxBody() int64 {
	if o.HTTPHandlerMaxBody == 0 {
		return DefaultHTTPHandlerMaxBody
	}
	return o.HTTPHandlerMaxBody
}

// minInbound is the least the event loops hold of one connection's
// unfinished request or frame (the loop package's own default).
const minInbound = 2 << 20

// maxInbound is what the event loops may hold of one connection's
// unfinished request or frame: the largest body or message a route
// accepts (MaxPayload, and HTTPHandlerMaxBody with an HTTPHandler) with
// its head and, for a chunked body, its framing (each chunk's size line
// and CRLFs, at most 20 bytes for each of the parser's chunks), or 2 MiB
// when that is more. Below it, a POST or a websocket message within
// MaxPayload could be cut off by the loop before the machine sees it
// whole.
func (o *Options) maxInbound() int {
	body := o.MaxPayload
	if body <= 0 {
		body = httpparse.DefaultMaxBodyBytes
	}
	if o.HTTPHandler != nil {
		body = max(body, o.httpHandlerMaxBody())
	}
	header := o.MaxHeaderBytes
	if header <= 0 {
		header = httpparse.DefaultMaxHeaderBytes
	}
	return max(minInbound, int(body)+2*header+20*httpparse.DefaultMaxChunks)
}
