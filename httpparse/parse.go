package httpparse

import "bytes"

// Parser parses requests. The zero value is ready to use with default
// limits. A Parser is meant for one connection (or one event loop) at a time:
// it owns the memory that chunked bodies are decoded into.
type Parser struct {
	Limits Limits
	// BodyLimit, when set, gives each request's body cap from its head,
	// in place of Limits.MaxBodyBytes: r holds the request line and the
	// header fields when it is called (views valid during the call). A
	// server can so let some routes take larger bodies than others, and
	// still refuse a Content-Length above the route's cap before any of
	// the body arrives. A result <= 0 means Limits.MaxBodyBytes. It is
	// called on every Parse call that gets past the head.
	BodyLimit func(r *Request) int64

	body []byte // scratch for decoded chunked bodies, reused
}

// Parse parses exactly one complete request (head and body) at the start of
// buf into r and returns how many bytes it spans. Pipelined data after it is
// left alone.
//
// It returns ErrNeedMore when buf ends mid-request, but returns the limit
// *Error as soon as a limit is provably exceeded: header bytes beyond
// MaxHeaderBytes without the end of the head, more than MaxHeaders fields,
// Content-Length above MaxBodyBytes, a chunked body growing past it or past
// MaxChunks chunks, or chunk extensions and trailers overrunning what
// MaxHeaderBytes leaves. Any other refusal is an *Error too; StatusOf gives
// the status to answer with, and the connection should be closed after
// answering (AppendErrorResponse). On error the contents of r are
// unspecified.
//
// Views in r are valid until buf is modified or the next Parse call. Parse
// keeps no state between calls that its result depends on: after
// ErrNeedMore, call it again with the longer buffer.
func (p *Parser) Parse(buf []byte, r *Request) (n int, err error) {
	r.Reset()
	maxHead := p.Limits.headerBytes()
	win := buf
	if len(win) > maxHead {
		win = win[:maxHead]
	}
	var f framing
	pos, err := parseHead(win, r, p.Limits.headers(), &f)
	if err != nil {
		if err == ErrNeedMore && len(buf) >= maxHead {
			// The head does not end within maxHead bytes.
			return 0, errHeadTooLarge
		}
		return 0, err
	}
	maxBody := p.bodyLimit(r)
	if err := f.finish(r, maxBody); err != nil {
		return 0, err
	}
	switch {
	case r.Chunked:
		w := chunkWalker{
			buf:        buf,
			metaLeft:   maxHead - pos,
			fieldsLeft: p.Limits.headers() - len(r.Headers),
			maxBody:    maxBody,
			maxChunks:  p.Limits.chunks(),
		}
		return w.decode(pos, p, r)
	case r.ContentLength > 0:
		if int64(len(buf)-pos) < r.ContentLength {
			return 0, ErrNeedMore
		}
		end := pos + int(r.ContentLength)
		r.Body = buf[pos:end:end]
		return end, nil
	}
	return pos, nil
}

// bodyLimit is the body cap of the request whose head is in r.
func (p *Parser) bodyLimit(r *Request) int64 {
	if p.BodyLimit != nil {
		if n := p.BodyLimit(r); n > 0 {
			return n
		}
	}
	return p.Limits.bodyBytes()
}

// parseHead parses the request line and header fields in win, up to and
// including the empty line that ends the head, and returns the offset after
// it. It returns ErrNeedMore if win ends first.
func parseHead(win []byte, r *Request, maxHeaders int, f *framing) (int, error) {
	pos, err := parseRequestLine(win, r)
	if err != nil {
		return 0, err
	}
	for {
		if pos >= len(win) {
			return 0, ErrNeedMore
		}
		if win[pos] == '\r' {
			if pos+1 >= len(win) {
				return 0, ErrNeedMore
			}
			if win[pos+1] != '\n' {
				return 0, errLineEnding
			}
			return pos + 2, nil
		}
		name, value, next, err := parseField(win, pos)
		if err != nil {
			return 0, err
		}
		if len(r.Headers) >= maxHeaders {
			return 0, errTooManyHeaders
		}
		r.Headers = append(r.Headers, Header{Name: name, Value: value})
		if err := f.note(name, value); err != nil {
			return 0, err
		}
		pos = next
	}
}

