'use strict';
// What the headless-Chromium drivers (browser.js, browser-page.js,
// legacy-browser.js, cluster-browser.js) share: their command line
// (<url> [options as JSON], with executablePath, default $CHROMIUM or
// /usr/bin/chromium, and timeoutMs), their JSON-lines output, and one way to
// launch the system Chromium with playwright-core, which never downloads a
// browser.

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
// traffic, which the test machines neither have nor want.
function launch(executablePath) {
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
    ],
    timeout: 30000,
  });
}

// closeBrowser closes browser, giving up after 5 s (a hung browser must not
// hang the driver).
function closeBrowser(browser) {
  return Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
}

module.exports = { args, out, launch, closeBrowser };
