package redistest

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Command is one command Redis executed, as MONITOR reports it.
type Command struct {
	// Args are the command's words, unquoted; Args[0] is the command name
	// upper-cased (PUBLISH, SPUBLISH, XADD, ...).
	Args []string
	// Client is the issuing connection's address as Redis prints it
	// ("127.0.0.1:54321"), or "lua" for commands run by scripts.
	Client string
}

// Name is the command's name, upper-cased.
func (c Command) Name() string {
	if len(c.Args) == 0 {
		return ""
	}
	return c.Args[0]
}

// Monitor records the commands the server executes, read from MONITOR on a
// connection of its own. It stops when the test ends or the server dies (a
// Restart needs a new Monitor).
type Monitor struct {
	conn net.Conn
	addr string // the server's, for Sync

	mu      sync.Mutex
	cmds    []Command
	changed chan struct{} // closed and replaced on every new command
	err     error         // why reading stopped; set once
}

// Monitor starts recording. Commands executed before it returns are not
// recorded; commands executed after are, in execution order.
func (s *Server) Monitor(t testing.TB) *Monitor {
	t.Helper()
	conn, err := net.DialTimeout("tcp", s.Addr(), startTimeout)
	if err != nil {
		t.Fatalf("redistest: monitor: dial %s: %v", s.Addr(), err)
	}
	m := &Monitor{conn: conn, addr: s.Addr(), changed: make(chan struct{})}
	t.Cleanup(func() { _ = conn.Close() })
	r := bufio.NewReaderSize(conn, 64<<10)
	_ = conn.SetDeadline(time.Now().Add(startTimeout))
	if _, err := conn.Write([]byte("MONITOR\r\n")); err != nil {
		t.Fatalf("redistest: monitor: %v", err)
	}
	line, err := r.ReadString('\n')
	if err != nil || strings.TrimRight(line, "\r\n") != "+OK" {
		t.Fatalf("redistest: MONITOR answered %q, %v", line, err)
	}
	_ = conn.SetDeadline(time.Time{})
	go m.read(r)
	return m
}

// read parses MONITOR lines until the connection ends.
func (m *Monitor) read(r *bufio.Reader) {
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			m.stop(err)
			return
		}
		line = strings.TrimRight(line, "\r\n")
		if !strings.HasPrefix(line, "+") {
			m.stop(fmt.Errorf("unexpected MONITOR line %q", line))
			return
		}
		cmd, err := parseMonitorLine(line[1:])
		if err != nil {
			m.stop(err)
			return
		}
		m.mu.Lock()
		m.cmds = append(m.cmds, cmd)
		close(m.changed)
		m.changed = make(chan struct{})
		m.mu.Unlock()
	}
}

func (m *Monitor) stop(err error) {
	m.mu.Lock()
	if m.err == nil {
		m.err = err
	}
	close(m.changed)
	m.changed = make(chan struct{})
	m.mu.Unlock()
}

// Commands returns every command recorded so far, in execution order.
func (m *Monitor) Commands() []Command {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Command(nil), m.cmds...)
}

// Len is the number of commands recorded so far; with Since it brackets the
// commands of one step of a test.
func (m *Monitor) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.cmds)
}

// Since returns the commands recorded after the first mark ones.
func (m *Monitor) Since(mark int) []Command {
	m.mu.Lock()
	defer m.mu.Unlock()
	if mark > len(m.cmds) {
		mark = len(m.cmds)
	}
	return append([]Command(nil), m.cmds[mark:]...)
}

// Count returns how many of cmds are named name (case-insensitive) and have
// an argument containing substr ("" matches every one). A broadcast carrying
// a unique token in its arguments is counted by that token: Count(cmds,
// "PUBLISH", token).
func Count(cmds []Command, name, substr string) int {
	n := 0
	for _, c := range cmds {
		if !strings.EqualFold(c.Name(), name) {
			continue
		}
		if substr == "" {
			n++
			continue
		}
		for _, a := range c.Args[1:] {
			if strings.Contains(a, substr) {
				n++
				break
			}
		}
	}
	return n
}

