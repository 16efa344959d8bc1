'use strict';
// Node's socket.io 4.8 with socket.io-msgpack-parser 3.0.2, serving the
// contract msgpack-client.js expects (tornadio serves the same one in
// msgpack_test.go), for the differential test:
//   "/": on connection emits "welcome" ("hi", <Buffer 01 02 03>);
//        "echo" acks with its arguments; "ask-me" emits "ask" ("q?",
//        <Buffer 09>) with an ack callback, whose answer comes back as
//        "answered"; "shout" broadcasts "news" (its argument, <Buffer ca fe>)
//        to the namespace; "kick" disconnects the socket.
//   "/admin": "who" acks ("admin", the namespace's name).
//   "/private": a middleware refuses every socket: Error "not allowed" with
//        data {code: 42}.
//
// Usage: node msgpack-server.js. It prints {"event":"listening","url":…}
// and exits when its stdin closes.

const http = require('http');
const { Server } = require('socket.io');
const parser = require('socket.io-msgpack-parser');

const httpServer = http.createServer();
const io = new Server(httpServer, { parser });

io.on('connection', (socket) => {
  socket.emit('welcome', 'hi', Buffer.from([1, 2, 3]));
  socket.on('echo', (...args) => {
    const ack = args.pop();
    ack(...args);
  });
  socket.on('ask-me', () => {
    socket.emit('ask', 'q?', Buffer.from([9]), (...answer) => socket.emit('answered', ...answer));
  });
  socket.on('shout', (payload) => io.emit('news', payload, Buffer.from([0xca, 0xfe])));
  socket.on('kick', () => socket.disconnect());
});
io.of('/admin').on('connection', (socket) => {
  socket.on('who', (ack) => ack('admin', socket.nsp.name));
});
io.of('/private').use((socket, next) => {
  const err = new Error('not allowed');
  err.data = { code: 42 };
  next(err);
});

httpServer.listen(0, '127.0.0.1', () => {
  const { port } = httpServer.address();
  process.stdout.write(JSON.stringify({ event: 'listening', url: `http://127.0.0.1:${port}` }) + '\n');
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
