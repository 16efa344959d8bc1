package tornadio

// WithErrorHandler sets fn to receive what goes wrong in a socket's event
// handling that no call of the application could return: today, an
// *ArgumentError when the client's arguments do not decode into the
// parameters of an On handler (or of an emit's ack callback), which is
// then not called. event is the event's name (for an answer, the emitted
// event's). When the client asked for an acknowledgement of the event, the
// server answers it with an AckError before fn runs, so the client does not
// wait in silence. fn runs where the handler would have run: on the
// socket's event loop, or its worker with WithWorkers. Default: the error
// is logged at Warn level.
func WithErrorHandler(fn func(s *Socket, event string, err error)) Option {
	return func(o *Options) { o.ErrorHandler = fn }
}
