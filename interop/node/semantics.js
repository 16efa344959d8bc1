'use strict';
// socket.io-client 4.8 scenarios about Socket.IO semantics (namespaces,
// middleware, rooms, broadcasts, acks, disconnect reasons, recovery, connect
// timeout), run against a server implementing the contract described in
// refserver.js: tornadio (semantics_test.go, differential_test.go) or Node's
// socket.io 4.8 (refserver.js, differential_test.go).
//
// Usage: node semantics.js <scenario[,scenario…]> <main url> [options as JSON]
//   options: transport ("websocket" | "polling" | "any": polling then
//   upgrade), recoveryUrl (the server with connection state recovery and a
//   short connect timeout), timeoutMs (hard timeout, default 60s).
//
// Output: one JSON line per observation. Lines {"event":"t",…} form the
// transcript: normalised observations (socket ids replaced by labels such as
// "<A>", binary by {"<bin>":hex}, key order sorted, lists whose order
// Socket.IO does not define sorted); the differential test compares them
// between servers. Lines {"event":"check",…} are this script's own
// assertions of Node's documented behaviour. The last line is
// {"event":"done","ok":…}; exit code 0 when every check passed.

const { io, Manager } = require('socket.io-client');

const { start, sleep } = require('./harness');
const { transcript } = require('./transcript');

const h = start({ defaultTimeoutMs: 60000, scoped: true });
const { names: scenarioList, url, opts, out, check, finish } = h;
const transport = opts.transport || 'websocket';
const { ids, norm, canonical, same, sorted, note } = transcript(h, { errorData: true });

// ---- clients ---------------------------------------------------------------

function transportOpts() {
  return transport === 'any' ? {} : { transports: [transport] };
}

const open = []; // every socket/manager, closed at the end of a scenario
const recv = {}; // label -> events received, in order

function track(socket, label) {
  recv[label] = recv[label] || [];
  socket.onAny((...args) => {
    const e = args.map(norm);
    // A broadcast's acks come in the order the clients answer: undefined.
    if (e[0] === 'ask-all-result' && Array.isArray(e[2])) e[2] = sorted(e[2]);
    recv[label].push(e);
  });
}

function register(socket, label) {
  if (socket.id) ids.set(socket.id, label);
}

// client connects a new Manager's socket to nsp and resolves once connected.
function client(label, nsp, extra, base) {
  const socket = io((base || url) + (nsp && nsp !== '/' ? nsp : ''), Object.assign({ forceNew: true, reconnection: false, timeout: 10000 }, transportOpts(), extra || {}));
  open.push(socket);
  track(socket, label);
  return connected(socket, label);
}

// settled resolves once socket's Engine.IO transport is the one it keeps:
// at once without the upgrade, else when the upgrade to websocket is done
// (or after 5s, when it does not come).
function settled(socket) {
  const engine = socket.io.engine;
  if (transport !== 'any' || engine.transport.name === 'websocket') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 5000);
    engine.once('upgrade', () => { clearTimeout(timer); resolve(); });
  });
}

// sub connects another namespace over an existing socket's Manager.
function sub(parent, label, nsp, extra) {
  // Manager.socket caches one socket per namespace and connects it (autoConnect);
  // a cached one (refused before) is connected again with the new auth.
  const cached = parent.io.nsps[nsp];
  const socket = cached || parent.io.socket(nsp, extra || {});
  open.push(socket);
  track(socket, label);
  const p = connected(socket, label);
  if (cached) {
    if (extra && extra.auth) socket.auth = extra.auth;
    socket.connect();
  }
  return p;
}

function connected(socket, label) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(label + ': no connect or connect_error within 10s')), 10000);
    socket.once('connect', () => {
      clearTimeout(timer);
      register(socket, label);
      resolve(socket);
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      err.socket = socket;
      reject(err);
    });
  });
}

// refused tries to connect and notes the connect_error (or the connect).
async function refused(what, promise) {
  try {
    const s = await promise;
    note(what, { connected: true, id: s.id });
    return null;
  } catch (err) {
    note(what, { connect_error: err.message, data: err.data, active: err.socket ? err.socket.active : null });
    return err;
  }
}

