/** Worker entry bundled by esbuild for Chromium: runs scenarios / bench cases and reports hashes and timings. */
import { scenarios } from '#sim';
import { benchCases, benchRatios, hiddenTestCase } from './sim-cases';

type Msg = { cmd: 'hash'; cases: Array<[string, number]> } | { cmd: 'cases'; seeds: number[] } | { cmd: 'bench' };

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
      const ratios = await benchRatios();
      const cases = await benchCases();
      post({ ok: true, ratios, cases });
    }
  } catch (err) {
    post({ ok: false, error: String((err as Error)?.stack ?? err) });
  }
};
