// Package admin instruments a tornadio server for the Socket.IO Admin UI
// (@socket.io/admin-ui 0.5, https://admin.socket.io or its ui/dist served
// by UIHandler): the server side of what the npm package's instrument()
// does for a Node server, speaking the same messages on the same admin
// namespace, so the UI cannot tell the two apart.
//
//	srv := tornadio.NewServer()
//	if _, err := admin.Instrument(srv, admin.WithBasicAuth("admin", bcryptHash)); err != nil {
//		log.Fatal(err)
//	}
//
// The UI connects to the admin namespace ("/admin" by default) with a
// socket.io client, logging in with a user name and password checked
// against a bcrypt hash (or with no authentication, which must be asked
// for: WithNoAuth). It then receives:
//
//   - "session": an id the UI keeps to reconnect without the password
//     (kept in this process for 24 hours);
//   - "config": the features the server supports (none of the actions when
//     readonly);
//   - "server_stats", every 2 seconds from every node: the server's id,
//     host name, pid, uptime, client counts, each namespace's socket count
//     and the events aggregated per second (connections, disconnections by
//     reason, and the event packets and message bytes in and out, read
//     from the server's counters, Server.Stats, in both modes);
//   - in development mode (the default; WithMode(Production) turns it off,
//     as NODE_ENV=production does): "all_sockets" when it connects, then
//     "socket_connected", "socket_updated" (a transport upgrade, or new
//     data stored with Socket.SetData),
//     "socket_disconnected", "room_joined", "room_left", "event_received"
//     and "event_sent" as they happen.
//
// The UI's actions are events on the admin namespace, run through the
// adapter so that they reach every node of a cluster: "emit" (broadcast an
// event), "join" and "leave" (SocketsJoin, SocketsLeave) and "_disconnect"
// (DisconnectSockets), each on a namespace and optionally a room or socket
// id.
//
// In a cluster (a Redis adapter, adapter/redis), instrument every node,
// each with its own WithServerID: every node's messages reach the UI
// through the admin namespace's adapter, and "all_sockets" gathers the
// sockets of every node with ServerSideEmit, which every tornadio node
// answers. Login sessions are per node: the UI asks for the password again
// when it reconnects to another one.
//
// Costs: the admin namespace is an ordinary namespace. In development mode
// every event of every socket is also sent to the admin namespace, and
// every socket has an outgoing listener, which takes broadcasts off their
// fast path: use Production on busy servers. A login with a password runs
// one bcrypt comparison on an event loop (tens of milliseconds at cost 10);
// reconnections with the session id do not.
package admin
