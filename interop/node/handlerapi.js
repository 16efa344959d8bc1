'use strict';
// The handler-level API against socket.io-client 4.8, run by
// handlerapi_test.go: the error answer to an ack whose arguments do not fit
// the handler, received arguments passed back unchanged (binary included),
// a handler that answers by ack only when asked, and the server's
// EmitWithAck (socket and broadcast) answered by this client.
//
// Usage: node handlerapi.js handlerapi <url> [options as JSON]

const { io } = require('socket.io-client');
const { start } = require('./harness');

const h = start({ defaultTimeoutMs: 20000 });
const { url, opts, out, check, finish, fail } = h;

const same = (a, b) => Buffer.from(a).equals(Buffer.from(b));

const socket = io(url, { reconnection: false, forceNew: true, transports: [opts.transport || 'websocket'] });
socket.on('question', (q, cb) => cb('answer to ' + q, Buffer.from([1, 2, 3])));
socket.on('poll', (cb) => cb('vote'));
socket.on('connect_error', (err) => fail('connect_error', { message: err.message }));
socket.once('connect', async () => {
  out('connect', { id: socket.id, transport: socket.io.engine.transport.name });

  const bad = await socket.timeout(5000).emitWithAck('add', 1, 'two');
  check('error-answer', bad && typeof bad.error === 'string' && bad.error.includes('argument 1'), { got: bad });
  const good = await socket.timeout(5000).emitWithAck('add', 1, 2);
  check('good-answer', good === 3, { got: good });

  const relayed = await new Promise((resolve) => {
    socket.timeout(5000).emit('relay', 'x', Buffer.from([7, 8]), { n: { b: Buffer.from([9]) } }, (err, ...args) =>
      resolve({ err, args }));
  });
  const [s, b, o] = relayed.args;
  check('relay-binary', !relayed.err && s === 'x' && same(b, [7, 8]) && o && o.n && same(o.n.b, [9]),
    { err: String(relayed.err || ''), n: relayed.args.length });

  const byEmit = new Promise((resolve) => socket.once('maybe', resolve));
  socket.emit('maybe', 'a');
  const emitted = await byEmit;
  check('no-ack-emits', emitted === 'emit:a', { got: emitted });
  const acked = await socket.timeout(5000).emitWithAck('maybe', 'b');
  check('ack-answers', acked === 'ack:b', { got: acked });

  const asked = new Promise((resolve) => socket.once('asked', resolve));
  socket.emit('ask-me');
  const summary = await asked;
  out('asked', summary);
  check('server-emit-with-ack', summary && summary.ok === true, summary);
  socket.disconnect();
  finish();
});
