/**
 * The diagram's palette and strokes. Colours are CSS custom properties (`--dg-*`), with light
 * defaults, dark overrides for `prefers-color-scheme: dark` and for the site's `data-theme="dark"`
 * on <html>. A page may override any `--dg-*` variable. `HATCH` is replaced by the pattern's id.
 */
const LIGHT = `
--dg-bg:var(--bg,#ffffff);--dg-fg:var(--fg,#1f2328);--dg-muted:var(--muted,#57606a);--dg-life:#8c959f;--dg-msg:#0550ae;
--dg-drop:#cf222e;--dg-ok:#1a7f37;--dg-fail:#cf222e;--dg-info:#9a6700;--dg-stale:#bc4c00;
--dg-stale-bg:#fff1e5;--dg-partition:rgba(207,34,46,.10);--dg-partition-edge:#cf222e;
--dg-crash:#57606a;--dg-timeout:rgba(154,103,0,.22);--dg-now:#8250df;--dg-mark:#8250df;--dg-final-bg:#f6f8fa;
--dg-hl:rgba(130,80,223,.16);`;
const DARK = `
--dg-bg:var(--bg,#0d1117);--dg-fg:var(--fg,#e6edf3);--dg-muted:var(--muted,#9198a1);--dg-life:#6e7681;--dg-msg:#79c0ff;
--dg-drop:#ff7b72;--dg-ok:#56d364;--dg-fail:#ff7b72;--dg-info:#e3b341;--dg-stale:#ffa657;
--dg-stale-bg:#3d2410;--dg-partition:rgba(255,123,114,.14);--dg-partition-edge:#ff7b72;
--dg-crash:#9198a1;--dg-timeout:rgba(227,179,65,.22);--dg-now:#d2a8ff;--dg-mark:#d2a8ff;--dg-final-bg:#161b22;
--dg-hl:rgba(210,168,255,.18);`;

export const DIAGRAM_STYLE = `
.dg{${LIGHT}font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:11px}
@media (prefers-color-scheme:dark){:root:not([data-theme=light]) .dg{${DARK}}}
:root[data-theme=dark] .dg{${DARK}}
.dg text{fill:var(--dg-fg)}
.dg .dg-bg{fill:var(--dg-bg)}
.dg .dg-lane-name{font-weight:600;font-size:12px}
.dg .dg-lane-sub,.dg .dg-tick,.dg .dg-gap,.dg .dg-foot-title,.dg .dg-page{fill:var(--dg-muted);font-size:10px}
.dg .dg-gap{font-style:italic}
.dg .dg-life{stroke:var(--dg-life);stroke-width:1;stroke-dasharray:3 3}
.dg .dg-axis{stroke:var(--dg-life);stroke-width:1}
.dg .dg-head{fill:var(--dg-msg)}
.dg .dg-head-f{fill:var(--dg-muted)}
.dg .dg-msg line,.dg .dg-msg path{stroke:var(--dg-msg);stroke-width:1.4}
.dg .dg-msg-label{font-size:10px;fill:var(--dg-fg);paint-order:stroke;stroke:var(--dg-bg);stroke-width:3px;stroke-linejoin:round}
.dg .dg-msg-dropped line{stroke:var(--dg-drop);stroke-dasharray:5 3}
.dg .dg-msg-inflight line{stroke:var(--dg-muted);stroke-dasharray:2 3}
.dg .dg-x{fill:var(--dg-drop);font-size:17px;font-weight:700}
.dg .dg-op-bar{fill:var(--dg-muted)}
.dg .dg-op-ok .dg-op-bar{fill:var(--dg-ok)}
.dg .dg-op-fail .dg-op-bar{fill:var(--dg-fail)}
.dg .dg-op-info .dg-op-bar{fill:var(--dg-info)}
.dg .dg-op-stale .dg-op-bar{fill:var(--dg-stale)}
.dg .dg-op-inv{font-size:11px}
.dg .dg-op-out{font-weight:700;font-size:11px;paint-order:stroke;stroke:var(--dg-bg);stroke-width:3px}
.dg .dg-op-ok .dg-op-out{fill:var(--dg-ok)}
.dg .dg-op-fail .dg-op-out{fill:var(--dg-fail)}
.dg .dg-op-info .dg-op-out{fill:var(--dg-info)}
.dg .dg-op-stale .dg-op-out{fill:var(--dg-stale);text-decoration:underline}
.dg .dg-op-req{stroke:var(--dg-muted);stroke-width:1;stroke-dasharray:4 2}
.dg .dg-span-partition{fill:var(--dg-partition);stroke:var(--dg-partition-edge);stroke-dasharray:4 3}
.dg .dg-span-crash,.dg .dg-span-down,.dg .dg-span-pause{fill:url(#HATCH);stroke:var(--dg-crash)}
.dg .dg-span-timeout,.dg .dg-span-unavailable,.dg .dg-span-other{fill:var(--dg-timeout)}
.dg .dg-hatch-bg{fill:var(--dg-bg)}
.dg .dg-hatch{stroke:var(--dg-crash);stroke-width:1.5;opacity:.5}
.dg .dg-span-label{font-size:10px;font-style:italic;fill:var(--dg-muted);paint-order:stroke;stroke:var(--dg-bg);stroke-width:3px;stroke-linejoin:round}
.dg .dg-span-label-partition{fill:var(--dg-partition-edge)}
.dg .dg-mark circle{fill:var(--dg-mark)}
.dg .dg-mark-warn circle{fill:var(--dg-info)}
.dg .dg-mark-error circle{fill:var(--dg-fail)}
.dg .dg-mark-ok circle{fill:var(--dg-ok)}
.dg .dg-mark text{font-size:10px;paint-order:stroke;stroke:var(--dg-bg);stroke-width:3px}
.dg .dg-final rect{fill:var(--dg-final-bg);stroke:var(--dg-life)}
.dg .dg-final text{font-weight:600}
.dg .dg-final-stale rect{fill:var(--dg-stale-bg);stroke:var(--dg-stale)}
.dg .dg-now{stroke:var(--dg-now);stroke-width:1.5;stroke-dasharray:6 3}
.dg .dg-future{opacity:.12}
.dg .dg-current line,.dg .dg-current path{stroke-width:2.6}
.dg .dg-current .dg-op-bar,.dg .dg-current circle{stroke:var(--dg-now);stroke-width:2}
`.replace(/\n/g, '');

