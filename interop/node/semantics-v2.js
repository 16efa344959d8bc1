'use strict';
// socket.io-client 2.5.0 (Engine.IO 3, Socket.IO protocol 4) scenarios about
// Socket.IO semantics, against a server implementing the contract described
// in refserver.js: tornadio (semantics_test.go, differential_test.go) or
// socket.io 4.8 with allowEIO3 (refserver.js).
//
// Usage: node semantics-v2.js <scenario[,scenario…]> <url> [options as JSON]
//   options: transport ("websocket" | "polling" | "any"), timeoutMs.
// Output as semantics.js: {"event":"t",…} transcript lines (ids replaced by
// labels), {"event":"check",…} lines, and {"event":"done","ok":…} last.

const io = require('socket.io-client-v2');

const { start, sleep } = require('./harness');
const { transcript } = require('./transcript');

const h = start({ defaultTimeoutMs: 60000, scoped: true });
const { names: scenarioList, url, opts, out, check, finish } = h;
const transport = opts.transport || 'websocket';
const { ids, norm, canonical, sorted, note } = transcript(h, { errorData: false });

function transportOpts() {
  return transport === 'any' ? {} : { transports: [transport] };
}

const open = [];
const recv = {};

// v2 has no onAny: record the events the contract sends by name.
const EVENTS = ['echoed', 'fence', 'hello', 'ask-result', 'ask-all-result', 'q', 'q-bin', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'bin-back'];
function track(socket, label) {
  recv[label] = recv[label] || [];
  for (const ev of EVENTS) socket.on(ev, (...args) => recv[label].push([ev, ...args].map(norm)));
}

function settle(socket, label) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(label + ': no connect or error within 10s')), 10000);
    const ok = () => {
      clearTimeout(timer);
      socket.off('error', bad);
      socket.off('connect_error', bad);
      ids.set(socket.id, label);
      resolve(socket);
    };
    const bad = (err) => {
      clearTimeout(timer);
      socket.off('connect', ok);
      reject({ refused: err });
    };
    socket.once('connect', ok);
    socket.once('error', bad);
    socket.once('connect_error', bad);
  });
}

function client(label, nsp, extra) {
  const socket = io(url + (nsp && nsp !== '/' ? nsp : ''), Object.assign({ forceNew: true, reconnection: false, timeout: 10000 }, transportOpts(), extra || {}));
  open.push(socket);
  track(socket, label);
  return settle(socket, label);
}

function sub(parent, label, nsp, extra) {
  const socket = parent.io.socket(nsp, extra || {});
  open.push(socket);
  track(socket, label);
  return settle(socket, label);
}

async function refused(what, promise) {
  try {
    const s = await promise;
    note(what, { connected: true, id: s.id });
    return null;
  } catch (e) {
    const err = e.refused !== undefined ? e.refused : e;
    note(what, { error: err });
    return err;
  }
}

function ack(socket, event, ...args) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no ack for ' + event)), 5000);
    socket.emit(event, ...args, (...reply) => {
      clearTimeout(timer);
      resolve(reply);
    });
  });
}
const ack1 = async (socket, event, ...args) => (await ack(socket, event, ...args))[0];

function waitFor(socket, event, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for ' + event)), ms || 5000);
    socket.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

async function until(cond, ms, what) {
  const end = Date.now() + (ms || 5000);
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await sleep(20);
  }
}
async function fence(labels, n) {
  for (const l of labels) await until(() => recv[l].some((e) => e[0] === 'fence' && e[1] === n), 5000, l + ' fence ' + n);
}
function flush(labels) {
  for (const l of labels) {
    note('recv', { who: l, events: recv[l] });
    recv[l] = [];
  }
}
function reasonOf(socket) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('<no disconnect within 8s>'), 8000);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}
async function serverLog(observer, labels) {
  const byLabel = new Map();
  for (const [id, l] of ids) if (labels.includes(l)) byLabel.set(l, id);
  let entries = [];
  const end = Date.now() + 6000;
  for (;;) {
    entries = await ack1(observer, 'log', [...byLabel.values()]);
    if (labels.every((l) => entries.some((e) => e.id === byLabel.get(l) && e.what === 'disconnect')) || Date.now() > end) break;
    await sleep(100);
  }
  const result = {};
  for (const l of labels) {
    result[l] = entries.filter((e) => e.id === byLabel.get(l)).map((e) => {
      const o = { what: e.what };
      if (e.reason !== undefined) o.reason = e.reason;
      if (e.rooms !== undefined) o.rooms = sorted(e.rooms);
      return o;
    });
  }
  note('server-log', result);
}