// parseRequestLine parses "method SP request-target SP HTTP-version CRLF",
// after skipping empty lines, and returns the offset after it.
func parseRequestLine(b []byte, r *Request) (int, error) {
	pos := 0
	for {
		if pos >= len(b) {
			return 0, ErrNeedMore
		}
		if b[pos] != '\r' {
			break
		}
		if pos+1 >= len(b) {
			return 0, ErrNeedMore
		}
		if b[pos+1] != '\n' {
			return 0, errEmptyLine
		}
		pos += 2
	}

	start := pos
	pos = scanToken(b, pos)
	if pos >= len(b) {
		return 0, ErrNeedMore
	}
	if b[pos] != ' ' || pos == start {
		return 0, errMethod
	}
	r.Method = b[start:pos:pos]
	pos++

	start = pos
	pos = scanVisible(b, pos)
	if pos >= len(b) {
		return 0, ErrNeedMore
	}
	if b[pos] != ' ' || pos == start {
		return 0, errTarget
	}
	r.Target = b[start:pos:pos]
	if q := bytes.IndexByte(r.Target, '?'); q >= 0 {
		r.Path = r.Target[:q:q]
		r.RawQuery = r.Target[q+1:]
	} else {
		r.Path = r.Target
	}
	pos++

	start = pos
	pos = scanVisible(b, pos)
	if pos >= len(b) {
		return 0, ErrNeedMore
	}
	if b[pos] != '\r' {
		return 0, errVersion
	}
	if pos+1 >= len(b) {
		return 0, ErrNeedMore
	}
	if b[pos+1] != '\n' {
		return 0, errLineEnding
	}
	minor, err := parseVersion(b[start:pos])
	if err != nil {
		return 0, err
	}
	r.Minor = minor
	return pos + 2, nil
}

// parseVersion accepts HTTP/1.0 and HTTP/1.1. Other well-formed versions
// ("HTTP/2.0", "HTTP/1.2", "HTTP/3") are 505, anything else 400.
func parseVersion(v []byte) (int, error) {
	if len(v) == 8 && string(v[:7]) == "HTTP/1." && (v[7] == '0' || v[7] == '1') {
		return int(v[7] - '0'), nil
	}
	if len(v) < 6 || string(v[:5]) != "HTTP/" {
		return 0, errVersion
	}
	rest := v[5:]
	dots := 0
	for i, c := range rest {
		switch {
		case '0' <= c && c <= '9':
		case c == '.' && dots == 0 && i > 0 && i < len(rest)-1:
			dots++
		default:
			return 0, errVersion
		}
	}
	return 0, errVersionUnsupp
}

// parseField parses one "name: value CRLF" line starting at pos and returns
// the name, the trimmed value and the offset after the line.
func parseField(b []byte, pos int) (name, value []byte, next int, err error) {
	start := pos
	pos = scanToken(b, pos)
	if pos >= len(b) {
		return nil, nil, 0, ErrNeedMore
	}
	if b[pos] != ':' || pos == start {
		if pos == start && isSpace(b[pos]) {
			return nil, nil, 0, errObsFold
		}
		return nil, nil, 0, errFieldName
	}
	name = b[start:pos:pos]
	pos++
	for pos < len(b) && isSpace(b[pos]) {
		pos++
	}
	start = pos
	pos = scanValue(b, pos)
	if pos >= len(b) {
		return nil, nil, 0, ErrNeedMore
	}
	if b[pos] != '\r' {
		if b[pos] == '\n' {
			return nil, nil, 0, errLineEnding
		}
		return nil, nil, 0, errFieldValue
	}
	if pos+1 >= len(b) {
		return nil, nil, 0, ErrNeedMore
	}
	if b[pos+1] != '\n' {
		return nil, nil, 0, errLineEnding
	}
	end := pos
	for end > start && isSpace(b[end-1]) {
		end--
	}
	return name, b[start:end:end], pos + 2, nil
}
