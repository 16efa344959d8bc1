'use strict';
// socket.io-client 4.x over long-polling against a server that compresses
// polling answers (httpcomp_test.go): for each size, the client asks the
// server for "big" (a text of that many bytes and a binary attachment of
// as many) and checks both, then posts as much back and checks the ack.
//
// Usage: node httpcomp.js <xhr|fetch|websocket> <url> [options as JSON]
//   xhr: the default polling transport in Node (xmlhttprequest-ssl, which
//   sends no Accept-Encoding); fetch: engine.io-client's Fetch transport
//   over Node's fetch (undici, which asks for gzip and deflate and decodes
//   the answer); websocket: websocket only.
//   options: sizes (default [10, 5000, 300000]), extraHeaders, timeoutMs.
//
// Output: the harness.js contract, plus {"event":"connect",id,transport},
// {"event":"big",size} per size and, for fetch, {"event":"encodings",
// list} with the Content-Encoding of every GET answer.

const { io } = require('socket.io-client');
const { Fetch } = require('engine.io-client');

const { start } = require('./harness');

const h = start({ defaultTimeoutMs: 30000 });
const { names: mode, url, opts, out, check, finish, fail } = h;
const sizes = opts.sizes || [10, 5000, 300000];

// The server builds the same text and bytes (httpcomp_test.go).
const text = (n) => '0123456789abcdef'.repeat(Math.ceil(n / 16)).slice(0, n);
const byteAt = (i) => (i * 7) % 251;

const encodings = [];
if (mode === 'fetch') {
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const res = await realFetch(input, init);
    if (!init || init.method === 'GET') encodings.push(res.headers.get('content-encoding') || '');
    return res;
  };
}

function transports() {
  switch (mode) {
    case 'xhr':
      return ['polling'];
    case 'fetch':
      return [Fetch];
    case 'websocket':
      return ['websocket'];
  }
  throw new Error('unknown mode ' + mode);
}

function sameBytes(buf, n) {
  if (!buf || buf.length !== n) return false;
  for (let i = 0; i < n; i++) if (buf[i] !== byteAt(i)) return false;
  return true;
}

const socket = io(url, {
  transports: transports(),
  upgrade: false,
  reconnection: false,
  forceNew: true,
  extraHeaders: opts.extraHeaders,
});
socket.on('connect_error', (err) => fail('connect', { message: String(err && err.message) }));
socket.on('connect', async () => {
  out('connect', { id: socket.id, transport: socket.io.engine.transport.name });
  try {
    for (const n of sizes) {
      const got = new Promise((resolve) => socket.once('big', (s, b) => resolve([s, b])));
      socket.emit('big', n);
      const [s, b] = await got;
      check('big-text-' + n, typeof s === 'string' && s === text(n), { length: s && s.length });
      check('big-binary-' + n, sameBytes(b, n), { length: b && b.length });
      const back = await socket.timeout(20000).emitWithAck('back', text(n));
      check('back-' + n, back === n, { back });
      out('big', { size: n });
    }
  } catch (err) {
    return fail('exchange', { message: String(err && err.message) });
  }
  if (mode === 'fetch') out('encodings', { list: encodings });
  socket.disconnect();
  finish();
});
