package admin

import (
	"encoding/json"

	"github.com/tornadio/tornadio"
)

// eventJSON is an event as the UI's event log takes it: one array, the
// event's name then its arguments as they came (a binary argument shows
// as its placeholder).
func eventJSON(event string, args tornadio.Args) json.RawMessage {
	name, _ := json.Marshal(event) // a string always encodes
	out := make([]byte, 0, len(name)+2+16*args.Len())
	out = append(out, '[')
	out = append(out, name...)
	for i := range args.Len() {
		out = append(out, ',')
		if raw := args.Raw(i); len(raw) > 0 {
			out = append(out, raw...)
		} else {
			out = append(out, "null"...)
		}
	}
	return append(out, ']')
}
