/**
 * Evaluated before the `ses` package (sandbox.ts imports this module first): SES reads some globals when
 * its module loads — `Temporal` among them — and hands compartments what it read then, whatever is deleted
 * later. The built-ins newer than the grader's language level (./language-level.ts) are removed before
 * that, so no compartment gets one back (a browser with Temporal gave it to learner code; Node 20 has none).
 */
import { removeNewerBuiltIns } from './language-level';

removeNewerBuiltIns();
