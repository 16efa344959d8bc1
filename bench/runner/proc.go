package runner

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// procs is every process group the runner started and has not reaped yet;
// KillAll ends them (the CLI calls it on exit, error and Ctrl-C).
var procs struct {
	sync.Mutex
	m map[int]*exec.Cmd
}

func track(c *exec.Cmd) {
	procs.Lock()
	defer procs.Unlock()
	if procs.m == nil {
		procs.m = map[int]*exec.Cmd{}
	}
	procs.m[c.Process.Pid] = c
}

func untrack(c *exec.Cmd) {
	procs.Lock()
	defer procs.Unlock()
	delete(procs.m, c.Process.Pid)
}

// KillAll sends SIGKILL to the process group of every process the runner
// started and still tracks. Safe to call more than once and from a signal
// handler goroutine.
func KillAll() {
	procs.Lock()
	defer procs.Unlock()
	for pid := range procs.m {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

// command prepares argv pinned to cpus with taskset, in its own process
// group, killed by the kernel if the runner dies (Pdeathsig).
func command(cpus string, argv []string, dir string, env []string) *exec.Cmd {
	args := argv
	if cpus != "" {
		args = append([]string{"taskset", "-c", cpus}, argv...)
	}
	c := exec.Command(args[0], args[1:]...)
	c.Dir = dir
	c.Env = append(os.Environ(), env...)
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	return c
}

// stop ends c's process group: SIGTERM, then SIGKILL after grace, and reaps.
func stop(c *exec.Cmd, done <-chan struct{}, grace time.Duration) {
	if c == nil || c.Process == nil {
		return
	}
	pid := c.Process.Pid
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(grace):
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		<-done
	}
	// Whatever the group still holds (children that outlived the leader).
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	untrack(c)
}

// server is one running server under test.
type server struct {
	name   string
	cmd    *exec.Cmd
	pid    int
	addr   string
	stdin  io.WriteCloser
	done   chan struct{} // closed when the process has exited
	err    error         // its exit status, once done is closed
	stderr *tailBuffer
}

// readyLine is what a server prints once listening.
type readyLine struct {
	Ready  bool   `json:"ready"`
	Server string `json:"server"`
	PID    int    `json:"pid"`
	Addr   string `json:"addr"`
}

// startServer starts spec pinned to cpus and waits for its readiness line.
func startServer(ctx context.Context, spec ServerSpec, cpus string, timeout time.Duration) (*server, error) {
	argv := append([]string(nil), spec.Argv...)
	env := append([]string{"BENCH_PARENT_PIPE=1", "BENCH_ADDR=127.0.0.1:0"}, spec.Env...)
	c := command(cpus, argv, spec.Dir, env)
	stdin, err := c.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := c.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s := &server{name: spec.Name, cmd: c, stdin: stdin, done: make(chan struct{}), stderr: &tailBuffer{max: 4096}}
	c.Stderr = s.stderr
	if err := c.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", spec.Name, err)
	}
	track(c)
	s.pid = c.Process.Pid
	lines := make(chan readyLine, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			var r readyLine
			if !sent && json.Unmarshal(sc.Bytes(), &r) == nil && r.Ready {
				lines <- r
				sent = true
			}
		}
	}()
	go func() { s.err = c.Wait(); close(s.done) }()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case r := <-lines:
		s.addr = r.Addr
		if r.PID != 0 && r.PID != s.pid {
			s.close()
			return nil, fmt.Errorf("%s: ready line from pid %d, started pid %d (not pinned?)", spec.Name, r.PID, s.pid)
		}
		return s, nil
	case <-s.done:
		s.close()
		return nil, fmt.Errorf("%s exited before ready (%v): %s", spec.Name, s.err, s.stderr.String())
	case <-t.C:
		s.close()
		return nil, fmt.Errorf("%s not ready within %s: %s", spec.Name, timeout, s.stderr.String())
	case <-ctx.Done():
		s.close()
		return nil, ctx.Err()
	}
}

func (s *server) alive() bool {
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

func (s *server) close() {
	_ = s.stdin.Close()
	stop(s.cmd, s.done, 2*time.Second)
}

// tailBuffer keeps the last max bytes written (a process's stderr).
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.b))
}

// clkTck is USER_HZ, the unit of utime and stime in /proc/<pid>/stat; 100
// on every Linux architecture Go supports.
const clkTck = 100

// cpuTime is utime+stime of pid (all its threads, and its children that
// it waited for: cutime+cstime) from /proc/<pid>/stat.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces and parentheses: split after the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, errors.New("runner: bad /proc stat")
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state); utime is field 14, stime 15, cutime 16, cstime 17.
	if len(f) < 15 {
		return 0, errors.New("runner: short /proc stat")
	}
	var ticks int64
	for _, k := range []int{11, 12, 13, 14} {
		v, err := strconv.ParseInt(f[k], 10, 64)
		if err != nil {
			return 0, err
		}
		ticks += v
	}
	return time.Duration(ticks) * time.Second / clkTck, nil
}

// rss is VmRSS of pid in bytes, from /proc/<pid>/status.
func rss(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(v)
			if len(f) >= 1 {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				return kb << 10, err
			}
		}
	}
	return 0, errors.New("runner: no VmRSS")
}
