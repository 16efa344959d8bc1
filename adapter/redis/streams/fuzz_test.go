package streams

import (
	"testing"

	"github.com/tornadio/tornadio/adapter"
)

// FuzzStreamEntry: a stream entry's fields, whoever wrote them, decode into
// a message and a replayable packet, or are dropped; never a panic.
// Seeded with entries as Node's adapter writes them.
func FuzzStreamEntry(f *testing.F) {
	f.Add("3", `{"packet":{"type":2,"data":["warm",{"tok":"warm-N"}]},"opts":{"rooms":[],"except":[],"flags":{}}}`)
	f.Add("3", "gqZwYWNrZXSCpHR5cGUCpGRhdGGSpGV2LTGBo2JpbsQDAQL/pG9wdHODpXJvb21zkKZleGNlcHSQpWZsYWdzgA==")
	f.Add("4", `{"opts":{"rooms":["s"],"except":[],"flags":{}},"rooms":["rj-N"]}`)
	f.Add("6", `{"opts":{"rooms":["s"],"except":[],"flags":{}},"close":false}`)
	f.Fuzz(func(t *testing.T, typ, data string) {
		values := map[string]any{"uid": "other", "nsp": "/", "type": typ, "data": data}
		_, _ = decodeEntry(values)
		_ = missedPacket(values, []string{"r1", "s"}, "/", "1-1")
	})
}

// FuzzSession: a stored session's value, whoever wrote it, decodes or is
// refused; never a panic. Seeded with the encoding of a session.
func FuzzSession(f *testing.F) {
	v, err := encodeSession(&adapter.Session{SID: "s", PID: "p", Rooms: []string{"s", "r1"}, Data: []byte(`{"name":"ann"}`)})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(v)
	f.Fuzz(func(t *testing.T, value string) { _, _ = decodeSession(value) })
}
