package loadgen

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// DefaultBroadcastWindow is how many broadcasts the max-rate sender lets
// be undelivered at once: enough that the servers never wait for the load
// generator's reading, few enough that no queue grows.
const DefaultBroadcastWindow = 4

// Scenario names.
const (
	Conns       = "conns"
	Echo        = "echo"
	Broadcast   = "broadcast"
	PollingEcho = "polling-echo"
)

// Config describes one run. Zero fields take the defaults documented on
// each field (see Normalize).
type Config struct {
	Scenario string `json:"scenario"`
	// Target is the server's host:port; it must be a loopback address. A
	// comma-separated list spreads the clients over several servers (the
	// nodes of a cluster; see Targets).
	Target string `json:"target"`
	// Path is the Engine.IO path; default "/socket.io/".
	Path string `json:"path"`
	// Transport is websocket (default) or polling; polling applies to
	// conns (polling-echo is always polling).
	Transport string `json:"transport"`
	// Raw drops Engine.IO and Socket.IO: the websocket carries the same text
	// frames a Socket.IO client would send, and whatever comes back is the
	// echo (echo) or a delivery (broadcast). For the raw gnet baseline.
	Raw bool `json:"raw"`
	// Clients is N for conns and broadcast (receivers), C for the echoes.
	// Default 100.
	Clients int `json:"clients"`
	// Rate is sessions per second for conns (default 1000) and messages per
	// second for broadcast (default 10); unused otherwise.
	Rate float64 `json:"rate"`
	// MaxRate (broadcast only) replaces Rate by a closed loop: the sender
	// emits the next broadcast as soon as fewer than Window broadcasts'
	// worth of deliveries are missing, so the servers run as fast as they
	// can deliver. It needs every receiver in the sender's process.
	MaxRate bool `json:"max_rate"`
	// ConnectRate paces the session openings of echo and broadcast; 0 opens
	// them as fast as MaxInflight allows.
	ConnectRate float64 `json:"connect_rate"`
	// MaxInflight bounds the openings in progress at once in one process;
	// default 500.
	MaxInflight int `json:"max_inflight"`
	// ConnectTimeout fails an opening that takes longer; default 10 s.
	ConnectTimeout time.Duration `json:"connect_timeout"`
	// Hold is how long conns keeps its sessions open; default 10 s.
	Hold time.Duration `json:"hold"`
	// Duration is the measured window of echo, broadcast and polling-echo;
	// default 10 s.
	Duration time.Duration `json:"duration"`
	// Drain is how long broadcast waits after the last send for deliveries
	// in flight; default 2 s (it stops early once deliveries go quiet).
	Drain time.Duration `json:"drain"`
	// Window is how many echoes each client keeps in flight (echo);
	// default 1, the browser-like pattern: the next emit leaves when the
	// previous one's ack arrives. More pipelines them. With MaxRate, it is
	// how many broadcasts may be undelivered at once (default
	// DefaultBroadcastWindow).
	Window int `json:"window"`
	// Payload is the size in bytes of the string argument; default 64.
	Payload int `json:"payload"`
	// Words makes the payload pseudo-random lower-case words (compressing
	// about as well as prose) instead of one repeated letter, which
	// compresses to almost nothing.
	Words bool `json:"words"`
	// Deflate offers permessage-deflate on every websocket (as Chromium and
	// Node's ws client do) and fails a session whose server does not accept
	// it; compressed messages are inflated before they are parsed, and
	// messages of DeflateThreshold bytes or more (default 1024, ws's) are
	// sent compressed. Websocket only.
	Deflate          bool `json:"deflate"`
	DeflateThreshold int  `json:"deflate_threshold"`
	// SrcIPs spreads clients over 127.0.0.2 … 127.0.0.(1+SrcIPs); default
	// enough that no source address needs more ports than PortsPerIP.
	SrcIPs int `json:"src_ips"`
	// Loops is the number of epoll loops per process; default GOMAXPROCS
	// divided among the processes, at least 1.
	Loops int `json:"loops"`
	// Procs is the number of processes; default enough that none holds more
	// than MaxFDs sockets. Only the CLI (Orchestrate) uses more than one.
	Procs int `json:"procs"`
	// MaxFDs is the socket budget of one process; default 19000.
	MaxFDs int `json:"max_fds"`
}

