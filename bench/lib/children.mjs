// The servers under test run in their own processes, so the load generator (this process)
// never shares an event loop with them. They report readiness and SQL traces over IPC.
import { fork } from 'node:child_process';
import path from 'node:path';
import { BENCH_DIR } from './dist.mjs';

/**
 * Forks a server module and resolves once it listens: {url, port, pid, notes, trace, stop}.
 * `execArgv` passes node flags (e.g. --cpu-prof) to the child.
 */
export function startServer(name, modulePath, { env = {}, args = [], execArgv = [], timeoutMs = 120_000 } = {}) {
  const child = fork(path.resolve(BENCH_DIR, modulePath), args, { env: { ...process.env, ...env }, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let nextId = 0;
  const pending = new Map();
  child.on('message', (message) => {
    if (message?.type === 'trace-started') {
      pending.get(`started-${message.id}`)?.();
      pending.delete(`started-${message.id}`);
    }
    if (message?.type === 'memory') {
      pending.get(`memory-${message.id}`)?.(message.usage);
      pending.delete(`memory-${message.id}`);
    }
    if (message?.type === 'trace') {
      pending.get(message.id)?.(message.statements);
      pending.delete(message.id);
    }
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${name} did not start within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code} before it was ready`));
    });
    child.on('message', (message) => {
      if (message?.type !== 'ready') return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        name,
        port: message.port,
        pid: child.pid,
        notes: message.notes ?? [],
        url: `http://127.0.0.1:${message.port}`,
        /** The SQL statements the server issued while `fn` ran. */
        async trace(fn) {
          const id = nextId++;
          // Traces catch every statement of the process: call this only while no load runs.
          const started = new Promise((r) => pending.set(`started-${id}`, r));
          child.send({ type: 'trace-start', id });
          await started;
          await fn();
          const statements = new Promise((r) => pending.set(id, r));
          child.send({ type: 'trace-stop', id });
          return statements;
        },
        /** process.memoryUsage() of the server plus peakRss (VmHWM); after a full GC when `gc` and the child has --expose-gc. */
        memory({ gc = false } = {}) {
          const id = nextId++;
          const answer = new Promise((r) => pending.set(`memory-${id}`, r));
          child.send({ type: 'memory', id, gc });
          return answer;
        },
        stop() {
          return new Promise((r) => {
            if (child.exitCode !== null) return r();
            const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(kill);
              r();
            });
            child.send({ type: 'stop' });
          });
        },
      });
    });
  });
}
