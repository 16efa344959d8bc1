'use strict';
// The Node socket.io 4.8.4 server under test (bench/). Same contract as the
// Go servers (bench/servers/internal/ready):
//   "echo"      is acknowledged with its arguments, unchanged;
//   "broadcast" is re-emitted as "broadcast", same arguments, to every socket.
// Default options (websocket and polling, pings every 25 s, no
// perMessageDeflate unless -deflate).
//
// With -redis host:port (or BENCH_REDIS) it is one node of a cluster: the
// @socket.io/redis-adapter 8.3.0 createAdapter over two node-redis 4.7.1
// clients (publisher and subscriber), its defaults (key "socket.io"), so
// "broadcast" reaches the sockets of every node.
//
// With -deflate it negotiates permessage-deflate (perMessageDeflate: ws's
// defaults, threshold -deflate-threshold bytes, default 1024 as ws's).
//
// Usage: node server.js [-addr host:port] [-redis host:port] [-deflate [-deflate-threshold n]]
//        (or BENCH_ADDR, BENCH_REDIS; port 0 = free)
// Once listening it prints one line on stdout:
//   {"ready":true,"server":"node","pid":…,"addr":"127.0.0.1:…"}
// With BENCH_PARENT_PIPE set it exits when stdin closes (the runner died).

const http = require('http');
const { Server } = require('socket.io');

let addr = process.env.BENCH_ADDR || '127.0.0.1:0';
let redisAddr = process.env.BENCH_REDIS || '';
let deflate = false;
let deflateThreshold = 1024;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if ((argv[i] === '-addr' || argv[i] === '--addr') && i + 1 < argv.length) addr = argv[++i];
  else if (argv[i].startsWith('-addr=') || argv[i].startsWith('--addr=')) addr = argv[i].split('=')[1];
  else if ((argv[i] === '-redis' || argv[i] === '--redis') && i + 1 < argv.length) redisAddr = argv[++i];
  else if (argv[i].startsWith('-redis=') || argv[i].startsWith('--redis=')) redisAddr = argv[i].split('=')[1];
  else if (argv[i] === '-deflate' || argv[i] === '--deflate') deflate = true;
  else if ((argv[i] === '-deflate-threshold' || argv[i] === '--deflate-threshold') && i + 1 < argv.length) deflateThreshold = Number(argv[++i]);
  else if (argv[i].startsWith('-deflate-threshold=') || argv[i].startsWith('--deflate-threshold=')) deflateThreshold = Number(argv[i].split('=')[1]);
}
const cut = addr.lastIndexOf(':');
const host = addr.slice(0, cut) || '127.0.0.1';
const port = Number(addr.slice(cut + 1)) || 0;

if (process.env.BENCH_PARENT_PIPE) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));

const httpServer = http.createServer();
const io = new Server(httpServer, {
  pingInterval: 25000,
  pingTimeout: 20000,
  perMessageDeflate: deflate ? { threshold: deflateThreshold } : false,
});

io.on('connection', (socket) => {
  socket.on('echo', (...args) => {
    const ack = args[args.length - 1];
    if (typeof ack === 'function') ack(...args.slice(0, -1));
  });
  socket.on('broadcast', (...args) => {
    if (typeof args[args.length - 1] === 'function') args.pop();
    io.emit('broadcast', ...args);
  });
});

// joinCluster connects the publisher and subscriber to Redis and installs
// the adapter; the node reports ready only once the adapter of "/" has
// subscribed (the subscribers of its request channel, which every node has,
// went up), so that no broadcast sent after that misses it.
async function joinCluster() {
  const { createClient } = require('redis');
  const { createAdapter } = require('@socket.io/redis-adapter');
  const pubClient = createClient({ url: `redis://${redisAddr}` });
  const subClient = pubClient.duplicate();
  for (const c of [pubClient, subClient]) c.on('error', (err) => console.error('redis:', err.message));
  await Promise.all([pubClient.connect(), subClient.connect()]);
  const requestChannel = 'socket.io-request#/#';
  const nodes = async () => Number((await pubClient.sendCommand(['PUBSUB', 'NUMSUB', requestChannel]))[1]);
  const before = await nodes();
  io.adapter(createAdapter(pubClient, subClient));
  const deadline = Date.now() + 10000;
  while ((await nodes()) <= before) {
    if (Date.now() > deadline) throw new Error('not subscribed after 10 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

(redisAddr ? joinCluster() : Promise.resolve()).then(() => {
  httpServer.listen(port, host, () => {
    const a = httpServer.address();
    process.stdout.write(JSON.stringify({ ready: true, server: 'node', pid: process.pid, addr: `${a.address}:${a.port}` }) + '\n');
  });
}, (err) => {
  console.error('joining the cluster:', err);
  process.exit(1);
});
