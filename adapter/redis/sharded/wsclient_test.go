package sharded_test

import (
	"encoding/json"
	"testing"

	"github.com/tornadio/tornadio/adapter/redis/internal/siotest"
)

// wsClient is a websocket client of "/" that acknowledges every event with
// "ok"; its events read as their data array text (binary attachments
// appended as "+<hex>").
type wsClient struct {
	*siotest.Client
	t *testing.T
}

func dial(t *testing.T, addr string, auth map[string]any) *wsClient {
	t.Helper()
	raw, _ := json.Marshal(auth)
	name, _ := auth["name"].(string)
	return &wsClient{siotest.Dial(t, addr, "/", name, string(raw), `"ok"`), t}
}

// next returns the next event, failing after a generous deadline.
func (c *wsClient) next() string {
	c.t.Helper()
	return c.Next(c.t)
}

// expect reads events up to and including the sentinel; they must be
// exactly want, in order.
func (c *wsClient) expect(sentinel string, want ...string) {
	c.t.Helper()
	c.Expect(c.t, sentinel, want...)
}
