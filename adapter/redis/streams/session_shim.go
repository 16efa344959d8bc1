package streams

import "encoding/json"

// Session is adapter.Session until the core has it.
type Session struct {
	SID, PID string
	Rooms    []string
	Data     json.RawMessage
}
