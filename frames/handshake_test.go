package frames

import (
	"bufio"
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// RFC 6455 section 1.3.
const (
	rfcKey    = "dGhlIHNhbXBsZSBub25jZQ=="
	rfcAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
)

func TestAcceptKeyRFCExample(t *testing.T) {
	got := AcceptKey(nil, []byte(rfcKey))
	if string(got) != rfcAccept {
		t.Fatalf(
			"AcceptKey(%q) = %q, want %q",
			rfcKey, got, rfcAccept,
		)
	}
	// Appends after what is there.
	got = AcceptKey([]byte("x: "), []byte(rfcKey))
	if string(got) != "x: "+rfcAccept {
		t.Fatalf(
			"AcceptKey appended %q",
			got,
		)
	}
	// A very long key takes the other hashing path.
	long := bytes.Repeat([]byte("k"), 500)
	got = AcceptKey(nil, long)
	if len(got) != acceptKeyLen {
		t.Fatalf(
			"AcceptKey(long) = %q",
			got,
		)
	}
}

func TestAcceptKeyNoAlloc(t *testing.T) {
	dst := make([]byte, 0, acceptKeyLen)
	key := []byte(rfcKey)
	allocs := testing.AllocsPerRun(100, func() {
		dst = AcceptKey(dst[:0], key)
	})
	if allocs != 0 {
		t.Fatalf(
			"AcceptKey allocates %v times",
			allocs,
		)
	}
}

func TestCheckUpgrade(t *testing.T) {
	tests := []struct {
		name    string
		method  string
		version string
		key     string
		minor   int // HTTP/1.minor; -1 stands for 0 (the default is 1)
		keys    int // Sec-WebSocket-Key fields; 0 stands for 1
		status  int // 0: valid
	}{
		{
			name:    "valid",
			method:  "GET",
			version: "13",
			key:     rfcKey,
		},
		{
			name:    "valid with white space",
			method:  "GET",
			version: " 13\t",
			key:     " " + rfcKey + " ",
		},
		{
			name:    "POST",
			method:  "POST",
			version: "13",
			key:     rfcKey,
			status:  405,
		},
		{
			name:    "lower-case method",
			method:  "get",
			version: "13",
			key:     rfcKey,
			status:  405,
		},
		{
			name:    "old version",
			method:  "GET",
			version: "8",
			key:     rfcKey,
			status:  426,
		},
		{
			name:    "missing version",
			method:  "GET",
			version: "",
			key:     rfcKey,
			status:  426,
		},
		{
			name:    "method checked first",
			method:  "PUT",
			version: "8",
			key:     "",
			status:  405,
		},
		{
			name:    "missing key",
			method:  "GET",
			version: "13",
			key:     "",
			status:  400,
		},
		{
			name:    "key of 15 bytes",
			method:  "GET",
			version: "13",
			key:     "AAAAAAAAAAAAAAAAAAAA",
			status:  400,
		},
		{
			name:    "key of 17 bytes",
			method:  "GET",
			version: "13",
			key:     "AAAAAAAAAAAAAAAAAAAAAAA=",
			status:  400,
		},
		{
			name:    "key not base64",
			method:  "GET",
			version: "13",
			key:     "dGhlIHNhbXBsZSBub25jZQ!!",
			status:  400,
		},
		{
			name:    "key with a line break",
			method:  "GET",
			version: "13",
			key:     "dGhlIHNhbXBsZSBub25j\nZQ=",
			status:  400,
		},
		{
			name:    "HTTP/1.0",
			method:  "GET",
			version: "13",
			key:     rfcKey,
			minor:   -1,
			status:  400,
		},
		{
			name:    "repeated key",
			method:  "GET",
			version: "13",
			key:     rfcKey,
			keys:    2,
			status:  400,
		},
		{
			name:    "HTTP/1.0 with a bad method",
			method:  "POST",
			version: "13",
			key:     rfcKey,
			minor:   -1,
			status:  405,
		},
		{
			name:    "key without padding",
			method:  "GET",
			version: "13",
			key:     "dGhlIHNhbXBsZSBub25jZQ",
			status:  400,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := UpgradeRequest{Method: []byte(tt.method), Minor: 1, Version: []byte(tt.version), Key: []byte(tt.key), KeyFields: 1}
			if tt.minor != 0 {
				r.Minor = max(tt.minor, 0)
			}
			if tt.keys != 0 {
				r.KeyFields = tt.keys
			}
			err := CheckUpgrade(r)
			if tt.status == 0 {
				if err != nil {
					t.Fatalf(
						"unexpected error: %v",
						err,
					)
				}
				return
			}
			var he *HandshakeError
			if !errors.As(err, &he) {
				t.Fatalf(
					"error %v, want a *HandshakeError",
					err,
				)
			}
			if he.Status != tt.status {
				t.Fatalf(
					"status %d, want %d (%v)",
					he.Status, tt.status, err,
				)
			}
			if he.Error() == "" {
				t.Fatal("empty error text")
			}
		})
	}
}

