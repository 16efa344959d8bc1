package httpedge

import (
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// appendHead appends the HTTP/1.1 request head the machine parses for r:
// the request line (r.URL as the handler chain gives it, so that a
// middleware's rewrite counts), Host, every field of r.Header but those
// that describe the hop or the body's framing, then Content-Length when
// bodyLen is not negative. An upgrade keeps its Connection and Upgrade
// fields, which the machine checks. Fields come sorted by name, so that
// the same request makes the same bytes.
func appendHead(dst []byte, r *http.Request, bodyLen int64, upgrade bool) []byte {
	dst = append(dst, r.Method...)
	dst = append(dst, ' ')
	dst = append(dst, r.URL.RequestURI()...)
	dst = append(dst, " HTTP/1.1\r\nHost: "...)
	dst = append(dst, r.Host...)
	dst = append(dst, "\r\n"...)
	names := make([]string, 0, len(r.Header))
	for name := range r.Header {
		if !dropField(name, upgrade) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		for _, v := range r.Header[name] {
			dst = append(dst, name...)
			dst = append(dst, ": "...)
			dst = append(dst, v...)
			dst = append(dst, "\r\n"...)
		}
	}
	if bodyLen >= 0 {
		dst = append(dst, "Content-Length: "...)
		dst = strconv.AppendInt(dst, bodyLen, 10)
		dst = append(dst, "\r\n"...)
	}
	return append(dst, "\r\n"...)
}

// dropField reports whether the field name is left out of the head: Host
// (written from r.Host), the hop-by-hop fields of the client's connection
// to net/http (RFC 9110 §7.6.1), which says nothing about the request the
// machine gets, and the body's framing, which the bridge sets itself.
func dropField(name string, upgrade bool) bool {
	switch strings.ToLower(name) {
	case "host", "content-length", "transfer-encoding", "te", "trailer",
		"keep-alive", "proxy-connection":
		return true
	case "connection", "upgrade":
		return !upgrade
	}
	return false
}

// readBody reads r's body for the machine, up to max bytes. A body over
// max is not read on (the machine refuses it by its length alone): over
// reports that, and size is the length the head must then declare, more
// than max. An empty body gives size -1 for a method that has none, so
// that no Content-Length is written.
func readBody(r *http.Request, max int64) (body []byte, size int64, over bool, err error) {
	if r.ContentLength > max {
		return nil, r.ContentLength, true, nil
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, noBodyLength(r.Method), false, nil
	}
	body, err = io.ReadAll(io.LimitReader(r.Body, max+1))
	if err != nil {
		return nil, 0, false, err
	}
	if int64(len(body)) > max {
		return nil, max + 1, true, nil
	}
	if len(body) == 0 {
		return nil, noBodyLength(r.Method), false, nil
	}
	return body, int64(len(body)), false, nil
}

// noBodyLength is the declared length of an empty body: "0" for the
// methods that carry one, none for the others (GET, HEAD, OPTIONS…).
func noBodyLength(method string) int64 {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		return 0
	}
	return -1
}

// isUpgrade reports whether r asks to leave HTTP for another protocol on
// its connection (a websocket): an HTTP/1.x request with an Upgrade field
// and the "upgrade" token in Connection.
func isUpgrade(r *http.Request) bool {
	if r.ProtoMajor != 1 || len(r.Header["Upgrade"]) == 0 {
		return false
	}
	for _, v := range r.Header["Connection"] {
		for _, tok := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(tok), "upgrade") {
				return true
			}
		}
	}
	return false
}
