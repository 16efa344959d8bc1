'use strict';
// socket.io-client 4.8.4 clients for tornadio's mixed-cluster tests
// (adapter/redis/clustertest), any number in one process.
//
//   node cluster-clients.js
//
// Commands on stdin (see cluster-lines.js for the line protocol):
//   open {client, url, nsp, transports, auth, ackAnswer, noAck}
//        connects a client named `client` (auth defaults to {name: client});
//        answers {sid, recovered} once connected, or fails with the connect
//        error.
//        Acks the server asks for are answered with ackAnswer (default the
//        client's name); with noAck never.
//   emit {client, event, args, ack, timeout}
//        with ack, answers {err, response}.
//   dropTransport {client}  closes the client's Engine.IO transport as a
//        network failure would; the client reconnects by itself.
//   drop {client} / reopen {client, url, pid, offset}  the same failure
//        without reconnecting, then a connection to url (any node) that
//        recovers the session (connection state recovery).
//   close {client}  disconnects it for good.
// Reports: connect {client, sid, recovered}, disconnect {client, reason},
// connect_error {client, message}, recv {client, name, args, withAck} for
// every event any client receives (binary as {"$bin": base64}).

const { io } = require('socket.io-client');
const { report, toNode, toPipe, serve } = require('./cluster-lines');

const clients = new Map();

function get(name) {
  const c = clients.get(name);
  if (!c) throw new Error('no client ' + name);
  return c;
}

// connect opens a client as cmd describes (see open); with session
// ({pid, offset}, from drop) it asks to recover that session, as the
// client's own reconnection would. Resolves {sid, recovered} once connected.
function connect(cmd, session) {
  return new Promise((resolve, reject) => {
    const nsp = cmd.nsp || '/';
    const url = cmd.url.replace(/\/$/, '') + (nsp === '/' ? '' : nsp);
    const socket = io(url, {
      transports: cmd.transports || ['websocket'],
      auth: cmd.auth || { name: cmd.client },
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 1000,
    });
    if (session) {
      // socket.io-client sends these in its CONNECT packet (before the
      // connection opens, so in time) and compares the pid it gets back.
      socket._pid = session.pid;
      socket._lastOffset = session.offset;
    }
    const ackAnswer = cmd.ackAnswer === undefined ? cmd.client : toNode(cmd.ackAnswer);
    clients.set(cmd.client, socket);
    specs.set(cmd.client, cmd);
    let settled = false;
    socket.on('connect', () => {
      report('connect', { client: cmd.client, sid: socket.id, recovered: socket.recovered });
      if (!settled) {
        settled = true;
        resolve({ sid: socket.id, recovered: socket.recovered });
      }
    });
    socket.on('connect_error', (err) => {
      report('connect_error', { client: cmd.client, message: err.message });
      if (!settled && !socket.active) {
        settled = true;
        clients.delete(cmd.client);
        reject(err);
      }
    });
    socket.on('disconnect', (reason) => report('disconnect', { client: cmd.client, reason }));
    socket.onAny((ev, ...args) => {
      const ack = typeof args[args.length - 1] === 'function' ? args.pop() : null;
      report('recv', { client: cmd.client, name: ev, args: toPipe(args), withAck: !!ack });
      if (ack && !cmd.noAck) ack(ackAnswer);
    });
  });
}

const specs = new Map(); // client name -> its open command

const handlers = {
  open: (cmd) => {
    if (clients.has(cmd.client)) throw new Error('client exists: ' + cmd.client);
    return connect(cmd);
  },
  // drop {client}: the client loses its connection as in a network failure
  // (no DISCONNECT packet, so the server keeps its session for recovery) and
  // does not reconnect; answers {pid, offset}, what recovery needs, once the
  // client has seen the disconnect.
  drop: (cmd) => new Promise((resolve) => {
    const socket = get(cmd.client);
    const state = { pid: socket._pid, offset: socket._lastOffset };
    socket.io.reconnection(false);
    socket.once('disconnect', () => resolve(state));
    socket.io.engine.close();
  }),
  // reopen {client, url, pid, offset}: a dropped client connects again, to
  // url (another node, say), presenting pid and offset for connection state
  // recovery; answers {sid, recovered}.
  reopen: (cmd) => {
    const old = get(cmd.client);
    old.disconnect();
    const spec = Object.assign({}, specs.get(cmd.client), { url: cmd.url });
    return connect(spec, { pid: cmd.pid, offset: cmd.offset });
  },
  emit: (cmd) => {
    const socket = get(cmd.client);
    const args = toNode(cmd.args || []);
    if (!cmd.ack) {
      socket.emit(cmd.event, ...args);
      return {};
    }
    return new Promise((resolve) => {
      socket.timeout(cmd.timeout || 5000).emit(cmd.event, ...args, (err, response) => {
        resolve({ err: err ? err.message : null, response });
      });
    });
  },
  dropTransport: (cmd) => {
    get(cmd.client).io.engine.close();
    return {};
  },
  close: (cmd) => {
    get(cmd.client).disconnect();
    clients.delete(cmd.client);
    return {};
  },
};

serve(handlers, () => {
  for (const s of clients.values()) s.disconnect();
  process.exit(0);
});
report('ready', {});
