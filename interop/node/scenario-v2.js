'use strict';
// Socket.IO v2 client (Engine.IO protocol 3) scenarios, run against a
// tornadio server by interop_test.go. Same output contract as scenario.js:
// one JSON line per observation, last line {"event":"done","ok":...},
// exit code 0 when every check passed, hard timeout.
//
// Usage: node scenario-v2.js <basic|upgrade|binary|server-disconnect|client-disconnect|ping-timeout> <url> [options as JSON]

const io = require('socket.io-client-v2');

const { start, sleep } = require('./harness');

const h = start({ defaultTimeoutMs: 20000 });
const { names: scenario, url, opts, timeoutMs, out, check, finish, fail, hardTimer } = h;


function canonical(v) {
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
  if (v && typeof v === 'object' && !Buffer.isBuffer(v)) {
    return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}';
  }
  return JSON.stringify(v);
}

function connect(extra) {
  const socket = io(url, Object.assign({ reconnection: false, forceNew: true, timeout: 10000 }, extra || {}));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(err instanceof Error ? err : new Error(String(err))));
    socket.once('error', (err) => reject(err instanceof Error ? err : new Error(String(err))));
  });
}

function transportOpts() {
  const t = opts.transport || 'websocket';
  const o = t === 'any' ? {} : { transports: [t] };
  if (opts.forceBase64) o.forceBase64 = true;
  return o;
}

function engineName(socket) {
  return socket.io.engine && socket.io.engine.transport ? socket.io.engine.transport.name : null;
}

// emitAck emits with an ack callback and resolves with the ack's arguments.
function emitAck(socket, event, ...args) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no ack for ' + event)), 5000);
    socket.emit(event, ...args, (...reply) => {
      clearTimeout(timer);
      resolve(reply);
    });
  });
}