// Sync returns once every command the server executed before the call has
// been recorded. It sends an ECHO with a unique word on a short-lived
// connection of its own and waits for the monitor to see it: Redis executes
// commands one at a time and feeds MONITOR in that order, so this is a
// barrier, not a guess at a delay.
func (m *Monitor) Sync(t testing.TB) {
	t.Helper()
	m.syncWith(t, func(ctx context.Context, word string) error {
		deadline, _ := ctx.Deadline()
		conn, err := net.DialTimeout("tcp", m.addr, time.Until(deadline))
		if err != nil {
			return err
		}
		defer conn.Close()
		_ = conn.SetDeadline(deadline)
		if _, err := fmt.Fprintf(conn, "*2\r\n$4\r\nECHO\r\n$%d\r\n%s\r\n", len(word), word); err != nil {
			return err
		}
		line, err := bufio.NewReader(conn).ReadString('\n')
		if err != nil {
			return err
		}
		if !strings.HasPrefix(line, "$") {
			return fmt.Errorf("ECHO answered %q", line)
		}
		return nil
	})
}

func (m *Monitor) syncWith(t testing.TB, echo func(ctx context.Context, word string) error) {
	t.Helper()
	var b [8]byte
	_, _ = rand.Read(b[:])
	word := "redistest-sync-" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := echo(ctx, word); err != nil {
		t.Fatalf("redistest: monitor sync: ECHO: %v", err)
	}
	m.WaitFor(t, startTimeout, func(cmds []Command) bool {
		for i := len(cmds) - 1; i >= 0; i-- {
			if cmds[i].Name() == "ECHO" && len(cmds[i].Args) == 2 && cmds[i].Args[1] == word {
				return true
			}
		}
		return false
	})
}

// WaitFor waits until cond holds for the commands recorded so far, failing
// the test after timeout or when the monitor stops first.
func (m *Monitor) WaitFor(t testing.TB, timeout time.Duration, cond func([]Command) bool) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		m.mu.Lock()
		ok := cond(m.cmds)
		err, changed := m.err, m.changed
		m.mu.Unlock()
		if ok {
			return
		}
		if err != nil {
			t.Fatalf("redistest: monitor stopped before the condition held: %v", err)
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("redistest: monitor: condition not met after %v (%d commands recorded)", timeout, m.Len())
		}
	}
}

// Err reports why the monitor stopped, or nil while it records.
func (m *Monitor) Err() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.err
}

// parseMonitorLine parses the text of one MONITOR line (without its leading
// '+'): `<unix time> [<db> <client>] "<arg>" "<arg>" ...`, each argument
// quoted with Redis's escapes (\" \\ \n \r \t \a \b \xHH).
func parseMonitorLine(s string) (Command, error) {
	open := strings.IndexByte(s, '[')
	end := strings.IndexByte(s, ']')
	if open < 0 || end < open {
		return Command{}, fmt.Errorf("MONITOR line without a client: %q", s)
	}
	var cmd Command
	if f := strings.Fields(s[open+1 : end]); len(f) == 2 {
		cmd.Client = f[1]
	}
	rest := s[end+1:]
	for {
		rest = strings.TrimLeft(rest, " ")
		if rest == "" {
			break
		}
		if rest[0] != '"' {
			return Command{}, fmt.Errorf("MONITOR argument not quoted in %q", s)
		}
		arg, n, err := unquote(rest)
		if err != nil {
			return Command{}, fmt.Errorf("MONITOR line %q: %w", s, err)
		}
		cmd.Args = append(cmd.Args, arg)
		rest = rest[n:]
	}
	if len(cmd.Args) == 0 {
		return Command{}, fmt.Errorf("MONITOR line without a command: %q", s)
	}
	cmd.Args[0] = strings.ToUpper(cmd.Args[0])
	return cmd, nil
}

// unquote decodes the quoted string at the start of s (Redis's sdscatrepr
// form) and returns it and the number of bytes of s it used.
func unquote(s string) (string, int, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			return b.String(), i + 1, nil
		case c != '\\':
			b.WriteByte(c)
		case i+1 >= len(s):
			return "", 0, errors.New("dangling backslash")
		default:
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'a':
				b.WriteByte('\a')
			case 'b':
				b.WriteByte('\b')
			case 'x':
				if i+2 >= len(s) {
					return "", 0, errors.New(`short \x escape`)
				}
				v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
				if err != nil {
					return "", 0, fmt.Errorf(`bad \x escape: %w`, err)
				}
				b.WriteByte(byte(v))
				i += 2
			default: // \" and \\
				b.WriteByte(s[i])
			}
		}
	}
	return "", 0, errors.New("unterminated quote")
}
