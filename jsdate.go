package tornadio

import "time"

// jsDateString writes t as JavaScript's Date.prototype.toString does in a
// process whose time zone is UTC, the form Node's handshake.time takes.
func jsDateString(t time.Time) string {
	return t.UTC().Format("Mon Jan 02 2006 15:04:05") + " GMT+0000 (Coordinated Universal Time)"
}
