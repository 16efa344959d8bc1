'use strict';
// What the headless-Chromium drivers (browser.js, browser-page.js,
// cluster-browser.js) share: their command line
// (<url> [options as JSON], with executablePath, default $CHROMIUM or
// /usr/bin/chromium, and timeoutMs), their JSON-lines output, one way to
// launch the system Chromium with playwright-core, which never downloads a
// browser, and (browser.js, cluster-browser.js) their checks and ending.

const { chromium } = require('playwright-core');

// args reads the command line: the URL, the options, and the options every
// driver has, with the driver's default timeout.
function args(defaultTimeoutMs) {
  const [, , url, rawOpts] = process.argv;
  const opts = rawOpts ? JSON.parse(rawOpts) : {};
  return {
    url,
    opts,
    timeoutMs: opts.timeoutMs || defaultTimeoutMs,
    executablePath: opts.executablePath || process.env.CHROMIUM || '/usr/bin/chromium',
  };
}

// out prints one observation as a JSON line.
function out(event, fields) {
  process.stdout.write(JSON.stringify(Object.assign({ event }, fields || {})) + '\n');
}

// launch starts headless Chromium: no sandbox, GPU, QUIC or background
// traffic, which the test machines neither have nor want; extraArgs are
// added to its command line.
function launch(executablePath, extraArgs) {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(extraArgs || []),
    ],
    timeout: 30000,
  });
}

// closeBrowser closes browser, giving up after 5 s (a hung browser must not
// hang the driver).
function closeBrowser(browser) {
  return Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
}

// checks holds a driver's checks and its end, and arms its hard timeout:
// check records a check (printed when it failed, or always with
// reportPassed); finish closes the browser set in .browser, prints the last
// line, {"event":"done","ok":...} with extra's fields, and exits (0 when
// every check passed). After timeoutMs the process ends whatever hangs,
// without waiting for the browser, which may be what hangs.
function checks(timeoutMs, reportPassed) {
  const c = { failures: [], browser: null, finished: false };
  c.check = (name, ok, details) => {
    if (ok && !reportPassed) return;
    out('check', Object.assign({ name, ok: !!ok }, details || {}));
    if (!ok) c.failures.push(name);
  };
  c.finish = async (extra) => {
    if (c.finished) return;
    c.finished = true;
    if (c.browser) await closeBrowser(c.browser);
    const ok = c.failures.length === 0;
    out('done', Object.assign({ ok, failures: c.failures }, extra || {}));
    process.exit(ok ? 0 : 1);
  };
  setTimeout(() => {
    c.check('hard-timeout', false, { timeoutMs });
    out('done', { ok: false, failures: c.failures });
    process.exit(1);
  }, timeoutMs);
  return c;
}

module.exports = { args, out, launch, closeBrowser, checks };
