package transports

import (
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"

	"github.com/tornadio/tornadio/httpparse"
)

// HTTP compression of polling answers
//
// The answer to a polling GET (the payload, or for JSONP the script around
// it, text and binary payloads alike) is compressed, as engine.io's
// httpCompression does, when its body has at least HTTPCompression.Threshold
// bytes and the GET's Accept-Encoding accepts gzip or deflate (deflate is
// the zlib format, RFC 1950, as HTTP's "deflate" coding and Node's
// zlib.createDeflate are). The coding is chosen as the negotiator package
// behind engine.io chooses it (see acceptedCoding); when neither is
// acceptable the body goes as it is. The answer then says "Vary:
// Accept-Encoding", whatever coding was chosen, since it depended on that
// field; answers below the threshold do not depend on it and say nothing.
// An answer whose every packet was sent uncompressed (Compress(false),
// Session.SendUncompressed) is not compressed, as in engine.io. Unlike
// engine.io, which streams a compressed answer chunked, the body is
// compressed whole and sent with its Content-Length.
//
// Other answers (POSTs' "ok", errors, the legacy road's) are short or are
// the 0.6 road's, whose reference server never compressed, and go as they
// are.
//
// Each loop keeps one gzip and one zlib writer, made the first time an
// answer needs it and reset for every answer after: no compressor is
// allocated per answer, and a loop holds at most two compressors' state
// (about 800 kB each at the default level, 1.2 MB at BestSpeed) whatever
// the number of sessions.

// HTTPCompression sets the compression of polling answers. The zero value
// compresses answers of 1024 bytes and more at the default level.
type HTTPCompression struct {
	// Threshold is the smallest body, in bytes, that is compressed;
	// default 1024 (engine.io's).
	Threshold int
	// Level is the compress/flate level, flate.BestSpeed (1) to
	// flate.BestCompression (9), or flate.HuffmanOnly (-2); 0 or -1 mean
	// flate.DefaultCompression (6, zlib's default). Another value is
	// taken as the default.
	Level int
	// Disable turns compression off: every answer goes as it is.
	Disable bool
}

func (h *HTTPCompression) setDefaults() {
	if h.Threshold <= 0 {
		h.Threshold = 1024
	}
	if h.Level == 0 || h.Level < flate.HuffmanOnly || h.Level > flate.BestCompression {
		h.Level = flate.DefaultCompression
	}
}

// contentCoding is the coding of a polling answer's body.
type contentCoding uint8

const (
	codingIdentity contentCoding = iota
	codingGzip
	codingDeflate
)

// headers are the answer's header lines that name the coding: what an
// answer long enough to compress says.
func (cc contentCoding) headers() string {
	switch cc {
	case codingGzip:
		return "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n"
	case codingDeflate:
		return "Content-Encoding: deflate\r\nVary: Accept-Encoding\r\n"
	}
	return "Vary: Accept-Encoding\r\n"
}

// answerCoding is the coding a polling GET's answer may use: what r's
// Accept-Encoding fields accept, or identity when compression is off.
func (srv *Server) answerCoding(r *httpparse.Request) contentCoding {
	if srv.cfg.HTTPCompression.Disable {
		return codingIdentity
	}
	return acceptedCoding(r)
}

// acceptedCoding picks gzip or deflate for the Accept-Encoding fields of r
// (several fields make one list) as negotiator 0.6, which engine.io asks
// for one of ["gzip", "deflate"], does: each coding takes the entry that
// names it, or else a "*" entry, the later one of equal q winning; a
// coding whose q is 0 (or not a number) is not acceptable; of the two,
// the higher q wins, then an entry naming the coding over "*", then the
// entry that comes first, then gzip. An explicit "identity" entry is not
// weighed against them, as in engine.io. No field, or nothing acceptable,
// is identity.
func acceptedCoding(r *httpparse.Request) contentCoding {
	var gz, df encodingMatch
	pos := 0
	for i := range r.Headers {
		h := &r.Headers[i]
		if !foldEqual(h.Name, "Accept-Encoding") {
			continue
		}
		for v := h.Value; len(v) > 0; {
			var entry []byte
			entry, v = cutByte(v, ',')
			name, q, ok := parseEncodingEntry(entry)
			pos++
			if !ok {
				continue
			}
			gz.consider(name, "gzip", q, pos)
			df.consider(name, "deflate", q, pos)
		}
	}
	gzOK, dfOK := gz.acceptable(), df.acceptable()
	switch {
	case gzOK && dfOK:
		if df.before(&gz) {
			return codingDeflate
		}
		return codingGzip
	case gzOK:
		return codingGzip
	case dfOK:
		return codingDeflate
	}
	return codingIdentity
}

// encodingMatch is the Accept-Encoding entry that applies to one coding.
type encodingMatch struct {
	found bool
	exact bool // the entry names the coding (not "*")
	q     int  // in thousandths; negative when not a number
	pos   int  // the entry's place in the list, from 1
}

