package frames

import "slices"

// The permessage-deflate extension (RFC 7692): its name and parameters.
const (
	deflateName                  = "permessage-deflate"
	paramServerNoContext         = "server_no_context_takeover"
	paramClientNoContext         = "client_no_context_takeover"
	paramServerMaxWindowBits     = "server_max_window_bits"
	paramClientMaxWindowBits     = "client_max_window_bits"
	minWindowBits, maxWindowBits = 8, 15
)

// DeflatePolicy is what a server is willing to agree to when a client offers
// permessage-deflate.
//
// The server always answers server_no_context_takeover and
// client_no_context_takeover: each message is compressed on its own, and
// the client compresses each of its own on its own too (RFC 7692 lets a
// server ask for that even when the client did not offer it). Neither side
// then keeps compression state between messages, so a server can share one
// compressor and one decompressor among all its connections.
type DeflatePolicy struct {
	// ServerMaxWindowBits, 8 to 15, limits the LZ77 window of the
	// server's messages; 0 means 15 (no limit). It is answered as
	// server_max_window_bits.
	ServerMaxWindowBits int
	// ClientMaxWindowBits, 8 to 15, asks the client to limit the window of
	// its messages; 0 asks nothing. RFC 7692 allows asking only a client
	// whose offer has client_max_window_bits: an offer without it is
	// declined, as Node's ws does.
	ClientMaxWindowBits int
}

// DeflateAgreement is the outcome of a permessage-deflate negotiation.
type DeflateAgreement struct {
	// ServerMaxWindowBits is the window the server's messages may use,
	// 8 to 15. A message compressed alone refers back at most its own
	// length, so a message of at most 1<<ServerMaxWindowBits bytes may be
	// compressed with any compressor; a longer one with a window of 32 KiB
	// only when this is 15.
	ServerMaxWindowBits int
	// ClientMaxWindowBits is the client_max_window_bits answered, 0 for
	// none.
	ClientMaxWindowBits int

	serverBitsStated bool // the answer states server_max_window_bits
}

// NegotiateDeflate looks through one Sec-WebSocket-Extensions value, a
// comma-separated list of offers, for the first permessage-deflate offer
// the policy can accept, and returns the agreement. Offers of other
// extensions are passed over, and so are malformed permessage-deflate
// offers: with unknown or repeated parameters, or values out of range
// (Node's ws refuses the whole handshake then; declining the extension is
// what RFC 7692 asks of a server that cannot accept an offer). A request
// may carry several Sec-WebSocket-Extensions fields: call it on each in
// order until one is accepted.
func NegotiateDeflate(p DeflatePolicy, value []byte) (DeflateAgreement, bool) {
	for len(value) > 0 {
		var offer []byte
		offer, value = splitUnquoted(value, ',')
		if a, ok := acceptDeflateOffer(p, offer); ok {
			return a, true
		}
	}
	return DeflateAgreement{}, false
}

// acceptDeflateOffer checks one offer: the extension's name and its
// parameters, separated by semicolons.
func acceptDeflateOffer(p DeflatePolicy, offer []byte) (a DeflateAgreement, ok bool) {
	name, params := splitUnquoted(offer, ';')
	if !equalFold(trimOWS(name), []byte(deflateName)) {
		return a, false
	}
	serverBits, clientBits := 0, 0
	var seen [4]bool
	clientAsked := false
	for len(params) > 0 {
		var param []byte
		param, params = splitUnquoted(params, ';')
		key, val, hasVal, valid := splitParam(param)
		if !valid {
			return a, false
		}
		var i int
		switch string(key) {
		case paramServerNoContext:
			i = 0
			valid = !hasVal
		case paramClientNoContext:
			i = 1
			valid = !hasVal
		case paramServerMaxWindowBits:
			i = 2
			serverBits, valid = windowBits(val)
			valid = valid && hasVal
		case paramClientMaxWindowBits:
			i = 3
			clientAsked = true
			if hasVal {
				clientBits, valid = windowBits(val)
			}
		default:
			return a, false
		}
		if !valid || seen[i] {
			return a, false
		}
		seen[i] = true
	}

	a.ServerMaxWindowBits = maxWindowBits
	if p.ServerMaxWindowBits != 0 {
		a.ServerMaxWindowBits = p.ServerMaxWindowBits
		a.serverBitsStated = true
	}
	if serverBits != 0 {
		a.ServerMaxWindowBits = min(a.ServerMaxWindowBits, serverBits)
		a.serverBitsStated = true
	}
	switch {
	case p.ClientMaxWindowBits != 0:
		if !clientAsked {
			return DeflateAgreement{}, false
		}
		a.ClientMaxWindowBits = p.ClientMaxWindowBits
		if clientBits != 0 {
			a.ClientMaxWindowBits = min(a.ClientMaxWindowBits, clientBits)
		}
	case clientBits != 0:
		a.ClientMaxWindowBits = clientBits // a limit the client set itself
	}
	return a, true
}

