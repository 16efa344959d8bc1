package loop

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Why the engine listens with SO_REUSEPORT: in that mode each gnet loop
// owns a listener and accepts on its own thread, one connection per
// readiness event, and runs OnOpen before it accepts the next; so the
// connection cap (connlimit.go) is applied before another descriptor is
// taken. gnet's default main reactor instead drains the listen queue on
// its own thread and hands each socket to a loop through a queue: a burst
// of connects piles up accepted descriptors faster than the loops can
// judge them, and the first EMFILE stops the engine (seen with 320
// loopback connects against a 256-descriptor limit). The kernel then
// spreads connections over the loops by a hash of the addresses instead
// of gnet's round-robin.

// pinAddrs turns the listen URLs into ones with fixed ports, and returns
// their host:port. SO_REUSEPORT needs it twice over: gnet binds one
// listener per loop, so a port 0 would give every loop its own port; and
// reuseport binds share a port silently with any other reuseport socket
// of the same user, so "address already in use" would no longer be
// reported. Each address is therefore first bound and listened on by a
// plain socket (no SO_REUSEPORT), all at once so that two port-0
// addresses get two ports, and closed before gnet binds. Another process
// could take a port-0 port in between; gnet's bind then fails.
func pinAddrs(protos []string) (pinned, hosts []string, err error) {
	var probes []net.Listener
	defer func() {
		for _, l := range probes {
			l.Close()
		}
	}()
	for _, p := range protos {
		u, err := url.Parse(p)
		if err != nil {
			return nil, nil, fmt.Errorf("tornadio/loop: listen %s: %w", p, err)
		}
		switch u.Scheme {
		case "tcp", "tcp4", "tcp6":
		default:
			return nil, nil, fmt.Errorf("tornadio/loop: listen %s: only tcp addresses", p)
		}
		l, err := net.Listen(u.Scheme, u.Host)
		if err != nil {
			return nil, nil, fmt.Errorf("tornadio/loop: listen %s: %w", p, err)
		}
		probes = append(probes, l)
		host, _, _ := net.SplitHostPort(u.Host)
		_, port, _ := net.SplitHostPort(l.Addr().String())
		hp := net.JoinHostPort(host, port)
		hosts = append(hosts, hp)
		pinned = append(pinned, u.Scheme+"://"+hp)
	}
	for _, l := range probes {
		if err := l.Close(); err != nil {
			return nil, nil, fmt.Errorf("tornadio/loop: listen %s: %w", l.Addr(), err)
		}
	}
	probes = nil
	return pinned, hosts, nil
}

// withScheme prefixes "tcp://" to an address without a scheme.
func withScheme(addr string) string {
	if strings.Contains(addr, "://") {
		return addr
	}
	return "tcp://" + addr
}
