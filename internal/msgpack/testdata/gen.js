// gen.js writes golden.json: msgpack bytes produced by the Node encoders the
// Socket.IO Redis adapters use, for a table of values, so the Go codec can be
// checked against them byte for byte.
//
// Run from a directory where the pinned encoders are installed, outside the
// repository:
//   mkdir -p /tmp/mpgen && cd /tmp/mpgen &&
//   npm install notepack.io@3.0.1 @msgpack/msgpack@2.8.0 &&
//   NODE_PATH=/tmp/mpgen/node_modules node <repo>/internal/msgpack/testdata/gen.js
//
// Each entry has:
//   name      what the case shows
//   json      the value as Socket.IO carries it inside tornadio: JSON text in
//             which each Buffer is a placeholder {"_placeholder":true,"num":N}
//   atts      hex of the Buffers, in placeholder order
//   notepack  hex of notepack.io's encoding (@socket.io/redis-adapter, emitter)
//   msgpack   hex of @msgpack/msgpack's encoding (redis-streams-adapter)
//   decodeOnly  true when the value is not JSON (a Date): Go only decodes it
//   notepackDecoded, msgpackDecoded  (no Buffers) JSON.stringify of what each
//             library decodes its own bytes to
//
// Strings, Buffers, arrays and maps of 64 KiB and more are left out to keep
// the file small; capture_test.go checks their headers (notepack's rule is the
// 32-bit form from 65536 on).
"use strict";
const fs = require("fs");
const path = require("path");
const notepack = require("notepack.io");
const { encode: msgpackEncode } = require("@msgpack/msgpack");

// Values given as JSON text: what JSON.parse makes of them is what notepack
// encodes, key order, duplicate keys and number rounding included.
const texts = [
  ["fidelity sample", `{"s":"h\\u00e9llo \\ud83d\\ude00","empty":"","i":42,"neg":-7,"big":1099511627776,"f":1.5,"t":true,"fa":false,"nul":null,"arr":[1,[2,[3,{}]],[]],"obj":{"a":{"b":{"c":"d"}}}}`],
  ["zero", "0"], ["minus zero", "-0"], ["minus zero float", "-0.0"],
  ["fixint max", "127"], ["uint8 min", "128"], ["uint8 max", "255"], ["uint16 min", "256"],
  ["uint16 max", "65535"], ["uint32 min", "65536"], ["uint32 max", "4294967295"],
  ["uint64 2^32", "4294967296"], ["2^40", "1099511627776"], ["2^53", "9007199254740992"],
  ["2^53+1 rounds", "9007199254740993"], ["2^63", "9223372036854775808"],
  ["2^64 wraps", "18446744073709551616"], ["1e21 wraps", "1e21"], ["1e300 wraps", "1e300"],
  ["neg fixint min", "-32"], ["int8 min", "-33"], ["int8 -128", "-128"], ["int16 -129", "-129"],
  ["int16 min", "-32768"], ["int32 -32769", "-32769"], ["int32 min", "-2147483648"],
  ["int64 -2^31-1", "-2147483649"], ["-2^53", "-9007199254740992"], ["-2^63", "-9223372036854775808"],
  ["-1e21 wraps", "-1e21"],
  ["0.1", "0.1"], ["1.5", "1.5"], ["-1.5", "-1.5"], ["1e-7", "1e-7"], ["1.0 is int", "1.0"],
  ["1e2 is int", "1e2"], ["1E+2", "1E+2"], ["float exp", "1.2345e-10"], ["max float", "1.7976931348623157e308"],
  ["min float", "5e-324"], ["1e400 is Infinity", "1e400"], ["123456789.125", "123456789.125"],
  ["true", "true"], ["false", "false"], ["null", "null"],
  ["empty string", `""`], ["escapes", `"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u0000\\u001f\\u2028"`],
  ["utf8 raw", `"héllo wörld ✓ 😀"`], ["lone surrogate", `"a\\ud800b"`],
  ["lone low surrogate long", `"${"x".repeat(40)}\\udc00"`],
  ["lone surrogate joins é", `"\\ud800é"`], ["lone surrogate key", `{"\\ud800é":1}`],
  ["lone low surrogate joins emoji", `"\\udc00😀"`], ["lone surrogate last", `"😀\\ud800"`],
  ["str 31", `"${"a".repeat(31)}"`], ["str 32", `"${"a".repeat(32)}"`], ["str 33", `"${"a".repeat(33)}"`],
  ["str 255", `"${"a".repeat(255)}"`], ["str 256", `"${"a".repeat(256)}"`],
  ["str 31 bytes of é", `"${"é".repeat(15)}a"`], ["str 32 bytes of é", `"${"é".repeat(16)}"`],
  ["empty array", "[]"], ["empty object", "{}"],
  ["array 15", JSON.stringify(Array.from({ length: 15 }, (_, i) => i))],
  ["array 16", JSON.stringify(Array.from({ length: 16 }, (_, i) => i))],
  ["map 15", JSON.stringify(Object.fromEntries(Array.from({ length: 15 }, (_, i) => ["k" + i, i])))],
  ["map 16", JSON.stringify(Object.fromEntries(Array.from({ length: 16 }, (_, i) => ["k" + i, i])))],
  ["key order kept", `{"z":1,"a":2,"m":3}`],
  ["index keys first", `{"b":1,"2":2,"1":3,"01":4,"4294967294":5,"4294967295":6,"-1":7,"a":8}`],
  ["duplicate keys", `{"a":1,"b":2,"a":3}`],
  ["escaped key", `{"\\u0061":1,"a":2}`],
  ["whitespace", ` { "a" : [ 1 , 2 ] , "b" : { } } `],
  ["nested", `[[[[[[[[[[{"deep":[true]}]]]]]]]]]]`],
  ["broadcast tuple", `["uRFA6x",{"type":2,"data":["warm",{"tok":"warm-1"}],"nsp":"/"},{"rooms":[],"except":[],"flags":{}}]`],
  ["not a placeholder (num missing)", `{"_placeholder":true}`],
  ["not a placeholder (false)", `{"_placeholder":false,"num":0}`],
];

