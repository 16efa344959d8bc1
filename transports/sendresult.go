package transports

// SendResult is what one send did for one session.
type SendResult uint8

const (
	// SendQueued: the packet was written or queued for the session.
	SendQueued SendResult = iota
	// SendClosed: the session was closed already; nothing was sent.
	SendClosed
	// SendCut: this send would have passed Config.MaxBuffered: the session
	// was closed as a slow consumer (ReasonSlowConsumer).
	SendCut
)
