package tornadio

import (
	"github.com/tornadio/tornadio/legacy"
	"github.com/tornadio/tornadio/transports"
)

// legacyApp receives the events of the server's legacy (0.6) sessions
// (transports.LegacyApp): each is one socket of the main namespace, its
// messages "message" events.
type legacyApp struct{ srv *Server }

// LegacyOpen connects a legacy session to the main namespace: middlewares
// and the Handler's OnOpen decide, then OnConnection runs, as for a modern
// client. Without workers a refusal is returned at once; with workers the
// session is closed when the answer comes.
func (a legacyApp) LegacyOpen(ls *transports.LegacySession) error {
	return a.legacyOpen(ls)
}

func (a legacyApp) legacyOpen(ls legacyWire) error {
	ns := a.srv.Of("/")
	sock := &Socket{ns: ns, id: ls.ID(), origin: &socketOrigin{leg: ls}}
	sock.rooms.Bind(sock.member())
	if a.srv.workers != nil {
		sock.worker = int32(a.srv.workers.Pick())
	}
	onConn, h, mw := ns.hooks()
	var refused error
	check := func() { refused = admit(sock, mw, h) }
	setData(ls, sock)
	accept := func() {
		ns.attach(sock)
		a.srv.run(sock, func() {
			for _, fn := range onConn {
				fn(sock)
			}
		}, nil)
	}
	if a.srv.workers == nil {
		if check(); refused != nil {
			return refused
		}
		accept()
		return nil
	}
	a.srv.run(sock, check, func() {
		if ls.Closed() {
			return
		}
		if refused != nil {
			ls.Close()
			return
		}
		accept()
	})
	return nil
}

func setData(ls legacyWire, sock *Socket) {
	if s, ok := ls.(*transports.LegacySession); ok {
		s.Data = sock
	}
}

func socketOf(ls *transports.LegacySession) *Socket {
	sock, _ := ls.Data.(*Socket)
	return sock
}

// LegacyMessage delivers a 0.6 message as a "message" event with one
// argument: the text as a string, or the ~j~ JSON value.
func (a legacyApp) LegacyMessage(ls *transports.LegacySession, m legacy.Message) {
	if sock := socketOf(ls); sock != nil && sock.attached() {
		sock.count().eventsIn.Add(1)
		sock.onLegacyMessage(m)
	}
}

// LegacyClose disconnects the session's socket.
func (a legacyApp) LegacyClose(ls *transports.LegacySession, reason string) {
	if sock := socketOf(ls); sock != nil {
		sock.close(DisconnectReason(reason))
	}
}
