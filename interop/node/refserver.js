'use strict';
// Reference server for the differential tests (differential_test.go): a
// socket.io 4.8.4 server implementing the scripted contract that
// contractServer in contract_test.go implements with tornadio. The same
// client script (semantics.js, semantics-v2.js) runs against both, and the Go
// test compares the transcripts.
//
// Usage: node refserver.js [options as JSON]
//
// It starts two servers on 127.0.0.1 (random ports) and prints one line
//   {"event":"listening","main":"http://127.0.0.1:…","recovery":"http://127.0.0.1:…"}
// "main" has the default options plus short heartbeats and allowEIO3;
// "recovery" adds connectionStateRecovery and a short connectTimeout.
// The process exits when stdin closes (the Go test ends) or after a hard
// timeout (options.timeoutMs, default 10 minutes).
//
// THE CONTRACT (keep contract_test.go in step):
//
// Namespaces: "/", "/admin", "/secure" (middlewares: a token from auth.token
// or query.token must be "good", else Error("unauthorized") with data
// {reason:"bad token", token}; header x-test "deny" gives Error("denied by
// header") without data), dynamic /^\/dyn-\d+$/ (parent middleware refuses
// auth.block with Error("blocked"); each connection gets "hello" with the
// namespace name), and a function-matched parent accepting names starting
// with "/fn-" when auth.allow === true.
//
// On every namespace, each socket handles (ack = last argument if a function):
//   echo(...args, ack)      ack(...args), or emit "echoed"(...args) without ack
//   echo-event(...args)     emit "echoed"(...args)
//   join(rooms, ack)        socket.join(rooms); ack(rooms of socket)
//   leave(room, ack)        socket.leave(room); ack(rooms of socket)
//   rooms(ack)              ack(rooms of socket)
//   bcast(spec, ack)        broadcast spec.event(...spec.args) through
//                           spec.via: "socket" (socket.to/except/broadcast),
//                           "nsp" (namespace to/except), "self" (socket
//                           itself, volatile allowed); spec.to, spec.except,
//                           spec.volatile; then, if spec.fence is set, the
//                           namespace emits "fence"(spec.fence); ack("sent")
//   sockets(spec, ack)      namespace (in spec.in, except spec.except):
//                           op "join"/"leave" spec.rooms, "fetch" →
//                           ack([{id, rooms}]), "disconnect" (ack first) with
//                           spec.close
//   kick(close)             socket.disconnect(close)
//   ask(spec)               socket[.timeout(spec.timeout)].emit(spec.event,
//                           ...spec.args, cb); cb → emit "ask-result"(err,
//                           replies) with err "timeout" or null
//   ask-all(spec)           namespace[.in(spec.in)].timeout(spec.timeout)
//                           .emit(spec.event, ...spec.args, cb); cb → emit
//                           "ask-all-result"(err, responses)
//   never(...)              never answers
//   anylog(ack)             ack({in: events seen by onAny, out: events seen
//                           by onAnyOutgoing}) (names only)
//   handshake(ack)          ack({auth, q: query.q, x: header x-test, nsp,
//                           recovered})
//   log(ids, ack)           ack(server log entries of those socket ids, in
//                           order: {id, nsp, what: connect|disconnecting|
//                           disconnect, reason, rooms, recovered})
//   parent-emit(spec)       "/" only: the dynamic parent namespace emits
//                           spec.event(...spec.args) (reaches every child)
//   shutdown()              "/" only: the server shuts down (io.close())

const { Server } = require('socket.io');
const http = require('http');

const opts = process.argv[2] ? JSON.parse(process.argv[2]) : {};
const hard = setTimeout(() => process.exit(3), opts.timeoutMs || 600000);
hard.unref();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();

