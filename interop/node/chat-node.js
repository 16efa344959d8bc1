'use strict';
// The chat demo's events (examples/chat/chat) served by a Node socket.io
// 4.8.4 node in a Redis cluster, with @socket.io/redis-adapter's classic
// createAdapter: the Node member of `make demo-cluster`
// (adapter/redis/examples/democluster), beside tornadio nodes on the same
// Redis.
//
//   node chat-node.js <port, 0 = any> <redis URL> <node name>
//
// Listens on 127.0.0.1 and prints one line, {"event":"ready","port":N}, once
// it serves; diagnostics go to stderr. Stops on SIGTERM or SIGINT, or when
// its parent's pipe on stdin closes.

const http = require('http');
const { Server } = require('socket.io');
const { createClient } = require('redis');
const { createAdapter } = require('@socket.io/redis-adapter');

const MAX_MESSAGE_LEN = 500; // runes, as chat.MaxMessageLen

async function main() {
  const [, , portArg, redisURL, name] = process.argv;
  if (!redisURL || !name) throw new Error('usage: chat-node.js <port> <redis URL> <node name>');

  const pub = createClient({ url: redisURL });
  const sub = pub.duplicate();
  for (const c of [pub, sub]) {
    c.on('error', (err) => process.stderr.write(`${name}: redis: ${err.message}\n`));
  }
  await Promise.all([pub.connect(), sub.connect()]);

  const httpServer = http.createServer((req, res) => {
    res.writeHead(404).end();
  });
  const io = new Server(httpServer, { adapter: createAdapter(pub, sub) });

  io.on('connection', (socket) => {
    const id = socket.id;
    socket.emit('node', name);
    io.emit('joined', id);
    socket.on('chat', (text) => {
      if (typeof text !== 'string') return;
      text = text.trim();
      if (text === '') return;
      const runes = Array.from(text);
      if (runes.length > MAX_MESSAGE_LEN) text = runes.slice(0, MAX_MESSAGE_LEN).join('');
      io.emit('chat', { from: id, node: name, text, time: Date.now() });
    });
    socket.on('disconnect', (reason) => io.emit('left', id, reason));
  });

  await new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(Number(portArg) || 0, '127.0.0.1', resolve);
  });
  process.stdout.write(JSON.stringify({ event: 'ready', port: httpServer.address().port }) + '\n');

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    io.close();
    Promise.allSettled([pub.quit(), sub.quit()]).then(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

main().catch((err) => {
  process.stderr.write(`chat-node: ${(err && err.stack) || err}\n`);
  process.exit(1);
});
