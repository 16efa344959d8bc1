package loadgen

import (
	"errors"

	"golang.org/x/sys/unix"
)

// Connection roles.
const (
	roleWS   = iota // the websocket of a websocket client
	roleGet         // the long-polling GET connection
	rolePost        // the POST connection of a polling client
)

// conn is one non-blocking TCP socket owned by a loop.
type conn struct {
	fd    int
	cl    *client
	role  uint8
	up    bool // connect(2) completed
	armed bool // EPOLLOUT registered
	busy  bool // an HTTP request is waiting for its response
	in    []byte
	out   []byte
}

// dial opens a non-blocking socket from src to the target and registers it.
func (l *loop) dial(cl *client, role uint8) (*conn, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	// Pick the port at connect time, per 4-tuple, not at bind time.
	unix.SetsockoptInt(fd, unix.SOL_IP, unix.IP_BIND_ADDRESS_NO_PORT, 1)
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: cl.src}); err != nil {
		unix.Close(fd)
		return nil, err
	}
	unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	err = unix.Connect(fd, &l.targets[cl.dst])
	if err != nil && !errors.Is(err, unix.EINPROGRESS) {
		unix.Close(fd)
		return nil, err
	}
	c := &conn{fd: fd, cl: cl, role: role}
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP, Fd: int32(fd)}
	if err := unix.EpollCtl(l.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		unix.Close(fd)
		return nil, err
	}
	c.armed = true
	for fd >= len(l.conns) {
		l.conns = append(l.conns, make([]*conn, max(1024, len(l.conns)))...)
	}
	l.conns[fd] = c
	return c, nil
}

// close closes c's socket; c stays usable as a dead value.
func (l *loop) close(c *conn) {
	if c == nil || c.fd < 0 {
		return
	}
	if c.fd < len(l.conns) && l.conns[c.fd] == c {
		l.conns[c.fd] = nil
	}
	unix.Close(c.fd)
	c.fd = -1
	c.up = false
	c.in, c.out = nil, nil
}

func (l *loop) arm(c *conn, out bool) {
	if c.armed == out {
		return
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP, Fd: int32(c.fd)}
	if out {
		ev.Events |= unix.EPOLLOUT
	}
	unix.EpollCtl(l.epfd, unix.EPOLL_CTL_MOD, c.fd, &ev)
	c.armed = out
}

func (l *loop) writable(c *conn) {
	if !c.up {
		v, err := unix.GetsockoptInt(c.fd, unix.SOL_SOCKET, unix.SO_ERROR)
		if err == nil && v != 0 {
			err = unix.Errno(v)
		}
		if err != nil {
			c.cl.connLost(c, "connect: "+err.Error())
			return
		}
		c.up = true
		c.cl.connUp(c)
		if c.fd < 0 {
			return
		}
	}
	for len(c.out) > 0 {
		n, err := unix.Write(c.fd, c.out)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if errors.Is(err, unix.EAGAIN) {
			return
		}
		if err != nil {
			c.cl.connLost(c, "write: "+err.Error())
			return
		}
		c.out = c.out[n:]
	}
	c.out = nil
	l.arm(c, false)
}

// write sends b now, or queues what the socket does not take. b may be a
// scratch buffer: it is copied when queued.
func (l *loop) write(c *conn, b []byte) {
	if c.fd < 0 {
		return
	}
	if !c.up || len(c.out) > 0 {
		c.out = append(c.out, b...)
		return
	}
	for {
		n, err := unix.Write(c.fd, b)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if errors.Is(err, unix.EAGAIN) {
			n, err = 0, nil
		}
		if err != nil {
			c.cl.connLost(c, "write: "+err.Error())
			return
		}
		if n < len(b) {
			c.out = append(c.out, b[n:]...)
			l.arm(c, true)
		}
		return
	}
}

func (l *loop) readable(c *conn) {
	n, err := unix.Read(c.fd, l.buf)
	if err != nil {
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
			return
		}
		c.cl.connLost(c, "read: "+err.Error())
		return
	}
	if n == 0 {
		c.cl.connLost(c, "EOF")
		return
	}
	data := l.buf[:n]
	if len(c.in) > 0 {
		c.in = append(c.in, data...)
		data = c.in
	}
	used := c.cl.feed(c, data)
	if c.fd < 0 {
		return
	}
	rest := data[used:]
	switch {
	case len(rest) == 0:
		if cap(c.in) > 64<<10 {
			c.in = nil
		} else {
			c.in = c.in[:0]
		}
	case len(c.in) > 0:
		c.in = c.in[:copy(c.in, rest)]
	default:
		c.in = append(c.in[:0], rest...)
	}
}
