package clustertest

import (
	"testing"
)

// TestEmitterContract drives each kind's cluster from Node's
// @socket.io/redis-emitter, a process with no server: its broadcasts,
// server-side emits, remote joins/leaves and disconnects reach every node
// (tornadio nodes obey Node's emitter). Only the classic pub/sub channels
// carry the emitter's messages.
func TestEmitterContract(t *testing.T) {
	for _, kind := range Kinds {
		if !capabilities(kind).Emitter {
			continue
		}
		t.Run(kind, func(t *testing.T) {
			c := newCluster(t, kind)
			e := startEmitter(t, c.redis.Addr())
			t.Run("broadcast", func(t *testing.T) {
				for _, nsp := range namespaces {
					checkBroadcast(t, c, e, nsp, nil, nil)
					checkBroadcast(t, c, e, nsp, []string{"r1"}, nil)
					checkBroadcast(t, c, e, nsp, nil, []string{"r1"})
					checkBroadcast(t, c, e, nsp, []string{"r1", "r2"}, []string{"r1"})
				}
			})
			t.Run("broadcast-socket-id", func(t *testing.T) {
				for i := range c.nodes {
					target := c.selectMembers("/chat", nil, nil, i)[0]
					ev := c.token("sid")
					do(t, e, Op{Op: "emit", Nsp: "/chat", Event: ev, Rooms: []string{target.Sid}})
					c.expectDeliveries(t, e, ev, []*member{target}, delivery{})
				}
			})
			t.Run("broadcast-binary", func(t *testing.T) {
				ev := c.token("bin")
				args := []any{Bin([]byte{0, 1, 0xff}), map[string]any{"tok": ev, "b": Bin([]byte("xyz"))}}
				do(t, e, Op{Op: "emit", Nsp: "/", Event: ev, Args: args})
				c.expectDeliveries(t, e, ev, c.selectMembers("/", nil, nil, -1), delivery{Args: args})
			})
			t.Run("server-side-emit", func(t *testing.T) {
				for _, nsp := range namespaces {
					checkServerSideEmit(t, c, e, -1, nsp)
				}
			})
			t.Run("sockets-join-leave", func(t *testing.T) {
				for i, nsp := range namespaces {
					checkJoinLeave(t, c, e, i, nsp)
				}
			})
			t.Run("disconnect-sockets", func(t *testing.T) { checkDisconnect(t, c, e, false) })
			t.Run("disconnect-sockets-close", func(t *testing.T) { checkDisconnect(t, c, e, true) })
		})
	}
}