// Values holding Buffers: the Go side sees them as placeholders + attachments.
const bufs = [
  ["bin capture", { bin: Buffer.from("0001027f80fdfeff", "hex"), nested: { list: [Buffer.from("abc"), "text", Buffer.alloc(0)] }, tok: "tok-1" }],
  ["bin 255", Buffer.alloc(255, 7)], ["bin 256", Buffer.alloc(256, 8)],

  ["ack with bin", { name: "A1", bin: Buffer.from("bin:A1") }],
  ["array of bins", [Buffer.from([1]), Buffer.from([2, 3])]],
];

// Values only Go's decoder meets: Dates (notepack and @msgpack/msgpack write
// the timestamp extension), undefined.
const jsOnly = [
  ["date epoch", new Date(0)], ["date seconds", new Date(1700000000000)],
  ["date millis", new Date(1700000000123)], ["date before 1970", new Date(-1)],
  ["date year 10000", new Date(253402300800000)], ["date year -1", new Date(-62198755200000)],
  ["date beyond 2^34 s", new Date(17179869184000 + 5)],
  ["undefined in array", [1, undefined, 2]],
];

function deconstruct(value, atts) {
  if (Buffer.isBuffer(value)) {
    atts.push(value.toString("hex"));
    return { _placeholder: true, num: atts.length - 1 };
  }
  if (Array.isArray(value)) return value.map((v) => deconstruct(v, atts));
  if (value && typeof value === "object" && !(value instanceof Date)) {
    const out = {};
    for (const k of Object.keys(value)) out[k] = deconstruct(value[k], atts);
    return out;
  }
  return value;
}

const out = [];
for (const [name, text] of texts) {
  const value = JSON.parse(text);
  out.push({
    name, input: text, json: JSON.stringify(value), atts: [],
    notepack: notepack.encode(value).toString("hex"),
    msgpack: Buffer.from(msgpackEncode(value)).toString("hex"),
  });
}
for (const [name, value] of bufs) {
  const atts = [];
  const json = JSON.stringify(deconstruct(value, atts));
  out.push({
    name, input: json, json, atts,
    notepack: notepack.encode(value).toString("hex"),
    msgpack: Buffer.from(msgpackEncode(value)).toString("hex"),
  });
}
for (const [name, value] of jsOnly) {
  out.push({
    name, json: JSON.stringify(value), atts: [], decodeOnly: true,
    notepack: notepack.encode(value).toString("hex"),
    msgpack: Buffer.from(msgpackEncode(value)).toString("hex"),
  });
}
// What each library decodes its own bytes to, as JSON.stringify shows it:
// the same as json except where notepack's encoding wraps (integers of 2^64
// and beyond) or JSON cannot say it (Infinity becomes null).
for (const e of out) {
  if (e.atts.length > 0) continue;
  e.notepackDecoded = JSON.stringify(notepack.decode(Buffer.from(e.notepack, "hex")));
  e.msgpackDecoded = JSON.stringify(require("@msgpack/msgpack").decode(Buffer.from(e.msgpack, "hex")));
}
fs.writeFileSync(path.join(__dirname, "golden.json"), JSON.stringify(out, null, 1) + "\n");
console.log(`wrote ${out.length} cases`);