// PortsPerIP is the most connections the default SrcIPs puts on one source
// address: 50 000, or less when the kernel's ephemeral range is smaller.
func PortsPerIP() int {
	n := 50000
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return n
	}
	f := strings.Fields(string(b))
	if len(f) == 2 {
		lo, e1 := strconv.Atoi(f[0])
		hi, e2 := strconv.Atoi(f[1])
		if e1 == nil && e2 == nil && hi > lo {
			// Leave room for the server's and other programs' ports.
			if r := (hi - lo + 1) * 9 / 10; r < n {
				n = r
			}
		}
	}
	return n
}

// Sockets is the number of client sockets the run opens in total.
func (c *Config) Sockets() int {
	n := c.Clients
	if c.Scenario == Broadcast {
		n++ // the sender
	}
	if c.polling() {
		n *= 2 // a GET and a POST connection per client
	}
	return n
}

// Normalize checks c and fills in the defaults.
func (c *Config) Normalize() error {
	switch c.Scenario {
	case Conns, Echo, Broadcast, PollingEcho:
	case "":
		return errors.New("loadgen: no scenario")
	default:
		return fmt.Errorf("loadgen: unknown scenario %q", c.Scenario)
	}
	if c.Raw && c.Scenario == PollingEcho {
		return errors.New("loadgen: raw mode is websocket only")
	}
	if err := c.normalizeTransport(); err != nil {
		return err
	}
	if c.Deflate && (c.Raw || c.polling()) {
		return errors.New("loadgen: permessage-deflate applies to Socket.IO over websocket only")
	}
	if c.Deflate && c.DeflateThreshold <= 0 {
		c.DeflateThreshold = 1024
	}
	for _, t := range c.Targets() {
		if err := checkLoopback(t); err != nil {
			return err
		}
	}
	if c.Path == "" {
		c.Path = "/socket.io/"
	}
	if c.Clients <= 0 {
		c.Clients = 100
	}
	if c.Rate <= 0 {
		switch c.Scenario {
		case Conns:
			c.Rate = 1000
		case Broadcast:
			c.Rate = 10
		}
	}
	if c.MaxInflight <= 0 {
		c.MaxInflight = 500
	}
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = 10 * time.Second
	}
	if c.Hold <= 0 {
		c.Hold = 10 * time.Second
	}
	if c.Duration <= 0 {
		c.Duration = 10 * time.Second
	}
	if c.Drain <= 0 {
		c.Drain = 2 * time.Second
	}
	if c.Payload <= 0 {
		c.Payload = 64
	}
	if c.MaxRate && c.Scenario != Broadcast {
		return fmt.Errorf("loadgen: max rate applies to broadcast only, not %s", c.Scenario)
	}
	if c.Window <= 0 {
		c.Window = 1
		if c.MaxRate {
			c.Window = DefaultBroadcastWindow
		}
	}
	if c.Window > 1 && c.Scenario != Echo && !c.MaxRate {
		return fmt.Errorf("loadgen: a window of %d in flight applies to the websocket echo and the max-rate broadcast only, not %s", c.Window, c.Scenario)
	}
	if c.MaxFDs <= 0 {
		c.MaxFDs = 19000
	}
	if c.SrcIPs <= 0 {
		c.SrcIPs = (c.Sockets() + PortsPerIP() - 1) / PortsPerIP()
	}
	if c.SrcIPs > 250 {
		return errors.New("loadgen: at most 250 source addresses (127.0.0.2-127.0.0.251)")
	}
	if c.Procs <= 0 {
		c.Procs = (c.Sockets() + c.MaxFDs - 1) / c.MaxFDs
	}
	if c.MaxRate && c.Procs > 1 {
		return fmt.Errorf("loadgen: max rate needs every receiver in one process; %d sockets need %d", c.Sockets(), c.Procs)
	}
	if c.Loops <= 0 {
		c.Loops = max(1, runtime.GOMAXPROCS(0)/c.Procs)
	}
	return nil
}

// checkLoopback refuses any target that is not a loopback address.
func checkLoopback(target string) error {
	host, port, err := net.SplitHostPort(target)
	if err != nil {
		return fmt.Errorf("loadgen: target %q: %w", target, err)
	}
	if _, err := strconv.Atoi(port); err != nil {
		return fmt.Errorf("loadgen: target %q: bad port", target)
	}
	if host == "localhost" {
		return nil
	}
	a, err := netip.ParseAddr(host)
	if err != nil || !a.Is4() || !a.IsLoopback() {
		return fmt.Errorf("%w: %q is not an IPv4 loopback address", ErrNotLoopback, target)
	}
	return nil
}

// srcAddr is the source address of global client index i.
func (c *Config) srcAddr(i int) [4]byte {
	n := 2 + i%c.SrcIPs
	return [4]byte{127, 0, 0, byte(n)}
}
