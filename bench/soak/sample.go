package soak

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// Sample is the server's state at one moment.
type Sample struct {
	T              float64 `json:"t"`   // seconds since the server was ready
	RSS            int64   `json:"rss"` // bytes, VmRSS
	FDs            int     `json:"fds"` // entries of /proc/<pid>/fd
	Goroutines     int     `json:"goroutines"`
	Sessions       int     `json:"sessions"` // both roads
	LegacySessions int     `json:"legacy_sessions"`
	Clients        int     `json:"clients"` // the runner's clients open
	Opens, Closes  int64
}

// Sampler reads a server process's state.
type Sampler struct {
	PID      int
	StatsURL string // http://host:port/stats
	Start    time.Time
}

var statsClient = &http.Client{Timeout: 10 * time.Second}

// Take reads one sample; the stats it got from the server are returned too.
func (s *Sampler) Take(clients int) (Sample, ServerStats, error) {
	var st ServerStats
	smp := Sample{T: time.Since(s.Start).Seconds(), Clients: clients}
	var err error
	if smp.RSS, err = processRSS(s.PID); err != nil {
		return smp, st, err
	}
	fds, err := os.ReadDir("/proc/" + strconv.Itoa(s.PID) + "/fd")
	if err != nil {
		return smp, st, fmt.Errorf("open files of %d: %w", s.PID, err)
	}
	smp.FDs = len(fds)
	resp, err := statsClient.Get(s.StatsURL)
	if err != nil {
		return smp, st, fmt.Errorf("server stats: %w", err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		return smp, st, fmt.Errorf("server stats: %w", err)
	}
	smp.Goroutines = st.Goroutines
	smp.Sessions = st.Sessions + st.LegacySessions
	smp.LegacySessions = st.LegacySessions
	smp.Opens, smp.Closes = st.Opens, st.Closes
	return smp, st, nil
}

// processRSS is VmRSS of pid in bytes.
func processRSS(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			if f := strings.Fields(v); len(f) >= 1 {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				return kb << 10, err
			}
		}
	}
	return 0, errors.New("soak: no VmRSS")
}

// Since is the seconds since Start, on the samples' clock.
func (s *Sampler) Since() float64 { return time.Since(s.Start).Seconds() }
