package loop

// MailboxDepth is the number of functions posted to loop i (Post) that
// the loop has not taken up yet; 0 for a loop that never had a connection.
// Safe from any goroutine: it takes the mailbox's lock for a moment, so it
// is for metrics, not for every post.
func (e *Engine) MailboxDepth(i int) int {
	m := e.loops[i].Load()
	if m == nil {
		return 0
	}
	return m.depth()
}

// depth is the number of functions waiting in m.
func (m *mailbox) depth() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.q)
}
