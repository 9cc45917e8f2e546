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
 * FRAME_SCRIPT accepts exactly one message, from its parent: `{ type: 'qc-run-frame', code: Blob,
 * name, exerciseId }` with two ports. It starts the worker from `code` (a `blob:` URL in the
 * frame's own opaque origin; a classic worker — Chromium refuses module workers there), hands it
 * the first port (the page's private reply channel) and
 * reports the worker's uncaught errors on the second. It never listens to the worker itself, so
 * whatever learner code posts with `self.postMessage` goes nowhere.
 */
export const FRAME_SCRIPT = `"use strict";
onmessage = function (e) {
  var d = e.data, p = e.ports;
  if (e.source !== parent || !d || d.type !== "qc-run-frame" || p.length !== 2 || !(d.code instanceof Blob)) return;
  onmessage = null;
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
};`;

/** The frame's whole document. */
export const FRAME_HTML = `<!doctype html><meta charset="utf-8"><title>Exercise test runner</title><script>${FRAME_SCRIPT}</script>`;
