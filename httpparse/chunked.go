package httpparse

// chunkWalker walks the chunked transfer coding (RFC 9112 section 7.1) of a
// body that starts in buf.
type chunkWalker struct {
	buf        []byte
	metaLeft   int   // header-byte budget left for chunk extensions and trailers
	fieldsLeft int   // header-field budget left for trailer fields
	maxBody    int64 // limit on the decoded size
	maxChunks  int   // limit on the number of data chunks
}

// maxRetainedBody is the largest chunked-body scratch a Parser keeps between
// requests; a larger body gets memory of its own, so that one big upload
// does not pin MaxBodyBytes per connection for its lifetime.
const maxRetainedBody = 64 << 10

// decode decodes the chunked body starting at pos into p's scratch memory,
// sets r.Body and returns the offset after the body.
//
// A first walk only validates the framing and measures the body, so that
// calls on a still-incomplete body cost time in the number of chunks, not
// bytes; the data is copied once, by a second walk, when the body is
// complete.
func (w *chunkWalker) decode(pos int, p *Parser, r *Request) (int, error) {
	end, size, _, err := w.walk(pos, nil, false)
	if err != nil {
		return 0, err
	}
	if size == 0 {
		return end, nil
	}
	var dst []byte
	switch {
	case size > maxRetainedBody:
		dst = make([]byte, 0, size)
	case int64(cap(p.body)) < size:
		p.body = make([]byte, 0, max(size, 512))
		dst = p.body
	default:
		dst = p.body[:0]
	}
	_, _, body, _ := w.walk(pos, dst, true)
	r.Body = body[:len(body):len(body)]
	return end, nil
}

// walk walks the chunks from pos and returns the offset after the trailer
// section, the decoded size and, if copyData, dst with the data appended.
func (w *chunkWalker) walk(pos int, dst []byte, copyData bool) (end int, size int64, _ []byte, err error) {
	b := w.buf
	metaLeft := w.metaLeft
	chunks := 0
	for {
		// chunk-size: 1*HEXDIG, at most 16 digits.
		start := pos
		var n uint64
		for pos < len(b) {
			d := unhex(b[pos])
			if d < 0 {
				break
			}
			if pos-start == 16 {
				return 0, 0, nil, errChunkSize
			}
			n = n<<4 | uint64(d)
			pos++
		}
		if pos >= len(b) {
			return 0, 0, nil, ErrNeedMore
		}
		if pos == start {
			return 0, 0, nil, errChunkSize
		}
		if n > uint64(w.maxBody-size) {
			return 0, 0, nil, errBodyTooLarge
		}
		if n > 0 {
			if chunks == w.maxChunks {
				return 0, 0, nil, errTooManyChunks
			}
			chunks++
		}

		// BWS and chunk extensions, ignored but bounded by metaLeft.
		start = pos
		lim := len(b)
		if lim-start > metaLeft+1 {
			lim = start + metaLeft + 1
		}
		for pos < lim && valueChar[b[pos]] {
			pos++
		}
		if pos-start > metaLeft {
			return 0, 0, nil, errChunkMeta
		}
		if pos >= len(b) {
			return 0, 0, nil, ErrNeedMore
		}
		if b[pos] != '\r' {
			if b[pos] == '\n' {
				return 0, 0, nil, errLineEnding
			}
			return 0, 0, nil, errChunkExt
		}
		if ext := TrimOWS(b[start:pos]); len(ext) > 0 && ext[0] != ';' {
			return 0, 0, nil, errChunkExt
		}
		metaLeft -= pos - start
		if pos+1 >= len(b) {
			return 0, 0, nil, ErrNeedMore
		}
		if b[pos+1] != '\n' {
			return 0, 0, nil, errLineEnding
		}
		pos += 2

		if n == 0 {
			end, err := w.trailers(pos, metaLeft)
			return end, size, dst, err
		}

		// chunk-data CRLF
		avail := uint64(len(b) - pos)
		if avail < n+2 {
			if avail > n && b[pos+int(n)] != '\r' {
				return 0, 0, nil, errChunkData
			}
			return 0, 0, nil, ErrNeedMore
		}
		dataEnd := pos + int(n)
		if b[dataEnd] != '\r' || b[dataEnd+1] != '\n' {
			return 0, 0, nil, errChunkData
		}
		if copyData {
			dst = append(dst, b[pos:dataEnd]...)
		}
		size += int64(n)
		pos = dataEnd + 2
	}
}

// trailers skips the trailer section starting at pos, validating its fields
// like header fields, and returns the offset after its final CRLF. The field
// lines (not the final CRLF) must fit in metaLeft bytes.
func (w *chunkWalker) trailers(pos, metaLeft int) (int, error) {
	b := w.buf
	limit := pos + metaLeft
	fields := 0
	for {
		if pos >= len(b) {
			return 0, ErrNeedMore
		}
		if b[pos] == '\r' {
			if pos+1 >= len(b) {
				return 0, ErrNeedMore
			}
			if b[pos+1] != '\n' {
				return 0, errLineEnding
			}
			return pos + 2, nil
		}
		win := b
		if len(win) > limit {
			win = win[:limit]
		}
		_, _, next, err := parseField(win, pos)
		if err == ErrNeedMore && len(b) >= limit {
			return 0, errChunkMeta
		}
		if err != nil {
			return 0, err
		}
		if fields++; fields > w.fieldsLeft {
			return 0, errTooManyHeaders
		}
		pos = next
	}
}
