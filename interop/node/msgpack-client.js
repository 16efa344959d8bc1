'use strict';
// socket.io-client 4.8 with socket.io-msgpack-parser 3.0.2, against a server
// using the same parser and implementing the contract of msgpack-server.js:
// tornadio (msgpack_test.go) or Node's socket.io 4.8 (msgpack-server.js, for
// the differential test).
//
// Usage: node msgpack-client.js <scenario[,scenario…]> <url> [options as JSON]
//   options: transport ("websocket" | "polling" | "any": polling then
//   the upgrade), timeoutMs.
// Scenarios: events, server-ack, namespaces, broadcast, refusals, kick.
//
// Output as semantics.js: {"event":"t",…} transcript lines (normalised:
// socket ids as labels, binary as {"<bin>":hex}, keys sorted) that the
// differential test compares between servers; {"event":"check",…} lines
// for this script's own assertions; a last {"event":"done","ok":…} line.
// Every scenario also checks that each Socket.IO packet the client received
// came as one binary Engine.IO message, notes how many came, and notes each
// packet's bytes (as hex), so that the differential test compares the
// servers byte for byte.

const { io } = require('socket.io-client');
const parser = require('socket.io-msgpack-parser');

const { start, sleep } = require('./harness');
const { transcript } = require('./transcript');

const h = start({ defaultTimeoutMs: 60000, scoped: true });
const { names: scenarioList, url, opts, check, finish } = h;
const transport = opts.transport || 'websocket';
const { ids, norm, note } = transcript(h, { errorData: true });

const open = [];
const wire = { binary: 0, text: 0 }; // Engine.IO messages received, by kind
let bytes = {}; // label -> hex of each packet received, CONNECT and CONNECT_ERROR named only

// packetBytes is what the transcript keeps of a received message: its
// bytes, which the differential test compares with Node's, except for the
// CONNECT answer (it holds the socket's id) and CONNECT_ERROR (Node writes
// its keys in an order that depends on where the refusal comes from).
function packetBytes(buf) {
  let type;
  const d = new parser.Decoder();
  d.on('decoded', (p) => (type = p.type));
  d.add(buf);
  if (type === 0) return 'CONNECT';
  if (type === 4) return 'CONNECT_ERROR';
  return buf.toString('hex');
}

// client connects a new socket (its own Manager) to nsp, recording what it
// receives; it resolves with the socket, or with the connect error.
function client(label, nsp, extra) {
  const transports = transport === 'any' ? {} : { transports: [transport] };
  const socket = io(url + (nsp && nsp !== '/' ? nsp : ''), Object.assign({ forceNew: true, reconnection: false, timeout: 10000, parser }, transports, extra || {}));
  open.push(socket);
  socket.io.on('open', () => {
    socket.io.engine.on('packet', (p) => {
      if (p.type !== 'message') return;
      if (typeof p.data === 'string') {
        wire.text++;
        return;
      }
      wire.binary++;
      (bytes[label] = bytes[label] || []).push(packetBytes(Buffer.from(p.data)));
    });
  });
  // A broadcast reaches the clients in no defined order: the broadcast
  // scenario notes "news" itself.
  socket.onAny((...args) => args[0] !== 'news' && note('received', { by: label, args }));
  return new Promise((resolve) => {
    socket.on('connect', () => {
      ids.set(socket.id, label);
      resolve(socket);
    });
    socket.on('connect_error', (err) => resolve(err));
  });
}

// once resolves with the arguments of socket's next ev, or ['<timeout>']
// after 10s, so that a lost packet fails the scenario instead of hanging it.
const once = (socket, ev) =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve(['<timeout>']), 10000);
    socket.once(ev, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
// ack emits with an ack and resolves with every argument of the answer (or
// the timeout's error).
const ack = (socket, ...args) => new Promise((resolve) => socket.timeout(5000).emit(...args, (err, ...answer) => resolve(err || answer)));

const scenarios = {
  // Events with acks, binary values inside and at the top, a welcome event
  // with binary from the server on connection.
  async events() {
    const A = await client('A', '/');
    note('echo', { answer: await ack(A, 'echo', 'text', 42, -1.5, null, true, { nested: [1, { deep: Buffer.from([7, 8]) }] }, Buffer.from('raw')) });
    note('echo-empty', { answer: await ack(A, 'echo') });
    note('echo-unicode', { answer: await ack(A, 'echo', 'é日本😀', { 'k\u00e9y': ['', 'x'.repeat(300)] }) });
    const large = await ack(A, 'echo', Buffer.alloc(70000, 0xab));
    note('echo-large-binary', { length: large[0].length, same: Buffer.isBuffer(large[0]) && large[0].every((b) => b === 0xab) });
  },

  // The server emits with an ack callback; the client answers with binary.
  async 'server-ack'() {
    const A = await client('A', '/');
    const asked = once(A, 'ask');
    A.emit('ask-me');
    const [q, bin, cb] = await asked;
    note('asked', { q, bin, cb: typeof cb });
    const answered = once(A, 'answered');
    cb('answer', Buffer.from([0, 255]), { ok: true });
    note('answered', { args: await answered });
  },

  // Two namespaces on one connection.
  async namespaces() {
    const A = await client('A', '/');
    const B = await client('A-admin', '/admin', { forceNew: false });
    note('admin', { answer: await ack(B, 'who') });
    note('main', { answer: await ack(A, 'echo', 'main') });
  },

  // A broadcast reaches every socket of the namespace, its binary inside.
  async broadcast() {
    const A = await client('A', '/');
    const B = await client('B', '/');
    const got = Promise.all([once(A, 'news'), once(B, 'news')]);
    A.emit('shout', { from: 'A', n: [1, 2] });
    const [a, b] = await got;
    note('news', { a, b });
  },

  // Refused connections: an unknown namespace, a middleware's error.
  async refusals() {
    const err1 = await client('X', '/nope');
    note('unknown-namespace', { err: err1 instanceof Error ? err1 : 'connected' });
    const err2 = await client('Y', '/private');
    note('middleware', { err: err2 instanceof Error ? err2 : 'connected' });
  },

  // The server disconnects the socket.
  async kick() {
    const A = await client('A', '/');
    const reason = once(A, 'disconnect');
    A.emit('kick');
    note('kicked', { reason: (await reason)[0] });
  },
};

(async () => {
  for (const name of scenarioList.split(',')) {
    h.scenario = name;
    wire.binary = wire.text = 0;
    try {
      await scenarios[name]();
    } catch (err) {
      check('threw', false, { message: String((err && err.stack) || err) });
    }
    await sleep(50);
    check('every packet one binary message', wire.text === 0 && wire.binary > 0, { binary: wire.binary, text: wire.text });
    note('messages', { binary: wire.binary, text: wire.text });
    for (const label of Object.keys(bytes).sort()) note('bytes', { by: label, packets: bytes[label] });
    bytes = {};
    for (const s of open.splice(0)) s.disconnect();
    await sleep(50);
  }
  finish();
})();
