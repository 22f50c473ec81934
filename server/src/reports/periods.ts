/**
 * Report periods: months, quarters and years as ranges of calendar days in the application's
 * time zone. Pure. A period is named by its key: `2026-11`, `2026-Q4`, `2026`.
 */
import type { ReportPeriod } from '../generated/metadata.js';
import { CardoError } from '../errors.js';

export const GRAINS: readonly ReportPeriod[] = ['month', 'quarter', 'year'];
/** Most periods one report may span (five years of months). */
export const MAX_PERIODS = 60;

export interface Period {
  key: string;
  /** First day, YYYY-MM-DD. */
  from: string;
  /** Last day, YYYY-MM-DD. */
  to: string;
}

export interface PeriodRange {
  grain: ReportPeriod;
  periods: Period[];
  /** First day of the first period. */
  from: string;
  /** The day after the last period (exclusive bound). */
  until: string;
}

const MONTHS: Record<ReportPeriod, number> = { month: 1, quarter: 3, year: 12 };

function ymd(year: number, month0: number, day = 1): string {
  return new Date(Date.UTC(year, month0, day)).toISOString().slice(0, 10);
}

/** The first day of the period of `grain` holding the day. */
export function periodStart(day: string, grain: ReportPeriod): string {
  const year = Number(day.slice(0, 4));
  const month0 = Number(day.slice(5, 7)) - 1;
  return ymd(year, month0 - (month0 % MONTHS[grain]));
}

export function addPeriods(start: string, grain: ReportPeriod, n: number): string {
  return ymd(Number(start.slice(0, 4)), Number(start.slice(5, 7)) - 1 + n * MONTHS[grain]);
}

export function periodKey(start: string, grain: ReportPeriod): string {
  if (grain === 'year') return start.slice(0, 4);
  if (grain === 'month') return start.slice(0, 7);
  return `${start.slice(0, 4)}-Q${Math.floor((Number(start.slice(5, 7)) - 1) / 3) + 1}`;
}

const DAY_RE = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/;

/** A day or a month (YYYY-MM-DD, YYYY-MM) as a valid day, else undefined. */
export function parseDay(text: string): string | undefined {
  const m = DAY_RE.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), m[3] === undefined ? 1 : Number(m[3])];
  if (year < 1900 || year > 9999 || month < 1 || month > 12 || day < 1) return undefined;
  const iso = ymd(year, month - 1, day);
  return iso === `${m[1]}-${m[2]}-${String(day).padStart(2, '0')}` ? iso : undefined;
}

/** `2026-11` → month, `2026-Q4` → quarter, `2026` → year: the grain and first day, else undefined. */
export function parsePeriodKey(text: string): { grain: ReportPeriod; start: string } | undefined {
  let m = /^(\d{4})-Q([1-4])$/.exec(text);
  if (m) return { grain: 'quarter', start: ymd(Number(m[1]), (Number(m[2]) - 1) * 3) };
  m = /^(\d{4})$/.exec(text);
  if (m && Number(m[1]) >= 1900) return { grain: 'year', start: `${m[1]}-01-01` };
  const day = /^\d{4}-\d{2}$/.test(text) ? parseDay(text) : undefined;
  return day ? { grain: 'month', start: day } : undefined;
}

function bad(path: string, message: string): CardoError {
  return new CardoError('CARDO_ERR_REPORT_PARAMS', `${path.replace('/query/', '')}: ${message}`, { errors: [{ path, message }] });
}

/**
 * The periods a request asks for: `period` is a grain (month, quarter, year) or one period's
 * key; `from`/`to` are days or months (inclusive), widened to whole periods. Without any of
 * them: the period of `today` in the first allowed grain.
 */
export function toPeriodRange(query: { period?: string | undefined; from?: string | undefined; to?: string | undefined }, allowed: readonly ReportPeriod[], today: string): PeriodRange {
  let grain: ReportPeriod = allowed[0] ?? 'month';
  let from: string | undefined;
  let to: string | undefined;
  if (query.period !== undefined) {
    if ((GRAINS as readonly string[]).includes(query.period)) grain = query.period as ReportPeriod;
    else {
      const key = parsePeriodKey(query.period);
      if (!key) throw bad('/query/period', `"${query.period.slice(0, 20)}" is neither ${allowed.join(', ')} nor a period such as 2026-11, 2026-Q4 or 2026.`);
      grain = key.grain;
      from = key.start;
      to = key.start;
    }
    if (!allowed.includes(grain)) throw bad('/query/period', `This report is by ${allowed.join(' or ')}, not by ${grain}.`);
  }
  if (query.from !== undefined) {
    from = parseDay(query.from);
    if (!from) throw bad('/query/from', 'Must be a date (YYYY-MM-DD) or a month (YYYY-MM).');
  }
  if (query.to !== undefined) {
    to = parseDay(query.to);
    if (!to) throw bad('/query/to', 'Must be a date (YYYY-MM-DD) or a month (YYYY-MM).');
  }
  const first = periodStart(from ?? to ?? today, grain);
  const last = periodStart(to ?? from ?? today, grain);
  if (last < first) throw bad('/query/to', 'Must not be before from.');
  const periods: Period[] = [];
  for (let start = first; start <= last; start = addPeriods(start, grain, 1)) {
    if (periods.length === MAX_PERIODS) throw bad('/query/to', `At most ${MAX_PERIODS} periods at once.`);
    const next = addPeriods(start, grain, 1);
    periods.push({ key: periodKey(start, grain), from: start, to: new Date(Date.parse(`${next}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10) });
  }
  return { grain, periods, from: first, until: addPeriods(last, grain, 1) };
}
