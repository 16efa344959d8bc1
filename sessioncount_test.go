package tornadio_test

import (
	"strings"
	"testing"
	"time"
)

// TestLegacySessionCount: a legacy 0.6 session is counted by
// LegacySessionCount and not by SessionCount, which counts the Engine.IO
// sessions of the current protocol only.
func TestLegacySessionCount(t *testing.T) {
	srv := tcStartServer(t, nil)
	if n := srv.LegacySessionCount(); n != 0 {
		t.Fatalf("LegacySessionCount %d with no client", n)
	}
	r := lgDial(t, srv.Addr())
	resp, body := r.roundTrip("GET", "/socket.io/xhr-polling//1", nil, "")
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "~m~") {
		t.Fatalf("xhr-polling handshake: %d %q", resp.StatusCode, body)
	}
	if !tcWaitFor(5*time.Second, func() bool { return srv.LegacySessionCount() == 1 }) {
		t.Fatalf("LegacySessionCount %d, want 1", srv.LegacySessionCount())
	}
	w := tcDialWS(t, srv.Addr(), "EIO=4&transport=websocket")
	w.connectSIO()
	if n, l := srv.SessionCount(), srv.LegacySessionCount(); n != 1 || l != 1 {
		t.Fatalf("SessionCount %d, LegacySessionCount %d; want 1 and 1", n, l)
	}
}
