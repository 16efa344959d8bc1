'use strict';
// Drives the cluster chat demo (adapter/redis/examples/democluster) in
// headless Chromium with playwright-core: windows pinned to different nodes
// behind nginx, each sending a message that every window must show.
//
// Usage: node cluster-browser.js <base URL> <options JSON>
//   options: pages: [{sticky, node}] (a sticky key per window and the node
//            nginx sends it to), transports: ["", "polling", "websocket"]
//            (one round per entry; "" is the page's default, polling then
//            the upgrade), executablePath (default $CHROMIUM or
//            /usr/bin/chromium), timeoutMs.
//
// Prints one JSON line per observation: "page" {round, page, node, id,
// history} once a window is connected (history: its transports, in order);
// "received" {round, from, page, node, ok} for each message and window (node:
// the sender's node as the message names it); the last line is
// {"event":"done","ok":...}. Exit code 0 when every check passed.

const { args, out, launch, checks } = require('./browser-launch');

const { url: base, opts, timeoutMs, executablePath } = args(60000);
const run = checks(timeoutMs, false);
const { check, finish, failures } = run;
let browser = null;

// openWindow loads the page with the window's sticky key and transport and
// waits until it is connected and knows its node.
async function openWindow(context, round, name, sticky, transport) {
  const page = await context.newPage();
  page.on('console', (msg) => out('console', { round, page: name, text: msg.text() }));
  page.on('pageerror', (err) => {
    out('pageerror', { round, page: name, message: err.message });
    failures.push('pageerror-' + round + '-' + name);
  });
  let url = base + '/?sticky=' + encodeURIComponent(sticky);
  if (transport) url += '&transport=' + transport;
  await page.goto(url, { waitUntil: 'load', timeout: 15000 });
  await page.waitForFunction(
    () => document.querySelector('#status').textContent === 'connected' && !document.querySelector('#node-info').hidden,
    null,
    { timeout: 15000 },
  );
  if (!transport) {
    // The default client upgrades to websocket after the handshake.
    await page
      .waitForFunction(() => document.querySelector('#transport').textContent === 'websocket', null, { timeout: 10000 })
      .catch(() => {});
  }
  const seen = {
    node: await page.textContent('#node'),
    id: await page.textContent('#me'),
    history: await page.evaluate(() => window.transportHistory.slice()),
  };
  out('page', Object.assign({ round, page: name }, seen));
  return page;
}

async function round(transport) {
  const roundName = transport || 'upgrade';
  const context = await browser.newContext();
  const windows = [];
  for (const [i, p] of opts.pages.entries()) {
    const name = 'window' + (i + 1);
    windows.push({ name, node: p.node, page: await openWindow(context, roundName, name, p.sticky, transport) });
  }
  for (const from of windows) {
    const text = `hello from ${from.name} on ${from.node} via ${roundName} ${Date.now()}`;
    await from.page.fill('#input', text);
    await from.page.click('#send');
    await Promise.all(windows.map(async (to) => {
      let node = null;
      try {
        const li = await to.page.waitForSelector(`#messages li.chat[data-text="${text}"]`, { timeout: 10000 });
        node = await li.getAttribute('data-node');
      } catch (err) {
        out('wait-error', { round: roundName, page: to.name, message: err.message });
      }
      out('received', { round: roundName, from: from.name, page: to.name, node, ok: node !== null });
      check(`${roundName}-${from.name}-to-${to.name}`, node !== null);
    }));
  }
  await context.close();
}

(async () => {
  if (!base || !Array.isArray(opts.pages)) {
    check('usage', false, { message: 'usage: node cluster-browser.js <base URL> <options JSON with pages>' });
    return finish();
  }
  browser = run.browser = await launch(executablePath);
  out('browser', { version: browser.version() });
  for (const transport of opts.transports || ['']) await round(transport);
  await finish();
})().catch((err) => {
  check('exception', false, { message: String((err && err.stack) || err) });
  finish();
});
