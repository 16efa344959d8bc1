'use strict';
// Plays the admin UI (and the clients it watches) with socket.io-client
// 4.8, for the admin module's protocol tests: it takes commands as JSON
// lines on stdin and prints what happens as JSON lines on stdout.
//
// Commands:
//   {"op":"connect","who":"ui","url":"http://host:port/admin","opts":{...}}
//       a socket (forceNew, no reconnection; opts as io()'s: auth,
//       transports, query), which prints {"event":"connect","who","id"},
//       {"event":"connect_error","who","message"}, {"event":"disconnect",
//       "who","reason"} and every event it receives,
//       {"event":"message","who","name","args"};
//   {"op":"emit","who":"ui","args":["_disconnect","/",false,"id"]}
//       socket.emit(...args);
//   {"op":"close","who":"c1"}   socket.disconnect();
//   {"op":"exit"}               ends (as closing stdin does).
// Each command is answered {"event":"done-op","seq":n} in order.

const { io } = require('socket.io-client');
const readline = require('readline');

const sockets = new Map();

function out(event, fields) {
  process.stdout.write(JSON.stringify(Object.assign({ event }, fields || {})) + '\n');
}

function connect(who, url, opts) {
  const socket = io(url, Object.assign({ forceNew: true, reconnection: false }, opts || {}));
  sockets.set(who, socket);
  socket.on('connect', () => out('connect', { who, id: socket.id, transport: socket.io.engine.transport.name }));
  socket.on('connect_error', (err) => out('connect_error', { who, message: err.message }));
  socket.on('disconnect', (reason) => out('disconnect', { who, reason }));
  socket.onAny((name, ...args) => out('message', { who, name, args }));
  socket.io.engine.on('upgrade', (t) => out('upgrade', { who, transport: t.name }));
}

let seq = 0;
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (!line.trim()) return;
  const cmd = JSON.parse(line);
  seq++;
  switch (cmd.op) {
    case 'connect':
      connect(cmd.who, cmd.url, cmd.opts);
      break;
    case 'emit': {
      const s = sockets.get(cmd.who);
      if (s) s.emit(...cmd.args);
      break;
    }
    case 'close': {
      const s = sockets.get(cmd.who);
      if (s) s.disconnect();
      break;
    }
    case 'exit':
      process.exit(0);
  }
  out('done-op', { seq });
});
rl.on('close', () => process.exit(0));
