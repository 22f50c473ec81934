// One side-by-side copy of a workflow benchmark leg (bench/lib/workflow-legs.mjs) in a worker
// thread: its own V8 heap, event loop, database pool and engines, as a second server process
// would have. It prepares, says 'ready', runs on 'go' and answers 'done' with its timing, and on
// 'close' closes its database pool and says 'closed'.
import { parentPort, workerData } from 'node:worker_threads';
import { loadCompiledModel } from './dist.mjs';
import { engineLeg, runtimeLeg } from './workflow-legs.mjs';

// A model cannot cross threads: a runtime copy compiles the metadata directory it is given.
const { leg, docs, instances, metadataDir, ...options } = workerData;
const prepared = leg === 'runtime' ? await runtimeLeg({ ...options, model: await loadCompiledModel(metadataDir) }) : await engineLeg();
parentPort.postMessage({ ready: true });
parentPort.on('message', async (message) => {
  if (message === 'go') parentPort.postMessage({ done: true, ...(await prepared.run(leg === 'runtime' ? docs : instances)) });
  if (message === 'close') {
    await prepared.close?.();
    parentPort.postMessage({ closed: true });
  }
});
