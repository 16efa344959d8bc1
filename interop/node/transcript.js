'use strict';
// Transcript normalisation shared by semantics.js and semantics-v2.js: the
// differential test compares these lines between servers, so socket ids
// become labels ("<A>"), binary {"<bin>":hex}, object keys are sorted, and
// lists whose order Socket.IO does not define can be sorted.

// transcript returns the helpers, writing through h (harness.js). With
// errorData, an Error's data is part of its normal form.
function transcript(h, { errorData }) {
  const ids = new Map(); // socket id -> label
  function norm(v) {
    if (v === undefined) return '<undefined>';
    if (typeof v === 'function') return '<ack>';
    if (typeof v === 'string') return ids.has(v) ? '<' + ids.get(v) + '>' : v;
    if (Buffer.isBuffer(v)) return { '<bin>': v.toString('hex') };
    if (v instanceof ArrayBuffer) return { '<bin>': Buffer.from(v).toString('hex') };
    if (v instanceof Error) return errorData ? { error: v.message, data: norm(v.data) } : { error: v.message };
    if (Array.isArray(v)) return v.map(norm);
    if (v && typeof v === 'object') {
      const o = {};
      for (const k of Object.keys(v).sort()) o[k] = norm(v[k]);
      return o;
    }
    return v;
  }
  function canonical(v) {
    if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
    if (v && typeof v === 'object') {
      return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}';
    }
    return JSON.stringify(v);
  }
  const same = (a, b) => canonical(a) === canonical(b);
  const sorted = (list) => norm(list).slice().sort((a, b) => (canonical(a) < canonical(b) ? -1 : canonical(a) > canonical(b) ? 1 : 0));
  // note adds one line to the transcript.
  const note = (what, fields) => h.out('t', Object.assign({ sc: h.scenario, what }, norm(fields || {})));
  return { ids, norm, canonical, same, sorted, note };
}

module.exports = { transcript };
