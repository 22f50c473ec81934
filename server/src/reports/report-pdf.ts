/**
 * A report as a PDF: landscape A4 with pdfkit, DejaVu Sans (from the dejavu-fonts-ttf package,
 * embedded and subset by pdfkit) so Cyrillic renders; the table breaks across pages and repeats
 * its header row on each; subtotals and the total in bold; row colors tinted as in Excel.
 */
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import PDFDocument from 'pdfkit';
import type { CompiledModel } from '../compile/compile.js';
import type { CellFormat, CellValue, ReportResult } from './report-model.js';

export const PDF_TYPE = 'application/pdf';

const require = createRequire(import.meta.url);
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

const MARGIN = 36;
const FONT_SIZE = 8;
const PADDING = 3;

/** #rrggbb lightened towards white, as pdfkit takes it. */
function tint(hex: string, share = 0.35): string | undefined {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!m) return undefined;
  const channel = (h: string) => Math.round(255 - (255 - parseInt(h, 16)) * share).toString(16).padStart(2, '0');
  return `#${channel(m[1] as string)}${channel(m[2] as string)}${channel(m[3] as string)}`;
}

export function cellText(model: CompiledModel, value: CellValue, format: CellFormat, locale: string): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  switch (format) {
    case 'integer':
      return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value);
    case 'money':
      try {
        return new Intl.NumberFormat(locale, { style: 'currency', currency: model.currency, currencyDisplay: 'narrowSymbol' }).format(value);
      } catch {
        return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
      }
    case 'percent':
      return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value)} %`;
    default:
      return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
  }
}

/** Writes the PDF into a stream (the HTTP reply takes it as it is produced). */
export function writeReportPdf(model: CompiledModel, report: ReportResult, subtitle: string): PassThrough {
  const out = new PassThrough();
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: MARGIN, bufferPages: false, info: { Title: report.label, Creator: 'Cardo' } });
  doc.pipe(out);
  doc.registerFont('body', FONT);
  doc.registerFont('bold', FONT_BOLD);

  const width = doc.page.width - MARGIN * 2;
  const bottom = doc.page.height - MARGIN;
  doc.font('bold').fontSize(14).text(report.label, MARGIN, MARGIN);
  doc.font('body').fontSize(9);
  if (report.description) doc.text(report.description, { width });
  doc.fillColor('#555555').text(subtitle, { width }).fillColor('#000000');
  doc.moveDown(0.5);

  // Column widths: numbers narrow and right-aligned, text columns share what is left.
  const numeric = report.columns.map((c) => c.format !== 'text');
  const numberWidth = 78;
  const textCount = numeric.filter((n) => !n).length;
  const textWidth = textCount > 0 ? Math.max(60, (width - numberWidth * (report.columns.length - textCount)) / textCount) : 0;
  const widths = numeric.map((n) => (n ? numberWidth : textWidth));
  const scale = width / widths.reduce((a, b) => a + b, 0);
  for (let i = 0; i < widths.length; i++) widths[i] = (widths[i] as number) * scale;

  const rowHeight = (texts: readonly string[], font: string) => {
    doc.font(font).fontSize(FONT_SIZE);
    return Math.max(...texts.map((t, i) => doc.heightOfString(t || ' ', { width: (widths[i] as number) - PADDING * 2 }))) + PADDING * 2;
  };
  const drawRow = (texts: readonly string[], y: number, height: number, font: string, fill: string | undefined) => {
    let x = MARGIN;
    if (fill) doc.save().rect(MARGIN, y, width, height).fill(fill).restore();
    doc.font(font).fontSize(FONT_SIZE).fillColor('#000000');
    texts.forEach((t, i) => {
      const w = widths[i] as number;
      doc.text(t, x + PADDING, y + PADDING, { width: w - PADDING * 2, align: numeric[i] ? 'right' : 'left', lineBreak: true });
      x += w;
    });
    doc.save().moveTo(MARGIN, y + height).lineTo(MARGIN + width, y + height).lineWidth(0.3).strokeColor('#bfbfbf').stroke().restore();
  };
  const header = report.columns.map((c) => c.label);
  const headerHeight = rowHeight(header, 'bold');
  const drawHeader = (y: number) => {
    drawRow(header, y, headerHeight, 'bold', '#e8e8e8');
    return y + headerHeight;
  };

  let y = drawHeader(doc.y);
  for (const row of report.rows) {
    const texts = report.columns.map((c) => cellText(model, row.cells[c.key] ?? null, row.formats?.[c.key] ?? c.format, report.locale));
    const font = row.kind === 'data' ? 'body' : 'bold';
    const height = rowHeight(texts, font);
    if (y + height > bottom) {
      doc.addPage({ size: 'A4', layout: 'landscape', margin: MARGIN });
      y = drawHeader(MARGIN);
    }
    drawRow(texts, y, height, font, row.color ? tint(row.color) : undefined);
    y += height;
  }
  doc.end();
  return out;
}
