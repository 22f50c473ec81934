/**
 * A report as an Excel workbook, with the list export's streaming writer: a frozen bold
 * header, number formats by column (money in the application's currency, % done as Excel
 * percentages), row colors from stage colors or the % done thresholds, subtotals and the total
 * in bold.
 */
import type { CompiledModel } from '../compile/compile.js';
import { moneyFormat, openXlsxSheet, type CellValue as XlsxValue, type RowStyle, type XlsxSheet } from '../records/xlsx-export.js';
import type { CellFormat, ReportResult } from './report-model.js';

export function numFmtOf(model: CompiledModel, format: CellFormat, locale: string): string | undefined {
  switch (format) {
    case 'integer':
      return '#,##0';
    case 'number':
      return '#,##0.##';
    case 'money':
      return moneyFormat(model.currency, locale, 2);
    case 'percent':
      return '0.0%';
    case 'date':
      return 'yyyy-mm-dd';
    default:
      return undefined;
  }
}

function toXlsxValue(value: string | number | null, format: CellFormat): XlsxValue {
  if (value === null) return null;
  if (format === 'percent' && typeof value === 'number') return value / 100;
  if (format === 'date' && typeof value === 'string') {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
    return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : value;
  }
  return value;
}

/** Opens the sheet and writes every row; the caller streams `sheet.stream` and awaits the promise. */
export function writeReportXlsx(model: CompiledModel, report: ReportResult): { sheet: XlsxSheet; done: Promise<void> } {
  const columns = report.columns.map((c) => {
    const numFmt = numFmtOf(model, c.format, report.locale);
    const width = c.format === 'text' ? Math.min(40, Math.max(14, c.label.length + 2, ...report.rows.slice(0, 200).map((r) => String(r.cells[c.key] ?? '').length + 2))) : Math.max(12, c.label.length + 2, c.format === 'money' ? 18 : 12);
    return { header: c.label, width, ...(numFmt ? { numFmt } : {}) };
  });
  const sheet = openXlsxSheet(report.label, columns);
  const done = (async () => {
    const BATCH = 500;
    for (let i = 0; i < report.rows.length && !sheet.aborted; i += BATCH) {
      const batch = report.rows.slice(i, i + BATCH);
      const values = batch.map((row) => report.columns.map((c) => toXlsxValue(row.cells[c.key] ?? null, row.formats?.[c.key] ?? c.format)));
      const styles = batch.map((row): RowStyle => {
        const numFmts: Record<number, string> = {};
        report.columns.forEach((c, index) => {
          const own = row.formats?.[c.key];
          const fmt = own && own !== c.format ? numFmtOf(model, own, report.locale) : undefined;
          if (fmt) numFmts[index] = fmt;
        });
        return { fill: row.color, bold: row.kind !== 'data', numFmts };
      });
      await sheet.addRows(values, styles);
    }
    await sheet.finish();
  })();
  return { sheet, done };
}
