export default async function globalTeardown(): Promise<void> {
  const shared = globalThis.__cardoPglite;
  if (!shared) return;
  globalThis.__cardoPglite = undefined;
  // Only stop the socket server: pglite-socket finishes closing client sockets on a later
  // tick and then asks PGlite about its transaction state, which crashes if PGlite is closed
  // by then. The in-memory PGlite holds no file or handle and goes with the process.
  await shared.server.stop();
}