function install(io) {
  const log = [];
  const common = (nsp) => (socket) => {
    const anyIn = [];
    const anyOut = [];
    log.push({ id: socket.id, nsp: socket.nsp.name, what: 'connect', recovered: !!socket.recovered });
    socket.onAny((ev) => anyIn.push(ev));
    socket.onAnyOutgoing((ev) => anyOut.push(ev));
    socket.on('disconnecting', (reason) => {
      log.push({ id: socket.id, nsp: socket.nsp.name, what: 'disconnecting', reason, rooms: [...socket.rooms] });
    });
    socket.on('disconnect', (reason) => {
      log.push({ id: socket.id, nsp: socket.nsp.name, what: 'disconnect', reason });
    });
    const target = (spec) => {
      // nsp may be a child of a dynamic parent: use the socket's own.
      let op = socket.nsp;
      if (spec.in && spec.in.length) op = op.in(spec.in);
      if (spec.except && spec.except.length) op = op.except(spec.except);
      return op;
    };
    socket.on('echo', (...args) => {
      const ack = typeof args[args.length - 1] === 'function' ? args.pop() : null;
      if (ack) ack(...args);
      else socket.emit('echoed', ...args);
    });
    socket.on('echo-event', (...args) => socket.emit('echoed', ...args));
    socket.on('join', (rooms, ack) => {
      socket.join(rooms);
      ack([...socket.rooms]);
    });
    socket.on('leave', (room, ack) => {
      socket.leave(room);
      ack([...socket.rooms]);
    });
    socket.on('rooms', (ack) => ack([...socket.rooms]));
    socket.on('bcast', (spec, ack) => {
      const args = spec.args || [];
      if (spec.via === 'self') {
        (spec.volatile ? socket.volatile : socket).emit(spec.event, ...args);
      } else {
        let op = spec.via === 'nsp' ? socket.nsp : socket;
        let chained = false;
        if (spec.to && spec.to.length) { op = op.to(spec.to); chained = true; }
        if (spec.except && spec.except.length) { op = op.except(spec.except); chained = true; }
        if (!chained && spec.via === 'socket') op = socket.broadcast;
        if (spec.volatile) op = op.volatile;
        op.emit(spec.event, ...args);
      }
      if (spec.fence !== undefined) socket.nsp.emit('fence', spec.fence);
      if (typeof ack === 'function') ack('sent');
    });
    socket.on('sockets', async (spec, ack) => {
      const op = target(spec);
      switch (spec.op) {
        case 'join': op.socketsJoin(spec.rooms); ack('ok'); break;
        case 'leave': op.socketsLeave(spec.rooms); ack('ok'); break;
        case 'disconnect': ack('ok'); op.disconnectSockets(!!spec.close); break;
        case 'fetch': {
          const list = await op.fetchSockets();
          ack(list.map((s) => ({ id: s.id, rooms: [...s.rooms] })));
          break;
        }
        default: ack('unknown op');
      }
    });
    socket.on('kick', (close) => socket.disconnect(!!close));
    socket.on('ask', (spec) => {
      const cb = (err, ...replies) => socket.emit('ask-result', err ? 'timeout' : null, replies);
      if (spec.timeout) socket.timeout(spec.timeout).emit(spec.event, ...(spec.args || []), cb);
      else socket.emit(spec.event, ...(spec.args || []), (...replies) => cb(null, ...replies));
    });
    socket.on('ask-all', (spec) => {
      let op = socket.nsp;
      if (spec.in && spec.in.length) op = op.in(spec.in);
      op.timeout(spec.timeout || 5000).emit(spec.event, ...(spec.args || []), (err, responses) => {
        socket.emit('ask-all-result', err ? 'timeout' : null, responses);
      });
    });
    socket.on('never', () => {});
    socket.on('anylog', (ack) => ack({ in: anyIn.slice(), out: anyOut.slice() }));
    socket.on('handshake', (ack) => {
      const h = socket.handshake;
      ack({ id: socket.id, auth: h.auth, q: h.query.q === undefined ? null : h.query.q, x: h.headers['x-test'] === undefined ? null : h.headers['x-test'], nsp: socket.nsp.name, recovered: !!socket.recovered });
    });
    socket.on('log', (ids, ack) => ack(log.filter((e) => ids.includes(e.id))));
    if (nsp === '/') {
      socket.on('parent-emit', (spec) => dyn.emit(spec.event, ...(spec.args || [])));
      socket.on('shutdown', () => io.close());
    }
  };

  io.of('/').on('connection', common('/'));
  io.of('/admin').on('connection', common('/admin'));

  const secure = io.of('/secure');
  secure.use((socket, next) => {
    const tok = socket.handshake.auth.token !== undefined ? socket.handshake.auth.token : socket.handshake.query.token;
    if (tok !== 'good') {
      const err = new Error('unauthorized');
      err.data = { reason: 'bad token', token: tok === undefined ? null : tok };
      return next(err);
    }
    next();
  });
  secure.use((socket, next) => {
    if (socket.handshake.headers['x-test'] === 'deny') return next(new Error('denied by header'));
    next();
  });
  secure.on('connection', common('/secure'));

  const dyn = io.of(/^\/dyn-\d+$/);
  dyn.use((socket, next) => {
    if (socket.handshake.auth.block) return next(new Error('blocked'));
    next();
  });
  dyn.on('connection', (socket) => {
    common('dyn')(socket);
    socket.emit('hello', socket.nsp.name);
  });

  io.of((name, auth, next) => next(null, name.startsWith('/fn-') && auth.allow === true)).on('connection', common('fn'));
}

function start(serverOpts) {
  return new Promise((resolve) => {
    const httpServer = http.createServer();
    const io = new Server(httpServer, serverOpts);
    install(io);
    httpServer.listen(0, '127.0.0.1', () => resolve('http://127.0.0.1:' + httpServer.address().port));
  });
}

(async () => {
  const base = { pingInterval: opts.pingInterval || 500, pingTimeout: opts.pingTimeout || 1500, allowEIO3: true };
  const main = await start(base);
  const recovery = await start(Object.assign({}, base, {
    connectTimeout: opts.connectTimeout || 1000,
    connectionStateRecovery: { maxDisconnectionDuration: 30000, skipMiddlewares: true },
  }));
  process.stdout.write(JSON.stringify({ event: 'listening', main, recovery, version: require('socket.io/package.json').version }) + '\n');
})();
