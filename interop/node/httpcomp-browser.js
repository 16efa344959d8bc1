'use strict';
// Opens testdata/httpcomp.html in headless Chromium (playwright-core, system
// Chromium), relays what the page records (window.__log, ended by
// window.__done and window.__ok), and reports the Content-Encoding of every
// answer to a polling GET of an open session, as the browser received it.
//
// Usage: node httpcomp-browser.js <url> [options as JSON]
//   options: executablePath (default $CHROMIUM or /usr/bin/chromium), timeoutMs.
// Prints one JSON line per entry of window.__log, one
// {"event":"response",url,status,encoding} per polling GET answer, then
// {"event":"done",...}; exit code 0 when the page reported ok.

const { args, out, launch, closeBrowser } = require('./browser-launch');

const { url, timeoutMs, executablePath } = args(30000);

setTimeout(() => {
  out('done', { ok: false, failures: ['hard-timeout'], timeoutMs });
  process.exit(1);
}, timeoutMs + 10000);

(async () => {
  const browser = await launch(executablePath);
  let ok = false;
  const failures = [];
  try {
    const page = await browser.newPage();
    page.on('console', (msg) => out('console', { type: msg.type(), text: msg.text() }));
    page.on('pageerror', (err) => out('pageerror', { message: err.message }));
    page.on('response', async (res) => {
      const req = res.request();
      if (req.method() !== 'GET' || !/\/socket\.io\/\?.*sid=/.test(res.url())) return;
      const headers = await res.allHeaders();
      out('response', { url: res.url(), status: res.status(), encoding: headers['content-encoding'] || '' });
    });
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
    await closeBrowser(browser);
  }
  out('done', { ok: ok && failures.length === 0, failures });
  process.exit(ok && failures.length === 0 ? 0 : 1);
})();