function waitFor(socket, event, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for ' + event)), ms);
    socket.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

async function whoami(socket) {
  const [who] = await emitAck(socket, 'whoami');
  out('whoami', { server: who });
  // v2 clients name a socket of namespace "/" by its Engine.IO session id.
  check('whoami-id', who && who.id === socket.id, { clientID: socket.id, serverID: who && who.id });
  return who;
}

async function echo(socket, payload) {
  const [reply] = await emitAck(socket, 'echo', payload);
  out('ack', { reply });
  check('echo-ack', canonical(reply) === canonical(payload), { sent: payload, got: reply });
}

const scenarios = {};

scenarios.basic = async () => {
  const socket = await connect(transportOpts());
  out('connect', { id: socket.id, transport: engineName(socket) });
  await echo(socket, { hello: 'world', n: 42, list: [1, 2, 3], nested: { ok: true, nil: null } });
  await echo(socket, 'unicode é✓ and a\nnewline');
  const replies = await Promise.all([...Array(10).keys()].map((i) => emitAck(socket, 'echo', i).then((r) => r[0])));
  check('echo-parallel', canonical(replies) === canonical([...Array(10).keys()]), { got: replies });
  await whoami(socket);
  out('transport', { transport: engineName(socket) });
  socket.disconnect();
  await sleep(200);
};

scenarios.upgrade = async () => {
  const socket = io(url, { reconnection: false, forceNew: true });
  let before = null;
  let after = null;
  socket.io.on('open', () => {
    const engine = socket.io.engine;
    before = engine.transport.name;
    out('open', { transport: before });
    engine.once('upgrade', (t) => {
      after = t.name;
      out('upgrade', { before, after });
    });
  });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  out('connect', { id: socket.id, transport: engineName(socket) });
  for (let i = 0; i < 50 && after === null; i++) await sleep(100);
  check('upgrade-before-polling', before === 'polling', { before });
  check('upgrade-after-websocket', after === 'websocket', { after });
  await echo(socket, { after: 'upgrade' });
  await whoami(socket);
  socket.disconnect();
  await sleep(200);
};

scenarios.binary = async () => {
  const socket = await connect(transportOpts());
  out('connect', { id: socket.id, transport: engineName(socket) });
  for (const size of opts.sizes || [1, 256, 70000]) {
    const buf = Buffer.alloc(size);
    for (let i = 0; i < size; i++) buf[i] = (i * 7 + 3) & 0xff;
    const back = waitFor(socket, 'bin-back', 5000);
    const [reply] = await emitAck(socket, 'bin', buf);
    const [label, echoed] = await back;
    const asBuf = (v) => (Buffer.isBuffer(v) ? v : v instanceof ArrayBuffer ? Buffer.from(v) : null);
    out('binary', { size, label, ackLen: asBuf(reply) && asBuf(reply).length, eventLen: asBuf(echoed) && asBuf(echoed).length });
    check('binary-ack-' + size, asBuf(reply) !== null && asBuf(reply).equals(buf), { type: typeof reply });
    check('binary-event-' + size, asBuf(echoed) !== null && asBuf(echoed).equals(buf) && label === 'len:' + size, { label });
  }
  socket.disconnect();
  await sleep(200);
};

scenarios['server-disconnect'] = async () => {
  const socket = await connect(transportOpts());
  out('connect', { id: socket.id, transport: engineName(socket) });
  const disc = waitFor(socket, 'disconnect', 5000);
  socket.emit('kick');
  const [reason] = await disc;
  out('disconnect', { reason });
  check('disconnect-reason', reason === 'io server disconnect', { reason });
};

scenarios['client-disconnect'] = async () => {
  const socket = await connect(transportOpts());
  out('connect', { id: socket.id, transport: engineName(socket) });
  await whoami(socket);
  socket.disconnect();
  out('disconnect', { reason: 'io client disconnect' });
  await sleep(opts.lingerMs || 300);
};

// The client stops sending pings (Engine.IO 3: the client pings); the server
// must close the session about pingInterval+pingTimeout after the handshake
// (opts.pingInterval/opts.pingTimeout, measured on the client).
scenarios['ping-timeout'] = async () => {
  const slack = opts.slackMs || 150;
  const socket = io(url, Object.assign({ reconnection: false, forceNew: true, timeout: 10000 }, transportOpts()));
  let openAt = 0;
  let blocked = 0;
  socket.io.on('open', () => {
    openAt = Date.now();
    const engine = socket.io.engine;
    engine.setPing = function () {};
    engine.ping = function () {
      blocked++;
    };
    clearTimeout(engine.pingIntervalTimer);
    // Stop the client's own liveness timer so that the server gives up first
    // (onHandshake registers this.onHeartbeat after this 'open' handler).
    engine.removeListener('heartbeat', engine.onHeartbeat);
    engine.onHeartbeat = function () {};
    clearTimeout(engine.pingTimeoutTimer);
    out('ping-disabled', {});
  });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  out('connect', { id: socket.id, transport: engineName(socket) });
  const [reason] = await waitFor(socket, 'disconnect', opts.waitMs || 8000);
  const sinceOpen = Date.now() - openAt;
  out('disconnect', { reason, sinceOpenMs: sinceOpen, pingsBlocked: blocked });
  if (opts.pingInterval && opts.pingTimeout) {
    const want = opts.pingInterval + opts.pingTimeout;
    check('close-after-interval-plus-timeout', sinceOpen >= want - slack, { sinceOpenMs: sinceOpen, wantMs: want });
  }
};

(async () => {
  const fn = scenarios[scenario];
  if (!fn || !url) {
    fail('usage', { message: 'usage: node scenario-v2.js <' + Object.keys(scenarios).join('|') + '> <url> [json options]' });
    return;
  }
  out('start', { scenario, url, opts, client: require('socket.io-client-v2/package.json').version });
  try {
    await fn();
  } catch (err) {
    fail('exception', { message: String((err && err.message) || err) });
    return;
  }
  clearTimeout(hardTimer);
  finish();
})();
