// differential.js writes random JSON texts with what notepack.io 3.0.1 and
// @msgpack/msgpack 2.8.0 make of them, for differential_test.go, which checks
// the Go codec against them. The output is large and not committed:
//
//   cd /tmp/mpgen && npm install notepack.io@3.0.1 @msgpack/msgpack@2.8.0 &&
//   NODE_PATH=/tmp/mpgen/node_modules node <this file> 4000 11 > /tmp/mpgen/random.json &&
//   MSGPACK_DIFFERENTIAL=/tmp/mpgen/random.json go test -run Differential ./internal/msgpack/
//
// Arguments: the number of cases and the random seed. Texts mix every number
// form (wrapping integers, exponents, -0, overflow to Infinity), escapes, lone
// and paired surrogates, array-index and duplicate keys, and 15/16/17-element
// containers. Cases whose notepack bytes change when the Buffer pool holds
// other bytes (notepack then writes memory it never filled) are left out.
const notepack = require("notepack.io");
const mp = require("@msgpack/msgpack");
let seed = Number(process.argv[3] || 1);
function rnd() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; }
function pick(a) { return a[Math.floor(rnd() * a.length)]; }
function num() {
  const forms = [
    () => String(Math.floor(rnd() * 300) - 150),
    () => String(Math.floor((rnd() - 0.5) * 2 ** (rnd() * 70))),
    () => (rnd() - 0.5).toString(),
    () => pick(["-0", "0.0", "1e2", "1E-2", "-1e21", "1e21", "123e-20", "5e-324", "2e308", "-2e308", "9007199254740993", "18446744073709551615", "-9223372036854775809", "4294967296", "-2147483649", "1.5e300", "0.1", "100.000"]),
    () => String(Math.floor(rnd() * 1e6)) + "." + String(Math.floor(rnd() * 1e6)) + pick(["", "e5", "e-12", "E+30"]),
  ];
  return pick(forms)();
}
function str() {
  let s = '"';
  const n = pick([0, 1, 3, 10, 15, 16, 17, 30, 31, 32, 33, 40]);
  for (let i = 0; i < n; i++) {
    s += pick(["a", "b", "é", "😀", "\\n", "\\\"", "\\\\", "\\u0000", "\\u00e9", "\\ud83d\\ude00", "\\ud800", "\\udc00", "✓", "\\/", " ", "Z"]);
  }
  return s + '"';
}
function val(d) {
  const r = rnd();
  if (d > 2 || r < 0.3) return num();
  if (r < 0.5) return str();
  if (r < 0.55) return pick(["true", "false", "null"]);
  if (r < 0.75) {
    const n = pick([0, 1, 2, 5, 15, 16, 17]);
    return "[" + Array.from({ length: n }, () => val(d + 1)).join(",") + "]";
  }
  const n = pick([0, 1, 2, 5, 15, 16, 17]);
  const keys = ["a", "b", "c", "0", "1", "2", "10", "01", "-1", "4294967294", "4294967295", "x y", "é", "\\u0061", "k" + Math.floor(rnd() * 30)];
  return "{" + Array.from({ length: n }, () => pick(keys.map((k) => '"' + k + '"').concat([str()])) + ":" + val(d + 1)).join(",") + "}";
}
const out = []; let nondet = 0;
for (let i = 0; i < Number(process.argv[2] || 1000); i++) {
  const text = val(0);
  const v = JSON.parse(text);
  const np = notepack.encode(v);
  for (let j = 0; j < 4; j++) Buffer.allocUnsafe(2048).fill(0x55);
  const np2 = notepack.encode(v);
  if (!np.equals(np2)) { nondet++; continue; }
  const m = Buffer.from(mp.encode(v));
  out.push({ input: text, notepack: np.toString("hex"), msgpack: m.toString("hex"),
    notepackDecoded: JSON.stringify(notepack.decode(np)), msgpackDecoded: JSON.stringify(mp.decode(m)) });
}
process.stdout.write(JSON.stringify(out)); process.stderr.write(`nondeterministic: ${nondet}\n`);
