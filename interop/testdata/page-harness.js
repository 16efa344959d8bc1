// What every test page but the 0.6 one (legacy.html) shares, served at
// /page-harness.js and loaded before the page's own script: the record that
// node/browser-page.js relays, and the page's checks.
//   log(o): appends o to window.__log and to the page's <pre id="log">;
//   check(name, ok, details): logs {"event":"check",name,ok,...details} and
//     remembers a failure;
//   finish(): once, logs {"event":"done",ok,failures}, sets window.__ok (no
//     check failed) and window.__done, which ends the run.
// An uncaught error in the page is a failed check and ends the run.
(function () {
  window.__log = [];
  window.__done = false;
  window.__ok = false;
  var failures = [];
  function log(o) {
    window.__log.push(o);
    document.getElementById('log').textContent += JSON.stringify(o) + '\n';
  }
  function check(name, ok, details) {
    var o = { event: 'check', name: name, ok: !!ok };
    for (var k in details || {}) o[k] = details[k];
    log(o);
    if (!ok) failures.push(name);
  }
  function finish() {
    if (window.__done) return;
    window.__ok = failures.length === 0;
    log({ event: 'done', ok: window.__ok, failures: failures });
    window.__done = true;
  }
  window.onerror = function (msg) { check('window-error', false, { message: String(msg) }); finish(); };
  window.log = log;
  window.check = check;
  window.finish = finish;
})();
