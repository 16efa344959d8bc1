'use strict';
// socket.io-client 4.x against a server whose handshake admission limits
// refuse it at first (admission_test.go): the client must take the 429 or
// 503 as a failed attempt, retry with its reconnection backoff, and
// connect once the limit lets it.
//
// Usage: node admission.js <polling|websocket> <url> [options as JSON]
//   options: timeoutMs.
//
// Output: the harness.js contract, plus {"event":"refused",message,
// description} per failed attempt and {"event":"connect",id,transport,
// attempts}.

const { io } = require('socket.io-client');

const { start } = require('./harness');

const h = start({ defaultTimeoutMs: 30000 });
const { names: transport, url, out, check, finish } = h;

function describe(d) {
  if (d && typeof d === 'object') return String(d.message || (d.error && d.error.message) || d.type);
  return d;
}

let refused = 0;
const socket = io(url, {
  transports: [transport],
  upgrade: false,
  forceNew: true,
  reconnection: true,
  reconnectionDelay: 300,
  reconnectionDelayMax: 1000,
  randomizationFactor: 0,
});
socket.on('connect_error', (err) => {
  refused++;
  out('refused', {
    message: String(err && err.message),
    // polling: the HTTP status; websocket: the ws library's error event,
    // whose message names the status ("Unexpected server response: 429").
    description: describe(err && err.description),
  });
});
socket.on('connect', () => {
  out('connect', { id: socket.id, transport: socket.io.engine.transport.name, attempts: refused + 1 });
  check('refused-first', refused > 0, { refused });
  socket.disconnect();
  finish();
});
