/**
 * A list as an Excel workbook, written row by row with exceljs's streaming writer: the rows come
 * in batches from the list query (the same SQL, access scope included, as `GET /api/data/:entity`),
 * so memory stays flat whatever the number of rows.
 */
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { labelText } from '../api/record-schemas.js';
import { timeZoneOf, toWallClockTime } from '../calendar/zoned.js';
import type { CompiledModel, EntityModel, FieldModel } from '../compile/compile.js';
import { optionLabel } from '../query/titles.js';

/** Rows fetched per query while exporting. */
export const EXPORT_BATCH = 1000;
/** Excel refuses longer cell texts (the file would not open). */
const MAX_CELL_TEXT = 32_767;

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface ExportColumn {
  field: FieldModel;
  header: string;
  /** Excel number format, for numbers and dates. */
  numFmt?: string;
  width: number;
}

/**
 * The exported fields: `fields` when given, else the view's columns, else every visible stored
 * field. Columns that are dot paths through references, or fields not stored (formulas computed
 * on read), are left out: the list query does not select them either.
 */
export function exportFields(entity: EntityModel, fields: readonly string[] | undefined, viewColumns: readonly string[] | undefined): FieldModel[] {
  const stored = (name: string) => {
    const field = entity.field.get(name);
    return field?.columnType !== undefined ? field : undefined;
  };
  const named = (fields ?? viewColumns ?? []).map(stored).filter((f): f is FieldModel => f !== undefined);
  return named.length > 0 ? named : entity.columns.filter((f) => !f.hidden);
}

/** `#,##0.00 "₽"`: the currency's symbol as the locale writes it, from Intl rather than a table of our own. */
export function moneyFormat(currency: string, locale: string, scale: number): string {
  let symbol = currency;
  try {
    symbol = new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'narrowSymbol' }).formatToParts(1).find((p) => p.type === 'currency')?.value ?? currency;
  } catch {
    // An unknown currency code: write the code itself.
  }
  const decimals = scale > 0 ? `.${'0'.repeat(scale)}` : '';
  return `#,##0${decimals} "${symbol.replaceAll('"', '')}"`;
}

export function toExportColumns(model: CompiledModel, fields: readonly FieldModel[], locale: string): ExportColumn[] {
  return fields.map((field) => {
    const header = labelText(field.label, locale) ?? field.name;
    const width = Math.min(50, Math.max(10, header.length + 2));
    switch (field.valueType) {
      case 'date':
        return { field, header, numFmt: 'yyyy-mm-dd', width: Math.max(width, 12) };
      case 'datetime':
        return { field, header, numFmt: 'yyyy-mm-dd hh:mm', width: Math.max(width, 17) };
      case 'money':
        return { field, header, numFmt: moneyFormat(model.currency, locale, field.def.scale ?? 2), width: Math.max(width, 14) };
      case 'percent':
        return { field, header, numFmt: '0.##%', width };
      case 'decimal':
        return { field, header, numFmt: '#,##0.####', width };
      default:
        return { field, header, width: field.valueType === 'text' ? 50 : Math.max(width, 20) };
    }
  });
}

export type CellValue = string | number | boolean | Date | null;

/** Turns a row of the list query into cell values: labels for options, titles for references, real numbers and dates. */
export function toCellConverter(model: CompiledModel, entity: EntityModel, locale: string): (field: FieldModel, row: Readonly<Record<string, unknown>>) => CellValue {
  const wallClock = toWallClockTime(timeZoneOf(model.app));
  // Labels by field and value, looked up once rather than for every cell.
  const labels = new Map<FieldModel, Map<unknown, string>>();
  const option = (field: FieldModel, value: unknown) => {
    let byValue = labels.get(field);
    if (!byValue) labels.set(field, (byValue = new Map()));
    let label = byValue.get(value);
    if (label === undefined) byValue.set(value, (label = labelText(optionLabel(entity, field, value), locale) ?? String(value)));
    return label;
  };
  return (field, row) => {
    const value = row[field.name];
    if (value === null || value === undefined) return null;
    switch (field.valueType) {
      case 'enum':
      case 'stage':
        return option(field, value);
      case 'multiEnum':
        return Array.isArray(value) ? value.map((v) => option(field, v)).join(', ') : option(field, value);
      case 'reference':
      case 'user':
      case 'file': {
        // Titles the caller may see; otherwise the id, which the list API shows as well.
        const titles = row.$titles as Record<string, string> | undefined;
        return titles?.[field.name] ?? String(value);
      }
      case 'boolean':
        return Boolean(value);
      case 'integer':
      case 'decimal':
      case 'money':
        return Number(value);
      case 'percent':
        // Stored as 0–100; Excel's % format multiplies by 100.
        return Number(value) / 100;
      case 'date': {
        const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(value));
        return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : String(value);
      }
      case 'datetime': {
        const date = new Date(String(value));
        return Number.isNaN(date.getTime()) ? String(value) : wallClock(date);
      }
      default: {
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        return text.length > MAX_CELL_TEXT ? text.slice(0, MAX_CELL_TEXT) : text;
      }
    }
  };
}

