package admin

import (
	"github.com/tornadio/tornadio"
)

// handleActions registers the UI's actions the features allow on one of
// its sockets. Each names a namespace and, optionally, a room or a socket
// id (filter); each goes through the namespace's adapter, so that it
// reaches the sockets of every node of a cluster. A namespace that does not
// exist is never made: the action does nothing.
//
//	emit        (nsp, filter, event, ...args)  broadcast the event
//	join        (nsp, room, filter?)           SocketsJoin(room)
//	leave       (nsp, room, filter?)           SocketsLeave(room)
//	_disconnect (nsp, close, filter?)          DisconnectSockets(close)
func (in *Instrumentation) handleActions(s *tornadio.Socket) {
	if in.has(featureEmit) {
		s.On("emit", func(args tornadio.Args) {
			var nsp, filter, event string
			if args.Len() < 3 || args.Decode(0, &nsp) != nil || args.Decode(2, &event) != nil {
				return
			}
			_ = args.Decode(1, &filter) // null: no filter
			ns := in.reg.namespace(nsp)
			if ns == nil {
				return
			}
			rest := make([]any, 0, args.Len()-3)
			for i := 3; i < args.Len(); i++ {
				var v any
				_ = args.Decode(i, &v)
				rest = append(rest, v)
			}
			if filter != "" {
				_ = ns.To(filter).Emit(event, rest...)
			} else {
				_ = ns.Emit(event, rest...)
			}
		})
	}
	if in.has(featureJoin) {
		s.On("join", func(args tornadio.Args) {
			if ns, room, filter, ok := in.roomAction(args); ok {
				selection(ns, filter).SocketsJoin(room)
			}
		})
	}
	if in.has(featureLeave) {
		s.On("leave", func(args tornadio.Args) {
			if ns, room, filter, ok := in.roomAction(args); ok {
				selection(ns, filter).SocketsLeave(room)
			}
		})
	}
	if in.has(featureDisconnect) {
		s.On("_disconnect", func(args tornadio.Args) {
			var nsp, filter string
			var closeAll bool
			if args.Len() < 2 || args.Decode(0, &nsp) != nil || args.Decode(1, &closeAll) != nil {
				return
			}
			if args.Len() > 2 {
				_ = args.Decode(2, &filter)
			}
			if ns := in.reg.namespace(nsp); ns != nil {
				selection(ns, filter).DisconnectSockets(closeAll)
			}
		})
	}
}

// roomAction reads the arguments of join and leave: (nsp, room, filter?).
func (in *Instrumentation) roomAction(args tornadio.Args) (ns *tornadio.Namespace, room, filter string, ok bool) {
	var nsp string
	if args.Len() < 2 || args.Decode(0, &nsp) != nil || args.Decode(1, &room) != nil || room == "" {
		return nil, "", "", false
	}
	if args.Len() > 2 {
		_ = args.Decode(2, &filter)
	}
	ns = in.reg.namespace(nsp)
	return ns, room, filter, ns != nil
}

// selection is every socket of ns, or those in the room (or with the id)
// filter names.
func selection(ns *tornadio.Namespace, filter string) *tornadio.BroadcastOperator {
	if filter == "" {
		return ns.Except() // no room left out: every socket
	}
	return ns.In(filter)
}
