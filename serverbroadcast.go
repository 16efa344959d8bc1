package tornadio

import (
	"context"
	"time"
)

// The main namespace's operations on the Server itself, as Node's io.emit,
// io.to, io.use, io.on and the rest are io.of("/")'s: srv.Emit(…) is
// srv.Of("/").Emit(…). Each is safe from any goroutine.

// main is the main namespace, "/", without Of's lock.
func (s *Server) main() *Namespace { return s.mainNsp }

// OnConnection registers fn for each socket that connects to the main
// namespace (Node's io.on("connection")); see Namespace.OnConnection.
func (s *Server) OnConnection(fn func(*Socket)) { s.main().OnConnection(fn) }

// Use adds a middleware of the main namespace (Node's io.use); see
// Namespace.Use.
func (s *Server) Use(fn func(*Socket) error) { s.main().Use(fn) }

// Emit sends an event to every socket of the main namespace (Node's
// io.emit); see BroadcastOperator.Emit for the arguments, acknowledgements
// included.
func (s *Server) Emit(event string, args ...any) error { return s.main().Emit(event, args...) }

// EmitWithAck sends an event to every socket of the main namespace and
// waits for their answers (Node's io.emitWithAck); see
// Namespace.EmitWithAck, and where it may be called.
func (s *Server) EmitWithAck(ctx context.Context, event string, args ...any) ([]Args, error) {
	return s.main().EmitWithAck(ctx, event, args...)
}

// To selects the sockets of the main namespace in any of rooms for a
// broadcast (Node's io.to).
func (s *Server) To(rooms ...string) *BroadcastOperator { return s.main().To(rooms...) }

// In is To.
func (s *Server) In(rooms ...string) *BroadcastOperator { return s.main().In(rooms...) }

// Except leaves out the sockets of the main namespace in any of rooms (a
// socket id is a room too) (Node's io.except).
func (s *Server) Except(rooms ...string) *BroadcastOperator { return s.main().Except(rooms...) }

// Local keeps a broadcast of the main namespace on this node (Node's
// io.local).
func (s *Server) Local() *BroadcastOperator { return s.main().Local() }

// Volatile drops a broadcast's packet for the sockets of the main
// namespace that cannot take it right now (Node's io.volatile).
func (s *Server) Volatile() *BroadcastOperator { return s.main().Volatile() }

// Compress sets the compress flag of a broadcast to the main namespace
// (Node's io.compress).
func (s *Server) Compress(on bool) *BroadcastOperator { return s.main().Compress(on) }

// Timeout sets how long a broadcast to the main namespace waits for
// acknowledgements (Node's io.timeout).
func (s *Server) Timeout(d time.Duration) *BroadcastOperator { return s.main().Timeout(d) }

// SocketsJoin makes every socket of the main namespace join rooms (Node's
// io.socketsJoin); narrow the selection with To, Except, …
func (s *Server) SocketsJoin(rooms ...string) { s.main().SocketsJoin(rooms...) }

// SocketsLeave makes every socket of the main namespace leave rooms
// (Node's io.socketsLeave).
func (s *Server) SocketsLeave(rooms ...string) { s.main().SocketsLeave(rooms...) }

// DisconnectSockets disconnects every socket of the main namespace; close
// also closes their Engine.IO sessions (Node's io.disconnectSockets).
func (s *Server) DisconnectSockets(close bool) { s.main().DisconnectSockets(close) }

// FetchSockets returns the sockets of the main namespace, of every node of
// a cluster (Node's io.fetchSockets); see BroadcastOperator.FetchSockets
// for where to call it from.
func (s *Server) FetchSockets(ctx context.Context) ([]*RemoteSocket, error) {
	return s.main().FetchSockets(ctx)
}

// ServerSideEmit sends an event to the main namespace of the other nodes
// of a cluster (Node's io.serverSideEmit); see Namespace.ServerSideEmit.
func (s *Server) ServerSideEmit(event string, args ...any) error {
	return s.main().ServerSideEmit(event, args...)
}

// OnServerSideEmit registers fn for event when another node's main
// namespace sends it with ServerSideEmit (Node's io.on(event, listener));
// see Namespace.OnServerSideEmit.
func (s *Server) OnServerSideEmit(event string, fn any) error {
	return s.main().OnServerSideEmit(event, fn)
}

// OnAnyServerSideEmit registers fn for every event another node's main
// namespace sends with ServerSideEmit; see Namespace.OnAnyServerSideEmit.
func (s *Server) OnAnyServerSideEmit(fn func(event string, args Args, ack Ack)) {
	s.main().OnAnyServerSideEmit(fn)
}
