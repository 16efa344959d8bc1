'use strict';
// Socket.IO v4 client scenarios run against a tornadio server by interop_test.go.
//
// Usage: node scenario.js <scenario> <url> [options as JSON]
//
// Every observation is printed as one JSON line on stdout, e.g.
//   {"event":"connect","id":"...","transport":"websocket"}
// and the last line is always {"event":"done","ok":true|false,...}.
// The exit code is 0 when every check passed and 1 otherwise. A hard timeout
// (options.timeoutMs, default 20s) makes sure the process never hangs.

const { io } = require('socket.io-client');

const { start, sleep } = require('./harness');

const h = start({ defaultTimeoutMs: 20000 });
const { names: scenario, url, opts, timeoutMs, out, check, finish, fail, hardTimer } = h;


// canonical is JSON with object keys sorted: key order is not meaningful,
// and a Go server that decodes objects into maps re-encodes them sorted.
function canonical(v) {
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
  if (v && typeof v === 'object') {
    return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}';
  }
  return JSON.stringify(v);
}

function sameJSON(a, b) {
  return canonical(a) === canonical(b);
}

// connect opens a new socket and resolves once it is connected.
function connect(extra) {
  const socket = io(url, Object.assign({ reconnection: false, forceNew: true, timeout: 10000 }, extra || {}));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(Object.assign(err, { socket })));
  });
}

