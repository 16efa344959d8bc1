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
