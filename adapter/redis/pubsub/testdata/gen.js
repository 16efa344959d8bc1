// gen.js writes golden.json: the exact payloads Node's
// @socket.io/redis-adapter 8.3.0 (createAdapter) publishes for each kind of
// message, built as its lib/index.ts builds them (notepack.io 3.x for
// msgpack, JSON.stringify for JSON), with fixed uids and request ids, so the
// Go encoders can be checked byte for byte.
//
// Run with the interop/node modules installed:
//   NODE_PATH=<repo>/interop/node/node_modules node gen.js
//
// Each entry: name, and hex (msgpack) or text (JSON) of the payload.
"use strict";
const fs = require("fs");
const path = require("path");
const notepack = require("notepack.io");

const uid = "uRFA6x";
const req = "Hp3kQz";
const bin = {
  bin: Buffer.from("0001027f80fdfeff", "hex"),
  nested: { list: [Buffer.from("abc"), "text", Buffer.alloc(0)] },
  tok: "tok-1",
};
// What a node's broadcast() publishes: [uid, packet, rawOpts].
const tuple = (nsp, data, rooms, except, flags) =>
  notepack.encode([uid, { type: 2, data, nsp }, { rooms, except: [...new Set(except)], flags }]);
const cases = [
  ["broadcast", tuple("/", ["warm", { tok: "warm-1" }], [], [], {})],
  ["broadcast one room", tuple("/", ["warm", { tok: "warm-1" }], ["r1"], [], {})],
  ["broadcast rooms except", tuple("/chat", ["ev", 1, "two", null], ["r1", "r2"], ["x"], {})],
  ["broadcast binary", tuple("/", ["ev-1", bin], [], [], {})],
  ["broadcast volatile", tuple("/", ["ev-1", { tok: "tok-1" }], [], [], { volatile: true })],
  ["broadcast no args", tuple("/", ["ping"], [], [], {})],
  ["broadcast with ack", notepack.encode({
    uid, requestId: req, type: 7,
    packet: { type: 2, data: ["ask-1", {}], nsp: "/" },
    opts: { rooms: [], except: [], flags: { timeout: 3000 } },
  })],
  ["broadcast with ack binary volatile", notepack.encode({
    uid, requestId: req, type: 7,
    packet: { type: 2, data: ["ask-1", bin], nsp: "/" },
    opts: { rooms: ["r1"], except: ["r2"], flags: { volatile: true, timeout: 500 } },
  })],
  ["client count", JSON.stringify({ type: 8, requestId: req, clientCount: 3 })],
  ["ack answer", notepack.encode({ type: 9, requestId: req, packet: "A1" })],
  ["ack answer binary", notepack.encode({ type: 9, requestId: req, packet: { name: "A1", bin: Buffer.from("bin:A1") } })],
  ["ack answer none", notepack.encode({ type: 9, requestId: req, packet: undefined })],
  ["fetch request", JSON.stringify({ uid, requestId: req, type: 5, opts: { rooms: ["r1"], except: ["r2"] } })],
  ["join request", JSON.stringify({ uid, type: 2, opts: { rooms: ["sid-1"], except: [] }, rooms: ["rj-1", "rj-2"] })],
  ["leave request", JSON.stringify({ uid, type: 3, opts: { rooms: ["sid-1"], except: [] }, rooms: ["rj-1"] })],
  ["disconnect request", JSON.stringify({ uid, type: 4, opts: { rooms: ["sid-1"], except: [] }, close: false })],
  ["server-side emit", JSON.stringify({ uid, type: 6, data: ["relay", { tok: "relay-1" }] })],
  ["server-side emit with ack", JSON.stringify({ uid, requestId: req, type: 6, data: ["ping-node", { x: 1 }] })],
  ["server-side emit binary", JSON.stringify({ uid, type: 6, data: ["relay", { b: Buffer.from([1, 2, 255]) }] })],
  ["server-side answer", JSON.stringify({ type: 6, requestId: req, data: "node2" })],
  ["server-side answer none", JSON.stringify({ type: 6, requestId: req, data: undefined })],
  ["all rooms request", JSON.stringify({ uid, requestId: req, type: 1 })],
  ["all rooms response", JSON.stringify({ requestId: req, rooms: ["sid-1", "r1", "r2"] })],
  ["sockets response", JSON.stringify({ requestId: req, sockets: ["sid-1", "sid-2"] })],
  ["done response", JSON.stringify({ requestId: req })],
];
const out = cases.map(([name, v]) => (typeof v === "string" ? { name, text: v } : { name, hex: v.toString("hex") }));
fs.writeFileSync(path.join(__dirname, "golden.json"), JSON.stringify(out, null, 1) + "\n");
