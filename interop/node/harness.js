'use strict';
// The output contract shared by the Node client scripts that the Go interop
// tests run (scenario.js, scenario-v2.js, semantics.js, semantics-v2.js):
// arguments `<scenario[,…]> <url> [options as JSON]`, one JSON line per
// observation on stdout, check lines, a last {"event":"done","ok":…} line,
// exit code 0 when every check passed, and a hard timeout so that a script
// never hangs.

// start parses the arguments and arms the hard timeout. With scoped, check
// lines and failures carry the current scenario (h.scenario).
function start({ defaultTimeoutMs, scoped }) {
  const [, , names, url, rawOpts] = process.argv;
  const opts = rawOpts ? JSON.parse(rawOpts) : {};
  const h = {
    names,
    url,
    opts,
    timeoutMs: opts.timeoutMs || defaultTimeoutMs,
    scenario: '',
    failures: [],
    finished: false,
  };
  h.out = (event, fields) => {
    process.stdout.write(JSON.stringify(Object.assign({ event }, fields || {})) + '\n');
  };
  h.check = (name, ok, details) => {
    const head = scoped ? { sc: h.scenario, name, ok: !!ok } : { name, ok: !!ok };
    h.out('check', Object.assign(head, details || {}));
    if (!ok) h.failures.push(scoped ? h.scenario + ':' + name : name);
  };
  h.finish = (extra) => {
    if (h.finished) return;
    h.finished = true;
    const ok = h.failures.length === 0;
    h.out('done', Object.assign({ ok, failures: h.failures }, extra || {}));
    process.exit(ok ? 0 : 1);
  };
  h.fail = (name, details) => {
    h.check(name, false, details);
    h.finish();
  };
  h.hardTimer = setTimeout(() => h.fail('hard-timeout', { timeoutMs: h.timeoutMs }), h.timeoutMs);
  process.on('unhandledRejection', (err) => h.fail('unhandled-rejection', { message: String((err && err.message) || err) }));
  process.on('uncaughtException', (err) => h.fail('uncaught-exception', { message: String((err && err.stack) || err) }));
  return h;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

module.exports = { start, sleep };
