package legacy

import "strings"

// Content types and fixed bodies of the transports (docs/legacy-0.6.md section
// 5), byte for byte as socket.io-node 0.6.18 writes them.
const (
	// ContentTypePolling is the type of xhr-polling answers
	// (transports/xhr-polling.js, _write).
	ContentTypePolling = "text/plain; charset=UTF-8"
	// ContentTypeJSONP is the type of jsonp-polling answers
	// (transports/jsonp-polling.js, _write).
	ContentTypeJSONP = "text/javascript; charset=UTF-8"
	// ContentTypeMultipart is the type of the xhr-multipart stream: quoted
	// boundary, no space after ';' (transports/xhr-multipart.js, _onConnect).
	ContentTypeMultipart = `multipart/x-mixed-replace;boundary="socketio"`
	// ContentTypeHTMLFile is the type of the htmlfile stream, sent with
	// "Connection: keep-alive" and chunked encoding
	// (transports/htmlfile.js, _onConnect).
	ContentTypeHTMLFile = "text/html"
	// ContentTypeOK is the type of the answers to POSTs and preflights.
	ContentTypeOK = "text/plain"

	// BodyOK is the body of every answer to a POST with messages.
	BodyOK = "ok"
	// BodyUnauthorized is the body of the 401 answer to a polling POST from
	// a disallowed Origin.
	BodyUnauthorized = "unauthorized"
	// JSONPForbidden is the whole body of a jsonp-polling answer to a
	// disallowed Origin (transports/jsonp-polling.js, _write).
	JSONPForbidden = "alert('Cross domain security restrictions not met');"

	// MultipartPreamble starts the xhr-multipart body, right after the
	// header block.
	MultipartPreamble = "--socketio\n"
)

// HTMLFilePreamble is the first chunk of the htmlfile stream: "<html><body>"
// and 244 spaces, 256 bytes that get Internet Explorer to start rendering
// (transports/htmlfile.js: new Array(245).join(' ')).
var HTMLFilePreamble = "<html><body>" + strings.Repeat(" ", 244)

// AppendJSONP appends a jsonp-polling answer body for the frames:
// io.JSONP[<index>]._("<frames as a JSON string>"); where index is the
// route's Index (digits; an empty index writes 0) and the string is escaped
// as JSON.stringify does ([AppendJSString]). Empty frames give the empty
// poll answer io.JSONP[<index>]._("");.
func AppendJSONP(dst, index, frames []byte) []byte {
	dst = append(dst, "io.JSONP["...)
	if len(index) == 0 {
		dst = append(dst, '0')
	}
	dst = append(dst, index...)
	dst = append(dst, "]._("...)
	dst = AppendJSString(dst, frames)
	return append(dst, ");"...)
}

// AppendMultipartPart appends one xhr-multipart part carrying frames:
//
//	Content-Type: text/plain\n\n<frames>\n--socketio\n
//
// with "; charset=us-ascii" after text/plain only when frames is the single
// byte 0x06, as socket.io-node does (transports/xhr-multipart.js, _write).
// Line breaks are LF only.
func AppendMultipartPart(dst, frames []byte) []byte {
	dst = append(dst, "Content-Type: text/plain"...)
	if len(frames) == 1 && frames[0] == 6 {
		dst = append(dst, "; charset=us-ascii"...)
	}
	dst = append(dst, "\n\n"...)
	dst = append(dst, frames...)
	return append(dst, "\n--socketio\n"...)
}

// AppendHTMLFileScript appends the script that delivers frames to an
// htmlfile client: <script>parent.s._("<frames>", document);</script>, the
// string escaped as by JSON.stringify (transports/htmlfile.js, _write). The
// caller writes it as one HTTP chunk. A "</script>" inside the frames is not
// escaped, as in the reference; the htmlfile iframe is same-origin, so this
// only lets a peer break its own page.
func AppendHTMLFileScript(dst, frames []byte) []byte {
	dst = append(dst, "<script>parent.s._("...)
	dst = AppendJSString(dst, frames)
	return append(dst, ", document);</script>"...)
}
