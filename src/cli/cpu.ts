/**
 * cpu's entry: the client people type on their laptop. Nothing runs at
 * import time elsewhere; this file is the one that reads the process.
 */
const { main } = await import('./cpu-main.js');
await main(process.argv.slice(2));
