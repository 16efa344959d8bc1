'use strict';
// Opens one page of a server that serves TLS with a certificate made by the
// Go test, in headless Chromium (playwright-core, system Chromium) started
// with --ignore-certificate-errors, and relays what the page records (the
// window.__log / __done / __ok contract of testdata/clients.html and
// testdata/legacy.html). At the end it prints, from the page's Resource
// Timing, the protocol Chromium used for each request under /socket.io/
// (nextHopProtocol: "h2", "http/1.1"), and each websocket it opened.
//
// Usage: node nethttp-browser.js <url> [options as JSON]
//   options: executablePath (default $CHROMIUM or /usr/bin/chromium), timeoutMs.
// Prints JSON lines, then {"event":"done",...}; exit code 0 when the page
// reported ok.

const { chromium } = require('playwright-core');
const { args, out, closeBrowser } = require('./browser-launch');

const { url, timeoutMs, executablePath } = args(30000);

setTimeout(() => {
  out('done', { ok: false, failures: ['hard-timeout'], timeoutMs });
  process.exit(1);
}, timeoutMs + 15000).unref();

(async () => {
  if (!url) {
    out('done', { ok: false, failures: ['usage: node nethttp-browser.js <url> [json options]'] });
    process.exit(1);
  }
  let browser;
  const failures = [];
  let ok = false;
  try {
    browser = await chromium.launch({
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
        '--ignore-certificate-errors',
      ],
      timeout: 30000,
    });
    out('browser', { version: browser.version() });
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
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
      for (; seen < state.log.length; seen++) {
        const e = state.log[seen];
        if (e && e.event !== 'done') process.stdout.write(JSON.stringify(e) + '\n');
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
    const protocols = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((e) => new URL(e.name).pathname.startsWith('/socket.io/'))
        .map((e) => ({ path: new URL(e.name).pathname, initiator: e.initiatorType, protocol: e.nextHopProtocol })),
    );
    out('protocols', { requests: protocols });
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