func TestAppendUpgradeResponse(t *testing.T) {
	got := AppendUpgradeResponse([]byte("prefix"), []byte(rfcKey),
		[]byte("Sec-WebSocket-Protocol: chat\r\n"),
		[]byte("X-Test: 1\r\n"),
	)
	want := "prefix" +
		"HTTP/1.1 101 Switching Protocols\r\n" +
		"Upgrade: websocket\r\n" +
		"Connection: Upgrade\r\n" +
		"Sec-WebSocket-Accept: " + rfcAccept + "\r\n" +
		"Sec-WebSocket-Protocol: chat\r\n" +
		"X-Test: 1\r\n" +
		"\r\n"
	if string(got) != want {
		t.Fatalf(
			"got\n%q\nwant\n%q",
			got, want,
		)
	}

	// net/http agrees it is a complete response.
	raw := AppendUpgradeResponse(nil, []byte(rfcKey))
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols ||
		resp.Header.Get("Sec-WebSocket-Accept") != rfcAccept ||
		!strings.EqualFold(resp.Header.Get("Upgrade"), "websocket") ||
		!strings.EqualFold(resp.Header.Get("Connection"), "upgrade") {
		t.Fatalf(
			"unexpected response %+v",
			resp,
		)
	}
}

func TestAppendUpgradeResponseNoAlloc(t *testing.T) {
	dst := make([]byte, 0, 512)
	key := []byte(rfcKey)
	extra := []byte("Sec-WebSocket-Protocol: chat\r\n")
	allocs := testing.AllocsPerRun(100, func() {
		dst = AppendUpgradeResponse(dst[:0], key, extra)
	})
	if allocs != 0 {
		t.Fatalf(
			"AppendUpgradeResponse allocates %v times",
			allocs,
		)
	}
}

func TestHasToken(t *testing.T) {
	tests := []struct {
		list  string
		token string
		want  bool
	}{
		{
			list:  "Upgrade",
			token: "upgrade",
			want:  true,
		},
		{
			list:  "keep-alive, Upgrade",
			token: "upgrade",
			want:  true,
		},
		{
			list:  " keep-alive ,\tUPGRADE\t",
			token: "upgrade",
			want:  true,
		},
		{
			list:  "keep-alive",
			token: "upgrade",
			want:  false,
		},
		{
			list:  "upgrades",
			token: "upgrade",
			want:  false,
		},
		{
			list:  "",
			token: "upgrade",
			want:  false,
		},
		{
			list:  "websocket",
			token: "WebSocket",
			want:  true,
		},
	}
	for _, tt := range tests {
		if got := HasToken([]byte(tt.list), []byte(tt.token)); got != tt.want {
			t.Errorf(
				"HasToken(%q, %q) = %v, want %v",
				tt.list, tt.token, got, tt.want,
			)
		}
	}
}
