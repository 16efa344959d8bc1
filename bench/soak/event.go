package soak

import (
	"strconv"
	"strings"
)

// event is one application message a client received.
type event struct {
	reply bool  // an answer to request n; else broadcast number n
	n     int64 // the sequence or request number
}

// parseText reads the text of a broadcast ("seq:<n>:<padding>") or of a
// 0.6 request's answer ("pong:<k>").
func parseText(s string) (event, bool) {
	if rest, ok := strings.CutPrefix(s, "seq:"); ok {
		num, _, _ := strings.Cut(rest, ":")
		n, err := strconv.ParseInt(num, 10, 64)
		return event{n: n}, err == nil && n > 0
	}
	if rest, ok := strings.CutPrefix(s, "pong:"); ok {
		n, err := strconv.ParseInt(rest, 10, 64)
		return event{reply: true, n: n}, err == nil
	}
	return event{}, false
}

// parseSIO reads a Socket.IO packet (an Engine.IO message's text): an
// EVENT "message" with a broadcast's text, an ACK "3<k>[…]", or anything
// else (ok false, not an error: CONNECT answers and the like).
func parseSIO(p string) (ev event, ok bool) {
	switch {
	case strings.HasPrefix(p, `2["message","`):
		text := strings.TrimSuffix(strings.TrimPrefix(p, `2["message","`), `"]`)
		return parseText(text)
	case strings.HasPrefix(p, "3"):
		i := 1
		for i < len(p) && p[i] >= '0' && p[i] <= '9' {
			i++
		}
		n, err := strconv.ParseInt(p[1:i], 10, 64)
		return event{reply: true, n: n}, err == nil
	}
	return event{}, false
}
