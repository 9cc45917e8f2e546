/**
 * The simulator's public API — the only module other parts import from `src/sim`.
 * See docs/CONTRACTS.md ("Simulator API").
 */
import * as cassandraDriver from './drivers/cassandra';
import * as kafkajs from './drivers/kafkajs';
import * as pg from './drivers/pg';

import { blankWorldNext as blankNext } from './active';
import { createWorld as createWorldImpl } from './world';
export { DEFAULT_EPOCH_MS } from './world';
import type { PublicWorld, WorldOptions } from './world-public';

export type {
  PublicWorld, WorldOptions, Note, RunBudget, CassandraClientOptions, Trace, WorldStats,
} from './world-public';

/**
 * A new seeded world. Its type is the narrow `PublicWorld` (what exercises, tests and the site
 * use); the drivers and the simulator's own modules work on the wide `World` class behind it.
 */
export function createWorld(opts: WorldOptions): PublicWorld {
  return createWorldImpl(opts);
}
/**
 * Until the next world is created, a driver made outside any run binds to a new blank world made with
 * `opts`, never to a world made before this call. The world is made only if a driver asks for one.
 */
export function blankWorldNext(opts: WorldOptions): void {
  blankNext(() => createWorldImpl(opts));
}
export { SimulationError, restoreStack, suspendStack } from './errors';
export type { SimulationErrorKind } from './errors';
export type { Fault, SampleOptions } from './faults';
export type { Op, QueryRecord, SentAttempt } from './history';
export type { Topic, KafkaMessage } from './kafka';
export type { JournalEntry } from './net';
export { Rng } from './rng';
export type { Stream, StreamRecord, Processor, ProcessorOptions } from './stream';
export { parseDist } from './dist';
export * as checkers from './checkers';
export * as scenarios from './scenarios';
export type { ScenarioResult } from './scenarios';
export { exactMiss, quorumMonteCarlo, pbsWars } from './pbs';
export type { QuorumResult, PbsOptions, PbsResult } from './pbs';
export { registerWorkload } from './workload';
export { shrinkSchedule } from './shrink';
export { learnerGlobals, setFallbackHost, lastRunClock, forgetLastRun, OUTSIDE_TIMER_IDS } from './realm';
export type { RealmHost } from './realm';
export { sampleSchedule } from './faults';
export type { Verdict } from './checkers';

/** Driver-shaped modules for learner code, keyed by the package name `require` maps to them. */
export const drivers = {
  'cassandra-driver': cassandraDriver,
  pg,
  kafkajs,
} as const;
