// Package interop holds tornadio's interoperability tests: real Socket.IO
// clients (socket.io-client for Node.js, and the browser build driven in
// headless Chromium by playwright-core) against a tornadio server started in
// the test process.
//
// The Node.js side lives in interop/node: scenario.js runs one scenario per
// invocation and prints one JSON line per observation, browser.js drives the
// chat demo of examples/chat. `make test` installs their dependencies with
// `npm ci` when needed.
//
// Outside CI (the CI environment variable unset) the tests skip when node, or
// for the browser test /usr/bin/chromium, is not installed; under CI they fail.
package interop
