// Package adminui tests the admin UI's view of a cluster (module
// github.com/tornadio/tornadio/admin): tornadio nodes sharing the Redis
// pub/sub adapter through a real redis-server, each instrumented, and
// socket.io-client 4.8 in Node playing the UI on one node and clients on
// both (interop/node/admin-client.js). The UI must see the sockets and the
// statistics of every node, and its actions must reach the sockets of the
// other node.
//
// The package is tests only; they skip where node, its modules or
// redis-server are missing (and fail instead when CI is set).
package adminui
