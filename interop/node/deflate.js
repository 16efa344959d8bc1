'use strict';
// permessage-deflate with socket.io-client 4.x in Node (its websocket is the
// ws package's, which offers the extension when perMessageDeflate is set):
// run by deflate_test.go against a server that, on "go", emits compressed
// and uncompressed messages, and answers "echo" with the length it got.
//
// Usage: node deflate.js run <url> [options as JSON]
//   options: threshold (the client's perMessageDeflate threshold), timeoutMs.
// Observations: {"event":"got","name":...,"ok":...} per message received,
// {"event":"echoed",...} per answer, then {"event":"done","ok":...}.

const { io } = require('socket.io-client');
const { start } = require('./harness');

const h = start({ defaultTimeoutMs: 20000 });
const { url, opts, out, check, finish, fail } = h;

const big = 'tornadio '.repeat(300);
const expected = [
  ['big', big],
  ['big', big],
  ['small', 'x'],
  ['all', big],
  ['all', big],
];

const socket = io(url, {
  reconnection: false,
  forceNew: true,
  transports: ['websocket'],
  transportOptions: { websocket: { perMessageDeflate: { threshold: opts.threshold === undefined ? 1024 : opts.threshold } } },
});
socket.on('connect_error', (err) => fail('connect', { message: String(err.message) }));
socket.on('connect', () => {
  out('connect', { id: socket.id, transport: socket.io.engine.transport.name });
  const got = [];
  const onEvent = (name) => (v) => {
    got.push(name);
    const i = got.length - 1;
    const want = expected[i];
    check('message-' + i, want && want[0] === name && v === want[1], { name, length: v.length });
    out('got', { name, length: v.length });
    if (got.length === expected.length) socket.emit('go-bin');
  };
  socket.on('big', onEvent('big'));
  socket.on('small', onEvent('small'));
  socket.on('all', onEvent('all'));
  socket.on('bin', (buf) => {
    check('binary', Buffer.isBuffer(buf) && buf.toString() === big, { length: buf.length });
    out('got', { name: 'bin', length: buf.length });
    // Client to server: one message above the threshold, one below.
    socket.emit('echo', big, (n) => {
      check('echo-big', n === big.length, { n });
      socket.emit('echo', 'hi', (m) => {
        check('echo-small', m === 2, { m });
        socket.disconnect();
        finish();
      });
    });
  });
  socket.emit('go');
});
