package pubsub

import (
	"context"
	"errors"
	"log/slog"
	"math/bits"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// ErrClosed is the error of requests still waiting when their adapter is
// closed.
var ErrClosed = errors.New("pubsub: adapter closed")

// errQueueFull is the error of a request dropped because the publisher's
// queue was full (Redis unreachable or too slow).
var errQueueFull = errors.New("pubsub: publish queue full")

// maxBatch bounds how many queued publishes one pipeline carries.
const maxBatch = 256

// job is one entry of a publisher's queue: a PUBLISH of payload on
// channel, or, with run, work that does its own Redis I/O (a server count
// before a request). fail, when set, is told when the job is dropped
// without running.
type job struct {
	channel string
	payload []byte
	run     func(ctx context.Context)
	fail    func(err error)
}

// publisher is an adapter's goroutine writing to Redis, so that no caller
// (an event loop among them) waits for Redis. Jobs run in the order they
// were queued; consecutive publishes go out in one pipeline. The queue is
// bounded: when it is full, a new job is dropped at once.
type publisher struct {
	client  redis.UniversalClient
	log     *slog.Logger
	q       chan job
	dropped atomic.Int64 // jobs dropped because the queue was full
	failed  atomic.Int64 // publishes Redis refused or could not take
}

func newPublisher(client redis.UniversalClient, log *slog.Logger, size int) *publisher {
	return &publisher{client: client, log: log, q: make(chan job, size)}
}

// enqueue queues j without blocking; a full queue drops it (fail is
// called, from this goroutine).
func (p *publisher) enqueue(j job) {
	select {
	case p.q <- j:
	default:
		if n := p.dropped.Add(1); doubled(n-1, n) {
			p.log.Warn("pubsub: publish queue full, message dropped", "dropped", n, "queue", cap(p.q))
		}
		if j.fail != nil {
			j.fail(errQueueFull)
		}
	}
}

// run serves the queue until ctx ends; the jobs left then are dropped.
func (p *publisher) run(ctx context.Context) {
	batch := make([]job, 0, maxBatch)
	for {
		select {
		case <-ctx.Done():
			p.drain()
			return
		case j := <-p.q:
			batch = append(batch[:0], j)
		more:
			for len(batch) < maxBatch {
				select {
				case j := <-p.q:
					batch = append(batch, j)
				default:
					break more
				}
			}
			p.flush(ctx, batch)
			clear(batch)
		}
	}
}

func (p *publisher) drain() {
	for {
		select {
		case j := <-p.q:
			if j.fail != nil {
				j.fail(ErrClosed)
			}
		default:
			return
		}
	}
}

// flush runs a batch in order: runs of publishes as pipelines, other jobs
// one by one.
func (p *publisher) flush(ctx context.Context, batch []job) {
	for len(batch) > 0 {
		if batch[0].run != nil {
			batch[0].run(ctx)
			batch = batch[1:]
			continue
		}
		n := 1
		for n < len(batch) && batch[n].run == nil {
			n++
		}
		p.publish(ctx, batch[:n])
		batch = batch[n:]
	}
}

func (p *publisher) publish(ctx context.Context, jobs []job) {
	var err error
	if len(jobs) == 1 {
		err = p.client.Publish(ctx, jobs[0].channel, jobs[0].payload).Err()
	} else {
		_, err = p.client.Pipelined(ctx, func(pl redis.Pipeliner) error {
			for _, j := range jobs {
				pl.Publish(ctx, j.channel, j.payload)
			}
			return nil
		})
	}
	if err != nil && ctx.Err() == nil {
		if n := p.failed.Add(int64(len(jobs))); doubled(n-int64(len(jobs)), n) {
			p.log.Warn("pubsub: publish failed, messages dropped", "err", err, "messages", len(jobs), "failed", n)
		}
	}
}

// doubled reports whether a counter going from before to after passed a
// power of two: errors that repeat while Redis is away log a line each
// time their count doubles, not one per message.
func doubled(before, after int64) bool {
	return bits.Len64(uint64(before)) != bits.Len64(uint64(after))
}
