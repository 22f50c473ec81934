// A PostgreSQL cluster of the test's own (initdb + pg_ctl in a temporary directory, on a free
// port), for tests that stop and restart the database — never the shared server on 5432.
// PostgreSQL refuses to run as root: under root (CI) the cluster runs as the `postgres` OS
// user through runuser.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The directory holding initdb and pg_ctl, or null when there is none on this machine. */
export function findPostgresBin(): string | null {
  const candidates: string[] = [];
  if (process.env.CARDO_PG_BIN) candidates.push(process.env.CARDO_PG_BIN);
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(dir);
  // Debian and Ubuntu keep the server binaries out of PATH, one directory per major version.
  try {
    for (const v of readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))) candidates.push(`/usr/lib/postgresql/${v}/bin`);
  } catch {
    // not a Debian layout
  }
  return candidates.find((dir) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl'))) ?? null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface OwnPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  start(): Promise<void>;
  /** pg_ctl stop -m immediate: every backend dies at once, no checkpoint (a crash, as far as clients see). */
  stopImmediately(): Promise<void>;
  /** Stops the cluster (if running) and deletes its directory. */
  destroy(): Promise<void>;
}

/** initdb in a fresh temporary directory and a first start; `as` is the OS user when running as root. */
export async function createOwnPostgres(binDir: string, options: { as?: string } = {}): Promise<OwnPostgres> {
  const root = process.getuid?.() === 0;
  const osUser = options.as ?? 'postgres';
  const dir = await mkdtemp(path.join(tmpdir(), 'cardo-own-pg-'));
  if (root) {
    const uid = Number(execFileSync('id', ['-u', osUser]).toString().trim());
    const gid = Number(execFileSync('id', ['-g', osUser]).toString().trim());
    await chown(dir, uid, gid);
    await chmod(dir, 0o700);
  }
  const data = path.join(dir, 'data');
  const port = await freePort();
  // As root, every PostgreSQL binary runs as osUser (initdb and postgres refuse root).
  const pgRun = (bin: string, args: string[]) => (root ? run('runuser', ['-u', osUser, '--', path.join(binDir, bin), ...args]) : run(path.join(binDir, bin), args));
  await pgRun('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  // The socket goes into the cluster's own directory (not /var/run/postgresql, shared with the
  // machine's server); fsync off: only PostgreSQL is killed, never the machine, so what it wrote
  // is in the OS cache either way.
  const options_ = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  let running = false;
  const cluster: OwnPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await pgRun('pg_ctl', ['-D', data, '-o', options_, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start']);
      running = true;
    },
    async stopImmediately() {
      await pgRun('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      running = false;
    },
    async destroy() {
      if (running) await pgRun('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      running = false;
      await rm(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}
