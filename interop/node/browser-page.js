'use strict';
// Opens one page in headless Chromium (playwright-core, system Chromium) and
// relays what the page records: the page pushes objects to window.__log and
// sets window.__done (and window.__ok) when it has finished.
//
// Usage: node browser-page.js <url> [options as JSON]
//   options: executablePath (default $CHROMIUM or /usr/bin/chromium), timeoutMs.
// Prints one JSON line per entry of window.__log, then {"event":"done",...};
// exit code 0 when the page reported ok.

const { chromium } = require('playwright-core');

const [, , url, rawOpts] = process.argv;
const opts = rawOpts ? JSON.parse(rawOpts) : {};
const timeoutMs = opts.timeoutMs || 30000;
const executablePath = opts.executablePath || process.env.CHROMIUM || '/usr/bin/chromium';

function out(event, fields) {
  process.stdout.write(JSON.stringify(Object.assign({ event }, fields || {})) + '\n');
}

setTimeout(() => {
  out('done', { ok: false, failures: ['hard-timeout'], timeoutMs });
  process.exit(1);
}, timeoutMs + 10000);

(async () => {
  if (!url) {
    out('done', { ok: false, failures: ['usage: node browser-page.js <url> [json options]'] });
    process.exit(1);
  }
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 30000,
  });
  let ok = false;
  const failures = [];
  try {
    const page = await browser.newPage();
    page.on('console', (msg) => out('console', { type: msg.type(), text: msg.text() }));
    page.on('pageerror', (err) => out('pageerror', { message: err.message }));
    page.on('requestfailed', (req) => out('requestfailed', { url: req.url(), error: req.failure() && req.failure().errorText }));
    await page.goto(url, { waitUntil: 'load', timeout: 15000 });
    let seen = 0;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await page.evaluate(() => ({ log: window.__log || [], done: !!window.__done, ok: !!window.__ok }));
      for (; seen < state.log.length; seen++) {
        const e = state.log[seen];
        if (e.event !== 'done') process.stdout.write(JSON.stringify(e) + '\n');
      }
      if (state.done) {
        ok = state.ok;
        if (!ok) failures.push('page-reported-failure');
        break;
      }
      if (Date.now() > deadline) {
        failures.push('page-timeout');
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (err) {
    failures.push('exception: ' + String((err && err.message) || err));
  } finally {
    await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  }
  out('done', { ok: ok && failures.length === 0, failures });
  process.exit(ok && failures.length === 0 ? 0 : 1);
})();
