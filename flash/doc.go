// Package flash answers Adobe Flash socket policy requests for the legacy
// flashsocket transport (docs/legacy-0.6.md section 6): before the Flash
// WebSocket polyfill (web-socket-js) may open a socket, the Flash player
// connects to port 843, and then to the target port, sends
// "<policy-file-request/>\x00" and expects a cross-domain policy.
//
// The package is sans-IO: [IsPolicyRequest] recognises the request in the
// first bytes of a connection (also when they arrive in pieces), [Policy]
// and [DefaultPolicy] render policies, and [Answer] gives the bytes to write
// before closing. Package loop owns the listeners: the one on port 843, when
// flashsocket is enabled, and the sniffing of the main port.
//
// Following decision 1 of docs/legacy-0.6.md, the answer is the policy followed by
// a NUL byte (as SocketTornad.IO writes it), after which the server closes the
// connection (as socket.io-node does); the rendering follows socket.io-node's.
package flash
