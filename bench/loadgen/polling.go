package loadgen

import (
	"bytes"
	"errors"
	"strconv"
)

// A polling client keeps two HTTP/1.1 keep-alive connections, as browsers
// do: one with the long-polling GET always in flight, one for POSTs (one at
// a time; packets queued meanwhile go out together in the next POST, joined
// by 0x1E).

func appendHandshakeRequest(dst []byte, cfg *Config, host string) []byte {
	dst = append(dst, "GET "...)
	dst = append(dst, cfg.Path...)
	dst = append(dst, "?EIO=4&transport=polling HTTP/1.1\r\nHost: "...)
	dst = append(dst, host...)
	return append(dst, "\r\n\r\n"...)
}

// feedHTTP parses the responses on a polling connection.
func (c *client) feedHTTP(cn *conn, p []byte) int {
	used := 0
	for c.state != stDone && cn.fd >= 0 && used < len(p) {
		r, n, err := parseResponse(p[used:], &c.l.body)
		if err != nil {
			c.fail("http: " + err.Error())
			return used
		}
		if n == 0 {
			break
		}
		used += n
		cn.busy = false
		if r.close {
			c.l.close(cn)
			c.l.redials = append(c.l.redials, cn)
		}
		c.onResponse(cn, r)
	}
	return used
}

func (c *client) onResponse(cn *conn, r response) {
	if r.status != 200 {
		c.fail("http status " + strconv.Itoa(r.status) + ": " + string(r.body[:min(len(r.body), 80)]))
		return
	}
	if cn.role == rolePost {
		c.flushPost()
		return
	}
	if c.state == stOpening {
		if !c.handshake(r.body) {
			return
		}
	}
	for pkt := range bytes.SplitSeq(r.body, []byte{0x1e}) {
		if c.state == stDone {
			return
		}
		c.onEIO(pkt)
	}
	c.pollGet()
}

// handshake reads the sid from the open packet, sends CONNECT and opens the
// POST connection.
func (c *client) handshake(body []byte) bool {
	open, _, _ := bytes.Cut(body, []byte{0x1e})
	_, rest, ok := bytes.Cut(open, []byte(`"sid":"`))
	sid, _, ok2 := bytes.Cut(rest, []byte(`"`))
	if len(open) == 0 || open[0] != '0' || !ok || !ok2 {
		c.fail("polling: bad open packet")
		return false
	}
	cfg := &c.l.s.cfg
	q := append([]byte(nil), cfg.Path...)
	q = append(q, "?EIO=4&transport=polling&sid="...)
	q = append(q, sid...)
	c.query = q
	c.state = stConnecting
	var err error
	if c.post, err = c.l.dial(c, rolePost); err != nil {
		c.fail("dial: " + err.Error())
		return false
	}
	c.send(c.l.s.connectPkt)
	return true
}

// pollGet sends the next long-polling GET.
func (c *client) pollGet() {
	cn := c.get
	if c.state == stDone || cn == nil || !cn.up || cn.busy {
		return
	}
	b := append(c.l.frame[:0], "GET "...)
	b = append(b, c.query...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, c.l.s.targets[c.dst].host...)
	b = append(b, "\r\n\r\n"...)
	c.l.frame = b
	cn.busy = true
	c.l.write(cn, b)
}

// flushPost sends the queued packets in one POST, unless one is in flight.
func (c *client) flushPost() {
	cn := c.post
	if c.state == stDone || cn == nil || len(c.postQ) == 0 {
		return
	}
	if cn.fd < 0 { // closed by the server while idle
		c.reopenPost()
		return
	}
	if !cn.up || cn.busy {
		return
	}
	b := append(c.l.frame[:0], "POST "...)
	b = append(b, c.query...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, c.l.s.targets[c.dst].host...)
	b = append(b, "\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(c.postQ)), 10)
	b = append(b, "\r\n\r\n"...)
	b = append(b, c.postQ...)
	c.l.frame = b
	c.postQ = c.postQ[:0]
	cn.busy = true
	c.l.write(cn, b)
}

// redial reopens a keep-alive connection the server closed.
func (c *client) redial(old *conn) {
	if c.state == stDone || (old.role == roleGet && c.get != old) || (old.role == rolePost && c.post != old) {
		return // failed meanwhile, or already reopened by flushPost
	}
	if old.role == rolePost && len(c.postQ) == 0 {
		// Nothing to post: flushPost reopens it when there is.
		c.l.errorf("polling: idle POST connection closed by the server (reopened on demand)")
		return
	}
	c.l.errorf("polling: reconnects (keep-alive closed by the server)")
	cn, err := c.l.dial(c, old.role)
	if err != nil {
		c.fail("redial: " + err.Error())
		return
	}
	if old.role == roleGet {
		c.get = cn
	} else {
		c.post = cn
	}
}

type response struct {
	status int
	body   []byte // valid until the next parse
	close  bool
}

var errChunked = errors.New("bad chunked body")

// parseResponse parses one HTTP/1.1 response at the start of p. n is 0 when
// p holds less than a whole response. A chunked body is gathered into
// *scratch.
func parseResponse(p []byte, scratch *[]byte) (r response, n int, err error) {
	end := bytes.Index(p, crlfcrlf)
	if end < 0 {
		if len(p) > 64<<10 {
			return r, 0, errors.New("response header too long")
		}
		return r, 0, nil
	}
	if len(p) < 12 || !bytes.HasPrefix(p, []byte("HTTP/1.")) {
		return r, 0, errors.New("bad status line")
	}
	r.status, err = strconv.Atoi(string(p[9:12]))
	if err != nil {
		return r, 0, errors.New("bad status line")
	}
	length, chunked := -1, false
	head := p[:end]
	_, head, _ = bytes.Cut(head, []byte("\r\n"))
	for len(head) > 0 {
		var line []byte
		line, head, _ = bytes.Cut(head, []byte("\r\n"))
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			length, err = strconv.Atoi(string(value))
			if err != nil || length < 0 {
				return r, 0, errors.New("bad Content-Length")
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.Contains(bytes.ToLower(value), []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			r.close = bytes.EqualFold(value, []byte("close"))
		}
	}
	body := p[end+4:]
	if chunked {
		return parseChunked(r, body, end+4, scratch)
	}
	if length < 0 {
		length = 0 // no body we can delimit: only Content-Length and chunked are supported
	}
	if len(body) < length {
		return r, 0, nil
	}
	r.body = body[:length]
	return r, end + 4 + length, nil
}

func parseChunked(r response, p []byte, off int, scratch *[]byte) (response, int, error) {
	out := (*scratch)[:0]
	i := 0
	for {
		eol := bytes.Index(p[i:], []byte("\r\n"))
		if eol < 0 {
			return r, 0, nil
		}
		sizeText, _, _ := bytes.Cut(p[i:i+eol], []byte(";"))
		size, err := strconv.ParseInt(string(bytes.TrimSpace(sizeText)), 16, 64)
		if err != nil || size < 0 {
			return r, 0, errChunked
		}
		i += eol + 2
		if size == 0 {
			// No trailers expected: the final CRLF.
			if len(p) < i+2 {
				return r, 0, nil
			}
			*scratch = out
			r.body = out
			return r, off + i + 2, nil
		}
		if int64(len(p)-i) < size+2 {
			return r, 0, nil
		}
		out = append(out, p[i:i+int(size)]...)
		i += int(size) + 2
	}
}
