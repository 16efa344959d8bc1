// Package interop holds tornadio's interoperability tests: real Socket.IO
// clients against a tornadio server started in the test process.
//
// The clients live in interop/node (installed by `npm ci`, which `make test`
// runs when needed; without them `go test` stops at once, naming the
// command):
//
//   - scenario.js: socket.io-client 4.x in Node.js, one scenario per run
//     (transports, upgrade, acks, binary, disconnects, ping timeout, the
//     seed-style Handler, namespaces, concurrency, limits, many clients);
//   - scenario-v2.js: socket.io-client 2.x (Engine.IO protocol 3);
//   - semantics.js, semantics-v2.js: Socket.IO semantics (namespaces,
//     middleware, rooms, acks, disconnect reasons, recovery) against the
//     contract of refserver.js, a socket.io 4.8 server; contract_test.go is
//     tornadio's side, differential_test.go compares the two transcripts;
//   - msgpack-client.js: socket.io-client 4.x with socket.io-msgpack-parser
//     against a server using the same parser (msgpack_test.go): tornadio with
//     WithParser(msgpackparser.Parser{}), or msgpack-server.js, Node's
//     socket.io 4.8 serving the same contract, for the differential test;
//     testdata/msgpack.html runs the client's browser build with the parser
//     (socket.io.msgpack.min.js) in Chromium against the same contract;
//   - browser.js: drives the chat demo (examples/chat) in headless Chromium;
//   - browser-page.js: opens one page of testdata in Chromium and relays
//     what it records: clients.html, the browser builds of both clients
//     (XHR and JSONP long-polling, WebSocket, upgrade), msgpack.html,
//     deflate.html, httpcomp.html (with each polling answer's
//     Content-Encoding), legacy.html (the 0.6 client); these pages but the
//     last share testdata/page-harness.js, their log and checks. An https
//     URL is the net/http edge over TLS: Chromium then ignores certificate
//     errors, and can report the protocol of each request (h2, http/1.1);
//   - proxied.js: socket.io-client 4.x through a real nginx (nginx_test.go
//     starts one per test on loopback, speaking HTTP/1.0 or HTTP/1.1 to
//     tornadio); nginx_eio_test.go runs the official suites' Engine.IO
//     polling sequence through it;
//   - nethttp-client.js: socket.io-client 4.x in Node.js
//     (rejectUnauthorized: false) against the server mounted in a net/http
//     mux over TLS with a certificate the test makes (nethttp_*_test.go,
//     where browser-page.js runs the browser pages through the same edge):
//     polling over HTTP/1.1 and HTTP/2, websocket over wss, the 0.6 client,
//     Serve on listeners, permessage-deflate, Shutdown.
//
// interop/node also holds the Node.js side of the adapter/redis module's
// cluster tests (cluster-*.js) and of `make demo-cluster` (chat-node.js, the
// Node chat node; cluster-browser.js, which drives the demo in Chromium).
//
// Every script prints one JSON line per observation and ends with
// {"event":"done","ok":...}; the Go tests assert on those lines and on what
// the server saw. Chromium is the system one at /usr/bin/chromium, launched
// the same way by every browser driver (browser-launch.js).
//
// Outside CI (the CI environment variable unset) the tests skip when node,
// for the browser tests /usr/bin/chromium, or for the nginx tests nginx, is
// not installed; under CI they fail. INTEROP_LOG=debug logs the server at
// debug level and nginx's logs.
package interop