/** How one row looks: a background color (#rrggbb, tinted so text stays legible), bold (totals), per-cell number formats by column index. */
export interface RowStyle {
  fill?: string | undefined;
  bold?: boolean;
  numFmts?: Readonly<Record<number, string>>;
}

/** A color lightened towards white (share 0–1 of the color kept), as exceljs' ARGB. */
export function tintArgb(hex: string, share = 0.35): string | undefined {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!m) return undefined;
  const channel = (h: string) => Math.round(255 - (255 - parseInt(h, 16)) * share).toString(16).padStart(2, '0').toUpperCase();
  return `FF${channel(m[1] as string)}${channel(m[2] as string)}${channel(m[3] as string)}`;
}

export interface XlsxSheet {
  /** What the HTTP reply streams. */
  stream: PassThrough;
  /** Appends rows; resolves when the reader has taken enough that more may be written. */
  addRows(rows: ReadonlyArray<readonly CellValue[]>, styles?: ReadonlyArray<RowStyle | undefined>): Promise<void>;
  /** Ends the workbook (the zip's central directory is written last). */
  finish(): Promise<void>;
  /** The reader went away (a closed connection): stop producing. */
  readonly aborted: boolean;
}

/** A workbook with one sheet: a bold, frozen header row of `columns`, then the rows as they come. */
export function openXlsxSheet(sheetName: string, columns: ReadonlyArray<Pick<ExportColumn, 'header' | 'numFmt' | 'width'>>): XlsxSheet {
  const stream = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  workbook.created = new Date();
  // Excel refuses sheet names over 31 characters or with []:*?/\ in them.
  const name = sheetName.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31).trim() || 'Sheet1';
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c, i) => ({ key: String(i), width: c.width, ...(c.numFmt ? { style: { numFmt: c.numFmt } } : {}) }));
  const header = sheet.addRow(columns.map((c) => c.header));
  header.font = { bold: true };
  header.commit();
  // One style object per column and row look: exceljs caches a style's id by the object, so a
  // shared object is resolved once instead of being serialized and looked up for every cell.
  const rowStyle: Partial<ExcelJS.Style> = {};
  const looks = new Map<string, Array<Partial<ExcelJS.Style>>>();
  const cellStyles = (style: RowStyle | undefined) => {
    const key = style ? JSON.stringify([style.fill, style.bold, style.numFmts]) : '';
    let look = looks.get(key);
    if (!look) {
      const argb = style?.fill ? tintArgb(style.fill) : undefined;
      look = columns.map((column, i) => {
        const numFmt = style?.numFmts?.[i] ?? column.numFmt;
        return {
          ...(numFmt ? { numFmt } : {}),
          ...(style?.bold ? { font: { bold: true } } : {}),
          ...(argb ? { fill: { type: 'pattern', pattern: 'solid', fgColor: { argb } } } : {}),
        };
      });
      looks.set(key, look);
    }
    return look;
  };
  if (columns.length > 0) sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return {
    stream,
    get aborted() {
      return stream.destroyed;
    },
    async addRows(rows, styles) {
      rows.forEach((values, i) => {
        const row = sheet.addRow([...values]);
        // exceljs gives each row a style object of its own (untyped), resolved again for every row.
        (row as unknown as { style: Partial<ExcelJS.Style> }).style = rowStyle;
        const look = cellStyles(styles?.[i]);
        for (let c = 1; c <= columns.length; c++) {
          const cell = row.getCell(c);
          const shared = look[c - 1] ?? rowStyle;
          // A date without a format gets a copy: exceljs' cache is keyed by object, not by cell type (dates get a date format).
          cell.style = shared.numFmt === undefined && cell.type === ExcelJS.ValueType.Date ? { ...shared } : shared;
        }
        row.commit();
      });
      // The zip is piped into `stream`; while the reader lags, wait instead of buffering the file.
      if (stream.writableNeedDrain && !stream.destroyed) await Promise.race([once(stream, 'drain'), once(stream, 'close')]);
    },
    async finish() {
      sheet.commit();
      await workbook.commit();
    },
  };
}
