package transports

import (
	"net/netip"

	"github.com/tornadio/tornadio/httpparse"
)

// Trusted proxies
//
// Behind a reverse proxy every request comes from the proxy's address. When
// the TCP peer of a request is one of Config.TrustedProxies, the request's
// remote address (a session's Handshake.RemoteAddr, on both roads, and the
// one a Fallback gets) is instead the client the forwarding headers name:
//
//   - the hops listed by the X-Forwarded-For fields (several fields make
//     one list, in order), or, when the request has none, by the for=
//     parameters of the Forwarded fields (RFC 7239);
//   - walked from the right (the hop the peer itself added) past every hop
//     that is a trusted proxy too: the first one that is not is the
//     client. A client can put anything in the header it sends, but not
//     to the right of what a trusted proxy appends, so the answer cannot be
//     forged past the proxies trusted. (Like Node's proxy-addr, which
//     express's "trust proxy" uses; when every hop is trusted, the
//     leftmost one is the answer.)
//   - A hop that is not an IP address (Forwarded's "unknown" or an
//     obfuscated identifier, a garbled entry) ends the walk: the answer is
//     the last address read, the peer's when it is the first hop.
//
// The address is given as "ip:port" like a TCP peer's, with the port the
// header gave (Forwarded's for="[2001:db8::1]:4711", or an
// X-Forwarded-For entry with one) or 0, and IPv4-mapped IPv6 addresses as
// IPv4. The proxies trusted must set the header they are read from: an
// X-Forwarded-For that a proxy passes on untouched (one that only writes
// Forwarded) is the client's own word. A request from a peer that is not
// trusted keeps the peer's address, whatever its headers say.

// remoteAddr is the address of the client of the current request: the TCP
// peer's, or the one a trusted proxy forwards.
func (c *Conn) remoteAddr() string {
	peer := c.io.RemoteAddr()
	if len(c.srv.cfg.TrustedProxies) == 0 {
		return peer
	}
	return c.srv.forwardedClient(c.req(), peer)
}

// forwardedClient resolves the client of r, received from peer (see the
// top of this file).
func (srv *Server) forwardedClient(r *httpparse.Request, peer string) string {
	ap, err := netip.ParseAddrPort(peer)
	if err != nil || !srv.trustedProxy(ap.Addr()) {
		return peer
	}
	var room [8][]byte
	hops := forwardedHops(r, "X-Forwarded-For", room[:0])
	if len(hops) == 0 {
		hops = forwardedHops(r, "Forwarded", room[:0])
	}
	var client netip.AddrPort
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			break
		}
		client = a
		if !srv.trustedProxy(a.Addr()) {
			break
		}
	}
	if !client.IsValid() {
		return peer
	}
	return client.String()
}

// trustedProxy reports whether a is in one of Config.TrustedProxies.
func (srv *Server) trustedProxy(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range srv.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedHops appends the hops the fields named name list, leftmost
// first: the entries of X-Forwarded-For, or the for= values of Forwarded
// (nil for an element without one). Views into r.
func forwardedHops(r *httpparse.Request, name string, hops [][]byte) [][]byte {
	forwarded := name == "Forwarded"
	for i := range r.Headers {
		h := &r.Headers[i]
		if !foldEqual(h.Name, name) {
			continue
		}
		for v := h.Value; len(v) > 0; {
			var elem []byte
			if forwarded {
				elem, v = cutOutsideQuotes(v, ',')
				hops = append(hops, forParameter(elem))
				continue
			}
			elem, v = cutByte(v, ',')
			if elem = httpparse.TrimOWS(elem); len(elem) > 0 {
				hops = append(hops, elem)
			}
		}
	}
	return hops
}

// forParameter is the value of the for= pair of a Forwarded element, its
// quotes removed, or nil.
func forParameter(elem []byte) []byte {
	for len(elem) > 0 {
		var pair []byte
		pair, elem = cutOutsideQuotes(elem, ';')
		key, value := cutByte(httpparse.TrimOWS(pair), '=')
		if !foldEqual(httpparse.TrimOWS(key), "for") {
			continue
		}
		value = httpparse.TrimOWS(value)
		if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
			value = value[1 : len(value)-1]
		}
		return value
	}
	return nil
}

// cutOutsideQuotes is cutByte for a list whose quoted strings may hold c.
func cutOutsideQuotes(b []byte, c byte) (before, after []byte) {
	quoted := false
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '"':
			quoted = !quoted
		case b[i] == '\\' && quoted:
			i++
		case b[i] == c && !quoted:
			return b[:i], b[i+1:]
		}
	}
	return b, nil
}

// parseHop reads a hop: an IP address, with or without a port
// ("192.0.2.1", "192.0.2.1:80", "2001:db8::1", "[2001:db8::1]",
// "[2001:db8::1]:80").
func parseHop(b []byte) (netip.AddrPort, bool) {
	b = httpparse.TrimOWS(b)
	if a, err := netip.ParseAddr(string(b)); err == nil {
		return netip.AddrPortFrom(a.Unmap(), 0), true
	}
	if len(b) > 2 && b[0] == '[' && b[len(b)-1] == ']' {
		if a, err := netip.ParseAddr(string(b[1 : len(b)-1])); err == nil {
			return netip.AddrPortFrom(a.Unmap(), 0), true
		}
		return netip.AddrPort{}, false
	}
	ap, err := netip.ParseAddrPort(string(b))
	if err != nil {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), true
}
