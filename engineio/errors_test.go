package engineio

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorCodes(t *testing.T) {
	tests := []struct {
		c    ErrorCode
		n    int
		msg  string
		json string
	}{
		{UnknownTransport, 0, "Transport unknown", `{"code":0,"message":"Transport unknown"}`},
		{UnknownSID, 1, "Session ID unknown", `{"code":1,"message":"Session ID unknown"}`},
		{BadHandshakeMethod, 2, "Bad handshake method", `{"code":2,"message":"Bad handshake method"}`},
		{BadRequest, 3, "Bad request", `{"code":3,"message":"Bad request"}`},
		{Forbidden, 4, "Forbidden", `{"code":4,"message":"Forbidden"}`},
		{UnsupportedProtocolVersion, 5, "Unsupported protocol version", `{"code":5,"message":"Unsupported protocol version"}`},
		{ErrorCode(9), 9, "Unknown error", `{"code":9,"message":"Unknown error"}`},
	}
	for _, tt := range tests {
		if int(tt.c) != tt.n {
			t.Errorf("%v = %d, want %d", tt.msg, int(tt.c), tt.n)
		}
		if got := tt.c.Message(); got != tt.msg {
			t.Errorf("ErrorCode(%d).Message() = %q, want %q", tt.n, got, tt.msg)
		}
		if got := AppendErrorJSON(nil, tt.c); string(got) != tt.json {
			t.Errorf("AppendErrorJSON(%d) = %s, want %s", tt.n, got, tt.json)
		}
	}
	var c ErrorCode
	if err := fmt.Errorf("handshake: %w", error(Forbidden)); !errors.As(err, &c) || c != Forbidden {
		t.Errorf("errors.As = %v", c)
	}
	if Forbidden.Error() != "engineio: Forbidden" {
		t.Errorf("Error() = %q", Forbidden.Error())
	}
}
