'use strict';
// One Node socket.io 4.8.4 server in a Redis cluster, for tornadio's
// mixed-cluster tests (adapter/redis/clustertest).
//
//   node cluster-node.js <pubsub|sharded|streams> <port, 0 = any> <redis URL> [options JSON]
//
// Adapters: pubsub = @socket.io/redis-adapter createAdapter, sharded = its
// createShardedAdapter (subscriptionMode "dynamic"), streams =
// @socket.io/redis-streams-adapter createAdapter with connection state
// recovery on; node-redis 4.7.1 clients. Options: name (this node's name,
// default "node"), requestsTimeout (pubsub, ms), recoveryMs (streams'
// maxDisconnectionDuration, default 120000).
//
// Namespaces "/" and "/chat". A connecting socket's auth {name, rooms, data}
// sets socket.data = {name, node, ...data} and joins auth.rooms. Reports on
// stdout (see cluster-lines.js): ready {port,name,kind}; connection {nsp,sid,
// client,transport}; disconnect {nsp,sid,client,reason}; clientEvent {nsp,
// sid,client,name,args,withAck} (acked with {node, name}); serverSideEmit
// {nsp,name,args,withAck} (acked with the namespace's configured answer,
// default the node's name). Commands: the handlers below.

const http = require('http');
const { Server } = require('socket.io');
const { createClient } = require('redis');
const { createAdapter, createShardedAdapter } = require('@socket.io/redis-adapter');
const streams = require('@socket.io/redis-streams-adapter');
const { report, toNode, toPipe, serve, fatal } = require('./cluster-lines');

const NAMESPACES = ['/', '/chat'];

