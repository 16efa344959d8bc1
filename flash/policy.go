package flash

import "strings"

// DefaultPort is the port Flash asks first for a socket policy.
const DefaultPort = 843

// Request is the policy request a Flash player sends: 23 bytes, the tag and a
// NUL.
const Request = "<policy-file-request/>\x00"

// IsPolicyRequest looks at the first bytes b of a connection. complete
// reports that b starts with the whole [Request] (anything after it is
// ignored: the answer closes the connection). maybe reports that b is a
// strict, non-empty prefix of Request, so the caller should wait for more
// bytes before deciding; this lets a request split across reads be
// recognised, where socket.io-node only looks at a first chunk of exactly 23
// bytes. When both are false, b is something else, such as an HTTP request.
func IsPolicyRequest(b []byte) (complete bool, maybe bool) {
	if len(b) >= len(Request) {
		return string(b[:len(Request)]) == Request, false
	}
	return false, len(b) > 0 && string(b) == Request[:len(b)]
}

const (
	policyHead = `<?xml version="1.0"?>` + "\n" +
		`<!DOCTYPE cross-domain-policy SYSTEM "http://www.macromedia.com/xml/dtds/cross-domain-policy.dtd">` + "\n" +
		"<cross-domain-policy>\n"
	policyTail = "</cross-domain-policy>\n"
)

// DefaultPolicy is the permissive policy, domain "*" on ports "*", as
// socket.io-node renders it for its default origins "*:*":
//
//	<?xml version="1.0"?>
//	<!DOCTYPE cross-domain-policy SYSTEM "http://www.macromedia.com/xml/dtds/cross-domain-policy.dtd">
//	<cross-domain-policy>
//	<allow-access-from domain="*" to-ports="*"/>
//	</cross-domain-policy>
//
// Each line ends in LF, the last one included. It has no trailing NUL: see
// [Answer].
const DefaultPolicy = policyHead + `<allow-access-from domain="*" to-ports="*"/>` + "\n" + policyTail

// Policy renders a policy allowing the given host:port origin patterns, in
// socket.io-node's format (transports/flashsocket.js, policy): one
// <allow-access-from domain="H" to-ports="P"/> line per pattern, in order.
// The pattern is split at its last colon; a pattern without a colon allows
// all ports of the host. Characters special in XML attribute values are
// escaped. No patterns give a policy that allows nothing.
func Policy(origins []string) []byte {
	n := len(policyHead) + len(policyTail)
	for _, o := range origins {
		n += len(o) + 48
	}
	b := make([]byte, 0, n)
	b = append(b, policyHead...)
	for _, o := range origins {
		host, port := o, "*"
		if i := strings.LastIndexByte(o, ':'); i >= 0 {
			host, port = o[:i], o[i+1:]
		}
		b = append(b, `<allow-access-from domain="`...)
		b = appendAttr(b, host)
		b = append(b, `" to-ports="`...)
		b = appendAttr(b, port)
		b = append(b, "\"/>\n"...)
	}
	return append(b, policyTail...)
}

// appendAttr appends s escaped for a double-quoted XML attribute value.
func appendAttr(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b = append(b, "&amp;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '"':
			b = append(b, "&quot;"...)
		case '\'':
			b = append(b, "&apos;"...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// Answer returns the bytes to write to a policy request: policy followed by
// NUL (decision 1), for example Answer([]byte(DefaultPolicy)) or the contents
// of the configured flash_policy_file. A policy that already ends in NUL is
// not given a second one. The caller closes the connection after writing.
func Answer(policy []byte) []byte {
	return AppendAnswer(make([]byte, 0, len(policy)+1), policy)
}

// AppendAnswer appends the answer for policy to dst; see [Answer].
func AppendAnswer(dst, policy []byte) []byte {
	dst = append(dst, policy...)
	if len(policy) == 0 || policy[len(policy)-1] != 0 {
		dst = append(dst, 0)
	}
	return dst
}
