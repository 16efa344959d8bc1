package loadgen

import "fmt"

// Transports of Config.Transport.
const (
	Websocket = "websocket"
	Polling   = "polling"
)

// Idle polling sessions (conns with Transport polling) are the clients of
// polling-echo left alone: a GET always parked on one keep-alive
// connection, answered by the server with a ping "2" every ping interval,
// and a POST connection that carries "40" once and then one pong "3" per
// ping. So a session holds at most two sockets (Sockets counts two), and
// usually fewer on servers that close idle keep-alive connections: the POST
// connection is then reopened only when there is something to post (see
// reopenPost).

// polling tells whether the run's clients use long-polling.
func (c *Config) polling() bool { return c.Transport == Polling || c.Scenario == PollingEcho }

// normalizeTransport checks Transport and fills in its default.
func (c *Config) normalizeTransport() error {
	switch c.Transport {
	case "":
		c.Transport = Websocket
	case Websocket, Polling:
	default:
		return fmt.Errorf("loadgen: unknown transport %q (websocket, polling)", c.Transport)
	}
	if c.Scenario == PollingEcho {
		c.Transport = Polling
	}
	if c.Transport == Polling && (c.Raw || c.Scenario != Conns && c.Scenario != PollingEcho) {
		return fmt.Errorf("loadgen: the polling transport is for conns and polling-echo, without -raw")
	}
	return nil
}

// reopenPost dials a new POST connection after the server closed the idle
// one; connUp sends the queued packets once it is up. Reopening only on
// demand matters for idle sessions: Node's keep-alive timeout (5 s) is far
// shorter than the ping interval, and reopening at once would turn every
// held session into a reconnect every 5 s.
func (c *client) reopenPost() {
	cn, err := c.l.dial(c, rolePost)
	if err != nil {
		c.fail("dial: " + err.Error())
		return
	}
	c.post = cn
}
