// Small helpers the scenario modules share.
export const json = (value) => JSON.stringify(value);

/** A deterministic shuffle (the same order on every run). */
export function shuffle(list, seed = 7) {
  let s = seed;
  const random = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

/** The bearer header of the bench's administrator (or of `token`), plus `extra`. */
export const auth = (ctx, extra = {}, token = ctx.token) => ({ authorization: `Bearer ${token}`, ...extra });

/** Cycles through a list; a separate cursor per side keeps the two runs alike. */
export function cycler(list) {
  const cursors = { runtime: 0, baseline: 0 };
  return (side) => list[cursors[side]++ % list.length];
}

/** A TABLESAMPLE percentage that yields about `want` rows of a table of `rows` rows. */
export const samplePercent = (rows, want) => Math.min(100, Math.max(0.5, (want * 100) / Math.max(1, rows))).toFixed(2);

/** The bench database's URL (the pool's): scenarios with data of their own put a database beside it. */
export const benchUrl = (ctx) => ctx.pool.options.connectionString;

/** The seeding scale (1 = 1,000,000 counterparties), from the option when the harness passes it, else from the seeded rows. */
export const benchScale = (ctx) => ctx.opt.scale ?? ctx.rows / 1_000_000;
