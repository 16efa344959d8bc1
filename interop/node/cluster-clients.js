'use strict';
// socket.io-client 4.8.4 clients for tornadio's mixed-cluster tests
// (adapter/redis/clustertest), any number in one process.
//
//   node cluster-clients.js
//
// Commands on stdin (see cluster-lines.js for the line protocol):
//   open {client, url, nsp, transports, auth, ackAnswer, noAck}
//        connects a client named `client` (auth defaults to {name: client});
//        answers {sid} once connected, or fails with the connect error.
//        Acks the server asks for are answered with ackAnswer (default the
//        client's name); with noAck never.
//   emit {client, event, args, ack, timeout}
//        with ack, answers {err, response}.
//   dropTransport {client}  closes the client's Engine.IO transport as a
//        network failure would; the client reconnects by itself.
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

const handlers = {
  open: (cmd) => new Promise((resolve, reject) => {
    if (clients.has(cmd.client)) throw new Error('client exists: ' + cmd.client);
    const nsp = cmd.nsp || '/';
    const url = cmd.url.replace(/\/$/, '') + (nsp === '/' ? '' : nsp);
    const socket = io(url, {
      transports: cmd.transports || ['websocket'],
      auth: cmd.auth || { name: cmd.client },
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 1000,
    });
    const ackAnswer = cmd.ackAnswer === undefined ? cmd.client : toNode(cmd.ackAnswer);
    clients.set(cmd.client, socket);
    let settled = false;
    socket.on('connect', () => {
      report('connect', { client: cmd.client, sid: socket.id, recovered: socket.recovered });
      if (!settled) {
        settled = true;
        resolve({ sid: socket.id });
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
  }),
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
