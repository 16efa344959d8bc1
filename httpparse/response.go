package httpparse

import "strconv"

// StatusText returns the reason phrase of an HTTP status code this project
// answers with, or "" for others.
func StatusText(code int) string {
	switch code {
	case 101:
		return "Switching Protocols"
	case 200:
		return "OK"
	case 204:
		return "No Content"
	case 400:
		return "Bad Request"
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 405:
		return "Method Not Allowed"
	case 408:
		return "Request Timeout"
	case 411:
		return "Length Required"
	case 413:
		return "Content Too Large"
	case 414:
		return "URI Too Long"
	case 426:
		return "Upgrade Required"
	case 429:
		return "Too Many Requests"
	case 431:
		return "Request Header Fields Too Large"
	case 500:
		return "Internal Server Error"
	case 501:
		return "Not Implemented"
	case 502:
		return "Bad Gateway"
	case 503:
		return "Service Unavailable"
	case 505:
		return "HTTP Version Not Supported"
	}
	return ""
}

// AppendStatusLine appends "HTTP/1.1 <code> <reason>\r\n" to dst, such as
// "HTTP/1.1 200 OK\r\n". A code without a known reason phrase gets an empty
// one ("HTTP/1.1 299 \r\n").
func AppendStatusLine(dst []byte, code int) []byte {
	dst = append(dst, "HTTP/1.1 "...)
	dst = strconv.AppendInt(dst, int64(code), 10)
	dst = append(dst, ' ')
	dst = append(dst, StatusText(code)...)
	return append(dst, "\r\n"...)
}

// AppendErrorResponse appends a complete response refusing a request that
// Parse returned err for: status StatusOf(err), "Connection: close", and the
// reason phrase as a text/plain body. The caller closes the connection after
// writing it.
func AppendErrorResponse(dst []byte, err error) []byte {
	code := StatusOf(err)
	text := StatusText(code)
	dst = AppendStatusLine(dst, code)
	dst = AppendHeader(dst, "Content-Type", "text/plain; charset=utf-8")
	dst = AppendHeaderInt(dst, "Content-Length", int64(len(text)))
	dst = AppendHeader(dst, "Connection", "close")
	dst = append(dst, "\r\n"...)
	return append(dst, text...)
}

// AppendHeader appends "name: value\r\n" to dst. CR and LF bytes in name or
// value are written as spaces, so a value taken from a request cannot inject
// header fields into the response.
func AppendHeader(dst []byte, name, value string) []byte {
	dst = appendSafe(dst, name)
	dst = append(dst, ": "...)
	dst = appendSafe(dst, value)
	return append(dst, "\r\n"...)
}

// AppendHeaderInt appends "name: v\r\n" to dst.
func AppendHeaderInt(dst []byte, name string, v int64) []byte {
	dst = appendSafe(dst, name)
	dst = append(dst, ": "...)
	dst = strconv.AppendInt(dst, v, 10)
	return append(dst, "\r\n"...)
}

func appendSafe(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] == '\r' || s[i] == '\n' {
			return appendReplacing(dst, s)
		}
	}
	return append(dst, s...)
}

func appendReplacing(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		dst = append(dst, c)
	}
	return dst
}