function waitFor(socket, event, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for ' + event)), ms || 5000);
    socket.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

// maybe resolves with the event's args, or null when it does not come in ms.
function maybe(socket, event, ms) {
  return waitFor(socket, event, ms).catch(() => null);
}

async function until(cond, ms, what) {
  const end = Date.now() + (ms || 5000);
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await sleep(20);
  }
}

const ack = (socket, ...args) => socket.timeout(5000).emitWithAck(...args);

// fence waits until every label got "fence"(n).
async function fence(labels, n) {
  for (const l of labels) {
    await until(() => recv[l].some((e) => e[0] === 'fence' && e[1] === n), 5000, l + ' fence ' + n);
  }
}

// flush notes, then forgets, what each label received.
function flush(labels) {
  for (const l of labels) {
    note('recv', { who: l, events: recv[l] });
    recv[l] = [];
  }
}

async function rooms(socket) {
  return sorted(await ack(socket, 'rooms'));
}

// serverLog asks the server (through observer) for its log of the sockets
// with labels, waiting until each has wantWhat ("disconnect" by default).
async function serverLog(observer, labels, wantWhat) {
  const want = wantWhat === undefined ? 'disconnect' : wantWhat;
  const byLabel = new Map();
  for (const [id, l] of ids) if (labels.includes(l)) byLabel.set(l, id);
  const idList = [...byLabel.values()];
  let entries = [];
  const end = Date.now() + 6000;
  for (;;) {
    entries = await ack(observer, 'log', idList);
    const done = labels.every((l) => !want || entries.some((e) => e.id === byLabel.get(l) && e.what === want));
    if (done || Date.now() > end) break;
    await sleep(100);
  }
  const result = {};
  for (const l of labels) {
    result[l] = entries.filter((e) => e.id === byLabel.get(l)).map((e) => {
      const o = { what: e.what };
      if (e.reason !== undefined) o.reason = e.reason;
      if (e.rooms !== undefined) o.rooms = sorted(e.rooms);
      if (e.recovered) o.recovered = true;
      return o;
    });
  }
  note('server-log', result);
  return result;
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

// ---- scenarios ---------------------------------------------------------------

const scenarios = {};

// Static namespaces multiplexed over one Engine.IO session; an unknown
// namespace; leaving one namespace keeps the others.
scenarios.multiplex = async () => {
  const root = await client('A', '/');
  const admin = await sub(root, 'A/admin', '/admin');
  note('same-engine', { same: root.io.engine === admin.io.engine, distinctIds: root.id !== admin.id });
  check('same-engine', root.io.engine === admin.io.engine);
  const [h1, h2] = await Promise.all([ack(root, 'handshake'), ack(admin, 'handshake')]);
  note('handshakes', { root: h1, admin: h2 });
  check('admin-nsp', h2.nsp === '/admin' && h1.nsp === '/', { h1, h2 });
  note('echo', { root: await ack(root, 'echo', 'r', 1), admin: await ack(admin, 'echo', { a: [1, 2] }) });
  const err = await refused('unknown-namespace', sub(root, 'A/nope', '/nope'));
  check('invalid-namespace', err && err.message === 'Invalid namespace', { message: err && err.message });
  note('after-refusal', { root: root.connected, admin: admin.connected });
  // An event of one namespace does not reach the other.
  await ack(root, 'bcast', { via: 'self', event: 'only-root', args: [1], fence: 1 });
  await fence(['A'], 1);
  await sleep(100);
  flush(['A', 'A/admin']);
  const reason = reasonOf(admin);
  admin.disconnect();
  note('admin-disconnect', { reason: await reason });
  note('root-still', { connected: root.connected, echo: await ack(root, 'echo', 'still here') });
  const log = await serverLog(root, ['A/admin']);
  check('server-reason-client-nsp', log['A/admin'].some((e) => e.what === 'disconnect' && e.reason === 'client namespace disconnect'), log);
  const obs = await client('O', '/');
  const r2 = reasonOf(root);
  root.disconnect();
  note('root-disconnect', { reason: await r2 });
  await serverLog(obs, ['A']);
};

// Dynamic namespaces: a regexp parent with a middleware, a function parent.
scenarios.dynamic = async () => {
  const root = await client('A', '/');
  const hello = (label) => until(() => recv[label].some((e) => e[0] === 'hello'), 5000, label + ' hello');
  const d1 = await sub(root, 'A/dyn-1', '/dyn-1');
  const d42 = await sub(root, 'A/dyn-42', '/dyn-42');
  await hello('A/dyn-1');
  await hello('A/dyn-42');
  note('handshakes', { d1: await ack(d1, 'handshake'), d42: await ack(d42, 'handshake') });
  await refused('dyn-no-match', sub(root, 'A/dyn-x', '/dyn-x'));
  await refused('dyn-middleware', sub(root, 'A/dyn-7', '/dyn-7', { auth: { block: true } }));
  const fa = await sub(root, 'A/fn-a', '/fn-a', { auth: { allow: true } });
  note('fn-a', { handshake: await ack(fa, 'handshake') });
  await refused('fn-refused', sub(root, 'A/fn-b', '/fn-b', { auth: { allow: false } }));
  // A second client on /dyn-1: broadcasts stay within the child namespace.
  const b1 = await client('B/dyn-1', '/dyn-1');
  await hello('B/dyn-1');
  await ack(d1, 'bcast', { via: 'socket', event: 'child-bcast', args: ['from A'], fence: 1 });
  await fence(['A/dyn-1', 'B/dyn-1'], 1);
  await ack(d42, 'bcast', { via: 'nsp', event: 'other-child', args: [42], fence: 2 });
  await fence(['A/dyn-42'], 2);
  // The parent namespace's emit reaches every child namespace (Node's
  // ParentNamespace.emit).
  root.emit('parent-emit', { event: 'parent-hello', args: [7] });
  const got = await Promise.all([maybe(d1, 'parent-hello', 3000), maybe(d42, 'parent-hello', 3000), maybe(b1, 'parent-hello', 3000)]);
  note('parent-emit', { d1: got[0], d42: got[1], b1: got[2] });
  check('parent-emit-reaches-children', got.every((g) => g !== null), { got });
  await sleep(100);
  flush(['A', 'A/dyn-1', 'A/dyn-42', 'A/fn-a', 'B/dyn-1']);
  const reason = reasonOf(b1);
  d1.emit('sockets', { op: 'disconnect', in: [b1.id] }, () => {});
  note('b1-kicked', { reason: await reason });
  await serverLog(root, ['B/dyn-1']);
};

// Middlewares: refusal with message and data, auth, query and headers.
scenarios.middleware = async () => {
  let err = await refused('bad-token', client('X1', '/secure', { auth: { token: 'bad' } }));
  check('bad-token-message', err && err.message === 'unauthorized' && same(err.data, { reason: 'bad token', token: 'bad' }), { message: err && err.message, data: err && err.data });
  await refused('no-token', client('X2', '/secure'));
  err = await refused('header-deny', client('X3', '/secure', { auth: { token: 'good' }, extraHeaders: { 'x-test': 'deny' } }));
  check('header-deny-no-data', err && err.message === 'denied by header' && err.data === undefined, { data: err && err.data });
  const q = await client('Q', '/secure', { query: { token: 'good', q: 'from-query' } });
  note('query-token', { handshake: await ack(q, 'handshake') });
  const h = await client('H', '/secure', { auth: { token: 'good', extra: [1, 2] }, extraHeaders: { 'x-test': 'hello' }, query: { q: 'v' } });
  const hs = await ack(h, 'handshake');
  note('auth-and-header', { handshake: hs });
  check('handshake-seen', hs.x === 'hello' && hs.q === 'v' && same(hs.auth, { token: 'good', extra: [1, 2] }), { hs });
  // A refused namespace does not disturb the others on the same session.
  const root = await client('R', '/');
  err = await refused('refused-beside-root', sub(root, 'R/secure', '/secure', { auth: { token: 'nope' } }));
  note('root-after-refusal', { connected: root.connected, echo: await ack(root, 'echo', 'ok') });
  const s = await sub(root, 'R/secure2', '/secure', { auth: { token: 'good' } });
  note('secure-beside-root', { handshake: await ack(s, 'handshake') });
};

// Rooms and broadcasts: To/In/Except with several rooms, union without
// duplicates, sender excluded, socket ids as rooms, namespace emit.
scenarios.rooms = async () => {
  const A = await client('A', '/');
  const B = await client('B', '/');
  const C = await client('C', '/');
  const all = ['A', 'B', 'C'];
  note('join', { A: sorted(await ack(A, 'join', ['r1', 'r2'])), B: sorted(await ack(B, 'join', ['r2'])), C: sorted(await ack(C, 'join', 'r3')) });
  let n = 0;
  const step = async (from, spec) => {
    n++;
    const sent = await ack(from, 'bcast', Object.assign({ fence: n }, spec));
    await fence(all, n);
    note('step', { n, spec, sent });
  };
  await step(A, { via: 'socket', to: ['r1', 'r2'], event: 'm1', args: ['union, not A'] });
  await step(A, { via: 'nsp', to: ['r1', 'r2'], event: 'm2', args: ['union with A'] });
  await step(A, { via: 'nsp', to: ['r2', 'r3'], except: ['r1'], event: 'm3', args: ['r2|r3 minus r1'] });
  await step(C, { via: 'socket', event: 'm4', args: ['broadcast from C'] });
  await step(A, { via: 'nsp', except: [B.id], event: 'm5', args: ['all but B'] });
  await step(A, { via: 'nsp', to: [C.id], event: 'm6', args: ['to C by id'] });
  await step(A, { via: 'socket', except: ['r3'], event: 'm7', args: ['socket.except r3'] });
  await step(B, { via: 'socket', to: [A.id, 'r3', 'r2'], event: 'm8', args: ['A by id and r3, not B'] });
  note('leave', { A: sorted(await ack(A, 'leave', 'r1')) });
  await step(B, { via: 'nsp', to: ['r1'], event: 'm9', args: ['r1 is empty'] });
  await step(A, { via: 'nsp', event: 'm10', args: ['namespace emit', { n: 1 }] });
  await step(A, { via: 'nsp', to: ['nobody'], except: ['r2'], event: 'm11', args: [] });
  const names = (l) => recv[l].map((e) => e[0]).filter((e) => e !== 'fence');
  check('rooms-A', same(names('A'), ['m2', 'm4', 'm5', 'm8', 'm10']), { got: names('A') });
  check('rooms-B', same(names('B'), ['m1', 'm2', 'm3', 'm4', 'm7', 'm10']), { got: names('B') });
  check('rooms-C', same(names('C'), ['m3', 'm5', 'm6', 'm8', 'm10']), { got: names('C') });
  flush(all);
  const fromA = await ack(A, 'anylog');
  note('a-rooms', { rooms: await rooms(A) });
  check('sender-excluded', !fromA.out.includes('m1'), fromA);
};

// Volatile emits reach an idle client over websocket.
scenarios.volatile = async () => {
  const A = await client('A', '/');
  const B = await client('B', '/');
  await ack(A, 'bcast', { via: 'self', volatile: true, event: 'v-self', args: [1], fence: 1 });
  await ack(A, 'bcast', { via: 'nsp', volatile: true, event: 'v-all', args: [2], fence: 2 });
  await ack(A, 'bcast', { via: 'socket', volatile: true, event: 'v-others', args: [3], fence: 3 });
  await fence(['A', 'B'], 3);
  // Over polling a volatile packet is dropped when no GET is waiting, which
  // is a matter of timing: only note what arrives over websocket.
  if (transport === 'websocket') flush(['A', 'B']);
  else {
    out('info', { recv: { A: recv.A, B: recv.B } });
    note('recv', { skipped: 'volatile delivery over polling depends on timing' });
  }
};

// Server-side operations on many sockets: SocketsJoin, SocketsLeave,
// FetchSockets, DisconnectSockets.
scenarios['server-ops'] = async () => {
  const A = await client('A', '/');
  const B = await client('B', '/');
  const C = await client('C', '/');
  const D = await client('D', '/');
  await ack(D, 'join', 'dd');
  // Neither the order of the sockets nor that of a socket's rooms is defined.
  const fetch = async (spec) => sorted((await ack(A, 'sockets', Object.assign({ op: 'fetch' }, spec))).map((e) => ({ id: e.id, rooms: sorted(e.rooms) })));
  note('join-b', { ok: await ack(A, 'sockets', { op: 'join', in: [B.id], rooms: ['x'] }), B: await rooms(B) });
  const fx = await fetch({ in: ['x'] });
  note('fetch-x', { list: fx });
  check('fetch-x', same(fx, [{ id: '<B>', rooms: ['<B>', 'x'] }]), { fx });
  note('join-all', { ok: await ack(A, 'sockets', { op: 'join', rooms: ['all', 'every'] }), C: await rooms(C) });
  note('fetch-all-except-dd', { list: await fetch({ in: ['all'], except: ['dd'] }) });
  note('leave-x', { ok: await ack(A, 'sockets', { op: 'leave', in: ['x'], rooms: ['x', 'every'] }), B: await rooms(B), A: await rooms(A) });
  note('fetch-x-after', { list: await fetch({ in: ['x'] }) });
  await ack(C, 'join', 'cc');
  const rc = reasonOf(C);
  note('disconnect-c', { ok: await ack(A, 'sockets', { op: 'disconnect', in: ['cc'] }), reason: await rc });
  const rb = reasonOf(B);
  note('disconnect-b-close', { ok: await ack(A, 'sockets', { op: 'disconnect', in: [B.id], close: true }), reason: await rb, engineClosed: !B.io.engine || B.io.engine.readyState });
  await serverLog(A, ['B', 'C']);
  note('fetch-rest', { list: await fetch({}) });
  const rd = reasonOf(D);
  const ra = reasonOf(A);
  A.emit('sockets', { op: 'disconnect', except: ['nothing'] }, () => {});
  note('disconnect-all', { A: await ra, D: await rd });
  const O = await client('O', '/');
  await serverLog(O, ['A', 'D']);
};

// Acknowledgements both ways, timeouts on both sides, broadcast with acks.
scenarios.acks = async () => {
  const A = await client('A', '/');
  note('echo-args', { reply: await new Promise((resolve) => A.emit('echo', 1, 'two', { three: [3] }, null, (...args) => resolve(args))) });
  note('emitWithAck', { reply: await A.emitWithAck('echo', { x: 1 }, 'ignored-second') });
  note('echo-binary', { reply: await ack(A, 'echo', Buffer.from([1, 2, 3, 255]), { b: Buffer.from('hi') }) });
  const echoed = waitFor(A, 'echoed');
  A.emit('echo-event', 'no ack', 2);
  note('echo-no-ack', { args: await echoed });
  // The client's timeout against a server that never acks.
  const t0 = Date.now();
  const err = await new Promise((resolve) => A.timeout(300).emit('never', 'x', (e, ...rest) => resolve([e, rest])));
  note('client-timeout', { err: err[0], rest: err[1] });
  check('client-timeout-error', err[0] instanceof Error && err[0].message === 'operation has timed out', { err: String(err[0]) });
  check('client-timeout-elapsed', Date.now() - t0 >= 250);
  try {
    await A.timeout(300).emitWithAck('never');
    note('client-timeout-withAck', { resolved: true });
  } catch (e) {
    note('client-timeout-withAck', { rejected: e.message });
  }
  // The server asks, the client answers.
  A.on('q', (a, b, cb) => cb(a * 2, b + '!'));
  A.on('q-bin', (buf, cb) => cb(Buffer.concat([buf, Buffer.from([0])]), 'len:' + buf.length));
  A.on('q-silent', () => {});
  const ask = async (spec) => {
    const res = waitFor(A, 'ask-result', 8000);
    A.emit('ask', spec);
    return res;
  };
  note('server-ask', { result: await ask({ event: 'q', args: [21, 'two'] }) });
  note('server-ask-timeout-answered', { result: await ask({ event: 'q', args: [1, 'one'], timeout: 3000 }) });
  note('server-ask-binary', { result: await ask({ event: 'q-bin', args: [Buffer.from([9, 8, 7])], timeout: 3000 }) });
  const silent = await ask({ event: 'q-silent', args: [], timeout: 300 });
  note('server-ask-timeout', { result: silent });
  check('server-ask-timeout', silent[0] === 'timeout', { silent });
  // Broadcast with acks: every client's (first) answer, or a timeout with
  // the answers so far.
  const B = await client('B', '/');
  const C = await client('C', '/');
  for (const [s, l] of [[A, 'A'], [B, 'B'], [C, 'C']]) {
    s.on('vote', (x, cb) => cb(l + ':' + x, 'second-ignored'));
    s.on('vote-lazy', (x, cb) => { if (l !== 'B') cb(l); });
  }
  await ack(A, 'join', 'voters');
  await ack(B, 'join', 'voters');
  const askAll = async (spec) => {
    const res = waitFor(A, 'ask-all-result', 8000);
    A.emit('ask-all', spec);
    const [e, responses] = await res;
    return { err: e, responses: sorted(responses) };
  };
  const room = await askAll({ in: ['voters'], event: 'vote', args: [1], timeout: 4000 });
  note('ask-all-room', room);
  check('ask-all-room', same(room, { err: null, responses: ['A:1', 'B:1'] }), room);
  const nsp = await askAll({ event: 'vote', args: [2], timeout: 4000 });
  note('ask-all-nsp', nsp);
  check('ask-all-nsp', same(nsp, { err: null, responses: ['A:2', 'B:2', 'C:2'] }), nsp);
  const lazy = await askAll({ event: 'vote-lazy', args: [3], timeout: 500 });
  note('ask-all-timeout', lazy);
  check('ask-all-timeout', same(lazy, { err: 'timeout', responses: ['A', 'C'] }), lazy);
  note('ask-all-empty', await askAll({ in: ['empty-room'], event: 'vote', args: [4], timeout: 4000 }));
  await sleep(100);
  flush(['A', 'B', 'C']);
};

// OnAny / OnAnyOutgoing on the server.
scenarios.any = async () => {
  const A = await client('A', '/');
  const B = await client('B', '/');
  await ack(A, 'echo', 1);
  A.emit('echo-event', 'no-ack');
  await waitFor(A, 'echoed');
  await ack(A, 'join', 'anyroom');
  A.emit('never');
  await ack(B, 'bcast', { via: 'nsp', to: ['anyroom'], event: 'to-room', args: [1], fence: 1 });
  await fence(['A', 'B'], 1);
  A.on('q', (a, b, cb) => cb(a));
  const res = waitFor(A, 'ask-result');
  A.emit('ask', { event: 'q', args: [1, 'x'] });
  await res;
  const anylog = await ack(A, 'anylog');
  note('anylog', { log: anylog });
  check('anylog', same(anylog, { in: ['echo', 'echo-event', 'join', 'never', 'ask', 'anylog'], out: ['echoed', 'to-room', 'fence', 'q', 'ask-result'] }), anylog);
};

// Disconnect reasons on both sides, and OnDisconnecting seeing the rooms.
scenarios.disconnects = async () => {
  const O = await client('O', '/');
  // client-side disconnect
  const A = await client('A', '/');
  await ack(A, 'join', ['d1', 'd2']);
  let r = reasonOf(A);
  A.disconnect();
  const rA = await r;
  note('client-disconnect', { reason: rA });
  check('client-reason-io-client-disconnect', rA === 'io client disconnect', { rA });
  // server-side disconnect
  const B = await client('B', '/');
  await ack(B, 'join', 'd3');
  r = reasonOf(B);
  B.emit('kick', false);
  const rB = await r;
  note('server-disconnect', { reason: rB });
  check('client-reason-io-server-disconnect', rB === 'io server disconnect', { rB });
  // server-side disconnect(true): every namespace of the session goes
  const C = await client('C', '/');
  const Cadmin = await sub(C, 'C/admin', '/admin');
  r = reasonOf(C);
  const ra = reasonOf(Cadmin);
  C.emit('kick', true);
  const rC = [await r, await ra];
  note('server-disconnect-close', { root: rC[0], admin: rC[1] });
  check('client-reasons-disconnect-close', same(rC, ['io server disconnect', 'io server disconnect']), { rC });
  // the transport closes under the client
  const D = await client('D', '/');
  await ack(D, 'join', 'd4');
  // With the upgrade allowed, wait for it to finish first: engine.io-client
  // ignores close() on a polling transport paused for an upgrade, and the
  // websocket then carries on as if nothing was asked.
  await settled(D);
  r = reasonOf(D);
  D.io.engine.transport.close();
  const rD = await r;
  note('transport-close', { reason: rD });
  check('client-reason-transport-close', rD === 'transport close', { rD });
  // the client's own heartbeat check fails (it expects pings much sooner
  // than the server sends them)
  const E = io(url, Object.assign({ forceNew: true, reconnection: false, timeout: 10000 }, transportOpts()));
  open.push(E);
  track(E, 'E');
  E.io.on('open', () => {
    E.io.engine._pingInterval = 100;
    E.io.engine._pingTimeout = 100;
  });
  r = reasonOf(E);
  await connected(E, 'E');
  const rE = await r;
  note('client-ping-timeout', { reason: rE });
  check('client-reason-ping-timeout', rE === 'ping timeout', { rE });
  // the server's heartbeat check fails: the client swallows its pongs
  const F = io(url, Object.assign({ forceNew: true, reconnection: false, timeout: 10000 }, transportOpts()));
  open.push(F);
  track(F, 'F');
  F.io.on('open', () => {
    const engine = F.io.engine;
    const send = engine._sendPacket;
    engine._sendPacket = function (type, ...rest) {
      if (type === 'pong') return;
      return send.call(this, type, ...rest);
    };
    engine._resetPingTimeout = function () {};
    engine.clearTimeoutFn(engine._pingTimeoutTimer);
    engine._pingTimeoutTime = Infinity;
  });
  r = reasonOf(F);
  await connected(F, 'F');
  await ack(F, 'join', 'f1');
  const rF = await r;
  note('server-ping-timeout', { reason: rF });
  check('client-reason-server-ping-timeout', rF === 'transport close', { rF });
  const log = await serverLog(O, ['A', 'B', 'C', 'C/admin', 'D', 'E', 'F']);
  const want = { A: 'client namespace disconnect', B: 'server namespace disconnect', C: 'server namespace disconnect', 'C/admin': 'server namespace disconnect', D: 'transport close', E: 'transport close', F: 'ping timeout' };
  for (const [l, reason] of Object.entries(want)) {
    const got = log[l].filter((e) => e.what !== 'connect').map((e) => e.what + ':' + e.reason);
    check('server-reason-' + l, same(got, ['disconnecting:' + reason, 'disconnect:' + reason]), { got });
  }
  check('disconnecting-sees-rooms', same(log.A[1] && log.A[1].rooms, ['<A>', 'd1', 'd2']) && same(log.F[1] && log.F[1].rooms, ['<F>', 'f1']), { A: log.A, F: log.F });
};

// Connection state recovery (options.recoveryUrl): a transport closed under
// the client; the broadcasts sent meanwhile arrive after the reconnection,
// same id, same rooms, recovered === true.
scenarios.recovery = async () => {
  const base = opts.recoveryUrl;
  const fast = { reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 200, randomizationFactor: 0 };
  const A = await client('A', '/', fast, base);
  const B = await client('B', '/', {}, base);
  note('first-connect', { recovered: A.recovered, handshake: await ack(A, 'handshake') });
  await ack(A, 'join', ['rec', 'rec2']);
  await ack(B, 'bcast', { via: 'nsp', to: ['rec'], event: 'before', args: [1], fence: 1 });
  await ack(B, 'bcast', { via: 'self', event: 'self-emit', args: [{ direct: true }] });
  await fence(['A', 'B'], 1);
  const idBefore = A.id;
  const disc = reasonOf(A);
  // Reconnect by hand once the broadcasts below are sent: with the automatic
  // reconnection, whether the client is back before some of them is a race.
  A.io.reconnection(false);
  A.io.engine.close();
  note('forced-close', { reason: await disc });
  // Wait for the server to see it: a broadcast written to a closing
  // websocket makes Node's reason "transport error" rather than "transport
  // close", a race this scenario is not about.
  await serverLog(B, ['A'], 'disconnect');
  await ack(B, 'bcast', { via: 'nsp', to: ['rec'], event: 'missed', args: [2], fence: 2 });
  await ack(B, 'bcast', { via: 'socket', to: ['rec2'], event: 'missed', args: [{ three: 3 }] });
  await ack(B, 'bcast', { via: 'nsp', event: 'missed-all', args: [4], fence: 3 });
  await ack(B, 'bcast', { via: 'nsp', volatile: true, to: ['rec'], event: 'missed-volatile', args: [5] });
  const reconnected = new Promise((resolve) => A.once('connect', resolve));
  A.io.reconnection(true);
  A.connect();
  await Promise.race([reconnected, sleep(8000)]);
  note('reconnect', { recovered: A.recovered, sameId: A.id === idBefore, connected: A.connected });
  check('recovered', A.recovered === true && A.id === idBefore, { recovered: A.recovered });
  await until(() => recv.A.some((e) => e[0] === 'fence' && e[1] === 3), 5000, 'missed fence').catch(() => {});
  const hs = await ack(A, 'handshake');
  // The CONNECT packet of a recovering client carries its pid and offset.
  for (const k of ['pid', 'offset']) if (hs.auth && typeof hs.auth[k] === 'string') hs.auth[k] = '<' + k + '>';
  note('after-reconnect', { rooms: await rooms(A), handshake: hs });
  await ack(B, 'bcast', { via: 'nsp', to: ['rec'], event: 'after', args: [6], fence: 4 });
  await fence(['A', 'B'], 4);
  // Broadcast args carry the server's offset as a last string argument
  // (the client reads it to recover); it is random: mask it.
  const mask = (events) => events.map((e) => e.map((v, i) => (i > 0 && i === e.length - 1 && typeof v === 'string' && /^[\w.-]{6,}$/.test(v) ? '<offset>' : v)));
  recv.A = mask(recv.A);
  recv.B = mask(recv.B);
  const names = recv.A.map((e) => e[0]).filter((e) => e !== 'fence');
  check('recovery-missed-delivered', same(names, ['before', 'missed', 'missed', 'missed-all', 'after']), { names });
  flush(['A', 'B']);
  await serverLog(B, ['A'], 'connect');
  // A client that disconnects on purpose is not recovered.
  const C = await client('C', '/', fast, base);
  await ack(C, 'join', 'c-room');
  const idC = C.id;
  C.disconnect();
  await sleep(200);
  C.connect();
  await waitFor(C, 'connect', 8000);
  if (C.id !== idC) register(C, "C'");
  note('deliberate-reconnect', { recovered: C.recovered, sameId: C.id === idC, rooms: await rooms(C) });
};

// Connect timeout (options.recoveryUrl has a 1s connectTimeout): an
// Engine.IO session that joins no namespace is closed.
scenarios['connect-timeout'] = async () => {
  const m = new Manager(opts.recoveryUrl, Object.assign({ reconnection: false, autoConnect: false, timeout: 10000 }, transportOpts()));
  open.push(m);
  const opened = new Promise((resolve) => m.once('open', resolve));
  const closed = new Promise((resolve) => m.once('close', (reason) => resolve(reason)));
  m.open();
  await opened;
  const t0 = Date.now();
  const reason = await Promise.race([closed, sleep(10000).then(() => '<still open after 10s>')]);
  const elapsed = Date.now() - t0;
  note('connect-timeout', { reason });
  check('connect-timeout-reason', reason === 'transport close', { reason });
  check('connect-timeout-elapsed', elapsed >= 500 && elapsed < 8000, { elapsed });
  // A session that joined a namespace in time stays.
  const A = await client('A', '/', {}, opts.recoveryUrl);
  await sleep(1800);
  note('joined-stays', { connected: A.connected, echo: await ack(A, 'echo', 'alive') });
};

// Shutdown: the server goes away under its clients (the test runs it against
// a server of its own).
scenarios.shutdown = async () => {
  const A = await client('A', '/');
  const Aadmin = await sub(A, 'A/admin', '/admin');
  const B = await client('B', '/');
  const reasons = [reasonOf(A), reasonOf(Aadmin), reasonOf(B)];
  A.emit('shutdown');
  const [ra, radmin, rb] = await Promise.all(reasons);
  note('shutdown', { A: ra, admin: radmin, B: rb });
  check('shutdown-client-reasons', same([ra, radmin, rb], ['transport close', 'transport close', 'transport close']), { ra, radmin, rb });
};

(async () => {
  const names = (scenarioList || '').split(',').filter(Boolean);
  if (!names.length || !url || names.some((n) => !scenarios[n])) {
    check('usage', false, { message: 'usage: node semantics.js <' + Object.keys(scenarios).join('|') + '>[,…] <url> [json options]' });
    finish();
    return;
  }
  out('start', { scenarios: names, url, opts, client: require('socket.io-client/package.json').version });
  for (const name of names) {
    h.scenario = name;
    ids.clear();
    for (const k of Object.keys(recv)) delete recv[k];
    out('scenario', { name });
    try {
      await fns(name);
    } catch (err) {
      note('exception', { message: String((err && err.message) || err) });
      check('exception', false, { message: String((err && err.message) || err) });
    }
    for (const s of open.splice(0)) {
      try {
        if (s instanceof Manager) s._close();
        else { s.io.reconnection(false); s.disconnect(); s.io._close && s.io._close(); }
      } catch (e) { /* already closed */ }
    }
    await sleep(150);
  }
  finish();
})();

function fns(name) {
  return scenarios[name]();
}