const scenarios = {};

// Events and acks both ways, binary.
scenarios.basic = async () => {
  const A = await client('A', '/');
  note('handshake', { hs: await ack1(A, 'handshake'), engineId: A.id === A.io.engine.id });
  const reply = await ack(A, 'echo', 1, 'two', { three: [3] }, null);
  note('echo-args', { reply });
  check('echo-args', canonical(reply) === canonical([1, 'two', { three: [3] }, null]), { reply });
  note('echo-binary', { reply: await ack(A, 'echo', Buffer.from([1, 2, 3, 255]), { b: Buffer.from('hi') }) });
  A.emit('echo-event', 'no ack', 2);
  note('echo-event', { args: await waitFor(A, 'echoed') });
  A.on('q', (a, b, cb) => cb(a * 2, b + '!'));
  A.on('q-bin', (buf, cb) => cb(Buffer.concat([buf, Buffer.from([0])]), 'len:' + buf.length));
  A.on('q-silent', () => {});
  const ask = async (spec) => {
    const res = waitFor(A, 'ask-result', 8000);
    A.emit('ask', spec);
    return res;
  };
  const asked = await ask({ event: 'q', args: [21, 'two'] });
  note('server-ask', { result: asked });
  check('server-ask', canonical(asked) === canonical([null, [42, 'two!']]), { asked });
  note('server-ask-timeout-answered', { result: await ask({ event: 'q', args: [1, 'one'], timeout: 3000 }) });
  note('server-ask-binary', { result: await ask({ event: 'q-bin', args: [Buffer.from([9, 8, 7])], timeout: 3000 }) });
  note('server-ask-timeout', { result: await ask({ event: 'q-silent', args: [], timeout: 300 }) });
  flush(['A']);
};

// Rooms and broadcasts.
scenarios.rooms = async () => {
  const A = await client('A', '/');
  const B = await client('B', '/');
  const C = await client('C', '/');
  const all = ['A', 'B', 'C'];
  note('join', { A: sorted(await ack1(A, 'join', ['r1', 'r2'])), B: sorted(await ack1(B, 'join', ['r2'])), C: sorted(await ack1(C, 'join', 'r3')) });
  let n = 0;
  const step = async (from, spec) => {
    n++;
    const sent = await ack1(from, 'bcast', Object.assign({ fence: n }, spec));
    await fence(all, n);
    note('step', { n, spec, sent });
  };
  await step(A, { via: 'socket', to: ['r1', 'r2'], event: 'm1', args: ['union, not A'] });
  await step(A, { via: 'nsp', to: ['r2', 'r3'], except: ['r1'], event: 'm2', args: ['r2|r3 minus r1'] });
  await step(C, { via: 'socket', event: 'm3', args: ['broadcast from C', Buffer.from([7, 7])] });
  await step(A, { via: 'nsp', to: [C.id], event: 'm4', args: ['to C by id'] });
  await step(A, { via: 'nsp', except: [B.id], event: 'm5', args: ['all but B'] });
  note('leave', { A: sorted(await ack1(A, 'leave', 'r1')) });
  await step(B, { via: 'nsp', to: ['r1'], event: 'm6', args: ['r1 is empty'] });
  await step(A, { via: 'nsp', event: 'm7', args: ['namespace emit'] });
  const names = (l) => recv[l].map((e) => e[0]).filter((e) => e !== 'fence');
  check('rooms-A', canonical(names('A')) === canonical(['m3', 'm5', 'm7']), { got: names('A') });
  check('rooms-B', canonical(names('B')) === canonical(['m1', 'm2', 'm3', 'm7']), { got: names('B') });
  check('rooms-C', canonical(names('C')) === canonical(['m2', 'm4', 'm5', 'm7']), { got: names('C') });
  flush(all);
  // Broadcast with acks reaches v2 clients too.
  for (const [s, l] of [[A, 'A'], [B, 'B'], [C, 'C']]) s.on('vote', (x, cb) => cb(l + ':' + x));
  const res = waitFor(A, 'ask-all-result', 8000);
  A.emit('ask-all', { in: ['r2'], event: 'vote', args: [1], timeout: 4000 });
  const [e, responses] = await res;
  note('ask-all', { err: e, responses: sorted(responses) });
  recv.A = [];
};

