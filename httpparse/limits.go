package httpparse

// Default limits, used for a zero (or negative) field of Limits.
const (
	DefaultMaxHeaderBytes       = 8192
	DefaultMaxHeaders           = 64
	DefaultMaxBodyBytes   int64 = 1_000_000
	DefaultMaxChunks            = 16384
)

// Limits bounds what one request may make the caller buffer. A zero or
// negative field means its default.
type Limits struct {
	// MaxHeaderBytes bounds the request line and header fields, including
	// the final CRLFCRLF (and any empty lines skipped before the request
	// line). Chunk extensions and the trailer section of a chunked body
	// count toward it too. Exceeding it is a 431.
	MaxHeaderBytes int
	// MaxHeaders bounds the number of header fields (plus trailer fields).
	// Exceeding it is a 431.
	MaxHeaders int
	// MaxBodyBytes bounds the decoded body. Exceeding it is a 413.
	MaxBodyBytes int64
	// MaxChunks bounds the number of data chunks of a chunked body.
	// Exceeding it is a 413. It keeps the cost of Parse calls on a body
	// that arrives in many tiny chunks, each call re-walking the chunks
	// buffered so far, bounded.
	MaxChunks int
}

func (l *Limits) headerBytes() int {
	if l.MaxHeaderBytes <= 0 {
		return DefaultMaxHeaderBytes
	}
	return l.MaxHeaderBytes
}

func (l *Limits) headers() int {
	if l.MaxHeaders <= 0 {
		return DefaultMaxHeaders
	}
	return l.MaxHeaders
}

func (l *Limits) bodyBytes() int64 {
	if l.MaxBodyBytes <= 0 {
		return DefaultMaxBodyBytes
	}
	return l.MaxBodyBytes
}

func (l *Limits) chunks() int {
	if l.MaxChunks <= 0 {
		return DefaultMaxChunks
	}
	return l.MaxChunks
}
