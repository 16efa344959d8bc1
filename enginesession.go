package tornadio

import (
	"errors"
	"sync/atomic"

	"github.com/tornadio/tornadio/transports"
)

// ErrSessionClosed is returned by the methods of an EngineSession that has
// ended.
var ErrSessionClosed = errors.New("tornadio: engine.io session closed")

// EngineSession is one client's session on an EngineServer.
//
// Its callbacks run on the session's event loop, one at a time and in
// order, or on its worker with WithWorkers; they must not block the loop.
// Its other methods are safe from any goroutine.
type EngineSession struct {
	srv    *EngineServer
	sess   *transports.Session
	worker int32 // with WithWorkers: the worker running its callbacks
	gone   atomic.Bool
	req    atomic.Pointer[Request]

	onMessage atomic.Pointer[func(data []byte, binary bool)]
	onClose   atomic.Pointer[func(reason DisconnectReason)]
}

// ID is the session id (the sid of the Engine.IO handshake).
func (s *EngineSession) ID() string { return s.sess.ID() }

// Transport is the session's current transport: "polling" or "websocket".
func (s *EngineSession) Transport() string { return s.sess.TransportName() }

// Request describes the HTTP request that opened the session (its Auth is
// nil: Engine.IO has no auth payload). It is shared; do not modify it.
func (s *EngineSession) Request() *Request {
	if r := s.req.Load(); r != nil {
		return r
	}
	s.req.CompareAndSwap(nil, newRequest(s.sess, nil))
	return s.req.Load()
}

// OnMessage sets the function called with each message of the client: text
// (binary false) or binary. data is valid only during the call: copy what
// you keep. Set it in the OnConnection callback so as to miss no message.
func (s *EngineSession) OnMessage(fn func(data []byte, binary bool)) { s.onMessage.Store(&fn) }

// OnClose sets the function called once when the session ends, with the
// reason: ReasonTransportClose (the client closed the session or its
// connection), ReasonTransportError, ReasonPingTimeout, ReasonParseError,
// ReasonForcedClose (Close), ReasonSlowConsumer or
// ReasonServerShuttingDown.
func (s *EngineSession) OnClose(fn func(reason DisconnectReason)) { s.onClose.Store(&fn) }

// Send sends one message to the client: text (binary false; UTF-8) or
// binary. data is copied, so the caller may reuse it at once. The message is
// handed to the session's loop; messages sent from one goroutine arrive in
// the order sent. It returns ErrSessionClosed once the session has ended.
func (s *EngineSession) Send(data []byte, binary bool) error {
	return s.send(append([]byte(nil), data...), binary)
}

// SendText sends one text message, as Send(data, false) does.
func (s *EngineSession) SendText(text string) error { return s.send([]byte(text), false) }

// SendUncompressed is Send for a message never compressed with
// permessage-deflate (see WithPerMessageDeflate), Node's
// send(data, {compress: false}); Send's may be compressed.
func (s *EngineSession) SendUncompressed(data []byte, binary bool) error {
	if s.gone.Load() {
		return ErrSessionClosed
	}
	data = append([]byte(nil), data...)
	s.sess.Post(func() { s.sess.SendUncompressed(data, binary) })
	return nil
}

// send hands the session's loop a message it owns.
func (s *EngineSession) send(data []byte, binary bool) error {
	if s.gone.Load() {
		return ErrSessionClosed
	}
	s.sess.Post(func() { s.sess.Send(data, binary) })
	return nil
}

// Close ends the session from the server side: the messages sent before it
// are delivered, then the client is told, and OnClose runs with
// ReasonForcedClose. It returns ErrSessionClosed if the session had ended.
func (s *EngineSession) Close() error {
	if s.gone.Load() {
		return ErrSessionClosed
	}
	s.sess.Post(func() { s.sess.Close(transports.ReasonForcedClose) })
	return nil
}

// message calls the OnMessage callback. On the session's loop or worker.
func (s *EngineSession) message(data []byte, binary bool) {
	if fn := s.onMessage.Load(); fn != nil {
		(*fn)(data, binary)
	}
}

// run runs fn on the session's loop (now: the caller is on it) or worker.
func (s *EngineSession) run(fn func()) {
	if w := s.srv.workers; w != nil {
		w.Run(int(s.worker), fn)
		return
	}
	fn()
}