async function main() {
  const [, , kind, portArg, redisURL, rawOpts] = process.argv;
  const opts = rawOpts ? JSON.parse(rawOpts) : {};
  const name = opts.name || 'node';
  if (!['pubsub', 'sharded', 'streams'].includes(kind) || !redisURL) {
    throw new Error('usage: cluster-node.js <pubsub|sharded|streams> <port> <redis URL> [options JSON]');
  }

  const clients = [];
  const newClient = async (c) => {
    c.on('error', (err) => process.stderr.write(`${name}: redis: ${err.message}\n`));
    clients.push(c);
    await c.connect();
    return c;
  };
  const pub = await newClient(createClient({ url: redisURL }));
  const serverOpts = {};
  if (kind === 'streams') {
    // The streams adapter duplicates this client for its readers itself.
    serverOpts.adapter = streams.createAdapter(pub);
    serverOpts.connectionStateRecovery = { maxDisconnectionDuration: opts.recoveryMs || 120000, skipMiddlewares: true };
  } else {
    const sub = await newClient(pub.duplicate());
    serverOpts.adapter = kind === 'pubsub'
      ? createAdapter(pub, sub, opts.requestsTimeout ? { requestsTimeout: opts.requestsTimeout } : {})
      : createShardedAdapter(pub, sub, { subscriptionMode: 'dynamic' });
  }

  const httpServer = http.createServer();
  const io = new Server(httpServer, serverOpts);

  // The answer each namespace gives to server-side emits that want one;
  // noAnswer: never answer (for timeout cases).
  const sseAnswer = new Map(NAMESPACES.map((n) => [n, { answer: name }]));

  for (const nspName of NAMESPACES) {
    const nsp = io.of(nspName);
    nsp.on('connection', (socket) => {
      const auth = socket.handshake.auth || {};
      socket.data = Object.assign({ name: auth.name, node: name }, auth.data || {});
      if (Array.isArray(auth.rooms)) socket.join(auth.rooms);
      report('connection', {
        nsp: nspName, sid: socket.id, client: auth.name, transport: socket.conn.transport.name, recovered: socket.recovered,
      });
      socket.on('disconnect', (reason) => report('disconnect', { nsp: nspName, sid: socket.id, client: auth.name, reason }));
      socket.onAny((ev, ...args) => {
        const ack = typeof args[args.length - 1] === 'function' ? args.pop() : null;
        report('clientEvent', { nsp: nspName, sid: socket.id, client: auth.name, name: ev, args: toPipe(args), withAck: !!ack });
        if (ack) ack({ node: name, name: ev });
      });
    });
    // Every server-side event, whatever its name, passes through
    // _onServerSideEmit (socket.io 4.x); replaced here to report and answer
    // it.
    nsp._onServerSideEmit = (args) => {
      const [ev, ...rest] = args;
      const ack = typeof rest[rest.length - 1] === 'function' ? rest.pop() : null;
      report('serverSideEmit', { nsp: nspName, name: ev, args: toPipe(rest), withAck: !!ack });
      const a = sseAnswer.get(nspName);
      if (ack && !a.noAnswer) ack(toNode(a.answer));
    };
  }

  // target applies the command's rooms/except/flags to the namespace.
  const target = (cmd) => {
    let op = io.of(cmd.nsp || '/');
    if (cmd.rooms && cmd.rooms.length) op = op.to(cmd.rooms);
    if (cmd.except && cmd.except.length) op = op.except(cmd.except);
    if (cmd.volatile) op = op.volatile;
    if (cmd.local) op = op.local;
    if (cmd.timeout) op = op.timeout(cmd.timeout);
    return op;
  };
  const describe = (s) => ({ id: s.id, handshake: s.handshake, rooms: [...s.rooms].sort(), data: s.data });

  const handlers = {
    // emit {nsp, event, args, rooms, except, volatile, local, ack, timeout}:
    // with ack, answers {err, responses} once the broadcast's acks are in or
    // its timeout fired (err is null or the error's message).
    emit: (cmd) => {
      const args = toNode(cmd.args || []);
      if (!cmd.ack) {
        target(cmd).emit(cmd.event, ...args);
        return {};
      }
      return new Promise((resolve) => {
        target(Object.assign({}, cmd, { timeout: cmd.timeout || 5000 })).emit(cmd.event, ...args, (err, responses) => {
          resolve({ err: err ? err.message : null, responses: responses || [] });
        });
      });
    },
    fetchSockets: async (cmd) => (await target(cmd).fetchSockets()).map(describe).sort((a, b) => (a.id < b.id ? -1 : 1)),
    socketsJoin: (cmd) => { target(cmd).socketsJoin(cmd.join); return {}; },
    socketsLeave: (cmd) => { target(cmd).socketsLeave(cmd.leave); return {}; },
    disconnectSockets: (cmd) => { target(cmd).disconnectSockets(!!cmd.close); return {}; },
    // serverSideEmit {nsp, event, args, ack}: with ack, answers {err,
    // responses} (the adapter's own timeout applies).
    serverSideEmit: (cmd) => {
      const nsp = io.of(cmd.nsp || '/');
      const args = toNode(cmd.args || []);
      if (!cmd.ack) {
        nsp.serverSideEmit(cmd.event, ...args);
        return {};
      }
      return new Promise((resolve) => {
        nsp.serverSideEmit(cmd.event, ...args, (err, responses) => resolve({ err: err ? err.message : null, responses: responses || [] }));
      });
    },
    // setServerSideAnswer {nsp, answer, noAnswer}
    setServerSideAnswer: (cmd) => { sseAnswer.set(cmd.nsp || '/', { answer: cmd.answer, noAnswer: !!cmd.noAnswer }); return {}; },
    serverCount: (cmd) => io.of(cmd.nsp || '/').adapter.serverCount(),
    // allRooms: the cluster's rooms (pubsub only: the cluster adapters of
    // sharded and streams have no such request).
    allRooms: async (cmd) => {
      const adapter = io.of(cmd.nsp || '/').adapter;
      if (typeof adapter.allRooms !== 'function') throw new Error('unsupported: allRooms');
      return [...(await adapter.allRooms())].sort();
    },
    localRooms: (cmd) => [...io.of(cmd.nsp || '/').adapter.rooms.keys()].sort(),
    localSockets: (cmd) => [...io.of(cmd.nsp || '/').sockets.values()].map(describe).sort((a, b) => (a.id < b.id ? -1 : 1)),
    close: () => new Promise((resolve) => io.close(() => resolve({}))),
  };

  await new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(Number(portArg) || 0, '127.0.0.1', resolve);
  });
  serve(handlers, () => {
    io.close();
    for (const c of clients) c.disconnect().catch(() => {});
    process.exit(0);
  });
  report('ready', { port: httpServer.address().port, name, kind });
}

main().catch((err) => fatal('cluster-node', err));
