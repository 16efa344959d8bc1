package loadgen

import (
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// permessage-deflate (RFC 7692) on the load generator's websockets, with
// Config.Deflate: the upgrade offers the extension as browsers and Node's
// ws client do, the 101 must accept it, compressed messages (RSV1) are
// inflated before they are parsed, and messages of DeflateThreshold bytes
// or more are sent compressed.
//
// Inflating takes the server's choice into account: without
// server_no_context_takeover the server's compressor keeps its window from
// message to message, so the client keeps the last 32 KiB it inflated and
// gives them to the next message as the dictionary (that is what a shared
// sliding window amounts to, a compressed message starting byte-aligned
// after the sync flush). Deflating never keeps context: each message is
// compressed on its own with the loop's one compressor, which is valid
// whatever the server allows, so the client needs no compressor of its own.

// deflateOffer is the offer of Chromium and of ws (Node) by default.
const deflateOffer = "permessage-deflate; client_max_window_bits"

// maxWindow is the LZ77 window of a 15-bit deflate stream.
const maxWindow = 1 << 15

// inflateTail ends a message's compressed bytes: the sync flush's empty
// stored block the sender removed (RFC 7692 §7.2.2), then a final empty
// stored block, so that the decompressor ends with io.EOF.
var inflateTail = []byte{0x00, 0x00, 0xff, 0xff, 0x01, 0x00, 0x00, 0xff, 0xff}

// wsDeflate is what the server accepted for one websocket.
type wsDeflate struct {
	serverNoContext bool
	clientMaxBits   int    // the window the server lets the client use (15 unless it said less)
	window          []byte // the last inflated bytes, the next message's dictionary (context takeover)
}

// parseDeflateAnswer reads the response head of a 101 and returns the
// permessage-deflate parameters the server accepted, nil when it accepted
// none.
func parseDeflateAnswer(head []byte) (*wsDeflate, error) {
	var found *wsDeflate
	for _, line := range bytes.Split(head, []byte("\r\n")) {
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok || !strings.EqualFold(string(bytes.TrimSpace(name)), "Sec-WebSocket-Extensions") {
			continue
		}
		for _, ext := range strings.Split(string(value), ",") {
			params := strings.Split(ext, ";")
			if strings.TrimSpace(params[0]) != "permessage-deflate" {
				return nil, fmt.Errorf("the server answered extension %q, not offered", strings.TrimSpace(params[0]))
			}
			if found != nil {
				return nil, errors.New("the server accepted permessage-deflate twice")
			}
			found = &wsDeflate{clientMaxBits: 15}
			for _, p := range params[1:] {
				k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
				v = strings.Trim(strings.TrimSpace(v), `"`)
				switch strings.TrimSpace(k) {
				case "server_no_context_takeover":
					found.serverNoContext = true
				case "client_no_context_takeover":
					// The client never keeps context anyway.
				case "server_max_window_bits":
					// Any window up to 32 KiB inflates with a 32 KiB one.
				case "client_max_window_bits":
					bits, err := strconv.Atoi(v)
					if err != nil || bits < 8 || bits > 15 {
						return nil, fmt.Errorf("client_max_window_bits=%q", v)
					}
					found.clientMaxBits = bits
				default:
					return nil, fmt.Errorf("unknown permessage-deflate parameter %q", p)
				}
			}
		}
	}
	return found, nil
}

// inflate returns the message compressed in p, in a loop buffer valid until
// the next call; it keeps the client's window when the server keeps context.
func (l *loop) inflate(d *wsDeflate, p []byte) ([]byte, error) {
	l.zin = append(append(l.zin[:0], p...), inflateTail...)
	l.zsrc.Reset(l.zin)
	if l.inflater == nil {
		l.inflater = flate.NewReader(&l.zsrc)
	}
	var dict []byte
	if !d.serverNoContext {
		dict = d.window
	}
	if err := l.inflater.(flate.Resetter).Reset(&l.zsrc, dict); err != nil {
		return nil, err
	}
	out := l.unzipped[:0]
	for {
		if len(out) == cap(out) {
			out = append(out, 0)[:len(out)]
		}
		n, err := l.inflater.Read(out[len(out):cap(out)])
		out = out[:len(out)+n]
		if len(out) > maxFrame {
			return nil, errors.New("inflated message too large")
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	l.unzipped = out
	if !d.serverNoContext {
		d.window = appendWindow(d.window, out)
	}
	return out, nil
}

// appendWindow keeps the last maxWindow bytes of w followed by p.
func appendWindow(w, p []byte) []byte {
	if len(p) >= maxWindow {
		return append(w[:0], p[len(p)-maxWindow:]...)
	}
	if over := len(w) + len(p) - maxWindow; over > 0 {
		w = w[:copy(w, w[over:])]
	}
	return append(w, p...)
}

// deflate compresses p as one message (the sync flush's tail removed) into
// a loop buffer valid until the next call; ok is false when p must go
// uncompressed (the server limits the client's window below what the
// message may need).
func (l *loop) deflate(d *wsDeflate, p []byte) (z []byte, ok bool) {
	if d.clientMaxBits < 15 && len(p) > 1<<d.clientMaxBits {
		return nil, false
	}
	l.zout.Reset()
	if l.deflater == nil {
		l.deflater, _ = flate.NewWriter(&l.zout, flate.DefaultCompression)
	} else {
		l.deflater.Reset(&l.zout)
	}
	if _, err := l.deflater.Write(p); err != nil {
		return nil, false
	}
	if err := l.deflater.Flush(); err != nil {
		return nil, false
	}
	z = l.zout.Bytes()
	return bytes.TrimSuffix(z, inflateTail[:4]), true
}
