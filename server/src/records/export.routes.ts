import type { FastifyRequest } from 'fastify';
import { accessOf } from '../access/access.js';
import type { RoutePlugin } from '../api/app.js';
import { localeOf } from '../api/meta.routes.js';
import { labelText } from '../api/record-schemas.js';
import { CardoError } from '../errors.js';
import { parseListParams } from '../query/list-params.js';
import { buildListQuery } from '../query/list-query.js';
import { attachTitles } from '../query/titles.js';
import { EXPORT_BATCH, XLSX_TYPE, exportFields, openXlsxSheet, toCellConverter, toExportColumns, type RowStyle } from './xlsx-export.js';
import { toApiRecords } from '../query/list-query.js';

/**
 * List parameters that make no sense for a file of every matching row; accepted and ignored so
 * the UI can pass the query string of the list it shows.
 */
const IGNORED = new Set(['limit', 'offset', 'groupBy', 'titles']);

/** `attachment; filename="deal-2026-11-27.xlsx"; filename*=UTF-8''Сделки-2026-11-27.xlsx` (RFC 6266). */
export function attachmentHeader(asciiName: string, name: string): string {
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${asciiName.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encoded}`;
}

function localeParam(request: FastifyRequest): string | undefined {
  const value = (request.query as Record<string, unknown>).locale;
  if (value === undefined || typeof value === 'string') return value;
  throw new CardoError('CARDO_ERR_API_VALIDATION', 'locale is given more than once.', { errors: [{ path: '/query/locale', message: 'Must be a single value.' }] });
}

/**
 * `GET /api/data/:entity/export.xlsx`: the list the same query string gives, every matching row
 * up to `config.exportMaxRows`, as an Excel file. A larger result is refused before anything is
 * sent (400 CARDO_ERR_EXPORT_TOO_LARGE) rather than cut short, so no one mistakes a part for the whole.
 */
export const exportRoutes: RoutePlugin = (app, { db, config }) => {
  // A static last segment: find-my-way prefers it to /api/data/:entity/:id.
  app.get<{ Params: { entity: string } }>('/api/data/:entity/export.xlsx', async (request, reply) => {
    const access = await accessOf(request);
    const model = request.model;
    const entity = access.view(access.entity(request.params.entity));
    const locale = localeOf(model, localeParam(request), request.user?.locale);
    const query = Object.fromEntries(Object.entries(request.query as Record<string, unknown>).filter(([name]) => name !== 'locale' && !IGNORED.has(name)));
    const params = parseListParams(query, entity);
    const fields = exportFields(entity, params.fields, params.view?.columns);
    const ctx = { me: request.user?.id ?? null, now: new Date() };
    const maxRows = config.exportMaxRows;
    const options = { restrict: access.restrict(entity.name), countLimit: maxRows };
    const pageOf = (offset: number) => buildListQuery(model, entity, { ...params, fields: fields.map((f) => f.name), limit: EXPORT_BATCH, offset }, ctx, options);

    // Everything that can be refused is refused here, before the first byte: a bad filter, too many rows.
    const first = pageOf(0);
    const [counted] = await db.query<{ n: number }>(first.countSql, first.countParams);
    const total = Number(counted?.n ?? 0);
    if (total > maxRows) {
      throw new CardoError('CARDO_ERR_EXPORT_TOO_LARGE', `The export would hold more than ${maxRows.toLocaleString('en-US')} rows; narrow the filter and try again.`, { extra: { maxRows } });
    }

    const columns = toExportColumns(model, fields, locale);
    const cell = toCellConverter(model, entity, locale);
    const title = labelText(entity.pluralLabel, locale) ?? entity.name;
    const sheet = openXlsxSheet(title, columns);
    const day = ctx.now.toISOString().slice(0, 10);
    reply.header('content-type', XLSX_TYPE);
    reply.header('content-disposition', attachmentHeader(`${entity.name}-${day}.xlsx`, `${title}-${day}.xlsx`));

    // Money and number columns get a total row (a SUM formula with its value, so readers that do
    // not calculate still show it); % and integers that are not amounts are left out.
    const summed = columns.map((c) => c.field.valueType === 'money' || c.field.valueType === 'decimal');
    const sums = columns.map(() => 0);
    const totalLabel = labelText({ en: 'Total', ru: 'Итого' }, locale) ?? 'Total';
    let written = 0;
    /** Writes one batch of rows (titles looked up on `q`, the connection reading them). */
    const writeBatch = async (q: typeof db, rows: Array<Record<string, unknown>>) => {
      await attachTitles(q, model, entity, rows, (name) => access.can(name, 'read'));
      const values = rows.map((row) => columns.map((c) => cell(c.field, row)));
      for (const row of values) row.forEach((v, i) => { if (summed[i] && typeof v === 'number') sums[i] = (sums[i] as number) + v; });
      // The view's color rules, as the list shows them: the first matching rule's color fills the row.
      const colored = toApiRecords(rows, first.colorRules);
      await sheet.addRows(values, colored.map((r): RowStyle | undefined => (typeof r.$color === 'string' ? { fill: r.$color } : undefined)));
      written += rows.length;
    };
    const produce = async () => {
      if (db.kind === 'postgres') {
        // One query read through a cursor in one snapshot: no OFFSET re-reading every earlier row
        // for each page (quadratic over 100,000 rows). Rows added since the count are cut at the
        // cap by the query's LIMIT rather than breaking the promise of the check.
        const all = buildListQuery(model, entity, { ...params, fields: fields.map((f) => f.name), limit: maxRows, offset: 0 }, ctx, options);
        await db.transaction(async (tx) => {
          await tx.query(`DECLARE cardo_export NO SCROLL CURSOR FOR ${all.sql}`, all.params);
          while (!sheet.aborted) {
            const rows = await tx.query<Record<string, unknown>>(`FETCH ${EXPORT_BATCH} FROM cardo_export`);
            if (rows.length > 0) await writeBatch(tx, rows);
            if (rows.length < EXPORT_BATCH) break;
          }
        });
      } else {
        // The embedded PGlite has one session, which a transaction would hold for the whole
        // download: there the pages are separate queries.
        for (let offset = 0; written < maxRows && !sheet.aborted; offset += EXPORT_BATCH) {
          const page = offset === 0 ? first : pageOf(offset);
          const rows = (await db.query<Record<string, unknown>>(page.sql, page.params)).slice(0, maxRows - written);
          if (rows.length > 0) await writeBatch(db, rows);
          if (rows.length < EXPORT_BATCH) break;
        }
      }
      if (written > 0 && summed.some(Boolean)) {
        const letter = (i: number) => { let n = i + 1; let out = ''; while (n > 0) { out = String.fromCharCode(65 + ((n - 1) % 26)) + out; n = Math.floor((n - 1) / 26); } return out; };
        const total = columns.map((_, i) => (summed[i] ? { formula: `SUBTOTAL(109,${letter(i)}2:${letter(i)}${written + 1})`, result: Math.round((sums[i] as number) * 100) / 100 } : i === 0 ? totalLabel : null));
        await sheet.addRows([total as never], [{ bold: true }]);
      }
      await sheet.finish();
    };
    produce().catch((error: unknown) => {
      // Headers are gone: the only honest signal left is a broken download.
      request.log.error({ err: error }, 'export failed while streaming');
      sheet.stream.destroy(error as Error);
    });
    return reply.send(sheet.stream);
  });
};
