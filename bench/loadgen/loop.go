package loadgen

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// A loop is one epoll event loop on a locked OS thread. It owns a share of
// the clients and every socket they open: all their protocol state is
// touched only on this thread, so no simulated client has a goroutine. Other
// goroutines talk to a loop only through do/call, which queue a function and
// wake the loop through an eventfd.
type loop struct {
	s     *Session
	id    int
	epfd  int
	evfd  int
	conns []*conn // by file descriptor; nil when not ours
	buf   []byte  // shared read buffer
	frame []byte  // scratch for outgoing frames and requests
	pkt   []byte  // scratch for outgoing packets
	body  []byte  // scratch for chunked HTTP bodies
	// permessage-deflate (deflate.go): one compressor and one decompressor
	// per loop, with their buffers.
	zin      []byte
	zsrc     bytes.Reader
	inflater io.ReadCloser
	unzipped []byte
	zout     bytes.Buffer
	deflater *flate.Writer
	// targets are this loop's copies of the servers' addresses, by index
	// in Session.targets: unix.Connect writes into the sockaddr, so loops
	// must not share one.
	targets []unix.SockaddrInet4
	rng     uint64

	mu    sync.Mutex
	cmds  []func()
	spare []func()
	quit  bool
	done  chan struct{}

	// Opening.
	clients  []*client
	opened   int // clients[:opened] have been dialled
	pending  int // openings in progress
	openAt   int64
	openRate float64 // per loop; 0: as fast as inflight allows
	inflight int
	openDone chan struct{}
	signaled bool
	lastScan int64
	redials  []*conn

	// Measuring.
	measuring bool
	sender    *client
	sending   bool
	sendAt    int64
	sendRate  float64
	sentHere  int64

	st       counters
	connectH Histogram
	latH     Histogram
	errs     map[string]int64
}

// counters are read by the progress reporter while the loop runs.
type counters struct {
	connected, failed, dropped atomic.Int64
	acks, sent, delivered      atomic.Int64
	pongs                      atomic.Int64
	inflated, deflated         atomic.Int64 // compressed messages received, sent
}

var epoch = time.Now()

// nanotime is a monotonic clock in nanoseconds.
func nanotime() int64 { return int64(time.Since(epoch)) }

func newLoop(s *Session, id, inflight int) (*loop, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	evfd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		unix.Close(epfd)
		return nil, err
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(evfd)}
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, evfd, &ev); err != nil {
		unix.Close(epfd)
		unix.Close(evfd)
		return nil, err
	}
	return &loop{
		s: s, id: id, epfd: epfd, evfd: evfd,
		targets:  targetAddrs(s.targets),
		buf:      make([]byte, 64<<10),
		rng:      uint64(time.Now().UnixNano()) | 1,
		done:     make(chan struct{}),
		openDone: make(chan struct{}),
		inflight: max(1, inflight),
		errs:     map[string]int64{},
	}, nil
}

// do runs fn on the loop. Safe from any goroutine.
func (l *loop) do(fn func()) {
	l.mu.Lock()
	l.cmds = append(l.cmds, fn)
	l.mu.Unlock()
	var one = [8]byte{1}
	unix.Write(l.evfd, one[:])
}

// call runs fn on the loop and waits for it.
func (l *loop) call(fn func()) {
	ch := make(chan struct{})
	l.do(func() { fn(); close(ch) })
	select {
	case <-ch:
	case <-l.done:
	}
}

