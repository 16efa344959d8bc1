package loop

import "time"

// AfterFunc runs fn on a goroutine of its own once d has passed on the
// engine's clock, unless stop is called first. It is for the deadlines the
// server must keep while no loop can run them: a loop runs posted work only
// once it has had a connection, and a cluster adapter's request may time
// out on a node no client has reached yet. Safe from any goroutine.
func (e *Engine) AfterFunc(d time.Duration, fn func()) (stop func()) {
	t := time.AfterFunc(d, fn)
	return func() { t.Stop() }
}
