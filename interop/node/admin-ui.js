'use strict';
// Drives the real Socket.IO Admin UI (@socket.io/admin-ui's ui/dist) in
// headless Chromium against a server that serves both the UI and the chat
// demo, as a person would: opens the chat page (a client to watch), opens
// the UI, logs in (a wrong password first), finds the client's socket in
// the Sockets view and its room in the Rooms view, then clicks the
// socket's disconnect button and sees the client disconnected.
//
// Usage: node admin-ui.js <base URL> [options as JSON]
//   options: uiPath (default "/admin-ui/"), username, password,
//            room (a room the server puts the chat client in),
//            executablePath, timeoutMs (default 60000).
// Prints {"event":"check",...} for each failed check (every check with
// "verbose"), {"event":"client","id"} once the chat client is connected,
// and last {"event":"done","ok",...}; exit code 0 when every check passed.

const { args, out, launch, checks } = require('./browser-launch');

const { url, opts, timeoutMs, executablePath } = args(60000);
const c = checks(timeoutMs, !!opts.verbose);
const uiPath = opts.uiPath || '/admin-ui/';
const step = 15000; // each wait's own bound, under the whole run's

function watch(page, name) {
  page.on('pageerror', (err) => out('pageerror', { page: name, message: err.message }));
  page.on('console', (msg) => {
    if (msg.type() === 'error' || opts.verbose) out('console', { page: name, type: msg.type(), text: msg.text() });
  });
}

// login fills the UI's connection form and submits it.
async function login(ui, password) {
  await ui.getByLabel('Server URL').fill(url);
  await ui.getByLabel('Username').fill(opts.username || 'admin');
  await ui.getByLabel('Password').fill(password);
  await ui.getByRole('button', { name: 'Connect' }).click();
}

(async () => {
  c.browser = await launch(executablePath);
  const context = await c.browser.newContext();
  // The UI's fonts and icons come from public CDNs, which tests do not
  // reach: answer them empty at once rather than wait for a timeout.
  await context.route(/^https:\/\/(fonts\.googleapis\.com|cdn\.jsdelivr\.net)\//, (route) =>
    route.fulfill({ status: 200, contentType: 'text/css', body: '' }),
  );

  // The client to watch: the chat demo's page, on websocket.
  const chat = await context.newPage();
  watch(chat, 'chat');
  await chat.goto(url + '/?transport=websocket');
  await chat.waitForFunction(() => document.getElementById('status').textContent === 'connected', null, { timeout: step });
  const id = await chat.evaluate(() => document.getElementById('me').textContent);
  out('client', { id });

  const ui = await context.newPage();
  watch(ui, 'ui');
  await ui.goto(url + uiPath);

  // A wrong password is refused, and the form says so.
  await login(ui, 'wrong-' + (opts.password || ''));
  const refused = await ui
    .getByText('Invalid credentials')
    .waitFor({ timeout: step })
    .then(() => true, () => false);
  c.check('wrong-password-refused', refused);

  await login(ui, opts.password || '');
  const dialogGone = await ui
    .getByLabel('Password')
    .waitFor({ state: 'hidden', timeout: step })
    .then(() => true, () => false);
  c.check('logged-in', dialogGone);

  // The Sockets view lists the client's socket (namespace "/" is the one
  // selected by default).
  await ui.goto(url + uiPath + '#/sockets/');
  const row = ui.locator('tbody tr', { hasText: id });
  const listed = await row.waitFor({ timeout: step }).then(() => true, () => false);
  c.check('socket-listed', listed, { id });
  if (listed) {
    const text = await row.innerText();
    c.check('socket-transport-shown', /websocket/i.test(text), { row: text });
  }

  // The Rooms view lists the room the server put the client in.
  if (opts.room) {
    await ui.goto(url + uiPath + '#/rooms/');
    const roomRow = ui.locator('tbody tr', { hasText: opts.room });
    const roomListed = await roomRow.waitFor({ timeout: step }).then(() => true, () => false);
    c.check('room-listed', roomListed, { room: opts.room });
    if (roomListed) {
      const cells = await roomRow.locator('td').allInnerTexts();
      c.check('room-has-the-socket', cells.some((t) => t.trim() === '1'), { cells });
    }
  }

  // Disconnect the socket from the Sockets view: the client is told.
  await ui.goto(url + uiPath + '#/sockets/');
  const target = ui.locator('tbody tr', { hasText: id });
  await target.waitFor({ timeout: step }).catch(() => {});
  await target.locator('button').first().click({ timeout: step }).catch((e) => c.check('disconnect-clicked', false, { error: e.message }));
  // The chat page writes "disconnected (<reason>)" in its status.
  const reason = await chat
    .waitForFunction(() => {
      const m = /^disconnected \((.*)\)$/.exec(document.getElementById('status').textContent);
      return m && m[1];
    }, null, { timeout: step })
    .then((h) => h.jsonValue(), () => null);
  c.check('client-disconnected', reason === 'io server disconnect', { reason });
  // The click reaches the row too, which opens the socket's page (as it
  // does in the UI against a Node server): back to the list, which no
  // longer has the socket.
  await ui.goto(url + uiPath + '#/sockets/');
  let rows = -1;
  for (const end = Date.now() + step; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    rows = await ui.locator('tbody tr', { hasText: id }).count();
    if (rows === 0) break;
  }
  c.check('socket-unlisted', rows === 0, { rows });
  await c.finish({ id });
})().catch(async (err) => {
  c.check('driver-error', false, { error: String(err && err.stack ? err.stack : err) });
  await c.finish();
});
