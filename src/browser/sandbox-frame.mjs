// @ts-check
/**
 * The opaque-origin frame that hosts the run worker (see run-client.ts).
 *
 * The page adds `<iframe sandbox="allow-scripts" srcdoc="FRAME_HTML">` — no `allow-same-origin`, so
 * the frame, and the worker it starts, live in an opaque origin: CacheStorage, IndexedDB,
 * localStorage, cookies and the site's service worker do not exist for them. A `srcdoc` frame
 * inherits the page's Content-Security-Policy (so the page's policy allows FRAME_SCRIPT by its
 * SHA-256, src/browser/build/csp.mjs), and a worker made from a `blob:` URL inherits the frame's.
 *
 * FRAME_SCRIPT accepts exactly one message from its parent, `{ type: 'qc-run-frame-port' }` with one
 * port (sent as the frame loads), and then exactly one message on that port: `{ type: 'qc-run-frame',
 * code: Blob, name, exerciseId }` with two ports. The second goes over the port, not `window`,
 * because a `window.postMessage` to a frame in another process leaves only once the sender's
 * current task ends, and the page starts the worker inside a long one (boot.ts, creating the
 * editor): on a port it leaves at once. It starts the worker from `code` (a `blob:` URL in the
 * frame's own opaque origin; a classic worker — Chromium refuses module workers there), hands it
 * the first port (the page's private reply channel) and
 * reports the worker's uncaught errors on the second. It never listens to the worker itself, so
 * whatever learner code posts with `self.postMessage` goes nowhere.
 */
export const FRAME_SCRIPT = `"use strict";
onmessage = function (e) {
  var d = e.data, c = e.ports;
  if (e.source !== parent || !d || d.type !== "qc-run-frame-port" || c.length !== 1) return;
  onmessage = null;
  var start = c[0];
  start.onmessage = function (m) {
    var d = m.data, p = m.ports;
    if (!d || d.type !== "qc-run-frame" || p.length !== 2 || !(d.code instanceof Blob)) return;
    start.onmessage = null;
    start.close();
    var ctl = p[1], w;
    try {
      w = new Worker(URL.createObjectURL(d.code), { name: String(d.name) });
    } catch (err) {
      ctl.postMessage({ type: "worker-error", message: String(err && err.message || err) });
      return;
    }
    w.onerror = function (ev) {
      ev.preventDefault();
      ctl.postMessage({ type: "worker-error", message: String(ev.message || "worker error") });
    };
    w.postMessage({ type: "init", port: p[0], exerciseId: String(d.exerciseId) }, [p[0]]);
  };
};`;

/** The frame's whole document. */
export const FRAME_HTML = `<!doctype html><meta charset="utf-8"><title>Exercise test runner</title><script>${FRAME_SCRIPT}</script>`;