function transportOpts() {
  const t = opts.transport || 'websocket';
  const o = t === 'any' ? {} : { transports: [t] };
  if (opts.forceBase64) o.forceBase64 = true;
  return o;
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

function engineName(socket) {
  return socket.io.engine && socket.io.engine.transport ? socket.io.engine.transport.name : null;
}

async function whoami(socket) {
  const who = await socket.timeout(5000).emitWithAck('whoami');
  out('whoami', { server: who });
  check('whoami-id', who && who.id === socket.id, { clientID: socket.id, serverID: who && who.id });
  return who;
}

async function echoCheck(socket, payload) {
  const reply = await socket.timeout(5000).emitWithAck('echo', payload);
  out('ack', { reply });
  check('echo-ack', sameJSON(reply, payload), { sent: payload, got: reply });
}

const scenarios = {};

// (a), (b): one transport only; echo with ack, several in flight at once.
scenarios.basic = async () => {
  const socket = await connect(transportOpts());
  out('connect', { id: socket.id, transport: engineName(socket) });
  await echoCheck(socket, { hello: 'world', n: 42, list: [1, 2, 3], nested: { ok: true, nil: null } });
  await echoCheck(socket, 'plain string with "quotes", unicode é✓ and a\nnewline');
  const many = [];
  for (let i = 0; i < 20; i++) many.push(socket.timeout(5000).emitWithAck('echo', i));
  const replies = await Promise.all(many);
  check('echo-parallel', sameJSON(replies, [...Array(20).keys()]), { got: replies });
  await whoami(socket);
  out('transport', { transport: engineName(socket) });
  socket.disconnect();
  await sleep(100);
};

// (c): default transports, polling first then upgrade to websocket.
scenarios.upgrade = async () => {
  const socket = io(url, { reconnection: false, forceNew: true });
  const engine = socket.io.engine;
  let before = null;
  const upgraded = new Promise((resolve) => {
    engine.once('upgrading', (t) => {
      before = engineName(socket);
      out('upgrading', { before, to: t.name });
    });
    engine.once('upgrade', (t) => {
      out('upgrade', { before, after: t.name, current: engineName(socket) });
      resolve(t.name);
    });
  });
  out('initial', { transport: engineName(socket) });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  out('connect', { id: socket.id, transport: engineName(socket) });
  const after = await Promise.race([upgraded, sleep(5000).then(() => null)]);
  check('upgrade-before-polling', before === 'polling', { before });
  check('upgrade-after-websocket', after === 'websocket' && engineName(socket) === 'websocket', { after, current: engineName(socket) });
  await echoCheck(socket, { after: 'upgrade' });
  await whoami(socket);
  socket.disconnect();
  await sleep(100);
};

// (d): acks both ways.
scenarios.acks = async () => {
  const socket = await connect(transportOpts());
  out('connect', { id: socket.id, transport: engineName(socket) });
  await echoCheck(socket, ['array', 1, true]);
  const asked = new Promise((resolve) => {
    socket.on('ask', (question, n, answer) => {
      out('ask', { question, n, hasAck: typeof answer === 'function' });
      check('ask-has-ack', typeof answer === 'function');
      if (typeof answer === 'function') answer('answer to ' + question, n * 2);
      resolve();
    });
  });
  const result = waitFor(socket, 'ask-result', 5000);
  socket.emit('ask-me', 21);
  await asked;
  const [res] = await result;
  out('ask-result', { result: res });
  check('ask-result', sameJSON(res, { answer: 'answer to life', doubled: 42 }), { got: res });
  socket.disconnect();
  await sleep(100);
};

// (e): binary both ways.
scenarios.binary = async () => {
  const socket = await connect(transportOpts());
  out('connect', { id: socket.id, transport: engineName(socket) });
  const sizes = opts.sizes || [0, 1, 256, 70000];
  for (const size of sizes) {
    const buf = Buffer.alloc(size);
    for (let i = 0; i < size; i++) buf[i] = (i * 7 + 3) & 0xff;
    const back = waitFor(socket, 'bin-back', 5000);
    const reply = await socket.timeout(5000).emitWithAck('bin', buf);
    const [label, echoed] = await back;
    const replyBuf = Buffer.isBuffer(reply) ? reply : reply instanceof ArrayBuffer ? Buffer.from(reply) : null;
    const echoedBuf = Buffer.isBuffer(echoed) ? echoed : echoed instanceof ArrayBuffer ? Buffer.from(echoed) : null;
    out('binary', { size, ackLen: replyBuf && replyBuf.length, eventLen: echoedBuf && echoedBuf.length, label });
    check('binary-ack-' + size, replyBuf !== null && replyBuf.equals(buf), { type: typeof reply });
    check('binary-event-' + size, echoedBuf !== null && echoedBuf.equals(buf) && label === 'len:' + size, { type: typeof echoed, label });
  }
  socket.disconnect();
  await sleep(100);
};

// Text payloads around the WebSocket frame-length boundaries (125/126 and
// 65535/65536 bytes, for the request and the reply, whatever the packet
// overhead) and large ones below the default 1e6 maxPayload; one with
// multi-byte UTF-8.
scenarios.big = async () => {
  const socket = await connect(transportOpts());
  out('connect', { id: socket.id, transport: engineName(socket) });
  const range = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
  const sizes = opts.sizes || [...range(100, 135), ...range(65505, 65545), 200000, 900000];
  const ascii = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let failed = 0;
  for (const size of sizes) {
    const str = ascii.repeat(Math.ceil(size / ascii.length)).slice(0, size);
    const reply = await socket.timeout(15000).emitWithAck('echo', str);
    if (reply !== str) {
      failed++;
      check('big-' + size, false, { gotLen: typeof reply === 'string' ? reply.length : null });
    }
  }
  check('big-all-sizes', failed === 0, { sizes: sizes.length, failed });
  const utf8 = 'é✓𝄞 '.repeat(20000);
  const reply = await socket.timeout(15000).emitWithAck('echo', utf8);
  check('big-utf8', reply === utf8, { gotLen: typeof reply === 'string' ? reply.length : null, wantLen: utf8.length });
  socket.disconnect();
  await sleep(100);
};

// (f): the server disconnects the socket.
scenarios['server-disconnect'] = async () => {
  const socket = await connect(transportOpts());
  out('connect', { id: socket.id, transport: engineName(socket) });
  const disc = waitFor(socket, 'disconnect', 5000);
  socket.emit('kick');
  const [reason] = await disc;
  out('disconnect', { reason });
  check('disconnect-reason', reason === 'io server disconnect', { reason });
};

// (g): the client disconnects.
scenarios['client-disconnect'] = async () => {
  const socket = await connect(transportOpts());
  out('connect', { id: socket.id, transport: engineName(socket) });
  await whoami(socket);
  const disc = waitFor(socket, 'disconnect', 5000);
  socket.disconnect();
  const [reason] = await disc;
  out('disconnect', { reason });
  check('disconnect-reason', reason === 'io client disconnect', { reason });
  // Give the engine time to flush the DISCONNECT packet and close the transport.
  await sleep(opts.lingerMs || 300);
};

// (h): the client stops answering pings; the server must close it.
// opts.pingInterval/opts.pingTimeout (ms) are the server's settings: the
// first ping must come about pingInterval after the handshake, and the close
// about pingTimeout after the unanswered ping (measured on the client).
scenarios['ping-timeout'] = async () => {
  const slack = opts.slackMs || 100;
  const socket = io(url, Object.assign({ reconnection: false, forceNew: true }, transportOpts()));
  let openAt = 0;
  let firstPingAt = 0;
  let swallowed = 0;
  // Hook the engine as soon as the handshake is in, before any ping.
  socket.io.on('open', () => {
    openAt = Date.now();
    const engine = socket.io.engine;
    const sendPacket = engine._sendPacket;
    engine._sendPacket = function (type, ...rest) {
      if (type === 'pong') {
        swallowed++;
        if (!firstPingAt) firstPingAt = Date.now();
        out('pong-swallowed', { n: swallowed, sinceOpenMs: Date.now() - openAt });
        return;
      }
      return sendPacket.call(this, type, ...rest);
    };
    // Stop the client's own heartbeat timer so that the server gives up first.
    engine._resetPingTimeout = function () {};
    engine.clearTimeoutFn(engine._pingTimeoutTimer);
    engine._pingTimeoutTime = Infinity;
    out('pong-disabled', {});
  });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  out('connect', { id: socket.id, transport: engineName(socket) });
  const [reason] = await waitFor(socket, 'disconnect', opts.waitMs || 8000);
  const now = Date.now();
  const firstPing = firstPingAt ? firstPingAt - openAt : null;
  const pingToClose = firstPingAt ? now - firstPingAt : null;
  out('disconnect', { reason, sinceOpenMs: now - openAt, firstPingMs: firstPing, pingToCloseMs: pingToClose, pongsSwallowed: swallowed });
  check('pong-was-swallowed', swallowed >= 1, { swallowed });
  if (opts.pingInterval) {
    check('first-ping-after-interval', firstPing !== null && firstPing >= opts.pingInterval - slack, { firstPingMs: firstPing, pingInterval: opts.pingInterval });
  }
  if (opts.pingTimeout) {
    check('close-after-timeout', pingToClose !== null && pingToClose >= opts.pingTimeout - slack, { pingToCloseMs: pingToClose, pingTimeout: opts.pingTimeout });
  }
};

// (i): the seed-style Handler: OnOpen refuses a wrong token, OnMessage/Send.
scenarios.handler = async () => {
  const token = opts.token || 'secret';
  try {
    const bad = await connect(Object.assign(transportOpts(), { auth: { token: 'wrong' }, query: { token: 'wrong' } }));
    bad.disconnect();
    check('wrong-token-refused', false);
  } catch (err) {
    out('connect_error', { message: err.message, data: err.data === undefined ? null : err.data });
    check('wrong-token-refused', true);
    if (err.socket) err.socket.close();
  }
  const socket = await connect(Object.assign(transportOpts(), { auth: { token }, query: { token } }));
  out('connect', { id: socket.id, transport: engineName(socket) });
  const payload = { text: 'hi', n: 7, nested: { ok: true, list: ['a', 'b'] } };
  let got = waitFor(socket, 'message', 5000);
  socket.send(payload);
  let [reply] = await got;
  out('message', { data: reply });
  check('message-echo', reply && sameJSON(reply.echo, payload) && reply.args === 1, { got: reply });

  got = waitFor(socket, 'message', 5000);
  socket.send('two', 2, { three: 3 });
  [reply] = await got;
  out('message', { data: reply });
  check('message-args', reply && reply.echo === 'two' && reply.args === 3, { got: reply });

  const bytes = Buffer.from([0, 1, 2, 250, 255]);
  got = waitFor(socket, 'message', 5000);
  socket.send(bytes);
  [reply] = await got;
  out('message', { binary: Buffer.isBuffer(reply), len: reply && reply.length });
  check('message-binary', Buffer.isBuffer(reply) && reply.equals(bytes), { type: typeof reply });
  const disc = waitFor(socket, 'disconnect', 5000);
  socket.disconnect();
  const [reason] = await disc;
  out('disconnect', { reason });
  await sleep(300);
};

// Namespaces multiplexed on one connection, and an unknown namespace.
scenarios.namespaces = async () => {
  const base = Object.assign({ reconnection: false, timeout: 10000 }, transportOpts());
  const root = io(url, Object.assign({ forceNew: true }, base));
  const admin = root.io.socket('/admin');
  const connected = (s) =>
    new Promise((resolve, reject) => {
      s.once('connect', resolve);
      s.once('connect_error', reject);
    });
  await Promise.all([connected(root), connected(admin)]);
  out('connect', { id: root.id, adminID: admin.id, transport: engineName(root) });
  check('same-engine', root.io === admin.io && root.io.engine === admin.io.engine);
  check('distinct-ids', root.id !== admin.id, { root: root.id, admin: admin.id });
  const [rootWho, adminWho] = await Promise.all([
    root.timeout(5000).emitWithAck('whoami'),
    admin.timeout(5000).emitWithAck('whoami'),
  ]);
  out('whoami', { root: rootWho, admin: adminWho });
  check('root-whoami', rootWho && rootWho.id === root.id && !rootWho.nsp, { got: rootWho });
  check('admin-whoami', adminWho && adminWho.id === admin.id && adminWho.nsp === '/admin', { got: adminWho });

  const bogus = root.io.socket('/nope');
  const [err] = await waitFor(bogus, 'connect_error', 5000);
  out('bogus', { message: err && err.message });
  check('unknown-namespace-refused', !!err && !bogus.connected);

  admin.disconnect();
  await sleep(200);
  check('root-survives-admin-disconnect', root.connected && !admin.connected);
  await echoCheck(root, { still: 'here' });
  root.disconnect();
  await sleep(300);
};

// Server-side shutdown while connected: print the disconnect.
scenarios['wait-disconnect'] = async () => {
  const socket = await connect(transportOpts());
  out('connect', { id: socket.id, transport: engineName(socket) });
  const [reason] = await waitFor(socket, 'disconnect', opts.waitMs || 15000);
  out('disconnect', { reason });
};

// The server emits from several goroutines at once; every event arrives,
// in order per goroutine, before the final "burst-done".
scenarios.burst = async () => {
  const socket = await connect(transportOpts());
  out('connect', { id: socket.id, transport: engineName(socket) });
  const goroutines = opts.goroutines || 4;
  const count = opts.count || 250;
  const next = new Array(goroutines).fill(0);
  let outOfOrder = 0;
  let total = 0;
  socket.on('tick', (g, i) => {
    if (i !== next[g]) outOfOrder++;
    next[g] = i + 1;
    total++;
  });
  const done = waitFor(socket, 'burst-done', 20000);
  const started = await socket.timeout(5000).emitWithAck('burst', { goroutines, count });
  out('burst-started', { started });
  const [summary] = await done;
  out('burst-done', { summary, total, outOfOrder, next });
  check('burst-all-received', total === goroutines * count, { total, want: goroutines * count });
  check('burst-in-order', outOfOrder === 0, { outOfOrder });
  check('burst-no-emit-errors', summary && summary.errors === 0, { summary });
  socket.disconnect();
  await sleep(100);
};

// Connect with an Origin header (opts.origin); prints "connect" or
// "connect_error" and passes either way: the Go test judges.
scenarios.origin = async () => {
  const extra = Object.assign({ extraHeaders: { Origin: opts.origin } }, transportOpts());
  try {
    const socket = await connect(extra);
    out('connect', { id: socket.id, transport: engineName(socket) });
    await echoCheck(socket, 'origin ok');
    socket.disconnect();
    await sleep(100);
  } catch (err) {
    out('connect_error', { message: err.message, description: err.description ? String(err.description) : null });
    if (err.socket) err.socket.close();
  }
};

// A message larger than the server's maxPayload (opts.size bytes of text):
// the server must drop the connection.
scenarios['too-big'] = async () => {
  const socket = await connect(transportOpts());
  const engine = socket.io.engine;
  out('connect', { id: socket.id, transport: engineName(socket), maxPayload: engine._maxPayload });
  if (opts.maxPayload) check('handshake-maxPayload', engine._maxPayload === opts.maxPayload, { got: engine._maxPayload });
  await echoCheck(socket, 'small is fine');
  const disc = waitFor(socket, 'disconnect', opts.waitMs || 8000);
  socket.emit('echo', 'x'.repeat(opts.size || 10000));
  const [reason] = await disc;
  out('disconnect', { reason });
};

// Traffic in both directions while the transport upgrades from polling to
// websocket: nothing may be lost, duplicated or reordered. The client delays
// its upgrade probe (opts.probeDelayMs) so that the upgrade lands in the
// middle of the traffic.
scenarios['upgrade-traffic'] = async () => {
  const socket = io(url, { reconnection: false, forceNew: true });
  const engine = socket.io.engine;
  const probe = engine._probe;
  engine._probe = function (name) {
    setTimeout(() => probe.call(this, name), opts.probeDelayMs || 150);
  };
  let upgradedAt = -1;
  let sent = 0;
  let ticks = 0;
  let ticksAtUpgrade = -1;
  const upgraded = new Promise((resolve) => {
    engine.once('upgrade', (t) => {
      upgradedAt = sent;
      ticksAtUpgrade = ticks;
      out('upgrade', { to: t.name, afterEmits: sent, afterTicks: ticks });
      resolve();
    });
  });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  out('connect', { id: socket.id, transport: engineName(socket) });
  const n = opts.count || 300;
  const goroutines = 2;
  const perG = opts.burst || 200;
  const next = new Array(goroutines).fill(0);
  let outOfOrder = 0;
  socket.on('tick', (g, i) => {
    if (i !== next[g]) outOfOrder++;
    next[g] = i + 1;
    ticks++;
  });
  const burstDone = waitFor(socket, 'burst-done', 20000);
  socket.emit('burst', { goroutines, count: perG, pauseMs: 1 });
  const order = [];
  const acks = [];
  for (let i = 0; i < n; i++) {
    acks.push(socket.timeout(10000).emitWithAck('echo', i).then((v) => order.push(v)));
    sent++;
    if (i % 10 === 9) await sleep(10);
  }
  await Promise.all(acks);
  await burstDone;
  await Promise.race([upgraded, sleep(5000)]);
  out('traffic', { sent: n, acked: order.length, upgradedAfterEmits: upgradedAt, upgradedAfterTicks: ticksAtUpgrade, ticks, outOfOrder, transport: engineName(socket) });
  check('acks-in-order', order.length === n && order.every((v, i) => v === i), { acked: order.length });
  check('ticks-complete', ticks === goroutines * perG, { ticks });
  check('ticks-in-order', outOfOrder === 0, { outOfOrder });
  check('ends-on-websocket', engineName(socket) === 'websocket', { transport: engineName(socket) });
  socket.disconnect();
  await sleep(100);
};

// Load: many websocket clients in one process. Protocol on stdin/stdout:
// prints "ready", waits for a "go" line, connects opts.clients sockets,
// prints "connected", waits for a "close" line (or EOF), disconnects all.
scenarios.load = async () => {
  const n = opts.clients || 1000;
  const concurrency = opts.concurrency || 50;
  const lines = [];
  let waiter = null;
  let stdinBuf = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => {
    stdinBuf += chunk;
    let i;
    while ((i = stdinBuf.indexOf('\n')) >= 0) {
      lines.push(stdinBuf.slice(0, i).trim());
      stdinBuf = stdinBuf.slice(i + 1);
    }
    if (waiter) waiter();
  });
  process.stdin.on('end', () => {
    lines.push('close');
    if (waiter) waiter();
  });
  const nextLine = async () => {
    while (lines.length === 0) await new Promise((resolve) => (waiter = resolve));
    return lines.shift();
  };

  out('ready', { clients: n });
  while ((await nextLine()) !== 'go') { /* ignore anything else */ }
  const start = Date.now();
  const sockets = [];
  let next = 0;
  let errors = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      try {
        sockets.push(await connect({ transports: ['websocket'] }));
      } catch (err) {
        errors++;
        out('connect_error', { message: err.message });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  let disconnected = 0;
  for (const s of sockets) s.once('disconnect', () => disconnected++);
  out('connected', { count: sockets.length, errors, ms: Date.now() - start });
  check('all-connected', sockets.length === n, { count: sockets.length });
  // Make sure every connection is usable, not just open.
  const echoStart = Date.now();
  const replies = await Promise.all(sockets.map((s, i) => s.timeout(20000).emitWithAck('echo', i).catch(() => -1)));
  const bad = replies.filter((r, i) => r !== i).length;
  out('echoed', { ok: replies.length - bad, bad, ms: Date.now() - echoStart });
  check('all-echoed', bad === 0, { bad });
  out('holding', {});
  while ((await nextLine()) !== 'close') { /* ignore */ }
  out('stillConnected', { count: sockets.length - disconnected });
  for (const s of sockets) s.disconnect();
  await sleep(200);
};

(async () => {
  const fn = scenarios[scenario];
  if (!fn || !url) {
    fail('usage', { message: 'usage: node scenario.js <' + Object.keys(scenarios).join('|') + '> <url> [json options]' });
    return;
  }
  out('start', { scenario, url, opts });
  try {
    await fn();
  } catch (err) {
    fail('exception', { message: String(err && err.message || err), description: err && err.description ? String(err.description) : undefined });
    return;
  }
  clearTimeout(hardTimer);
  finish();
})();
