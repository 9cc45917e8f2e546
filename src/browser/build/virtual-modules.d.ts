/** Modules provided by the Vite plugins in this folder. */
declare module 'virtual:driver-types' {
  /** Module name → `declare module '<name>' { … }`, generated from src/sim (driver-types.mjs). */
  const libs: Record<string, string>;
  export default libs;
}

declare module 'virtual:starter-js' {
  /** Exercise id → its starter.ts compiled as the page's compile worker would (starter-js.mjs); none when it did not compile cleanly. */
  const starters: Record<string, string>;
  export default starters;
}
