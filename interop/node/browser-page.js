'use strict';
// Opens one test page in headless Chromium (playwright-core, system Chromium)
// and relays what the page records: the page pushes objects to window.__log
// and sets window.__done (and window.__ok) when it has finished (the pages'
// testdata/page-harness.js; testdata/legacy.html keeps the same record).
//
// Usage: node browser-page.js <url> [options as JSON]
//   options: executablePath (default $CHROMIUM or /usr/bin/chromium),
//            timeoutMs (the page's time to finish, default 30000),
//            responses (report each answer to a polling GET of an open
//            session: its Content-Encoding as the browser received it),
//            protocols (report, from the page's Resource Timing, the
//            protocol Chromium used for each request under /socket.io/:
//            "h2", "http/1.1").
// An https URL is served with a certificate made by the Go test: Chromium is
// then started with --ignore-certificate-errors.
//
// Prints the page's console lines, errors, failed requests and websockets,
// one JSON line per entry of window.__log, with responses one
// {"event":"response",url,status,encoding} per polling GET answer, with
// protocols {"event":"protocols","requests":[{path,initiator,protocol}]},
// then {"event":"done",...}; exit code 0 when the page reported ok.

const { args, out, launch, closeBrowser } = require('./browser-launch');

const { url, opts, timeoutMs, executablePath } = args(30000);

// Never outlive the test's own deadline.
setTimeout(() => {
  out('done', { ok: false, failures: ['hard-timeout'], timeoutMs });
  process.exit(1);
}, timeoutMs + 15000).unref();

// watch reports what happens to the page beside its own record.
function watch(page) {
  page.on('console', (msg) => out('console', { type: msg.type(), text: msg.text() }));
  page.on('pageerror', (err) => out('pageerror', { message: err.message }));
  page.on('requestfailed', (req) => {
    const f = req.failure();
    out('requestfailed', { url: req.url(), method: req.method(), error: f && f.errorText });
  });
  page.on('websocket', (ws) => out('websocket', { url: ws.url() }));
  if (opts.responses) {
    page.on('response', async (res) => {
      if (res.request().method() !== 'GET' || !/\/socket\.io\/\?.*sid=/.test(res.url())) return;
      const headers = await res.allHeaders().catch(() => ({}));
      out('response', { url: res.url(), status: res.status(), encoding: headers['content-encoding'] || '' });
    });
  }
}

// relay prints the page's record until it is done, and returns its verdict.
async function relay(page) {
  let seen = 0;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await page.evaluate(() => ({ log: window.__log || [], done: !!window.__done, ok: !!window.__ok }));
    for (; seen < state.log.length; seen++) {
      const e = state.log[seen];
      // The page's own "done" is not the driver's, which comes last.
      if (e && e.event !== 'done') process.stdout.write(JSON.stringify(e) + '\n');
    }
    if (state.done) return state.ok ? null : 'page-reported-failure';
    if (Date.now() > deadline) return 'page-timeout';
    await new Promise((r) => setTimeout(r, 50));
  }
}

(async () => {
  if (!url) {
    out('done', { ok: false, failures: ['usage: node browser-page.js <url> [json options]'] });
    process.exit(1);
  }
  const tls = url.startsWith('https:');
  let browser;
  const failures = [];
  try {
    browser = await launch(executablePath, tls ? ['--ignore-certificate-errors'] : []);
    out('browser', { version: browser.version() });
    const context = await browser.newContext({ ignoreHTTPSErrors: tls });
    const page = await context.newPage();
    watch(page);
    await page.goto(url, { waitUntil: 'load', timeout: 15000 });
    const failure = await relay(page);
    if (failure) failures.push(failure);
    if (opts.protocols) {
      const requests = await page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .filter((e) => new URL(e.name).pathname.startsWith('/socket.io/'))
          .map((e) => ({ path: new URL(e.name).pathname, initiator: e.initiatorType, protocol: e.nextHopProtocol })),
      );
      out('protocols', { requests });
    }
    // Let the page's disconnect reach the server before the browser goes.
    await new Promise((r) => setTimeout(r, 300));
  } catch (err) {
    failures.push('exception: ' + String((err && err.message) || err));
  } finally {
    if (browser) await closeBrowser(browser);
  }
  const ok = failures.length === 0;
  out('done', { ok, failures });
  process.exit(ok ? 0 : 1);
})();
