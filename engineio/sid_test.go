package engineio

import (
	"encoding/base64"
	"testing"
)

func TestNewSID(t *testing.T) {
	seen := make(map[string]bool)
	for range 1000 {
		s := NewSID()
		if len(s) != SIDLen {
			t.Fatalf("NewSID() = %q, len %d", s, len(s))
		}
		raw, err := base64.URLEncoding.DecodeString(s)
		if err != nil || len(raw) != 15 {
			t.Fatalf("NewSID() = %q is not URL-safe base64 of 15 bytes: %v", s, err)
		}
		if seen[s] {
			t.Fatalf("duplicate SID %q", s)
		}
		seen[s] = true
	}
	if got := AppendSID([]byte("x")); len(got) != 1+SIDLen || got[0] != 'x' {
		t.Errorf("AppendSID = %q", got)
	}
}
