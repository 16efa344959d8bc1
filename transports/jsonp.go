package transports

import (
	"github.com/tornadio/tornadio/internal/jsonstr"

	"github.com/tornadio/tornadio/httpparse"
)

// JSONP polling
//
// A polling handshake whose query has j=<index> opens a JSONP session (for
// clients that can only load scripts, such as old browsers across origins).
// The session keeps that index and the JSONP framing for all its requests,
// as engine.io does, whatever later requests carry:
//
//   - A GET is answered with the script ___eio[<index>]("<payload>"); where
//     the payload is the text payload of the session's version (v3: always
//     the "<len>:<packet>" framing, binary packets as b4<base64>; v4: 0x1E
//     separators, binary as b<base64>) written as a JavaScript string
//     literal: JSON string escaping (JSON.stringify's: quote, backslash,
//     \b \f \n \r \t, other controls as \u00xx) plus \u2028 and \u2029,
//     which JSON allows raw but JavaScript before ES2019 does not. Nothing
//     else is escaped (neither "<" nor "/"): the script is loaded from its
//     own URL, never inlined in a page. Each byte that is not part of valid
//     UTF-8 becomes U+FFFD, as the v3 length prefix counts it.
//   - A POST carries an application/x-www-form-urlencoded body whose field
//     d holds the payload. Its newlines come escaped by the client (see
//     jsonpNewlines) and are unescaped as engine.io does. The answer is
//     "ok" (text/html), as for XHR polling. A body without d is answered
//     "ok" and carries nothing, as in engine.io.
//   - Binary payloads are never used (the v3 XHR2 binary format is neither
//     sent nor accepted).
//
// Differences from engine.io, all on input no real client sends: j must be
// one or more ASCII digits (engine.io strips other characters), else the
// request gets 400 "Bad request"; a malformed percent escape in the POST body
// is a bad request that ends the session with "parse error" (Node decodes it
// leniently); if d appears more than once the first one is used (Node ignores
// the body). The GET's Content-Type is text/javascript; charset=UTF-8, which
// browsers run even with X-Content-Type-Options: nosniff (engine.io sends
// text/plain).

const contentTypeJS = "text/javascript; charset=UTF-8"

// validJSONPIndex reports whether j, the value of the query's j parameter,
// is a JSONP callback index: ASCII digits, at least one.
func validJSONPIndex(j []byte) bool {
	if len(j) == 0 {
		return false
	}
	for _, c := range j {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// appendJSONP appends the script that hands payload to callback index.
func appendJSONP(dst []byte, index string, payload []byte) []byte {
	dst = append(dst, "___eio["...)
	dst = append(dst, index...)
	dst = append(dst, "]("...)
	dst = appendJSString(dst, payload)
	return append(dst, ");"...)
}

// appendJSString appends s, UTF-8 text, as a JavaScript string literal:
// what JSON.stringify produces for the string s holds, with U+2028 and
// U+2029 escaped too.
func appendJSString(dst, s []byte) []byte { return jsonstr.Append(dst, s, true) }

// jsonpData appends the payload of a JSONP POST body (its form field d,
// newlines unescaped) to dst. found is false when there is no field d.
func jsonpData(body, dst []byte) (data []byte, found bool, err error) {
	start := len(dst)
	dst, found, err = httpparse.FormValue(body, "d", dst)
	if err != nil || !found {
		return dst[:start], found, err
	}
	return dst[:start+len(jsonpNewlines(dst[start:]))], true, nil
}

// jsonpNewlines undoes, in place, the newline escaping of the JSONP client,
// exactly as engine.io does. The client, before putting a payload in a form
// field (whose line breaks browsers may rewrite), turns each backslash-n
// (the two characters) into a backslash and a line feed, then each line feed
// into backslash-n. engine.io reverses this with two replacements, which
// this function repeats, each a left-to-right scan like a global regexp:
//
//  1. `\n` becomes a line feed, unless it is the tail of `\\n`, which is
//     left as it is (regexp /(\\)?\\n/ keeping the match when the optional
//     backslash is there);
//  2. then `\\n` becomes `\n` (regexp /\\\\n/).
//
// So the client's `\n` is a line feed again and its `\\n` the two
// characters backslash-n. (A backslash that ended a line in the original is
// not recovered: the client's escaping is ambiguous there, and engine.io
// makes the same choice.) The result is never longer than b.
func jsonpNewlines(b []byte) []byte {
	w := 0
	for i := 0; i < len(b); {
		if b[i] == '\\' {
			if i+2 < len(b) && b[i+1] == '\\' && b[i+2] == 'n' {
				w += copy(b[w:], b[i:i+3])
				i += 3
				continue
			}
			if i+1 < len(b) && b[i+1] == 'n' {
				b[w] = '\n'
				w++
				i += 2
				continue
			}
		}
		b[w] = b[i]
		w++
		i++
	}
	b = b[:w]
	w = 0
	for i := 0; i < len(b); {
		if i+2 < len(b) && b[i] == '\\' && b[i+1] == '\\' && b[i+2] == 'n' {
			b[w], b[w+1] = '\\', 'n'
			w += 2
			i += 3
			continue
		}
		b[w] = b[i]
		w++
		i++
	}
	return b[:w]
}
