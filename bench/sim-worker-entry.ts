/** Worker entry bundled by esbuild for Chromium: runs scenarios / bench cases and reports hashes and timings. */
import { scenarios } from '../src/sim/index';
import { hiddenTestCase } from './sim-cases';

type Msg = { cmd: 'hash'; cases: Array<[string, number]> } | { cmd: 'cases'; seeds: number[] } | { cmd: 'bench-cases'; count: number; rounds: number };

const post = (x: unknown) => (self as unknown as { postMessage(x: unknown): void }).postMessage(x);

(self as unknown as { onmessage: (e: { data: Msg }) => void }).onmessage = async (e) => {
  try {
    const m = e.data;
    if (m.cmd === 'hash') {
      const out = [];
      for (const [name, seed] of m.cases) out.push({ name, seed, hash: (await scenarios.run(name, { seed })).traceHash });
      post({ ok: true, out });
    } else if (m.cmd === 'cases') {
      const out = [];
      for (const s of m.seeds) out.push(await hiddenTestCase(s));
      post({ ok: true, out });
    } else {
      const times: number[] = [];
      for (let r = 0; r < m.rounds; r++) {
        const t0 = performance.now();
        for (let s = 1; s <= m.count; s++) await hiddenTestCase(s);
        times.push(performance.now() - t0);
      }
      post({ ok: true, times });
    }
  } catch (err) {
    post({ ok: false, error: String((err as Error)?.stack ?? err) });
  }
};
