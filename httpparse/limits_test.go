package httpparse

import (
	"fmt"
	"strings"
	"testing"
)

// headOf returns a GET head of exactly size bytes (size >= 40), padded with
// one X-Pad field.
func headOf(size int) string {
	const pre = "GET / HTTP/1.1\r\nX-Pad: "
	const post = "\r\n\r\n"
	return pre + strings.Repeat("a", size-len(pre)-len(post)) + post
}

func TestMaxHeaderBytes(t *testing.T) {
	for _, max := range []int{0, 64, 100, 1000} {
		lim := Limits{MaxHeaderBytes: max}
		size := max
		if max == 0 {
			size = DefaultMaxHeaderBytes
		}
		// Exactly at the limit: accepted, and every prefix needs more.
		in := headOf(size)
		n, s, err := parseOne(lim, in)
		if err != nil || n != size {
			t.Fatalf("max %d: head of %d bytes: n=%d err=%v", max, size, n, err)
		}
		checkSplit(t, lim, in, n, s)

		// One byte over: refused with 431 as soon as the limit is reached
		// without the end of the head, for every feed.
		in = headOf(size + 1)
		for i := 0; i <= len(in); i++ {
			_, _, err := parseOne(lim, in[:i])
			if i < size {
				if err != ErrNeedMore {
					t.Fatalf("max %d: prefix %d: %v", max, i, err)
				}
				continue
			}
			wantStatus(t, err, 431)
		}
	}
}

func TestMaxHeaderBytesCountsLeadingEmptyLines(t *testing.T) {
	lim := Limits{MaxHeaderBytes: 64}
	in := "\r\n" + headOf(62)
	if n, _, err := parseOne(lim, in); err != nil || n != 64 {
		t.Fatalf("n=%d err=%v", n, err)
	}
	in = "\r\n\r\n" + headOf(62)
	_, _, err := parseOne(lim, in)
	wantStatus(t, err, 431)
}

func TestMaxHeaderBytesEndlessGarbage(t *testing.T) {
	// A peer that never sends a line end is cut off at the limit, not
	// buffered forever.
	lim := Limits{MaxHeaderBytes: 256}
	in := "GET /" + strings.Repeat("a", 300)
	_, _, err := parseOne(lim, in[:255])
	if err != ErrNeedMore {
		t.Fatalf("below the limit: %v", err)
	}
	_, _, err = parseOne(lim, in[:256])
	wantStatus(t, err, 431)
	_, _, err = parseOne(lim, strings.Repeat("\r\n", 200))
	wantStatus(t, err, 431)
}

func TestMaxHeaders(t *testing.T) {
	for _, max := range []int{0, 1, 5} {
		lim := Limits{MaxHeaders: max}
		count := max
		if max == 0 {
			count = DefaultMaxHeaders
		}
		var b strings.Builder
		b.WriteString("GET / HTTP/1.1\r\n")
		for i := 0; i < count; i++ {
			b.WriteString("X: 1\r\n")
		}
		head := b.String()
		in := head + "\r\n"
		n, s, err := parseOne(lim, in)
		if err != nil || n != len(in) || len(s.Headers) != count {
			t.Fatalf("max %d: %d fields: n=%d err=%v", max, count, n, err)
		}
		checkSplit(t, lim, in, n, s)

		// One more field is refused as soon as that field is complete,
		// before the head ends.
		over := head + "Y: 2\r\n"
		_, _, err = parseOne(lim, over)
		wantStatus(t, err, 431)
		_, _, err = parseOne(lim, over+"\r\n")
		wantStatus(t, err, 431)
		if _, _, err = parseOne(lim, over[:len(over)-1]); err != ErrNeedMore {
			t.Fatalf("max %d: incomplete extra field: %v", max, err)
		}
	}
}

func TestMaxBodyBytesContentLength(t *testing.T) {
	lim := Limits{MaxBodyBytes: 10}
	in := "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789"
	n, s, err := parseOne(lim, in)
	if err != nil || n != len(in) {
		t.Fatalf("at the limit: n=%d err=%v", n, err)
	}
	checkSplit(t, lim, in, n, s)

	// Over the limit: refused as soon as the head is complete, without
	// waiting for the body.
	head := "POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n"
	_, _, err = parseOne(lim, head)
	wantStatus(t, err, 413)
	if _, _, err = parseOne(lim, head[:len(head)-1]); err != ErrNeedMore {
		t.Fatalf("incomplete head: %v", err)
	}

	// Default limit.
	_, _, err = parseOne(Limits{}, "POST / HTTP/1.1\r\nContent-Length: 1000001\r\n\r\n")
	wantStatus(t, err, 413)
	_, _, err = parseOne(Limits{}, "POST / HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n")
	if err != ErrNeedMore {
		t.Fatalf("default limit: %v", err)
	}
}

func chunkedHead(body string) string {
	return "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + body
}

func TestMaxBodyBytesChunked(t *testing.T) {
	lim := Limits{MaxBodyBytes: 10}
	in := chunkedHead("5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n")
	n, s, err := parseOne(lim, in)
	if err != nil || s.Body != "0123456789" {
		t.Fatalf("at the limit: %v %q", err, s.Body)
	}
	checkSplit(t, lim, in, n, s)

	// A chunk that would grow the body past the limit is refused as soon as
	// its size line is read, before its data arrives.
	over := chunkedHead("5\r\n01234\r\n6\r\n")
	_, _, err = parseOne(lim, over)
	wantStatus(t, err, 413)
	_, _, err = parseOne(lim, chunkedHead("b;x=y\r\n"))
	wantStatus(t, err, 413)
	if _, _, err = parseOne(lim, chunkedHead("5\r\n01234\r\n6")); err != ErrNeedMore {
		t.Fatalf("size line incomplete: %v", err)
	}
}

