// Package streams is tornadio's Redis Streams adapter, the twin of Node's
// @socket.io/redis-streams-adapter 0.3.1: tornadio nodes and Node nodes
// using that adapter form one cluster through the same Redis keys, streams,
// channels and bytes.
//
// Persistent messages (broadcasts without acknowledgement, room changes and
// disconnections) are appended to a Redis stream with XADD, one entry per
// message with the fields uid, nsp, type (a decimal string) and data
// (JSON.stringify of the message's data, or base64 of its msgpack when it
// carries binary). Every process reads each stream its namespaces use with
// one blocking XREAD loop on its own connection, shared by the namespaces.
// Ephemeral messages (broadcasts with acknowledgement, server-side emits,
// socket fetches and every answer) go over Redis pub/sub as whole msgpack
// messages: requests on {prefix}#{nsp}#, answers on {prefix}#{nsp}#{uid}#.
// The server count is the number of subscribers of {prefix}#{nsp}#.
//
// The stream entry id of a broadcast is its offset, which makes connection
// state recovery work across nodes: the adapter implements
// adapter.SessionStore, keeps a disconnected socket's state under
// {sessionKeyPrefix}{pid} for the recovery window, and replays from the
// stream the broadcasts the socket missed, on whichever node it comes back
// to.
//
// Redis I/O never runs on an event loop: publishes run in each namespace's
// own goroutine, in order, and results come back through callbacks.
package streams
