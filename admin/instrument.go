package admin

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/adapter"
)

// processStart stands for the process's start in server_stats' uptime.
var processStart = time.Now()

// Instrumentation is a server instrumented for the admin UI. Close stops
// it.
type Instrumentation struct {
	srv      *tornadio.Server
	cfg      *config
	ns       *tornadio.Namespace // the admin namespace
	features []string
	hostname string

	sessions *sessions
	logins   pendingLogins // the session ids of logins, until their sockets connect
	agg      *aggregator
	reg      *registry

	// counted: the server's traffic counters at the last server_stats
	// (statsLoop's goroutine only).
	counted traffic

	// alone: the admin namespace's adapter is the in-memory one, so the
	// UI's sockets are all on this node; with none of them connected,
	// nothing need be sent.
	alone   bool
	viewers atomic.Int64 // the admin namespace's sockets on this node

	// sawSocket: a socket connected, so the event loops run (see serving).
	sawSocket atomic.Bool

	closed    atomic.Bool
	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

// Instrument makes srv answer the admin UI on its admin namespace (see the
// package doc), from now on: call it before Start, so that it sees every
// socket. It fails when no authentication was chosen (WithBasicAuth or
// WithNoAuth), when the password hash is not a bcrypt hash, or for an
// unknown Mode.
func Instrument(srv *tornadio.Server, opts ...Option) (*Instrumentation, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	host, err := os.Hostname()
	if err != nil {
		host = cfg.serverID
	}
	in := &Instrumentation{
		srv:      srv,
		cfg:      cfg,
		ns:       srv.Of(cfg.namespace),
		features: features(cfg),
		hostname: host,
		sessions: newSessions(cfg.sessionTTL),
		agg:      newAggregator(),
		reg:      newRegistry(),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	in.counted = trafficOf(srv.Stats())
	_, in.alone = in.ns.Adapter().(adapter.InMemory)
	if cfg.auth != nil {
		in.ns.Use(in.authenticate)
	}
	in.ns.OnConnection(in.viewerConnected)
	if err := in.ns.OnServerSideEmit(socketsRequest, in.answerSockets); err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	srv.OnNamespace(in.watchNamespace)
	go in.statsLoop()
	return in, nil
}

// Close stops the statistics and every message to the UI. The admin
// namespace stays (a server cannot drop a namespace), with its login and
// the actions of UIs still connected. Safe from any goroutine, and more
// than once.
func (in *Instrumentation) Close() {
	in.closeOnce.Do(func() {
		in.closed.Store(true)
		close(in.stop)
		<-in.done
	})
}

// Namespace is the admin namespace.
func (in *Instrumentation) Namespace() *tornadio.Namespace { return in.ns }

// The features the UI may offer (admin-ui's Feature enum).
const (
	featureEmit             = "EMIT"
	featureJoin             = "JOIN"
	featureLeave            = "LEAVE"
	featureDisconnect       = "DISCONNECT"
	featureMJoin            = "MJOIN"
	featureMLeave           = "MLEAVE"
	featureMDisconnect      = "MDISCONNECT"
	featureAggregatedEvents = "AGGREGATED_EVENTS"
	featureAllEvents        = "ALL_EVENTS"
)

// features lists what the server does: every action unless readonly
// (tornadio has SocketsJoin, SocketsLeave and DisconnectSockets, hence the
// M* ones), the aggregated counts, and every event in development mode.
func features(cfg *config) []string {
	var f []string
	if !cfg.readonly {
		f = append(f, featureEmit, featureJoin, featureLeave, featureDisconnect,
			featureMJoin, featureMLeave, featureMDisconnect)
	}
	f = append(f, featureAggregatedEvents)
	if cfg.mode == Development {
		f = append(f, featureAllEvents)
	}
	return f
}

func (in *Instrumentation) has(feature string) bool {
	for _, f := range in.features {
		if f == feature {
			return true
		}
	}
	return false
}

// send broadcasts a message to the UI, on every node; nothing when closed,
// or when no UI can be listening.
func (in *Instrumentation) send(event string, args ...any) {
	if in.closed.Load() || (in.alone && in.viewers.Load() == 0) {
		return
	}
	_ = in.ns.Emit(event, args...) // fails only for values without JSON, which ours are not
}

// viewerConnected greets a UI that connected to the admin namespace: its
// session id after a login, the features, and in development mode every
// socket there is.
func (in *Instrumentation) viewerConnected(s *tornadio.Socket) {
	in.viewers.Add(1)
	s.OnDisconnect(func(tornadio.DisconnectReason) { in.viewers.Add(-1) })
	if id, ok := in.logins.take(s.ID()); ok {
		_ = s.Emit("session", id)
	}
	in.handleActions(s)
	_ = s.Emit("config", map[string]any{"supportedFeatures": in.features})
	if in.cfg.mode == Development {
		in.sendAllSockets(s)
	}
}

// watchNamespace follows the sockets of a namespace, and in development
// mode their rooms and data.
func (in *Instrumentation) watchNamespace(ns *tornadio.Namespace) {
	if !in.reg.addNamespace(ns) {
		return
	}
	name := ns.Name()
	ns.OnConnection(in.socketConnected)
	if in.cfg.mode != Development {
		return
	}
	ns.OnJoinRoom(func(room, id string) { in.send("room_joined", name, room, id, jsTime(time.Now())) })
	ns.OnLeaveRoom(func(room, id string) { in.send("room_left", name, room, id, jsTime(time.Now())) })
	ns.OnSocketData(in.socketDataSet)
}

// socketDataSet tells the UI a socket's new data (SetData). A socket not
// listed yet (data stored by a middleware, or by an OnConnection callback
// that ran before the instrumentation's) is skipped: its socket_connected,
// still to come, carries the data.
func (in *Instrumentation) socketDataSet(s *tornadio.Socket, data any) {
	if !in.reg.listed(s) {
		return
	}
	in.send("socket_updated", map[string]any{"id": s.ID(), "nsp": s.Namespace().Name(), "data": dataJSON(data)})
}

// socketConnected counts a socket that connected, tells the UI in
// development mode, and follows it until it goes. A socket already gone
// (an earlier OnConnection callback disconnected it) is not shown.
func (in *Instrumentation) socketConnected(s *tornadio.Socket) {
	in.sawSocket.Store(true)
	if !s.Connected() {
		return
	}
	now := time.Now()
	if in.reg.connected(s) {
		in.agg.add(now, evConnection, "", 1)
	}
	dev := in.cfg.mode == Development
	name := s.Namespace().Name()
	var once sync.Once
	gone := func(reason tornadio.DisconnectReason) {
		once.Do(func() {
			now := time.Now()
			if in.reg.disconnected(s) {
				in.agg.add(now, evDisconnection, string(reason), 1)
			}
			if dev {
				in.send("socket_disconnected", name, s.ID(), string(reason), jsTime(now))
			}
		})
	}
	s.OnDisconnect(gone)
	if !s.Connected() {
		// Gone while the listener was being registered, which it may then
		// have missed; the reason is not known here.
		gone(tornadio.ReasonTransportClose)
		return
	}
	if !dev {
		return
	}
	in.send("socket_connected", viewOf(s), jsTime(now))
	if s.Namespace() == in.ns {
		return // the UI's own traffic is not shown to it
	}
	s.OnAny(func(event string, args tornadio.Args) {
		in.send("event_received", name, s.ID(), eventJSON(event, args), jsTime(time.Now()))
	})
	s.OnAnyOutgoing(func(event string, args tornadio.Args) {
		in.send("event_sent", name, s.ID(), eventJSON(event, args), jsTime(time.Now()))
	})
}
