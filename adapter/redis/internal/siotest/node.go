package siotest

import (
	"log/slog"

	"github.com/tornadio/tornadio"
)

// Quiet is a logger that drops everything, for the servers and adapters of
// tests whose failures the tests themselves report.
var Quiet = slog.New(slog.DiscardHandler)

// JoinFromAuth returns the connection handler of the tests' nodes: the
// socket's auth payload {name, rooms} sets its data to {name, node} and
// joins it to rooms.
func JoinFromAuth(node string) func(s *tornadio.Socket) {
	return func(s *tornadio.Socket) {
		var auth struct {
			Name  string   `json:"name"`
			Rooms []string `json:"rooms"`
		}
		_ = s.Request().DecodeAuth(&auth)
		s.SetData(map[string]string{"name": auth.Name, "node": node})
		s.Join(auth.Rooms...)
	}
}