func (l *loop) run() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	defer close(l.done)
	events := make([]unix.EpollEvent, 1024)
	for !l.quit {
		n, err := unix.EpollWait(l.epfd, events, l.timeout(nanotime()))
		if err != nil && !errors.Is(err, unix.EINTR) {
			l.errorf("epoll_wait: " + err.Error())
			break
		}
		for i := 0; i < n; i++ {
			ev := &events[i]
			fd := int(ev.Fd)
			if fd == l.evfd {
				l.runCmds()
				continue
			}
			if fd >= len(l.conns) || l.conns[fd] == nil {
				continue
			}
			c := l.conns[fd]
			if ev.Events&unix.EPOLLOUT != 0 {
				l.writable(c)
			}
			if ev.Events&(unix.EPOLLIN|unix.EPOLLHUP|unix.EPOLLERR|unix.EPOLLRDHUP) != 0 && c.fd == fd && l.conns[fd] == c {
				l.readable(c)
			}
		}
		l.tick(nanotime())
	}
	l.shutdown()
}

func (l *loop) runCmds() {
	var b [8]byte
	unix.Read(l.evfd, b[:])
	l.mu.Lock()
	cmds := l.cmds
	l.cmds = l.spare[:0]
	l.mu.Unlock()
	for i, fn := range cmds {
		fn()
		cmds[i] = nil
	}
	l.mu.Lock()
	l.spare = cmds[:0]
	l.mu.Unlock()
}

// timeout is the epoll_wait timeout in milliseconds: until the next paced
// opening or send, at most 100 ms.
func (l *loop) timeout(now int64) int {
	wait := int64(100 * time.Millisecond)
	if l.opened < len(l.clients) && l.pending < l.inflight {
		if l.openRate <= 0 {
			return 0
		}
		next := l.openAt + int64(float64(l.opened)*1e9/l.openRate)
		wait = min(wait, next-now)
	}
	if l.sending {
		next := l.sendAt + int64(float64(l.sentHere)*1e9/l.sendRate)
		if l.s.cfg.MaxRate {
			// Deliveries read by other loops do not wake this one.
			next = now + int64(time.Millisecond)
		}
		wait = min(wait, next-now)
	}
	if wait <= 0 {
		return 0
	}
	return int((wait + int64(time.Millisecond) - 1) / int64(time.Millisecond))
}

func (l *loop) tick(now int64) {
	for _, c := range l.redials {
		c.cl.redial(c)
	}
	l.redials = l.redials[:0]
	for l.opened < len(l.clients) && l.pending < l.inflight {
		if l.openRate > 0 && float64(now-l.openAt)*l.openRate/1e9 < float64(l.opened) {
			break
		}
		c := l.clients[l.opened]
		l.opened++
		l.pending++
		c.start = nanotime()
		c.open()
	}
	if l.pending > 0 && now-l.lastScan > int64(100*time.Millisecond) {
		l.lastScan = now
		limit := int64(l.s.cfg.ConnectTimeout)
		for _, c := range l.clients[:l.opened] {
			if c.state < stReady && now-c.start > limit {
				c.fail("connect timeout")
			}
		}
	}
	if !l.signaled && l.opened == len(l.clients) && l.pending == 0 {
		l.signaled = true
		close(l.openDone)
	}
	if l.sending {
		due := int64(float64(now-l.sendAt)*l.sendRate/1e9) + 1
		if l.s.cfg.MaxRate {
			due = l.sentHere + l.s.windowRoom()
		}
		for burst := 0; l.sentHere < due && burst < 10000; burst++ {
			if l.sender.state != stReady {
				l.sending = false
				break
			}
			l.sender.emitBroadcast()
			l.sentHere++
			l.st.sent.Add(1)
		}
	}
}

func (l *loop) errorf(reason string) { l.errs[reason]++ }

// rand32 is xorshift, for websocket masks.
func (l *loop) rand32() [4]byte {
	x := l.rng
	x ^= x << 13
	x ^= x >> 7
	x ^= x << 17
	l.rng = x
	return [4]byte{byte(x), byte(x >> 8), byte(x >> 16), byte(x >> 24)}
}

func (l *loop) shutdown() {
	for _, c := range l.conns {
		if c != nil {
			unix.Close(c.fd)
		}
	}
	l.conns = nil
	unix.Close(l.epfd)
	unix.Close(l.evfd)
}
