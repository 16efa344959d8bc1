package httpparse_test

import (
	"errors"
	"fmt"

	"github.com/tornadio/tornadio/httpparse"
)

// An event loop hands Parse the buffered bytes of a connection, answers each
// complete request and discards the bytes it spans.
func ExampleParser_Parse() {
	inbound := []byte("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: a\r\n\r\n" +
		"POST /socket.io/?EIO=4&transport=polling&sid=x HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\n4hel")

	var p httpparse.Parser
	var r httpparse.Request
	for {
		n, err := p.Parse(inbound, &r)
		if errors.Is(err, httpparse.ErrNeedMore) {
			fmt.Printf("waiting for more than %d buffered bytes\n", len(inbound))
			break
		}
		if err != nil {
			fmt.Printf("%q\n", httpparse.AppendErrorResponse(nil, err))
			break
		}
		transport, _ := httpparse.QueryValue(r.RawQuery, "transport")
		fmt.Printf("%s %s transport=%s body=%q\n", r.Method, r.Path, transport, r.Body)
		inbound = inbound[n:] // Discard(n)
	}

	inbound = append(inbound, "lo"...)
	if _, err := p.Parse(inbound, &r); err == nil {
		fmt.Printf("%s %s body=%q\n", r.Method, r.Path, r.Body)
	}
	// Output:
	// GET /socket.io/ transport=polling body=""
	// waiting for more than 91 buffered bytes
	// POST /socket.io/ body="4hello"
}

func ExampleAppendStatusLine() {
	b := httpparse.AppendStatusLine(nil, 200)
	b = httpparse.AppendHeader(b, "Content-Type", "text/plain; charset=UTF-8")
	b = httpparse.AppendHeaderInt(b, "Content-Length", 2)
	b = append(b, "\r\nok"...)
	fmt.Printf("%q\n", b)
	// Output: "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Length: 2\r\n\r\nok"
}
