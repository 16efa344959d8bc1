package cluster

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/tornadio/tornadio/adapter"
)

// A message that does not decode is dropped and reported to the logger,
// with the namespace, the adapter's uid and the error as attributes.
func TestDroppedMessageIsLoggedWithAttributes(t *testing.T) {
	var logged bytes.Buffer
	local := adapter.NewLocal(adapter.Config{Namespace: "/chat", Loops: 1, Poster: noLoops{}, Timers: &timers{}})
	a := New(local, transport{newBus()}, Options{UID: "me", Logger: slog.New(slog.NewJSONHandler(&logged, nil))})
	t.Cleanup(func() { a.Close() })

	a.Receive(&Message{UID: "other", Nsp: "/chat", Type: Broadcast, Data: []byte("{not json")})

	var rec map[string]any
	if err := json.Unmarshal(logged.Bytes(), &rec); err != nil {
		t.Fatalf("log %q: %v", logged.String(), err)
	}
	if rec["nsp"] != "/chat" || rec["uid"] != "me" || rec["from"] != "other" || rec["err"] == nil || rec["level"] != "WARN" {
		t.Fatalf("log record %v", rec)
	}
}
