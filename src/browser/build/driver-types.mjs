// @ts-check
/**
 * Vite plugin: `virtual:driver-types`, the declarations of the driver-shaped modules learner code
 * imports (`cassandra-driver`, `pg`, `kafkajs`) for Monaco, generated from `src/sim` by
 * scripts/gen-types.ts at build time (and again in `astro dev` when a driver file changes).
 * A module, not a file on disk, so no build can ship without them.
 */
import { generateDriverTypes, DRIVER_SOURCES } from '../../../scripts/gen-types.ts';

const ID = 'virtual:driver-types';
const RESOLVED = '\0' + ID;

/** @returns {import('vite').Plugin} */
export function driverTypes() {
  return {
    name: 'qc-driver-types',
    resolveId(source) {
      return source === ID ? RESOLVED : null;
    },
    load(id) {
      if (id !== RESOLVED) return null;
      for (const file of DRIVER_SOURCES) this.addWatchFile(file);
      return `export default ${JSON.stringify(generateDriverTypes())};`;
    },
  };
}
