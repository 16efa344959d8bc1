package legacy

import (
	"strconv"

	"github.com/tornadio/tornadio/internal/jslen"
)

// Wire markers (docs/legacy-0.6.md section 3).
const (
	frameMarker = "~m~"
	jsonMarker  = "~j~"
	beatMarker  = "~h~"
)

// UTF16Len returns the length of b in UTF-16 code units, which is what
// JavaScript's String.length and the LEN of a ~m~ frame count: one unit per
// character of the Basic Multilingual Plane, two for a character encoded in
// four UTF-8 bytes. A byte that is not part of valid UTF-8 counts as one
// unit, as the U+FFFD that a JavaScript decoder would put in its place.
func UTF16Len(b []byte) int { return jslen.Len(b) }

func utf16LenString(s string) int { return jslen.Len(s) }

// AppendMessage appends one framed message, "~m~" LEN "~m~" data, to dst.
// LEN is the length of data in UTF-16 code units (see [UTF16Len]). data
// should be valid UTF-8; it is written unchanged. It does not allocate when
// dst has room.
func AppendMessage(dst, data []byte) []byte {
	dst = append(dst, frameMarker...)
	dst = strconv.AppendInt(dst, int64(UTF16Len(data)), 10)
	dst = append(dst, frameMarker...)
	return append(dst, data...)
}

// AppendText appends s as one framed text message. A string that starts
// with "~j~" or "~h~" is read by the client as JSON or a heartbeat, as in
// every 0.6 implementation; the framing has no escape.
func AppendText(dst []byte, s string) []byte {
	dst = append(dst, frameMarker...)
	dst = strconv.AppendInt(dst, int64(utf16LenString(s)), 10)
	dst = append(dst, frameMarker...)
	return append(dst, s...)
}

// AppendJSON appends a framed JSON message, "~m~" LEN "~m~~j~" raw, where
// raw is already-encoded JSON (it is not checked) and LEN counts the "~j~"
// too.
func AppendJSON(dst, raw []byte) []byte {
	dst = append(dst, frameMarker...)
	dst = strconv.AppendInt(dst, int64(len(jsonMarker)+UTF16Len(raw)), 10)
	dst = append(dst, frameMarker...)
	dst = append(dst, jsonMarker...)
	return append(dst, raw...)
}

// AppendHeartbeat appends the framed heartbeat number n: "~m~" LEN
// "~m~~h~" n. The server numbers its heartbeats from 1.
func AppendHeartbeat(dst []byte, n int) []byte {
	var num [20]byte
	digits := strconv.AppendInt(num[:0], int64(n), 10)
	dst = append(dst, frameMarker...)
	dst = strconv.AppendInt(dst, int64(len(beatMarker)+len(digits)), 10)
	dst = append(dst, frameMarker...)
	dst = append(dst, beatMarker...)
	return append(dst, digits...)
}