// Namespaces over one session, refusals, middleware, dynamic namespaces.
scenarios.namespaces = async () => {
  const A = await client('A', '/');
  const admin = await sub(A, 'A/admin', '/admin');
  note('ids', { admin: admin.id, root: A.id, adminIsNspHashEngine: admin.id === '/admin#' + A.io.engine.id });
  note('handshakes', { root: await ack1(A, 'handshake'), admin: await ack1(admin, 'handshake') });
  await refused('unknown-namespace', sub(A, 'A/nope', '/nope'));
  await refused('secure-no-token', sub(A, 'A/secure', '/secure'));
  note('root-after-refusal', { connected: A.connected, echo: await ack(A, 'echo', 'ok') });
  const S = await client('S', '/secure', { query: { token: 'good', q: 'qq' }, extraHeaders: { 'x-test': 'hello' } });
  note('secure-query-token', { hs: await ack1(S, 'handshake') });
  await refused('secure-bad-token', client('X', '/secure', { query: { token: 'bad' } }));
  const D = await sub(A, 'A/dyn-3', '/dyn-3');
  await until(() => recv['A/dyn-3'].some((e) => e[0] === 'hello'), 5000, 'hello');
  note('dynamic', { hs: await ack1(D, 'handshake') });
  flush(['A', 'A/admin', 'A/dyn-3']);
  const r = reasonOf(admin);
  admin.disconnect();
  note('admin-disconnect', { reason: await r, rootConnected: A.connected });
  await serverLog(A, ['A/admin']);
};

// Disconnect reasons on both sides.
scenarios.disconnects = async () => {
  const O = await client('O', '/');
  const A = await client('A', '/');
  await ack(A, 'join', ['d1']);
  A.disconnect();
  const B = await client('B', '/');
  await ack(B, 'join', 'd2');
  let r = reasonOf(B);
  B.emit('kick', false);
  const rB = await r;
  note('server-disconnect', { reason: rB });
  check('server-disconnect', rB === 'io server disconnect', { rB });
  const C = await client('C', '/');
  const Cadmin = await sub(C, 'C/admin', '/admin');
  r = reasonOf(C);
  const ra = reasonOf(Cadmin);
  C.emit('kick', true);
  note('server-disconnect-close', { root: await r, admin: await ra });
  const D = await client('D', '/');
  r = reasonOf(D);
  D.io.engine.transport.close();
  note('transport-close', { reason: await r });
  await serverLog(O, ['A', 'B', 'C', 'C/admin', 'D']);
};

(async () => {
  const names = (scenarioList || '').split(',').filter(Boolean);
  if (!names.length || !url || names.some((n) => !scenarios[n])) {
    check('usage', false, { message: 'usage: node semantics-v2.js <' + Object.keys(scenarios).join('|') + '>[,…] <url> [json options]' });
    finish();
    return;
  }
  out('start', { scenarios: names, url, opts, client: require('socket.io-client-v2/package.json').version });
  for (const name of names) {
    h.scenario = name;
    ids.clear();
    for (const k of Object.keys(recv)) delete recv[k];
    out('scenario', { name });
    try {
      await scenarios[name]();
    } catch (err) {
      const message = String((err && err.message) || (err && err.refused !== undefined ? 'refused: ' + JSON.stringify(err.refused) : err));
      note('exception', { message });
      check('exception', false, { message });
    }
    for (const s of open.splice(0)) {
      try { s.close(); s.io.close(); } catch (e) { /* gone */ }
    }
    await sleep(150);
  }
  finish();
})();
