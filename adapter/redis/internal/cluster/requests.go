package cluster

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/tornadio/tornadio/adapter"
)

var errClosed = errors.New("cluster: adapter closed")

// request is a fetchSockets or serverSideEmit awaiting the other nodes:
// complete when expected answers have come, failed by its timeout.
type request struct {
	expected, current int
	sockets           []adapter.SocketInfo // FETCH_SOCKETS: the local ones first
	replies           []adapter.Reply      // SERVER_SIDE_EMIT
	stop              func()
	done              func(err error) // called once, without a.mu
	once              sync.Once
}

// track lists r under a new request id and arms its timeout; it counts
// one request sent.
func (a *Adapter) track(r *request, timeout time.Duration) string {
	a.requestsSent.Add(1)
	id := RandomID()
	a.mu.Lock()
	a.requests[id] = r
	a.mu.Unlock()
	stop := a.local.AfterFunc(timeout, func() { a.expire(id) })
	a.mu.Lock()
	r.stop = stop // read under a.mu by whoever completes r
	a.mu.Unlock()
	return id
}

// expire fails request id with Node's timeout error, if still pending.
func (a *Adapter) expire(id string) {
	a.mu.Lock()
	r := a.requests[id]
	delete(a.requests, id)
	var err error
	if r != nil {
		err = &adapter.TimeoutError{Got: r.current, Want: r.expected}
	}
	a.mu.Unlock()
	if r != nil {
		a.requestTimeouts.Add(1)
		r.finish(err)
	}
}

// RequestStats counts the requests this adapter made of the other nodes
// (FetchSockets and ServerSideEmit with answers, when there are other
// nodes) and those that ended by their timeout before every node answered;
// a request its caller gave up on (context ended) is not a timeout.
func (a *Adapter) RequestStats() adapter.RequestStats {
	return adapter.RequestStats{Requests: a.requestsSent.Load(), Timeouts: a.requestTimeouts.Load()}
}

// forget drops request id without calling it back.
func (a *Adapter) forget(id string) {
	a.mu.Lock()
	r := a.requests[id]
	delete(a.requests, id)
	var stop func()
	if r != nil {
		stop = r.stop
	}
	a.mu.Unlock()
	if stop != nil {
		stop()
	}
}

func (r *request) finish(err error) { r.once.Do(func() { r.done(err) }) }

// answered counts one answer to request id, recorded by add under a.mu,
// and completes the request with the last expected one.
func (a *Adapter) answered(id string, add func(r *request)) {
	a.mu.Lock()
	r := a.requests[id]
	if r == nil {
		a.mu.Unlock()
		return
	}
	add(r)
	r.current++
	complete := r.current >= r.expected
	stop := r.stop
	if complete {
		delete(a.requests, id)
	}
	a.mu.Unlock()
	if complete {
		if stop != nil {
			stop()
		}
		r.finish(nil)
	}
}

// FetchSockets returns the matching sockets of this node and of every
// other, which each answer with theirs; a node that does not answer in time
// (opts.Flags.Timeout, else the request timeout) fails the call with an
// *adapter.TimeoutError, returned with the sockets gathered so far.
func (a *Adapter) FetchSockets(ctx context.Context, opts *adapter.Options) ([]adapter.SocketInfo, error) {
	local := a.local.FetchSockets(opts)
	if opts.Flags.Local {
		return local, nil
	}
	n, err := a.serverCount(ctx)
	if err != nil {
		return local, err
	}
	if n-1 <= 0 {
		return local, nil
	}
	type result struct {
		sockets []adapter.SocketInfo
		err     error
	}
	results := make(chan result, 1)
	r := &request{expected: n - 1, sockets: local}
	r.done = func(err error) { results <- result{r.sockets, err} }
	timeout := opts.Flags.Timeout
	if timeout <= 0 {
		timeout = a.timeout
	}
	id := a.track(r, timeout)
	m := a.message(FetchSockets, fetchData(opts, id), nil)
	m.Opts, m.RequestID = cloneOptions(opts), id
	a.publish(m)
	select {
	case res := <-results:
		return res.sockets, res.err
	case <-ctx.Done():
		a.forget(id)
		return nil, ctx.Err()
	}
}

// ServerSideEmit sends p to the namespace's listeners on the other nodes.
// With done, each node answers once (its listener's first answer argument)
// and done gets every answer, or an *adapter.TimeoutError with the answers
// so far once the request timeout passes. Never blocks: the server count
// and the publication happen on the adapter's goroutine.
func (a *Adapter) ServerSideEmit(p *adapter.Packet, done func(err error, replies []adapter.Reply)) error {
	if done == nil {
		a.publish(a.message(ServerSideEmit, serverSideEmitData(p, ""), p.Attachments))
		return nil
	}
	queued := a.out.Push(func(ctx context.Context) {
		n, err := a.serverCount(ctx)
		if err != nil {
			done(err, nil)
			return
		}
		if n-1 <= 0 {
			done(nil, nil)
			return
		}
		r := &request{expected: n - 1}
		r.done = func(err error) { done(err, r.replies) }
		id := a.track(r, a.timeout)
		m := a.message(ServerSideEmit, serverSideEmitData(p, id), p.Attachments)
		m.RequestID = id
		a.publishNow(ctx, m)
	})
	if !queued {
		return errClosed
	}
	return nil
}
