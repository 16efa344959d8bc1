package httpparse

// framing collects, while header fields are parsed, what decides the body
// length and the connection's fate.
type framing struct {
	contentLength int64 // -1 until a Content-Length field is seen
	clSeen        bool
	teFields      int  // number of Transfer-Encoding fields
	teChunked     bool // the only Transfer-Encoding field is exactly "chunked"
	connClose     bool
	connKeepAlive bool
	connUpgrade   bool
	upgrade       bool // a non-empty Upgrade field
}

// note records one header field.
func (f *framing) note(name, value []byte) error {
	switch len(name) {
	case len("Content-Length"):
		if equalFold(name, "Content-Length") {
			n, ok := parseContentLength(value)
			if !ok {
				return errContentLength
			}
			if f.clSeen && n != f.contentLength {
				return errCLConflict
			}
			f.clSeen, f.contentLength = true, n
		}
	case len("Transfer-Encoding"):
		if equalFold(name, "Transfer-Encoding") {
			f.teFields++
			f.teChunked = f.teFields == 1 && equalFold(value, "chunked")
		}
	case len("Connection"):
		if equalFold(name, "Connection") {
			f.connClose = f.connClose || hasToken(value, "close")
			f.connKeepAlive = f.connKeepAlive || hasToken(value, "keep-alive")
			f.connUpgrade = f.connUpgrade || hasToken(value, "upgrade")
		}
	case len("Upgrade"):
		if equalFold(name, "Upgrade") && len(value) > 0 {
			f.upgrade = true
		}
	}
	return nil
}

// finish checks the framing fields against each other and the limits and
// sets the corresponding fields of r.
func (f *framing) finish(r *Request, maxBody int64) error {
	if f.teFields > 0 {
		if f.clSeen {
			return errCLAndTE
		}
		if r.Minor == 0 {
			return errTEInHTTP10
		}
		if !f.teChunked {
			return errTEUnsupported
		}
		r.Chunked = true
	}
	if f.clSeen {
		if f.contentLength > maxBody {
			return errBodyTooLarge
		}
		r.ContentLength = f.contentLength
	}
	r.Close = f.connClose || r.Minor == 0 && !f.connKeepAlive
	r.Upgrade = f.connUpgrade && f.upgrade
	return nil
}

// parseContentLength parses 1*DIGIT without overflow.
func parseContentLength(v []byte) (int64, bool) {
	if len(v) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int64(c - '0')
		if n > (1<<63-1-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}
