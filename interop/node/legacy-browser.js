'use strict';
// Opens testdata/legacy.html (the Socket.IO 0.6.3 browser client against a
// tornadio server) in headless Chromium with playwright-core, and relays what
// the page records: the page pushes objects to window.__log and sets
// window.__done (and window.__ok) when it has finished.
//
// Usage: node legacy-browser.js <url> [options as JSON]
//   options: executablePath (default $CHROMIUM or /usr/bin/chromium), timeoutMs.
// Prints one JSON line per entry of window.__log, the page's console lines,
// errors and failed requests, then {"event":"done",...}; exit code 0 when the
// page reported ok.

const { args, out, launch, closeBrowser } = require('./browser-launch');

const { url, timeoutMs, executablePath } = args(30000);

// Never outlive the test's own deadline.
setTimeout(() => {
  out('done', { ok: false, failures: ['hard-timeout'], timeoutMs });
  process.exit(1);
}, timeoutMs + 15000).unref();

(async () => {
  if (!url) {
    out('done', { ok: false, failures: ['usage: node legacy-browser.js <url> [json options]'] });
    process.exit(1);
  }
  let browser;
  const failures = [];
  let ok = false;
  try {
    browser = await launch(executablePath);
    out('browser', { version: browser.version() });
    const page = await browser.newPage();
    page.on('console', (msg) => out('console', { type: msg.type(), text: msg.text() }));
    page.on('pageerror', (err) => out('pageerror', { message: err.message }));
    page.on('requestfailed', (req) => {
      const f = req.failure();
      out('requestfailed', { url: req.url(), method: req.method(), error: f && f.errorText });
    });
    page.on('websocket', (ws) => out('websocket', { url: ws.url() }));
    await page.goto(url, { waitUntil: 'load', timeout: 15000 });
    let seen = 0;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await page.evaluate(() => ({ log: window.__log || [], done: !!window.__done, ok: !!window.__ok }));
      for (; seen < state.log.length; seen++) process.stdout.write(JSON.stringify(state.log[seen]) + '\n');
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
    // Let the page's disconnect reach the server before the browser goes.
    await new Promise((r) => setTimeout(r, 300));
  } catch (err) {
    failures.push('exception: ' + String((err && err.message) || err));
  } finally {
    if (browser) await closeBrowser(browser);
  }
  const pass = ok && failures.length === 0;
  out('done', { ok: pass, failures });
  process.exit(pass ? 0 : 1);
})();
