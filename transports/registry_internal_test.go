package transports

import (
	"testing"

	"github.com/tornadio/tornadio/httpparse"
)

// The registry finds a session by its id only, and refuses a second
// session whose key is taken, leaving the first in place.
func TestRegistry(t *testing.T) {
	srv := NewServer(Config{}, nil, nil, 1)
	r := &httpparse.Request{Method: []byte("GET"), Target: []byte("/")}
	a := &Session{srv: srv, hs: newHandshake("same-id", r, "", 0)}
	b := &Session{srv: srv, hs: newHandshake("same-id", r, "", 0)}
	if !srv.register(a) {
		t.Fatal("first registration refused")
	}
	if srv.register(b) {
		t.Fatal("a taken key was registered again")
	}
	if srv.Lookup("same-id") != a || srv.Lookup("other-id") != nil || srv.Lookup("") != nil {
		t.Fatal("lookup")
	}
	srv.unregister(b) // not registered: no effect
	if srv.Lookup("same-id") != a || srv.SessionCount() != 1 {
		t.Fatal("unregistering another session removed the first")
	}
	srv.unregister(a)
	if srv.Lookup("same-id") != nil || srv.SessionCount() != 0 {
		t.Fatal("still registered")
	}
}
