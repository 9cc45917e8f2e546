/**
 * The simulator's engine entry, for its own unit tests and for benchmarks that measure the engine
 * (scheduler, cluster) without learner code. Exercises, the grader and the site use `./index`.
 */
export { World, createWorld as createEngineWorld, worldOf } from './world';
export { Scheduler } from './sched';
export { trustSim } from './drivers/placement';
