package engineio

import (
	"crypto/rand"
	"encoding/base64"
)

// SIDLen is the length of the session ids made by NewSID.
const SIDLen = 20

// NewSID returns a new crypto-random session id: 20 characters of URL-safe
// base64 (15 random bytes, no padding).
func NewSID() string {
	var buf [SIDLen]byte
	return string(AppendSID(buf[:0]))
}

// AppendSID appends a new session id, as made by NewSID, to dst.
func AppendSID(dst []byte) []byte {
	var raw [15]byte
	rand.Read(raw[:]) // never fails (crashes the program if it cannot)
	return base64.URLEncoding.AppendEncode(dst, raw[:])
}
