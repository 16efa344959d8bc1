package transports

import (
	"github.com/tornadio/tornadio/httpparse"
	"github.com/tornadio/tornadio/legacy"
)

// The body cap of the requests handed to Config.Fallback (the application's
// pages and forms) is Config.FallbackMaxBody, apart from the protocol's
// MaxPayload: the loop's parser asks bodyLimit for each request's cap once
// it has the head, so an oversized Content-Length is refused (413, then
// close) before any of the body is buffered, on either kind of route.

// bodyLimit is the body cap of the request whose head is in r: MaxPayload
// for the Engine.IO path and the legacy road, FallbackMaxBody for what
// goes to the Fallback (routed as handleRequest does).
func (srv *Server) bodyLimit(r *httpparse.Request) int64 {
	if srv.isEnginePath(r.Path) {
		return srv.cfg.MaxPayload
	}
	if l := &srv.leg; l.on {
		if rt, ok := legacy.ParsePath(r.Path, l.resource); ok && l.enabled[rt.Transport] {
			return srv.cfg.MaxPayload
		}
	}
	return srv.cfg.FallbackMaxBody
}

// bodyLimitFunc is the parsers' BodyLimit: nil (MaxPayload for every
// request) when there is no Fallback.
func (srv *Server) bodyLimitFunc() func(*httpparse.Request) int64 {
	if srv.cfg.Fallback == nil {
		return nil
	}
	return srv.bodyLimit
}

// minInbound is the least InboundLimit asks for: what the gnet edge held
// before the limit followed the body caps.
const minInbound = 2 << 20

// InboundLimit is what an edge should hold of one connection's input
// that does not make a complete request or frame yet: the largest body
// or message a route accepts (MaxPayload, and FallbackMaxBody with a
// Fallback) with its head and, for a chunked body, its framing (each
// chunk's size line and CRLFs, at most 20 bytes for each of the parser's
// chunks), or 2 MiB when that is more. Below it, a POST or a websocket
// message within the caps would be cut off before the machine sees it
// whole.
func (c Config) InboundLimit() int {
	c.setDefaults()
	body := c.MaxPayload
	if c.Fallback != nil {
		body = max(body, c.FallbackMaxBody)
	}
	return max(minInbound, int(body)+2*c.MaxHeaderBytes+20*httpparse.DefaultMaxChunks)
}
