package httpedge

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// answer turns the machine's HTTP/1.1 response bytes, as they come, into
// calls on a ResponseWriter: the status and header fields once the head is
// complete (without those about the machine's connection, which net/http
// owns: Connection, Keep-Alive, Transfer-Encoding), then the body, taken
// out of its chunks when the machine chunked it, each piece flushed at
// once (the legacy streams send a piece at a time and never end).
type answer struct {
	w     http.ResponseWriter
	rc    *http.ResponseController
	http1 bool // the request came over HTTP/1.x

	head    []byte // the head so far, until it is complete
	started bool   // the head has been written
	done    bool   // the body is complete

	framing   framing
	remaining int64 // bodyLength: bytes of the body to come

	// bodyChunked's state.
	chunk     chunkState
	chunkLeft int64  // bytes of the current chunk's data to come
	line      []byte // a size or trailer line so far
}

type framing uint8

const (
	bodyLength  framing = iota // Content-Length (or no body)
	bodyChunked                // Transfer-Encoding: chunked
	bodyToClose                // neither: until the machine closes
)

type chunkState uint8

const (
	chunkSize chunkState = iota
	chunkData
	chunkDataEnd // the CRLF after a chunk's data
	chunkTrailer
)

// maxHeadBytes bounds an answer's head; the machine's are far smaller.
const maxHeadBytes = 64 << 10

var errBadAnswer = errors.New("httpedge: malformed answer from the machine")

func newAnswer(w http.ResponseWriter, r *http.Request) *answer {
	return &answer{w: w, rc: http.NewResponseController(w), http1: r.ProtoMajor == 1}
}

// write takes the next bytes of the answer. It reports an error when they
// make no HTTP/1.1 response or net/http can write no more (the client is
// gone); the answer is complete once a.done is set.
func (a *answer) write(p []byte) error {
	if !a.started {
		a.head = append(a.head, p...)
		end := bytes.Index(a.head, []byte("\r\n\r\n"))
		if end < 0 {
			if len(a.head) > maxHeadBytes {
				return errBadAnswer
			}
			return nil
		}
		rest := a.head[end+4:]
		if err := a.writeHead(a.head[:end+2]); err != nil {
			return err
		}
		a.started = true
		p = rest
	}
	if err := a.body(p); err != nil {
		return err
	}
	if len(p) > 0 {
		if err := a.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return err
		}
	}
	return nil
}

// writeHead writes the status and fields of head (status line and field
// lines, each ending in CRLF).
func (a *answer) writeHead(head []byte) error {
	line, fields, _ := bytes.Cut(head, []byte("\r\n"))
	status, ok := parseStatus(line)
	if !ok {
		return errBadAnswer
	}
	h := a.w.Header()
	a.framing = bodyToClose
	for len(fields) > 0 {
		var f []byte
		f, fields, _ = bytes.Cut(fields, []byte("\r\n"))
		name, value, ok := bytes.Cut(f, []byte(":"))
		if !ok || len(name) == 0 {
			return errBadAnswer
		}
		key := http.CanonicalHeaderKey(string(name))
		v := strings.TrimSpace(string(value))
		switch key {
		case "Connection", "Keep-Alive":
			continue
		case "Transfer-Encoding":
			if !strings.EqualFold(v, "chunked") {
				return errBadAnswer
			}
			a.framing = bodyChunked
			continue
		case "Content-Length":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return errBadAnswer
			}
			if a.framing != bodyChunked {
				a.framing, a.remaining = bodyLength, n
			}
		}
		h.Add(key, v)
	}
	switch {
	case a.framing == bodyChunked:
		h.Del("Content-Length")
	case a.framing == bodyToClose && a.http1:
		// A body that runs until the connection ends (the xhr-multipart
		// stream) goes out as it is, not chunked: net/http's way to say
		// so, after which it closes the connection.
		h.Set("Transfer-Encoding", "identity")
	}
	if _, ok := h["Content-Type"]; !ok {
		h["Content-Type"] = nil // as the machine said: no type, and no sniffing
	}
	if a.framing == bodyLength && (a.remaining == 0 || status == http.StatusNoContent || status == http.StatusNotModified) {
		a.done = true
	}
	a.w.WriteHeader(status)
	return nil
}

// parseStatus reads the code of a status line "HTTP/1.1 200 OK".
func parseStatus(line []byte) (int, bool) {
	if !bytes.HasPrefix(line, []byte("HTTP/1.")) || len(line) < 12 || line[8] != ' ' {
		return 0, false
	}
	code, err := strconv.Atoi(string(line[9:12]))
	if err != nil || code < 200 || code > 999 {
		return 0, false
	}
	return code, true
}

// body writes the body bytes in p, per the answer's framing.
func (a *answer) body(p []byte) error {
	switch a.framing {
	case bodyToClose:
		return a.out(p)
	case bodyLength:
		if int64(len(p)) > a.remaining {
			p = p[:a.remaining] // nothing follows an answer on this exchange
		}
		a.remaining -= int64(len(p))
		if a.remaining == 0 {
			a.done = true
		}
		return a.out(p)
	}
	return a.dechunk(p)
}

func (a *answer) out(p []byte) error {
	if len(p) == 0 {
		return nil
	}
	_, err := a.w.Write(p)
	return err
}

// dechunk writes the data of the chunks in p.
func (a *answer) dechunk(p []byte) error {
	for len(p) > 0 && !a.done {
		switch a.chunk {
		case chunkData:
			n := int64(len(p))
			if n > a.chunkLeft {
				n = a.chunkLeft
			}
			if err := a.out(p[:n]); err != nil {
				return err
			}
			p = p[n:]
			if a.chunkLeft -= n; a.chunkLeft == 0 {
				a.chunk = chunkDataEnd
			}
		case chunkSize, chunkDataEnd, chunkTrailer:
			i := bytes.IndexByte(p, '\n')
			if i < 0 {
				a.line = append(a.line, p...)
				if len(a.line) > 1024 {
					return errBadAnswer
				}
				return nil
			}
			line := append(a.line, p[:i+1]...)
			a.line = a.line[:0]
			p = p[i+1:]
			if err := a.chunkLine(bytes.TrimRight(line, "\r\n")); err != nil {
				return err
			}
		}
	}
	return nil
}

// chunkLine takes one line of the chunked framing.
func (a *answer) chunkLine(line []byte) error {
	switch a.chunk {
	case chunkDataEnd:
		if len(line) != 0 {
			return errBadAnswer
		}
		a.chunk = chunkSize
	case chunkSize:
		size, _, _ := bytes.Cut(line, []byte(";"))
		n, err := strconv.ParseInt(strings.TrimSpace(string(size)), 16, 64)
		if err != nil || n < 0 {
			return errBadAnswer
		}
		if n == 0 {
			a.chunk = chunkTrailer
			return nil
		}
		a.chunk, a.chunkLeft = chunkData, n
	case chunkTrailer:
		if len(line) == 0 {
			a.done = true
		}
	}
	return nil
}
