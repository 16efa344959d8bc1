'use strict';
// Drives the chat demo (examples/chat) in headless Chromium with playwright-core.
//
// Usage: node browser.js <url> [options as JSON]
//   options: executablePath (default $CHROMIUM or /usr/bin/chromium),
//            screenshot (path of a PNG of page 2 to write), timeoutMs.
//
// Prints one JSON line per observation; the last line is
// {"event":"done","ok":...}. Exit code 0 when every check passed.
// playwright-core never downloads a browser: it uses the system Chromium.

const { args, out, launch, checks } = require('./browser-launch');

const { url, opts, timeoutMs, executablePath } = args(60000);
const run = checks(timeoutMs, true);
const { check, finish, failures } = run;
let browser = null;

async function openPage(name) {
  const page = await browser.newPage();
  page.on('console', (msg) => out('console', { page: name, type: msg.type(), text: msg.text() }));
  page.on('pageerror', (err) => {
    out('pageerror', { page: name, message: err.message });
    failures.push('pageerror-' + name);
  });
  await page.goto(url, { waitUntil: 'load', timeout: 15000 });
  await page.waitForFunction(() => document.querySelector('#status').textContent === 'connected', null, { timeout: 15000 });
  const me = await page.textContent('#me');
  out('connected', { page: name, id: me });
  return page;
}

(async () => {
  if (!url) {
    check('usage', false, { message: 'usage: node browser.js <url> [json options]' });
    return finish();
  }
  out('start', { url, executablePath });
  browser = run.browser = await launch(executablePath);
  out('browser', { version: browser.version() });

  const page1 = await openPage('page1');
  // The demo starts with long-polling and upgrades to WebSocket.
  await page1
    .waitForFunction(() => document.querySelector('#transport').textContent === 'websocket', null, { timeout: 10000 })
    .catch(() => {});
  const history1 = await page1.evaluate(() => window.transportHistory.slice());
  out('transports', { page: 'page1', history: history1 });
  check('page1-first-polling', history1[0] === 'polling', { history: history1 });
  check('page1-upgraded-websocket', history1[history1.length - 1] === 'websocket', { history: history1 });

  const page2 = await openPage('page2');

  const text = 'hello from page1 ' + Date.now();
  await page1.fill('#input', text);
  await page1.click('#send');
  out('sent', { page: 'page1', text });

  for (const [name, page] of [['page2', page2], ['page1', page1]]) {
    let got = null;
    try {
      const li = await page.waitForSelector('#messages li.chat[data-text="' + text + '"]', { timeout: 10000 });
      got = { id: await li.getAttribute('id'), from: await li.getAttribute('data-from'), text: await li.textContent() };
    } catch (err) {
      out('wait-error', { page: name, message: err.message });
    }
    out('received', { page: name, message: got });
    check(name + '-received', got !== null && got.text.includes(text), { got });
  }
  if (opts.screenshot) {
    await page2.screenshot({ path: opts.screenshot, fullPage: true });
    out('screenshot', { path: opts.screenshot });
  }
  await finish();
})().catch((err) => {
  check('exception', false, { message: String((err && err.stack) || err) });
  finish();
});
