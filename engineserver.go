package tornadio

import (
	"bytes"

	"github.com/tornadio/tornadio/transports"
)

// EngineServer is a plain Engine.IO server, what Node's engine.io package
// and python-engineio offer: sessions that open, exchange text and binary
// messages and close, without the Socket.IO layer (no namespaces, events or
// acknowledgements). It serves the same transports as Server (long-polling,
// JSONP included, and WebSocket, with the upgrade from one to the other),
// Engine.IO v4 and v3 clients, on the same event loops.
//
// It takes the Server's options, but for those of the Socket.IO layer
// (ConnectTimeout, Adapter, Recovery) and of the legacy 0.6 road, which it
// does not serve. Its default Path is "/engine.io/", as in Node.
//
// Create it with NewEngineServer, set OnConnection, then call
// ListenAndServe (or Start).
type EngineServer struct {
	core
	onConn func(*EngineSession)
}

// NewEngineServer returns an Engine.IO server with the given options.
// Invalid options are reported by Start and ListenAndServe.
func NewEngineServer(opts ...Option) *EngineServer {
	s := &EngineServer{}
	s.init("/engine.io/", opts)
	s.edge.start = s.startServing
	return s
}

// OnConnection sets the function called with each new session, before any
// of its messages: the place to set the session's OnMessage and OnClose. It
// runs on the session's event loop (or its worker with WithWorkers), and
// must not block there. Call it before Start.
func (s *EngineServer) OnConnection(fn func(*EngineSession)) { s.onConn = fn }

// Start listens on addr ("host:port"; port 0 picks a free one) and returns
// once the event loops are serving. Addr then tells the address.
func (s *EngineServer) Start(addr string) error {
	if err := s.begin(); err != nil {
		return err
	}
	if err := s.listen(addr, "", s.bind); err != nil {
		return err
	}
	s.opts.Logger.Info("tornadio: engine.io listening", "addr", s.Addr(), "path", s.opts.Path, "loops", s.opts.EventLoops)
	return nil
}

// ListenAndServe listens on addr and serves until Shutdown.
func (s *EngineServer) ListenAndServe(addr string) error {
	if err := s.Start(addr); err != nil {
		return err
	}
	return s.wait()
}

// bind creates the protocol machine on loops (see core.bindApp).
func (s *EngineServer) bind(loops transports.Loops, active func(int) bool) {
	s.bindApp(s.config(), engineServerApp{s}, loops, active)
}

// engineServerApp hands the Engine.IO events of an EngineServer's sessions
// to the user's callbacks. Its methods run on the session's loop.
type engineServerApp struct{ srv *EngineServer }

func (a engineServerApp) Open(sess *transports.Session) error {
	r, err := a.srv.allowRequest(sess)
	if err != nil {
		return err
	}
	es := &EngineSession{srv: a.srv, sess: sess}
	if r != nil {
		es.req.Store(r)
	}
	if w := a.srv.workers; w != nil {
		es.worker = int32(w.Pick())
	}
	sess.Data = es
	if fn := a.srv.onConn; fn != nil {
		es.run(func() { fn(es) })
	}
	return nil
}

func (a engineServerApp) Message(sess *transports.Session, data []byte, binary bool) {
	es, ok := sess.Data.(*EngineSession)
	if !ok {
		return
	}
	if a.srv.workers == nil {
		es.message(data, binary)
		return
	}
	data = bytes.Clone(data) // the machine's buffer is reused once Message returns
	es.run(func() { es.message(data, binary) })
}

func (a engineServerApp) Close(sess *transports.Session, reason string) {
	es, ok := sess.Data.(*EngineSession)
	if !ok {
		return
	}
	es.gone.Store(true)
	es.run(func() {
		if fn := es.onClose.Load(); fn != nil {
			(*fn)(DisconnectReason(reason))
		}
	})
}
