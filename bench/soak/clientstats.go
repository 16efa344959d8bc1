package soak

// clientRun is one client session's counts.
type clientRun struct {
	role      Role
	opened    bool
	flooded   bool  // a slow client that asked for a Flood
	last      int64 // the last broadcast number seen; 0 before the first
	received  int64
	gaps      int64 // broadcasts missing between two received
	dups      int64 // broadcasts received again or out of order
	requests  int64 // requests sent, numbered 1…requests
	answers   int64 // distinct requests answered
	answered  map[int64]bool
	extraAnsw int64 // answers to no request, or a second answer
}

// see counts one event.
func (r *clientRun) see(ev event) {
	if ev.reply {
		if ev.n < 1 || ev.n > r.requests || r.answered[ev.n] {
			r.extraAnsw++
			return
		}
		if r.answered == nil {
			r.answered = map[int64]bool{}
		}
		r.answered[ev.n] = true
		r.answers++
		return
	}
	r.received++
	switch {
	case r.last == 0:
	case ev.n == r.last+1:
	case ev.n > r.last+1:
		r.gaps += ev.n - r.last - 1
	default:
		r.dups++
		return
	}
	r.last = ev.n
}

func (r *clientRun) outstanding() int64 { return r.requests - r.answers }

// KindStats are the client counts of one kind.
type KindStats struct {
	Kind                          string
	Sessions                      int64 // clients started
	OpenFailures                  int64 // handshake or connect failed
	Healthy, Abrupt, Slow         int64 // sessions opened, by role
	Floods                        int64 // slow clients that asked for a Flood
	Dropped                       int64 // healthy or abrupt sessions that ended before the client ended them
	Broadcasts                    int64 // broadcasts received by healthy and abrupt clients
	Gaps, Dups                    int64
	Requests, Answers, Unanswered int64 // Unanswered: of healthy clients, after waiting
	ExtraAnswers                  int64
	Errors                        []string // the first few errors
}

const maxErrors = 5

func (c *Churn) record(kind int, r *clientRun, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := &c.stats[kind]
	k.Sessions++
	if !r.opened {
		k.OpenFailures++
		k.addError("open: " + err.Error())
		return
	}
	switch r.role {
	case Healthy:
		k.Healthy++
		k.Unanswered += r.outstanding()
	case Abrupt:
		k.Abrupt++
	case Slow:
		k.Slow++
		if r.flooded {
			k.Floods++
		}
		return
	}
	if err != nil {
		k.Dropped++
		k.addError(r.role.String() + ": " + err.Error())
	}
	k.Broadcasts += r.received
	k.Gaps += r.gaps
	k.Dups += r.dups
	k.Requests += r.requests
	k.Answers += r.answers
	k.ExtraAnswers += r.extraAnsw
}

func (k *KindStats) addError(s string) {
	if len(k.Errors) < maxErrors {
		k.Errors = append(k.Errors, s)
	}
}
