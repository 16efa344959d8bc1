'use strict';
// socket.io-client 4.x in Node.js against a server over TLS with a
// certificate it cannot verify (made by the Go test): the client is told so
// with rejectUnauthorized: false, as a user of a self-signed certificate
// would, on the page request and on the socket alike (XHR polling through
// xmlhttprequest-ssl, websocket through ws).
//
// Usage: node nethttp-client.js <transport> <url> [options as JSON]
//   transport: polling, websocket, or any (polling, then the upgrade).
//   options: page (a path of the same server to GET first, whose body must
//   contain pageText), vanish (once connected, print "vanishing" with the
//   socket id and exit at once, leaving whatever request is open to the
//   server to notice), deflate (offer permessage-deflate, compressing every
//   message: perMessageDeflate { threshold: 0 }, and report what the server
//   accepted), timeoutMs.
// One JSON line per observation, {"event":"done","ok":...} last (harness.js).

const https = require('https');
const { io } = require('socket.io-client');
const { start, sleep } = require('./harness');

const h = start({ defaultTimeoutMs: 20000 });
const { names: transport, url, opts, out, check, finish, fail, hardTimer } = h;

// get fetches a path of the server and resolves with its status, protocol
// and body.
function get(path) {
  return new Promise((resolve, reject) => {
    const req = https.get(new URL(path, url), { rejectUnauthorized: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, httpVersion: res.httpVersion, body }));
    });
    req.on('error', reject);
  });
}

// canonical is JSON with object keys sorted: a Go server that decodes
// objects into maps re-encodes them sorted.
function canonical(v) {
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
  if (v && typeof v === 'object') {
    return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}';
  }
  return JSON.stringify(v);
}

function engineName(socket) {
  return socket.io.engine && socket.io.engine.transport ? socket.io.engine.transport.name : null;
}

(async () => {
  out('start', { transport, url, opts });
  if (opts.page) {
    const page = await get(opts.page);
    out('page', { status: page.status, httpVersion: page.httpVersion, length: page.body.length });
    check('page', page.status === 200 && page.body.includes(opts.pageText || ''), { status: page.status });
  }

  const options = { reconnection: false, forceNew: true, timeout: 10000, rejectUnauthorized: false };
  if (transport !== 'any') options.transports = [transport];
  if (opts.deflate) options.perMessageDeflate = { threshold: 0 };
  const socket = io(url, options);
  const history = [];
  socket.io.on('open', () => history.push(engineName(socket)));
  const upgraded = new Promise((resolve) => socket.io.engine.once('upgrade', (t) => resolve(t.name)));
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const id = socket.id; // cleared by the disconnect
  out('connect', { id, transport: engineName(socket) });
  if (opts.vanish) {
    // Let the client park its next long-poll, then go without a word.
    await sleep(300);
    out('vanishing', { id, transport: engineName(socket) });
    process.exit(0);
  }
  if (transport === 'any') {
    const to = await Promise.race([upgraded, sleep(5000).then(() => null)]);
    out('upgrade', { to });
    check('upgraded-to-websocket', to === 'websocket', { to, history });
  }

  if (opts.deflate) {
    const ws = socket.io.engine.transport.ws;
    const extensions = ws ? ws.extensions : null;
    out('extensions', { extensions });
    check('deflate-negotiated', typeof extensions === 'string' && extensions.includes('permessage-deflate'), { extensions });
  }

  const payload = { over: 'tls', list: [1, 2, 3], text: 'é✓' };
  const reply = await socket.timeout(5000).emitWithAck('echo', payload);
  check('echo', canonical(reply) === canonical(payload), { got: reply });

  const big = 'x'.repeat(200000);
  const bigReply = await socket.timeout(10000).emitWithAck('echo', big);
  check('echo-200k', bigReply === big, { gotLen: typeof bigReply === 'string' ? bigReply.length : null });

  const buf = Buffer.from([0, 1, 2, 127, 128, 254, 255]);
  const binReply = await socket.timeout(5000).emitWithAck('bin', buf);
  check('binary', Buffer.isBuffer(binReply) && binReply.equals(buf), { type: typeof binReply });

  // The server emits with an ack of its own and reports the answer.
  const asked = new Promise((resolve) => {
    socket.once('ask', (question, n, answer) => {
      answer('answer to ' + question, n * 2);
      resolve();
    });
  });
  const result = new Promise((resolve) => socket.once('ask-result', resolve));
  socket.emit('ask-me', 21);
  await asked;
  const res = await Promise.race([result, sleep(5000).then(() => null)]);
  check('server-ack', res && res.answer === 'answer to life' && res.doubled === 42, { got: res });

  const who = await socket.timeout(5000).emitWithAck('whoami');
  out('whoami', { server: who });
  check('whoami-id', who && who.id === socket.id, { server: who, client: socket.id });
  const want = transport === 'any' ? 'websocket' : transport;
  check('server-transport', who && who.transport === want, { got: who && who.transport, want });

  socket.disconnect();
  await sleep(100);
  clearTimeout(hardTimer);
  finish({ id });
})().catch((err) => fail('exception', { message: String((err && err.message) || err) }));
