// Package clustertest holds the mixed-cluster tests of tornadio's Redis
// adapters: tornadio nodes and Node socket.io 4.8.4 nodes in one cluster
// through a real redis-server, for each adapter kind (pubsub, sharded,
// streams), with socket.io-client 4.8.4 clients on every node over
// websocket and polling. Every cross-node operation is issued from every
// node in turn and each delivery must reach exactly the right clients,
// exactly once, and each broadcast costs Redis one command. Beside that
// contract: @socket.io/redis-emitter driving the cluster, fault tests (Redis
// killed and restarted, a node killed under a pending request) and the
// streams adapter's connection state recovery across nodes.
//
// Each kind's cluster is three Node nodes until the kind's tornadio node is
// registered in NewTornadioNode; then it is two tornadio nodes and one Node
// node.
//
// The package is tests only. The Node side is interop/node's
// cluster-node.js, cluster-clients.js and cluster-emitter.js, driven over
// JSON lines on stdin/stdout; the tests skip where node, its modules or
// redis-server are missing (and fail instead when CI is set).
package clustertest
