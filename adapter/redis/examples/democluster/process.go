package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// process is one child of the demo (redis-server, the Node node, nginx), in
// a process group of its own so that stopping it stops its workers too, and
// so that the terminal's Ctrl-C reaches only the launcher, which then stops
// the children in order.
type process struct {
	name string
	cmd  *exec.Cmd
	done chan struct{} // closed once the process has exited
	err  error         // Wait's result, set before done closes
}

// startProcess starts cmd; every line it writes on stderr (and on stdout,
// unless onStdout takes them) goes to logw prefixed with the name. onStdout,
// when not nil, sees each stdout line instead.
func startProcess(name string, cmd *exec.Cmd, logw io.Writer, onStdout func(line string)) (*process, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	setParentDeathSignal(cmd.SysProcAttr)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("%s: stdout: %w", name, err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, fmt.Errorf("%s: stderr: %w", name, err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, done: make(chan struct{})}
	var copying sync.WaitGroup
	copying.Add(2)
	go func() {
		defer copying.Done()
		forwardLines(stdout, func(line string) {
			if onStdout != nil {
				onStdout(line)
			} else {
				fmt.Fprintf(logw, "[%s] %s\n", name, line)
			}
		})
	}()
	go func() {
		defer copying.Done()
		forwardLines(stderr, func(line string) { fmt.Fprintf(logw, "[%s] %s\n", name, line) })
	}()
	go func() {
		copying.Wait() // Wait closes the pipes: read them to the end first
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

func forwardLines(r io.Reader, fn func(string)) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		fn(strings.TrimRight(sc.Text(), "\r"))
	}
	_, _ = io.Copy(io.Discard, r)
}

// exited reports whether the process has ended, and how.
func (p *process) exited() (bool, error) {
	select {
	case <-p.done:
		return true, p.err
	default:
		return false, nil
	}
}

// stop sends SIGTERM to the process group and waits up to grace for the
// process to exit; then it kills the group.
func (p *process) stop(grace time.Duration) error {
	if done, _ := p.exited(); done {
		return nil
	}
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
		return nil
	case <-time.After(grace):
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	select {
	case <-p.done:
		return fmt.Errorf("%s did not exit within %v of SIGTERM; killed", p.name, grace)
	case <-time.After(5 * time.Second):
		return errors.New(p.name + " did not exit after SIGKILL")
	}
}