// AppendDeflateAnswer appends the Sec-WebSocket-Extensions header line,
// CRLF included, that accepts a permessage-deflate offer on the terms of a.
func AppendDeflateAnswer(dst []byte, a DeflateAgreement) []byte {
	const head = "Sec-WebSocket-Extensions: " + deflateName +
		"; " + paramServerNoContext + "; " + paramClientNoContext
	dst = slices.Grow(dst, len(head)+60)
	dst = append(dst, head...)
	if a.serverBitsStated {
		dst = append(dst, "; "+paramServerMaxWindowBits+"="...)
		dst = appendSmall(dst, a.ServerMaxWindowBits)
	}
	if a.ClientMaxWindowBits != 0 {
		dst = append(dst, "; "+paramClientMaxWindowBits+"="...)
		dst = appendSmall(dst, a.ClientMaxWindowBits)
	}
	return append(dst, "\r\n"...)
}

// appendSmall appends n, 0 to 99, in decimal.
func appendSmall(dst []byte, n int) []byte {
	if n >= 10 {
		dst = append(dst, byte('0'+n/10))
	}
	return append(dst, byte('0'+n%10))
}

// windowBits parses a window size parameter: 8 to 15, in decimal without
// leading zeros (RFC 7692 section 7.1.2).
func windowBits(v []byte) (int, bool) {
	if len(v) == 0 || len(v) > 2 || v[0] == '0' {
		return 0, false
	}
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n >= minWindowBits && n <= maxWindowBits
}

// splitParam splits an extension parameter into its name and value, the
// value unquoted when it is a quoted-string (RFC 6455 section 9.1: once
// unquoted it must be a token). valid is false when the name is not a
// token or the value is malformed.
func splitParam(param []byte) (key, val []byte, hasVal, valid bool) {
	param = trimOWS(param)
	key = param
	eq := -1
	for i, c := range param {
		if c == '=' {
			eq = i
			break
		}
	}
	if eq >= 0 {
		key, val, hasVal = trimOWS(param[:eq]), trimOWS(param[eq+1:]), true
		if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
			val = val[1 : len(val)-1]
			if slices.Contains(val, '\\') {
				return nil, nil, false, false // a token needs no escapes
			}
		}
		if !isToken(val) {
			return nil, nil, false, false
		}
	}
	return key, val, hasVal, isToken(key)
}

// splitUnquoted returns s up to the first sep outside a quoted-string, and
// what follows that sep.
func splitUnquoted(s []byte, sep byte) (head, rest []byte) {
	quoted, escaped := false, false
	for i, c := range s {
		switch {
		case escaped:
			escaped = false
		case quoted && c == '\\':
			escaped = true
		case c == '"':
			quoted = !quoted
		case !quoted && c == sep:
			return s[:i], s[i+1:]
		}
	}
	return s, nil
}

// isToken reports whether b is a non-empty token (RFC 9110 section 5.6.2).
func isToken(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c <= ' ' || c >= 0x7f {
			return false
		}
		switch c {
		case '(', ')', '<', '>', '@', ',', ';', ':', '\\', '"', '/', '[', ']', '?', '=', '{', '}':
			return false
		}
	}
	return true
}