/** Styles for the figure around the SVG: scroll box, caption, stepper bar, text alternative. */
export const FIGURE_STYLE = `
.dg-figure{margin:1.5rem 0;max-width:100%}
.dg-scroll{overflow-x:auto;max-width:100%;border:1px solid var(--border,#d5d8dd);border-radius:6px;background:var(--bg,#fff)}
.dg-scroll:focus-visible{outline:3px solid var(--focus,#0a58a8);outline-offset:2px}
.dg-scroll svg.dg{display:block;max-width:none;height:auto}
.dg-figure figcaption{font-size:.9rem;color:var(--muted,#53575e);margin:.4rem 0}
.dg-pagenote{font-size:.9rem;color:var(--warn,#7a4a00)}
.dg-overflow-note{font-size:.85rem;color:var(--muted,#53575e);margin:0 0 .3rem}
.dg-text summary{cursor:pointer}
.dg-text ol{font-size:.9rem;padding-left:3.2em}
.dg-text li[aria-current]{background:var(--note-bg,#eef4fc);font-weight:600}
.dg-text .dg-ev-future{opacity:.55}
.dg-ev-time{font-variant-numeric:tabular-nums;color:var(--muted,#53575e)}
.dg-ev-drop,.dg-ev-fail{color:var(--myth,#a01c1f)}
.dg-ev-stale{color:var(--warn,#7a4a00);font-weight:600}
.dg-stepper{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.5rem 0}
.dg-stepper button{font:inherit;padding:.3rem .7rem;min-height:2.25rem;border:1px solid var(--border,#d5d8dd);border-radius:6px;background:var(--surface,#f2f3f5);color:var(--fg,#1c1d21);cursor:pointer}
.dg-stepper button:focus-visible,.dg-stepper input:focus-visible{outline:3px solid var(--focus,#0a58a8);outline-offset:2px}
.dg-stepper input[type=range]{flex:1 1 8rem;min-width:8rem}
.dg-stepper-label{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.dg-stepper-status{flex-basis:100%;margin:0;font-size:.9rem;min-height:1.4em}
`.replace(/\n/g, '');
