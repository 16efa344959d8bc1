'use strict';
// Publishes a list of @socket.io/redis-emitter 5.1.0 operations, for the
// golden test of tornadio's Go emitter (adapter/redis/emitter): the test
// records what this script puts on Redis, then has the Go emitter do the
// same operations and compares the bytes.
//
//   node emitter-golden.js <redis URL> < operations.json
//
// stdin is a JSON array of operations, each
//   {key?, of?, chain: [[method, value?]...], call: [method, ...arguments]}
// run as new Emitter(client, key ? {key} : undefined).of(of)[chain...][call];
// chain methods are to, in, except (value: a room or an array of rooms),
// volatile (no value) and compress (value: boolean). Binary values are
// {"$bin": base64}. The script exits once Redis has answered every publish.

const { createClient } = require('redis');
const { Emitter } = require('@socket.io/redis-emitter');
const { toNode } = require('./cluster-lines');

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on('data', (c) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

async function main() {
  const [, , redisURL] = process.argv;
  if (!redisURL) throw new Error('usage: emitter-golden.js <redis URL> < operations.json');
  const ops = JSON.parse(await readStdin());
  const client = createClient({ url: redisURL });
  client.on('error', (err) => process.stderr.write(`emitter-golden: redis: ${err.message}\n`));
  await client.connect();
  for (const op of ops) {
    let target = new Emitter(client, op.key ? { key: op.key } : undefined);
    if (op.of !== undefined) target = target.of(op.of);
    for (const [method, value] of op.chain || []) {
      target = method === 'volatile' ? target.volatile : target[method](value);
    }
    const [method, ...args] = op.call;
    target[method](...toNode(args));
  }
  // QUIT is answered after every command sent before it.
  await client.quit();
}

main().catch((err) => {
  process.stderr.write(`emitter-golden: ${(err && err.stack) || err}\n`);
  process.exit(1);
});
