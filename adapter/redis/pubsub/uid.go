package pubsub

import "crypto/rand"

const uidAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newUID returns n random characters from the alphabet of Node's uid2,
// which @socket.io/redis-adapter uses for server uids and request ids.
func newUID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand panics instead)
	for i, c := range b {
		b[i] = uidAlphabet[int(c)%len(uidAlphabet)]
	}
	return string(b)
}
