package clustertest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestRedisRestart kills redis-server hard and starts it again, empty, on
// the same port: every node reconnects and resubscribes by itself, and
// broadcasts, server-side emits and requests work again from every node.
func TestRedisRestart(t *testing.T) {
	for _, kind := range Kinds {
		t.Run(kind, func(t *testing.T) {
			c := newCluster(t, kind)
			c.redis.Restart(t)
			c.monitor = c.redis.Monitor(t) // the old one died with the server
			c.waitServerCount(t)
			c.warmUp(t)
			for from, n := range c.nodes {
				t.Run("from-"+n.Name(), func(t *testing.T) {
					for _, nsp := range namespaces {
						checkBroadcast(t, c, n, nsp, nil, nil)
						checkBroadcast(t, c, n, nsp, []string{"r2"}, nil)
						checkServerSideEmit(t, c, n, from, nsp)
					}
					caseFetchSockets(t, c, from)
				})
			}
		})
	}
}

// killer is a node that can die hard, as a crash would.
type killer interface{ Kill() }

// killNode kills node i (which must be a killer) and forgets its clients.
func (c *cluster) killNode(t *testing.T, i int) {
	t.Helper()
	k, ok := c.nodes[i].(killer)
	if !ok {
		t.Skipf("%s cannot be killed", c.nodes[i].Name())
	}
	k.Kill()
	c.members = slices.DeleteFunc(c.members, func(m *member) bool { return m.Node == i })
}

// TestNodeKilled kills one node hard while a request waits on it: the
// request times out cleanly; the others count one server less, and
// broadcasts, acks, fetchSockets and server-side emits with acks work among
// the survivors without waiting on the dead node.
func TestNodeKilled(t *testing.T) {
	for _, kind := range Kinds {
		t.Run(kind, func(t *testing.T) {
			c := newCluster(t, kind)
			dead := len(c.nodes) - 1
			survivors := c.nodes[:dead]

			// A server-side emit with ack is pending on the node when it
			// dies (it never answers): the request times out with the
			// survivor's answer and Node's message.
			do(t, c.nodes[dead], Op{Op: "setServerSideAnswer", Nsp: "/", NoAnswer: true})
			ev := c.token("sse-dying")
			pending := make(chan ackResult, 1)
			go func() {
				var res ackResult
				raw, err := c.nodes[0].Do(Op{Op: "serverSideEmit", Nsp: "/", Event: ev, Ack: true})
				if err == nil {
					err = json.Unmarshal(raw, &res)
				}
				if err != nil {
					msg := err.Error()
					res.Err = &msg
				}
				pending <- res
			}()
			c.nodes[dead].Reports().WaitCount(t, ev+" at the dying node", 1, func(r Report) bool { return r.Event == "serverSideEmit" && r.Name == ev })
			c.killNode(t, dead)
			res := <-pending
			if got := res.answers(t); res.Err == nil || !strings.Contains(*res.Err, "timeout reached") || !slices.Equal(got, []string{survivors[1].Name()}) {
				t.Errorf("server-side emit pending on a dead node: err %v, answers %s; want a timeout with [%s]", quote(res.Err), quote(got), survivors[1].Name())
			}

			for _, n := range survivors {
				for _, nsp := range namespaces {
					waitFor(t, fmt.Sprintf("%s %s counts %d servers", n.Name(), nsp, len(survivors)), func() (bool, string) {
						var count int
						doInto(t, n, Op{Op: "serverCount", Nsp: nsp}, &count)
						return count == len(survivors), fmt.Sprint(count)
					})
				}
			}
			for from, n := range survivors {
				t.Run("from-"+n.Name(), func(t *testing.T) {
					for _, nsp := range namespaces {
						checkBroadcast(t, c, n, nsp, nil, nil)
					}
					caseBroadcastAck(t, c, from)
					caseFetchSockets(t, c, from)
					var res ackResult
					ev := c.token("sse-ack")
					doInto(t, n, Op{Op: "serverSideEmit", Nsp: "/", Event: ev, Ack: true}, &res)
					other := survivors[1-from].Name()
					if got := res.answers(t); res.Err != nil || !slices.Equal(got, []string{other}) {
						t.Errorf("server-side emit with ack: err %v, answers %s; want no error and [%s]", res.Err, quote(got), other)
					}
				})
			}
		})
	}
}
