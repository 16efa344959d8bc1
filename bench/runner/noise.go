package runner

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Why this file exists: on a shared machine a slow or stalled run has two
// usual causes the per-process figures cannot tell apart: other processes
// taking the cores (both server and load generator then show little CPU),
// and TCP timeouts (a dropped SYN is retransmitted after 1 s, a lost
// segment after at least 200 ms). Each run therefore records how much CPU
// the rest of the machine used and the kernel-wide TCP timeout counters,
// and the report names the cells they may have skewed. The counters are
// machine-wide: another session's load can move them too.

// machineSnap is the state of the whole machine at one instant.
type machineSnap struct {
	busy time.Duration    // CPU time of every core but idle and iowait
	tcp  map[string]int64 // TcpExt counters of interest
}

// tcpCounters are the TcpExt counters recorded per run.
var tcpCounters = []string{"TCPSynRetrans", "ListenOverflows", "TCPTimeouts"}

func snapMachine() (machineSnap, error) {
	var m machineSnap
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return m, err
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := strings.Fields(string(line))
	if len(f) < 5 || f[0] != "cpu" {
		return m, fmt.Errorf("runner: bad /proc/stat")
	}
	var ticks int64
	for i, s := range f[1:] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		if i >= 8 { // guest time is counted in user already
			break
		}
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return m, fmt.Errorf("runner: /proc/stat: %w", err)
		}
		ticks += v
	}
	m.busy = time.Duration(ticks) * time.Second / clkTck
	m.tcp, err = tcpExt()
	return m, err
}

// tcpExt reads the TcpExt counters of tcpCounters from /proc/net/netstat,
// where they come as a line of names followed by a line of values.
func tcpExt() (map[string]int64, error) {
	fh, err := os.Open("/proc/net/netstat")
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	out := map[string]int64{}
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var names []string
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || f[0] != "TcpExt:" {
			continue
		}
		if names == nil {
			names = f
			continue
		}
		for i := 1; i < len(f) && i < len(names); i++ {
			for _, want := range tcpCounters {
				if names[i] == want {
					out[want], _ = strconv.ParseInt(f[i], 10, 64)
				}
			}
		}
		break
	}
	return out, sc.Err()
}

// noiseNote describes what may have skewed a cell's runs, or "".
func (c *Cell) noiseNote() string {
	var parts []string
	var syn, over int64
	other := 0.0
	for _, s := range c.Samples {
		syn += s.SynRetrans
		over += s.ListenOverflows
		other = max(other, s.OtherShare)
	}
	if syn > 0 || over > 0 {
		parts = append(parts, fmt.Sprintf("%d SYN retransmits and %d listen-queue overflows on the machine during its runs (each SYN retransmit is a 1 s stall for that client)", syn, over))
	}
	if other >= 0.25 {
		parts = append(parts, fmt.Sprintf("other processes used up to %.0f%% of a core during a run", 100*other))
	}
	return strings.Join(parts, "; ")
}
