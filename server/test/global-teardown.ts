export default async function globalTeardown(): Promise<void> {
  const shared = globalThis.__cardoPglite;
  if (!shared) return;
  globalThis.__cardoPglite = undefined;
  await shared.server.stop();
  await shared.db.close();
}
