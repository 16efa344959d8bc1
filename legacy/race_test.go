//go:build race

package legacy

// raceEnabled: the race detector makes sync.Pool drop items at random, so
// encoding/json's pooled scanner (json.Valid) may allocate; allocation
// tests that go through it are skipped.
const raceEnabled = true