func TestChunkMetaLimits(t *testing.T) {
	head := chunkedHead("")
	budget := 128 - len(head)
	lim := Limits{MaxHeaderBytes: 128}

	// Extensions exactly filling the budget are accepted.
	ext := ";" + strings.Repeat("e", budget-1)
	in := head + "1" + ext + "\r\nx\r\n0\r\n\r\n"
	n, s, err := parseOne(lim, in)
	if err != nil {
		t.Fatalf("extensions at the budget: %v", err)
	}
	checkSplit(t, lim, in, n, s)

	// One byte more is refused as soon as it is buffered.
	over := head + "1" + ext + "e"
	_, _, err = parseOne(lim, over)
	wantStatus(t, err, 431)
	if _, _, err = parseOne(lim, over[:len(over)-1]); err != ErrNeedMore {
		t.Fatalf("extensions at the budget, incomplete: %v", err)
	}

	// Extensions of all chunks add up.
	half := ";" + strings.Repeat("e", budget/2)
	_, _, err = parseOne(lim, head+"1"+half+"\r\nx\r\n1"+half+"\r\nx\r\n0\r\n\r\n")
	wantStatus(t, err, 431)

	// Trailer fields share the budget; the final CRLF does not count.
	trailer := "T: " + strings.Repeat("t", budget-5) + "\r\n"
	in = head + "0\r\n" + trailer + "\r\n"
	n, s, err = parseOne(lim, in)
	if err != nil {
		t.Fatalf("trailers at the budget: %v", err)
	}
	checkSplit(t, lim, in, n, s)
	trailer = "T: " + strings.Repeat("t", budget-4) + "\r\n"
	_, _, err = parseOne(lim, head+"0\r\n"+trailer)
	wantStatus(t, err, 431)
	_, _, err = parseOne(lim, head+"0\r\n"+strings.Repeat("t", budget))
	wantStatus(t, err, 431)

	// A head that uses the whole budget still takes a plain chunked body.
	in = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nX: " + strings.Repeat("p", 128-len(head)-5) + "\r\n\r\n"
	if len(in) != 128 {
		t.Fatalf("head is %d bytes", len(in))
	}
	in += "3\r\nabc\r\n0\r\n\r\n"
	if _, s, err = parseOne(lim, in); err != nil || s.Body != "abc" {
		t.Fatalf("full head, plain body: %v %q", err, s.Body)
	}
}

func TestTrailerFieldsCountTowardMaxHeaders(t *testing.T) {
	lim := Limits{MaxHeaders: 3}
	// One header field (Transfer-Encoding) + two trailers = 3: fine.
	in := chunkedHead("0\r\nA: 1\r\nB: 2\r\n\r\n")
	n, s, err := parseOne(lim, in)
	if err != nil {
		t.Fatal(err)
	}
	checkSplit(t, lim, in, n, s)
	_, _, err = parseOne(lim, chunkedHead("0\r\nA: 1\r\nB: 2\r\nC: 3\r\n"))
	wantStatus(t, err, 431)
}

func TestNegativeLimitsMeanDefaults(t *testing.T) {
	lim := Limits{MaxHeaderBytes: -1, MaxHeaders: -1, MaxBodyBytes: -1}
	if _, _, err := parseOne(lim, pollingPOST); err != nil {
		t.Fatal(err)
	}
}

func TestMaxChunks(t *testing.T) {
	lim := Limits{MaxChunks: 3}
	in := chunkedHead("1\r\na\r\n1\r\nb\r\n1\r\nc\r\n0\r\n\r\n")
	n, s, err := parseOne(lim, in)
	if err != nil || s.Body != "abc" {
		t.Fatalf("at the limit: %v %q", err, s.Body)
	}
	checkSplit(t, lim, in, n, s)
	// The fourth data chunk is refused as soon as its size is read.
	_, _, err = parseOne(lim, chunkedHead("1\r\na\r\n1\r\nb\r\n1\r\nc\r\n1\r\n"))
	wantStatus(t, err, 413)

	// Default.
	var b strings.Builder
	for i := 0; i < DefaultMaxChunks; i++ {
		b.WriteString("1\r\nx\r\n")
	}
	in = chunkedHead(b.String() + "0\r\n\r\n")
	if _, s, err = parseOne(Limits{}, in); err != nil || len(s.Body) != DefaultMaxChunks {
		t.Fatalf("default: %v %d", err, len(s.Body))
	}
	_, _, err = parseOne(Limits{}, chunkedHead(b.String()+"1\r\n"))
	wantStatus(t, err, 413)
}

func TestLargeChunkedBodyNotRetained(t *testing.T) {
	var p Parser
	var r Request
	big := strings.Repeat("z", maxRetainedBody+1)
	in := chunkedHead(fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(big), big))
	if _, err := p.Parse([]byte(in), &r); err != nil || string(r.Body) != big {
		t.Fatalf("big body: %v, %d bytes", err, len(r.Body))
	}
	if cap(p.body) > maxRetainedBody {
		t.Fatalf("parser kept %d bytes of scratch", cap(p.body))
	}
	first := r.Body
	if _, err := p.Parse([]byte(chunkedPOST), &r); err != nil {
		t.Fatal(err)
	}
	if string(first) != big {
		t.Fatal("a big body was overwritten by the next small one")
	}
	if cap(p.body) == 0 {
		t.Fatal("small body scratch not retained")
	}
}
