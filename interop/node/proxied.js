'use strict';
// socket.io-client 4.x through a reverse proxy (nginx_test.go): several
// clients connect one after the other (so that a proxy's pool of upstream
// connections gets reused), then run rounds of traffic together: an echo
// with ack, a server-to-client emit with ack, a broadcast, a binary
// attachment both ways; then each disconnects.
//
// Usage: node proxied.js <polling|websocket|default> <url> [options as JSON]
//   polling, websocket: transports: [that one]; default: socket.io-client's
//   default (polling, then the upgrade to websocket).
//   options: clients (3), rounds (5), token (marks this run's broadcasts),
//   upgrade ("websocket": the default client must upgrade; "refused": its
//   websocket probe must fail and it must stay on polling), sizes (binary
//   sizes by round), timeoutMs.
//
// Output: the harness.js contract, plus {"event":"connect",i,id,transport},
// {"event":"final",i,id,transport} and {"event":"disconnect",i,id,reason}.

const { io } = require('socket.io-client');

const { start, sleep } = require('./harness');

const h = start({ defaultTimeoutMs: 60000 });
const { names: config, url, opts, out, check, finish, fail, hardTimer } = h;
const clients = opts.clients || 3;
const rounds = opts.rounds || 5;
const token = opts.token || 'proxied';
// Binary sizes by round: empty, small, and larger than nginx's proxy
// buffers (so that it spools a polling answer to its temporary files).
const sizes = opts.sizes || [0, 1, 1000, 70000, 200000];

function transportOpts() {
  switch (config) {
    case 'polling':
    case 'websocket':
      return { transports: [config] };
    case 'default':
      return {};
  }
  throw new Error('unknown configuration ' + config);
}

const engineName = (s) => (s.io.engine && s.io.engine.transport ? s.io.engine.transport.name : null);

function within(ms, what, promise) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out waiting for ' + what)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

// next resolves with the arguments of the next `event` that match accepts.
function next(socket, event, accepts) {
  return new Promise((resolve) => {
    const on = (...args) => {
      if (accepts && !accepts(...args)) return;
      socket.off(event, on);
      resolve(args);
    };
    socket.on(event, on);
  });
}

// connect opens client i; for the default configuration it also waits for
// the outcome of the websocket probe that follows the polling handshake.
async function connect(i) {
  const socket = io(url, Object.assign({ reconnection: false, forceNew: true, timeout: 10000 }, transportOpts()));
  const engine = socket.io.engine;
  const probe = new Promise((resolve) => {
    engine.once('upgrade', (t) => resolve({ upgraded: t.name }));
    engine.once('upgradeError', (err) => resolve({ upgradeError: String(err && err.message) }));
  });
  await within(10000, 'connect', new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', (err) => reject(new Error('connect_error: ' + err.message)));
  }));
  out('connect', { i, id: socket.id, transport: engineName(socket) });
  if (config === 'default') {
    const res = await within(10000, 'the websocket probe', probe);
    out('probe', Object.assign({ i }, res));
    if (opts.upgrade === 'refused') {
      check('probe-refused-' + i, res.upgradeError !== undefined, res);
    } else {
      check('upgraded-' + i, res.upgraded === 'websocket', res);
    }
  }
  socket.on('ask', (question, n, answer) => answer('answer to ' + question, n * 2));
  return socket;
}

function pattern(size, seed) {
  const b = Buffer.alloc(size);
  for (let k = 0; k < size; k++) b[k] = (k * 7 + seed) & 0xff;
  return b;
}

// canonical is JSON with object keys sorted: a Go server that decodes
// objects into maps re-encodes them sorted.
function canonical(v) {
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
  if (v && typeof v === 'object') {
    return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}';
  }
  return JSON.stringify(v);
}

const asBuffer = (v) => (Buffer.isBuffer(v) ? v : v instanceof ArrayBuffer ? Buffer.from(v) : null);

// round runs one round of traffic on every socket at once.
async function round(sockets, r) {
  await Promise.all(sockets.map(async (s, i) => {
    const payload = { token, r, i, text: 'round ' + r + ' é✓' };
    const reply = await s.timeout(10000).emitWithAck('echo', payload);
    check('echo-' + r + '-' + i, canonical(reply) === canonical(payload), { got: reply });

    const result = within(10000, 'ask-result', next(s, 'ask-result'));
    s.emit('ask-me', 10 * r + i);
    const [res] = await result;
    check('ask-' + r + '-' + i, res && res.answer === 'answer to life' && res.doubled === 2 * (10 * r + i), { got: res });
  }));

  const news = sockets.map((s) => within(10000, 'news ' + r, next(s, 'news', (p) => p && p.token === token && p.r === r)));
  const shouted = await sockets[r % sockets.length].timeout(10000).emitWithAck('shout', { token, r });
  check('shout-ack-' + r, shouted === true, { got: shouted });
  const heard = await Promise.all(news);
  check('news-' + r, heard.every(([p]) => p.from === sockets[r % sockets.length].id), { heard: heard.map(([p]) => p.from) });

  const size = sizes[r % sizes.length];
  await Promise.all(sockets.map(async (s, i) => {
    const buf = pattern(size, r + i);
    const back = within(10000, 'bin-back', next(s, 'bin-back'));
    const ack = asBuffer(await s.timeout(10000).emitWithAck('bin', buf));
    const [label, echoed] = await back;
    check('bin-ack-' + r + '-' + i, ack !== null && ack.equals(buf), { size, ackLen: ack && ack.length });
    check('bin-event-' + r + '-' + i, asBuffer(echoed) !== null && asBuffer(echoed).equals(buf) && label === 'len:' + size, { size, label });
  }));
  out('round', { r, size });
}

(async () => {
  out('start', { config, url, opts });
  try {
    transportOpts();
    const sockets = [];
    for (let i = 0; i < clients; i++) sockets.push(await connect(i));
    for (let r = 0; r < rounds; r++) await round(sockets, r);
    sockets.forEach((s, i) => out('final', { i, id: s.id, transport: engineName(s) }));
    for (const [i, s] of sockets.entries()) {
      const id = s.id;
      const gone = next(s, 'disconnect');
      s.disconnect();
      const [reason] = await within(5000, 'disconnect', gone);
      out('disconnect', { i, id, reason });
      check('disconnect-reason-' + i, reason === 'io client disconnect', { reason });
    }
    // Let the last packets (the namespace disconnect, the Engine.IO close)
    // leave before the process exits.
    await sleep(200);
  } catch (err) {
    fail('exception', { message: String((err && err.message) || err) });
    return;
  }
  clearTimeout(hardTimer);
  finish();
})();
