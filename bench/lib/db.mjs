// PostgreSQL plumbing for the harness: the dedicated database, COPY through psql, and a
// small marker (a comment on the database) saying what was seeded into it.
import { spawn } from 'node:child_process';
import pg from 'pg';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/cardo_bench';

export function databaseName(url) {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`refusing an unusual database name "${name}" (lower_snake expected)`);
  return name;
}

/** The maintenance database of the same server, to create and drop the bench database from. */
function adminUrl(url) {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

export async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function databaseExists(url) {
  const name = databaseName(url);
  return withClient(adminUrl(url), async (c) => (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount > 0);
}

/** Drops (terminating its sessions) and creates the bench database. Only ever the one named in the URL. */
export async function recreateDatabase(url) {
  const name = databaseName(url);
  await withClient(adminUrl(url), async (c) => {
    await c.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
    await c.query(`drop database if exists "${name}"`);
    await c.query(`create database "${name}"`);
  });
}

/**
 * A database of its own beside the bench database (`<bench database>_<suffix>` on the same
 * server), created empty for fn and dropped afterwards: for scenarios that write their own data.
 */
export async function withScratchDatabase(benchUrl, suffix, fn) {
  const u = new URL(benchUrl);
  u.pathname = `/${databaseName(benchUrl)}_${suffix}`;
  const url = u.toString();
  await recreateDatabase(url);
  try {
    return await fn(url);
  } finally {
    const name = databaseName(url);
    await withClient(adminUrl(url), async (c) => {
      await c.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
      await c.query(`drop database if exists "${name}"`);
    }).catch(() => undefined);
  }
}

/**
 * What was seeded, kept as a comment on the database rather than in a table: a table the
 * metadata does not declare would show up in the runtime's schema plan.
 */
export async function readMarker(url) {
  const name = databaseName(url);
  return withClient(url, async (c) => {
    const { rows } = await c.query('select shobj_description(oid, $2) as comment from pg_database where datname = $1', [name, 'pg_database']);
    try {
      const marker = JSON.parse(rows[0]?.comment ?? 'null');
      return marker && marker.kind === 'cardo-bench' ? marker : null;
    } catch {
      return null;
    }
  });
}

export async function writeMarker(url, marker) {
  const name = databaseName(url);
  const text = JSON.stringify({ kind: 'cardo-bench', ...marker });
  await withClient(url, (c) => c.query(`comment on database "${name}" is ${pg.escapeLiteral(text)}`));
}

/**
 * A running `COPY <table> (<columns>) FROM STDIN (FORMAT csv, FREEZE)` in a psql child
 * process (pg-copy-streams is not a dependency). The table is truncated in the same
 * transaction, which lets COPY write the rows frozen and all-visible: no VACUUM pass over
 * them afterwards. write() respects back-pressure; end() resolves when psql has committed.
 */
export function copyIn(url, table, columns) {
  const child = spawn('psql', ['--no-psqlrc', '-v', 'ON_ERROR_STOP=1', '-q', '-d', url], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stdout.resume();
  child.stderr.on('data', (d) => (err += d));
  const done = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`COPY ${table} failed (psql exit ${code}): ${err.trim().slice(0, 2000)}`))));
  });
  done.catch(() => undefined);
  child.stdin.on('error', () => undefined); // an early psql exit is reported by `done`
  child.stdin.write(`BEGIN;\nTRUNCATE "${table}";\nCOPY "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN WITH (FORMAT csv, FREEZE);\n`);
  return {
    /** Resolves when the chunk is buffered; waits for 'drain' when psql lags behind. */
    write(chunk) {
      if (child.exitCode !== null) return done.then(() => Promise.reject(new Error(`COPY ${table}: psql exited early`)));
      if (child.stdin.write(chunk)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const onDrain = () => {
          child.removeListener('close', onClose);
          resolve();
        };
        const onClose = () => reject(new Error(`COPY ${table}: psql exited early: ${err.trim().slice(0, 2000)}`));
        child.stdin.once('drain', onDrain);
        child.once('close', onClose);
      });
    },
    async end() {
      child.stdin.end('\\.\nCOMMIT;\n');
      return done;
    },
  };
}

/** One CSV field: NULL is an unquoted empty field, everything else is quoted. */
export function csvField(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return csvField(`{${value.map((v) => `"${String(v).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`);
  const text = String(value);
  return `"${text.replaceAll('"', '""')}"`;
}