// consider weighs entry name (q, at pos) for coding.
func (m *encodingMatch) consider(name []byte, coding string, q, pos int) {
	exact := foldEqual(name, coding)
	if !exact && string(name) != "*" {
		return
	}
	if m.found && (m.exact && !exact || m.exact == exact && m.q > q) {
		return
	}
	*m = encodingMatch{found: true, exact: exact, q: q, pos: pos}
}

func (m *encodingMatch) acceptable() bool { return m.found && m.q > 0 }

// before reports whether m is preferred to o (gzip's, which wins ties).
func (m *encodingMatch) before(o *encodingMatch) bool {
	if m.q != o.q {
		return m.q > o.q
	}
	if m.exact != o.exact {
		return m.exact
	}
	return m.pos < o.pos
}

// parseEncodingEntry splits one Accept-Encoding entry, such as
// "gzip;q=0.8", into its coding and its q in thousandths (1000 when
// absent, negative when not a number). ok is false for an empty entry or
// one that is not a coding followed by parameters.
func parseEncodingEntry(entry []byte) (name []byte, q int, ok bool) {
	entry = httpparse.TrimOWS(entry)
	end := 0
	for end < len(entry) && entry[end] != ';' && entry[end] != ' ' && entry[end] != '\t' {
		end++
	}
	if end == 0 {
		return nil, 0, false
	}
	name, params := entry[:end], httpparse.TrimOWS(entry[end:])
	if len(params) > 0 && params[0] != ';' {
		return nil, 0, false
	}
	if len(params) == 0 {
		return name, 1000, true
	}
	for params = params[1:]; ; {
		p, rest := cutByte(params, ';')
		key, value := cutByte(p, '=')
		if k := httpparse.TrimOWS(key); len(k) == 1 && k[0]|0x20 == 'q' {
			return name, parseQ(httpparse.TrimOWS(value)), true
		}
		if rest == nil {
			return name, 1000, true
		}
		params = rest
	}
}

// parseQ reads a q-value in thousandths as JavaScript's parseFloat reads
// it (digits, a point, digits, whatever follows ignored), or -1 when it
// does not start with a number.
func parseQ(b []byte) int {
	q, digits, i := 0, 0, 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		if q < 1_000_000 {
			q = q*10 + int(b[i]-'0')
		}
		digits++
	}
	q *= 1000
	if i < len(b) && b[i] == '.' {
		scale := 100
		for i++; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			q += scale * int(b[i]-'0')
			scale /= 10
			digits++
		}
	}
	if digits == 0 {
		return -1
	}
	return q
}

// cutByte returns b up to the first c and what follows c.
func cutByte(b []byte, c byte) (before, after []byte) {
	for i := range b {
		if b[i] == c {
			return b[:i], b[i+1:]
		}
	}
	return b, nil
}

// answerCompressor is one loop's compression state.
type answerCompressor struct {
	gzip *gzip.Writer
	zlib *zlib.Writer
	out  appendWriter
}

// appendWriter is an io.Writer that appends to its buffer.
type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// compressBody returns body compressed with coding (gzip or deflate), in the
// loop's compression buffer, valid until the loop compresses again.
func (srv *Server) compressBody(loop int, coding contentCoding, body []byte) []byte {
	ls := &srv.loopState[loop]
	z := ls.compressor
	if z == nil {
		z = new(answerCompressor)
		ls.compressor = z
	}
	z.out.b = z.out.b[:0]
	level := srv.cfg.HTTPCompression.Level
	var w io.WriteCloser
	switch coding {
	case codingGzip:
		if z.gzip == nil {
			z.gzip, _ = gzip.NewWriterLevel(&z.out, level) // level checked by setDefaults
		} else {
			z.gzip.Reset(&z.out)
		}
		w = z.gzip
	default:
		if z.zlib == nil {
			z.zlib, _ = zlib.NewWriterLevel(&z.out, level)
		} else {
			z.zlib.Reset(&z.out)
		}
		w = z.zlib
	}
	// Writes to an appendWriter do not fail.
	_, _ = w.Write(body)
	_ = w.Close()
	return z.out.b
}

// keepCompressed lets go of the loop's compression buffer when an answer
// grew it too big to hold on to.
func (srv *Server) keepCompressed(loop int) {
	if z := srv.loopState[loop].compressor; z != nil && cap(z.out.b) > 1<<20 {
		z.out.b = nil
	}
}

// appendPollAnswer appends the 200 answer to a polling GET whose body is
// body (of type ctype), compressed with coding when it is long enough (see
// the top of this file). body may be in any scratch buffer but the frame
// buffer dst comes from.
func (srv *Server) appendPollAnswer(dst []byte, loop int, ctype, cors string, coding contentCoding, body []byte) []byte {
	hc := &srv.cfg.HTTPCompression
	if hc.Disable || len(body) < hc.Threshold {
		return appendResponse(dst, 200, ctype, cors, body)
	}
	if coding != codingIdentity {
		body = srv.compressBody(loop, coding, body)
	}
	dst = appendResponseHead(dst, 200, ctype, cors, coding.headers(), len(body))
	return append(dst, body...)
}
