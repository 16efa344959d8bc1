// gen.js writes golden.json: the bytes socket.io-msgpack-parser 3.0.2 gives
// for packets as Node's socket.io server builds them (what tornadio must
// write) and as socket.io-client builds them (what tornadio must read), so
// that the Go parser is checked against them byte for byte.
//
// Run from the repository root, with interop/node's packages installed:
//   NODE_PATH=interop/node/node_modules node socketio/msgpackparser/testdata/gen.js
//
// Each entry has:
//   name   what the case shows
//   kind   "event", "ack" or "packet": the Go method that writes it
//   type, nsp, id (-1: none), event
//   args   the arguments (event, ack) or the data (packet, absent: none) as
//          tornadio holds them: JSON text, each Buffer a placeholder
//   atts   hex of the Buffers, in placeholder order
//   server hex of the encoding of the server's packet object
//   client hex of the encoding of socket.io-client's packet object for the
//          same packet (with its "options" key), which the Go parser must
//          decode back to the same packet
//   encodeOnly  true when the bytes do not decode back to the same value
"use strict";
const fs = require("fs");
const path = require("path");
const { Encoder } = require("socket.io-msgpack-parser");

const enc = new Encoder();
const hex = (packet) => Buffer.from(enc.encode(packet)[0]).toString("hex");

// toTornadio turns a value into tornadio's form: JSON with placeholders.
function toTornadio(value, atts) {
  return JSON.stringify(value, function (key, v) {
    const raw = this[key];
    if (Buffer.isBuffer(raw)) {
      atts.push(raw.toString("hex"));
      return { _placeholder: true, num: atts.length - 1 };
    }
    return v;
  });
}

const cases = [];

function event(name, nsp, id, ev, args) {
  const atts = [];
  const jsonArgs = args.map((a) => toTornadio(a, atts));
  const server = { type: 2, data: [ev, ...args] };
  if (id >= 0) server.id = id;
  server.nsp = nsp;
  const client = { type: 2, data: [ev, ...args], options: { compress: true } };
  if (id >= 0) client.id = id;
  client.nsp = nsp;
  cases.push({ name, kind: "event", type: 2, nsp, id, event: ev, args: jsonArgs, atts, server: hex(server), client: hex(client) });
}

function ack(name, nsp, id, args) {
  const atts = [];
  const jsonArgs = args.map((a) => toTornadio(a, atts));
  const server = { id, type: 3, data: args, nsp };
  const client = { type: 3, id, data: args, nsp };
  cases.push({ name, kind: "ack", type: 3, nsp, id, args: jsonArgs, atts, server: hex(server), client: hex(client) });
}

function packet(name, type, nsp, data) {
  const atts = [];
  const server = { type };
  if (data !== undefined) server.data = data;
  server.nsp = nsp;
  const c = { name, kind: "packet", type, nsp, id: -1, atts, server: hex(server), client: hex({ type, nsp, data }) };
  if (data !== undefined) c.args = [toTornadio(data, atts)];
  cases.push(c);
}

event("plain event", "/", -1, "chat", ["hello", 1]);
event("event with ack id", "/", 12, "chat", [{ from: "ann", at: 1700000000 }]);
event("event in a namespace", "/admin", -1, "x", []);
event("binary argument", "/", -1, "file", [Buffer.from([1, 2, 3]), "name"]);
event("nested binary", "/chat", 300, "up", [{ parts: [Buffer.from("ab"), Buffer.alloc(0)], n: -5 }]);
event("numbers", "/", 70000, "n", [0, -1, 127, 128, 255, 256, 65535, 65536, -32, -33, -129, -32769, 1.5, 4294967296, -4294967297, 9007199254740991, -0.25, 1.5e-7]);
// notepack.io writes an integral number beyond 2^64 as a wrapped uint64;
// the Go parser writes the same bytes (and reads them back as notepack does,
// not as the number written).
event("huge integral number", "/", -1, "n", [1e300]);
cases[cases.length - 1].encodeOnly = true;
event("strings", "/", -1, "s", ["", "é", "日本語", "😀", "x".repeat(31), "y".repeat(32), "z".repeat(256)]);
event("nested values", "/", -1, "v", [null, true, false, [], {}, { a: [1, { b: null }] }, { 2: "two", 1: "one", z: 0 }]);
ack("ack", "/", 0, ["ok"]);
ack("ack in a namespace with binary", "/admin", 4000000000, [Buffer.from([0xff]), { x: 1 }]);
ack("empty ack", "/", 1, []);
packet("connect", 0, "/", { sid: "abc", pid: "def" });
packet("connect in a namespace", 0, "/admin", { sid: "abc" });
packet("connect without data", 0, "/", undefined);
packet("connect error", 4, "/admin", { message: "Invalid namespace" });
packet("connect error with data", 4, "/", { message: "no", data: { code: 7 } });
packet("connect error as a string", 4, "/", "refused");
packet("disconnect", 1, "/chat", undefined);

fs.writeFileSync(path.join(__dirname, "golden.json"), JSON.stringify(cases, null, 1) + "\n");
