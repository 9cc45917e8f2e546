/**
 * <qc-exercise>: the only exercise script a page loads up front (a few hundred bytes).
 * When the exercise scrolls into view it imports boot.ts (Monaco, workers, controls); until then
 * the build-time HTML (tasks + highlighted starter code) is all there is. At the same moment
 * (browser/run-sandbox.ts, a small chunk of its own) it makes the frame its run worker will live in —
 * the page's first sandboxed frame takes about a second to start, mostly in a process of its own,
 * spent while the editor loads instead of after it — and tells the offline worker to wait.
 */
class QcExercise extends HTMLElement {
  private io: IntersectionObserver | null = null;

  connectedCallback(): void {
    if (this.io || this.dataset.state !== 'static') return;
    const start = () => {
      this.io?.disconnect();
      this.dataset.state = 'loading';
      // A failure to start is reported by the Run that needs it.
      import('../../browser/run-sandbox').then((m) => m.prestart()).catch(() => {});
      import('./boot')
        .then((m) => m.boot(this))
        .catch((e: unknown) => {
          this.dataset.state = 'failed';
          const p = this.querySelector('[data-role="loading"]');
          if (p) p.textContent = `The editor could not load (${e instanceof Error ? e.message : String(e)}). The starter code is shown below; reload the page to try again.`;
        });
    };
    if (!('IntersectionObserver' in window)) return start();
    this.io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) start();
    });
    this.io.observe(this);
  }

  disconnectedCallback(): void {
    this.io?.disconnect();
    this.io = null;
  }
}

if (!customElements.get('qc-exercise')) customElements.define('qc-exercise', QcExercise);
