package httpedge

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAppendHead(t *testing.T) {
	r := httptest.NewRequest("POST", "http://example.com/socket.io/?EIO=4&transport=polling&sid=a%2Fb", strings.NewReader("4hi"))
	r.Header.Set("Connection", "keep-alive, Upgrade")
	r.Header.Set("Upgrade", "websocket")
	r.Header.Set("Transfer-Encoding", "chunked")
	r.Header.Set("Content-Length", "99")
	r.Header["Cookie"] = []string{"a=1", "b=2"}
	r.Header.Set("Origin", "https://app")
	got := string(appendHead(nil, r, 3, false))
	want := "POST /socket.io/?EIO=4&transport=polling&sid=a%2Fb HTTP/1.1\r\nHost: example.com\r\n" +
		"Cookie: a=1\r\nCookie: b=2\r\nOrigin: https://app\r\nContent-Length: 3\r\n\r\n"
	if got != want {
		t.Errorf("head\n%q\nwant\n%q", got, want)
	}
	got = string(appendHead(nil, r, -1, true))
	want = "POST /socket.io/?EIO=4&transport=polling&sid=a%2Fb HTTP/1.1\r\nHost: example.com\r\n" +
		"Connection: keep-alive, Upgrade\r\nCookie: a=1\r\nCookie: b=2\r\nOrigin: https://app\r\nUpgrade: websocket\r\n\r\n"
	if got != want {
		t.Errorf("upgrade head\n%q\nwant\n%q", got, want)
	}
}

// onlyReader hides a reader's length from http.NewRequest.
type onlyReader struct{ io.Reader }

func TestReadBody(t *testing.T) {
	cases := []struct {
		name      string
		method    string
		body      io.Reader
		length    int64 // -1: unknown
		wantBody  string
		wantSize  int64
		wantOver  bool
		wantError bool
	}{
		{"GET", "GET", nil, 0, "", -1, false, false},
		{"empty POST", "POST", nil, 0, "", 0, false, false},
		{"POST", "POST", strings.NewReader("4abc"), 4, "4abc", 4, false, false},
		{"at the cap", "POST", strings.NewReader("0123456789"), 10, "0123456789", 10, false, false},
		{"declared over", "POST", strings.NewReader("0123456789a"), 11, "", 11, true, false},
		{"unknown length over", "POST", onlyReader{strings.NewReader(strings.Repeat("x", 50))}, -1, "", 11, true, false},
		{"unknown length under", "POST", onlyReader{strings.NewReader("xyz")}, -1, "xyz", 3, false, false},
	}
	for _, tc := range cases {
		r := httptest.NewRequest(tc.method, "/", tc.body)
		if tc.length < 0 {
			r.ContentLength = -1
		}
		body, size, over, err := readBody(r, 10)
		if string(body) != tc.wantBody || size != tc.wantSize || over != tc.wantOver || (err != nil) != tc.wantError {
			t.Errorf("%s: %q %d %v %v, want %q %d %v", tc.name, body, size, over, err, tc.wantBody, tc.wantSize, tc.wantOver)
		}
	}
}

func TestIsUpgrade(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Upgrade", "websocket")
	r.Header.Set("Connection", "keep-alive, Upgrade")
	if !isUpgrade(r) {
		t.Error("an upgrade is not seen")
	}
	r.Header.Set("Connection", "keep-alive")
	if isUpgrade(r) {
		t.Error("Upgrade without the Connection token is taken for an upgrade")
	}
	r.Header.Set("Connection", "upgrade")
	r.ProtoMajor = 2
	if isUpgrade(r) {
		t.Error("an HTTP/2 request is taken for an upgrade")
	}
}
