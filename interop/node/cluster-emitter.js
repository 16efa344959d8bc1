'use strict';
// @socket.io/redis-emitter 5.1.0 for tornadio's mixed-cluster tests
// (adapter/redis/clustertest): emits into a cluster of classic pub/sub
// (@socket.io/redis-adapter createAdapter) nodes from outside any server.
//
//   node cluster-emitter.js <redis URL>
//
// Commands on stdin (see cluster-lines.js): emit {nsp, event, args, rooms,
// except, volatile}; serverSideEmit {nsp, event, args}; socketsJoin {nsp,
// rooms, except, join}; socketsLeave {nsp, rooms, except, leave};
// disconnectSockets {nsp, rooms, except, close}. Each answers {} once the
// message has been handed to the Redis client. Reports: ready.

const { createClient } = require('redis');
const { Emitter } = require('@socket.io/redis-emitter');
const { report, toNode, serve, fatal } = require('./cluster-lines');

async function main() {
  const [, , redisURL] = process.argv;
  if (!redisURL) throw new Error('usage: cluster-emitter.js <redis URL>');
  const client = createClient({ url: redisURL });
  client.on('error', (err) => process.stderr.write(`emitter: redis: ${err.message}\n`));
  await client.connect();
  const root = new Emitter(client);

  const target = (cmd) => {
    let op = root.of(cmd.nsp || '/');
    if (cmd.rooms && cmd.rooms.length) op = op.to(cmd.rooms);
    if (cmd.except && cmd.except.length) op = op.except(cmd.except);
    if (cmd.volatile) op = op.volatile;
    return op;
  };
  const handlers = {
    emit: (cmd) => { target(cmd).emit(cmd.event, ...toNode(cmd.args || [])); return {}; },
    serverSideEmit: (cmd) => { root.of(cmd.nsp || '/').serverSideEmit(cmd.event, ...toNode(cmd.args || [])); return {}; },
    socketsJoin: (cmd) => { target(cmd).socketsJoin(cmd.join); return {}; },
    socketsLeave: (cmd) => { target(cmd).socketsLeave(cmd.leave); return {}; },
    disconnectSockets: (cmd) => { target(cmd).disconnectSockets(!!cmd.close); return {}; },
  };
  serve(handlers, () => {
    client.disconnect().catch(() => {}).finally(() => process.exit(0));
  });
  report('ready', {});
}

main().catch((err) => fatal('cluster-emitter', err));
