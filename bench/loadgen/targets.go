package loadgen

import (
	"net"
	"net/netip"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Several targets: Config.Target may list the nodes of a cluster,
// "127.0.0.1:3001,127.0.0.1:3002". The clients are dealt out over them in
// turn (client i to target i mod n, so each node gets its share of every
// process and every loop) and the broadcast sender connects to the first.

// Targets returns the server addresses of Config.Target, in order.
func (c *Config) Targets() []string {
	return strings.Split(c.Target, ",")
}

// targetOf is the index in Targets of the server that global client index i
// connects to.
func targetOf(i, targets int) int { return i % targets }

// target is one server as a Session talks to it: its address and the
// requests that open a session there (their Host header names it).
type target struct {
	host         string
	addr         unix.SockaddrInet4
	upgradeReq   []byte
	handshakeReq []byte
}

// newTargets prepares the targets of a normalized cfg.
func newTargets(cfg *Config) []target {
	var ts []target
	for _, host := range cfg.Targets() {
		ip, port := sockAddr(host)
		ts = append(ts, target{
			host:         host,
			addr:         unix.SockaddrInet4{Addr: ip, Port: port},
			upgradeReq:   appendUpgradeRequest(nil, cfg, host),
			handshakeReq: appendHandshakeRequest(nil, cfg, host),
		})
	}
	return ts
}

// sockAddr returns a checked loopback host:port as IPv4 bytes and port.
func sockAddr(hostport string) ([4]byte, int) {
	host, port, _ := net.SplitHostPort(hostport)
	p, _ := strconv.Atoi(port)
	if host == "localhost" {
		return [4]byte{127, 0, 0, 1}, p
	}
	return netip.MustParseAddr(host).As4(), p
}

// targetAddrs copies the targets' addresses, for one loop.
func targetAddrs(ts []target) []unix.SockaddrInet4 {
	out := make([]unix.SockaddrInet4, len(ts))
	for i, t := range ts {
		out[i] = unix.SockaddrInet4{Addr: t.addr.Addr, Port: t.addr.Port}
	}
	return out
}
