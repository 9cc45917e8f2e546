/**
 * Vite's `?worker` imports are constructors that take `{ name }` (the name shows in devtools), but
 * Astro's client types still declare them as `new () => Worker`. Typed the way Vite builds them.
 */
export type NamedWorkerCtor = new (options?: { name?: string }) => Worker;

export function namedWorker(ctor: unknown, name: string): Worker {
  return new (ctor as NamedWorkerCtor)({ name });
}
