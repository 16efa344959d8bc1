'use strict';
// The line protocol shared by cluster-node.js, cluster-emitter.js and
// cluster-clients.js, the Node processes that tornadio's mixed-cluster tests
// (adapter/redis/clustertest) drive: one JSON command per line on stdin, each
// with an id; one JSON line per answer ({"id","ok","result"} or
// {"id","ok":false,"error"}) or unsolicited report ({"event",…}) on stdout,
// and nothing else on stdout (diagnostics go to stderr). Binary values cross
// the pipe as {"$bin": base64}: decoded to Buffers on the way in, encoded
// back on the way out. The process exits when stdin ends.

const readline = require('readline');

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function report(event, fields) {
  out(Object.assign({ event }, fields || {}));
}

// toNode turns the pipe's {"$bin": base64} values into Buffers, recursively.
function toNode(v) {
  if (Array.isArray(v)) return v.map(toNode);
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === '$bin' && typeof v.$bin === 'string') return Buffer.from(v.$bin, 'base64');
    const o = {};
    for (const k of keys) o[k] = toNode(v[k]);
    return o;
  }
  return v;
}

// toPipe turns binary values (Buffer, ArrayBuffer, typed arrays) into
// {"$bin": base64}, Sets into arrays and Dates into ISO strings, recursively;
// functions (ack callbacks) are dropped.
function toPipe(v) {
  if (v === undefined || typeof v === 'function') return undefined;
  if (Buffer.isBuffer(v)) return { $bin: v.toString('base64') };
  if (v instanceof ArrayBuffer) return { $bin: Buffer.from(v).toString('base64') };
  if (ArrayBuffer.isView(v)) return { $bin: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Set) return [...v].map(toPipe);
  if (Array.isArray(v)) return v.map((x) => (x === undefined || typeof x === 'function' ? null : toPipe(x)));
  if (v && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v)) {
      const x = toPipe(v[k]);
      if (x !== undefined) o[k] = x;
    }
    return o;
  }
  return v;
}

// serve reads commands from stdin and runs handlers[cmd.op](cmd), which may
// return a value or a promise; its result (or error) is the answer. onEnd
// runs when stdin closes.
function serve(handlers, onEnd) {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on('line', async (line) => {
    if (!line.trim()) return;
    let cmd;
    try {
      cmd = JSON.parse(line);
    } catch (e) {
      report('bad-command', { line, error: String(e.message) });
      return;
    }
    const h = handlers[cmd.op];
    if (!h) {
      out({ id: cmd.id, ok: false, error: 'unknown op ' + cmd.op });
      return;
    }
    try {
      const result = await h(cmd);
      out({ id: cmd.id, ok: true, result: toPipe(result === undefined ? null : result) });
    } catch (e) {
      out({ id: cmd.id, ok: false, error: String((e && e.message) || e) });
    }
  });
  rl.on('close', () => onEnd());
}

function fatal(where, err) {
  process.stderr.write(`${where}: ${(err && err.stack) || err}\n`);
  report('fatal', { where, error: String((err && err.message) || err) });
  process.exit(1);
}

process.on('unhandledRejection', (err) => fatal('unhandledRejection', err));
process.on('uncaughtException', (err) => fatal('uncaughtException', err));

module.exports = { out, report, toNode, toPipe, serve, fatal };
