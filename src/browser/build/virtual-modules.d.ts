/** Modules provided by the Vite plugins in this folder. */
declare module 'virtual:driver-types' {
  /** Module name → `declare module '<name>' { … }`, generated from src/sim (driver-types.mjs). */
  const libs: Record<string, string>;
  export default libs;
}
