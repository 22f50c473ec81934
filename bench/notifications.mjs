// Issue 8: "scheduling 100,000 reminders and delivering them in-app; report notifications/s".
// The benchmark itself is bench/lib/notifications.mjs (also the `notifications` scenario of
// `npm run bench`); this runs it alone on a database of its own. Not part of npm test.
//
//   npm run build && node bench/notifications.mjs [--reminders 100000] [--concurrency 4] [--database-url URL]
import { parseArgs } from 'node:util';
import { recreateDatabase } from './lib/db.mjs';
import { measureNotifications, printNotifications } from './lib/notifications.mjs';

const { values: opt } = parseArgs({
  options: {
    reminders: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '4' },
    'database-url': { type: 'string', default: process.env.CARDO_BENCH_NTF_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/cardo_bench_ntf' },
  },
});
const url = opt['database-url'];
await recreateDatabase(url);
printNotifications(await measureNotifications({ url, reminders: Number(opt.reminders), concurrency: Number(opt.concurrency) }));
