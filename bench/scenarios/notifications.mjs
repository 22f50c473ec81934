// Scenario `notifications` (issue 8): date-triggered reminders scheduled (ntf_schedule rows and
// pg-boss jobs) and delivered in-app by the runtime's workers, against a hand-written
// SKIP LOCKED worker (bench/lib/notifications.mjs, also `node bench/notifications.mjs`), on a
// database of its own beside the bench database. 100,000 reminders at scale 1, never fewer than 200.
import { withScratchDatabase } from '../lib/db.mjs';
import { measureNotifications } from '../lib/notifications.mjs';
import { benchScale, benchUrl } from './helpers.mjs';

export default () => ({
  id: 'notifications',
  title: 'reminders scheduled + delivered in-app',
  async measure(ctx) {
    const reminders = Math.max(200, Math.round(100_000 * benchScale(ctx)));
    const r = await withScratchDatabase(benchUrl(ctx), 'ntf', (url) => measureNotifications({ url, reminders, concurrency: 4 }));
    const rate = (seconds) => reminders / seconds;
    return {
      figures: `${Math.round(rate(r.runtimeSeconds))} delivered/s`,
      baselineFigures: `${Math.round(rate(r.baselineSeconds))} delivered/s`,
      ratio: r.baselineSeconds / r.runtimeSeconds,
      detail: `${reminders} reminders, 4 workers; scheduling ${Math.round(rate(r.scheduleSeconds))}/s (baseline ${Math.round(rate(r.baselineScheduleSeconds))}/s); schedule + deliver ratio ${((r.baselineScheduleSeconds + r.baselineSeconds) / (r.scheduleSeconds + r.runtimeSeconds)).toFixed(2)}×`,
      target: 'report (every reminder once)',
      pass: null,
      result: 'report',
    };
  },
});
