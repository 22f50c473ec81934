import { describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { openXlsxSheet } from './xlsx-export.js';

/** Writes the rows through the streaming sheet and reads the workbook back. */
async function roundTrip(rows: Parameters<ReturnType<typeof openXlsxSheet>['addRows']>[0], styles: Parameters<ReturnType<typeof openXlsxSheet>['addRows']>[1]): Promise<ExcelJS.Worksheet> {
  const sheet = openXlsxSheet('Test', [
    { header: 'Name', width: 20 },
    { header: 'When', width: 17, numFmt: 'yyyy-mm-dd hh:mm' },
    { header: 'Any', width: 12 },
  ]);
  const chunks: Buffer[] = [];
  sheet.stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve) => sheet.stream.on('end', resolve));
  await sheet.addRows(rows, styles);
  await sheet.finish();
  await ended;
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ExcelJS.Buffer);
  const read = workbook.worksheets[0];
  if (!read) throw new Error('no worksheet');
  return read;
}

describe('openXlsxSheet', () => {
  it('gives every cell of a row its look and its column format, whichever rows share a look', async () => {
    const at = new Date(Date.UTC(2026, 10, 28, 9, 30));
    const sheet = await roundTrip(
      [
        ['plain', at, 1],
        ['red', at, null],
        ['plain again', null, 'text'],
        // A date in the column without a format still reads back as a date, in a colored row too.
        ['date anywhere', at, at],
        ['total', at, 2],
      ],
      [undefined, { fill: '#ff0000' }, undefined, { fill: '#ff0000' }, { bold: true, numFmts: { 2: '0.00' } }],
    );
    const red = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFA6A6' } };
    expect(sheet.getRow(2).getCell(1).fill).toBeUndefined();
    expect(sheet.getRow(2).getCell(2).numFmt).toBe('yyyy-mm-dd hh:mm');
    for (const row of [3, 5]) for (let c = 1; c <= 3; c++) expect([row, c, sheet.getRow(row).getCell(c).fill]).toEqual([row, c, red]);
    expect(sheet.getRow(3).getCell(2).numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(sheet.getRow(4).getCell(3).value).toBe('text');
    expect(sheet.getRow(4).getCell(3).fill).toBeUndefined();
    expect(sheet.getRow(5).getCell(3).value).toEqual(at);
    expect(sheet.getRow(5).getCell(2).value).toEqual(at);
    // Bold with a per-cell format on top of the column's.
    expect(sheet.getRow(6).getCell(1).font).toMatchObject({ bold: true });
    expect(sheet.getRow(6).getCell(3).numFmt).toBe('0.00');
    expect(sheet.getRow(6).getCell(2).numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(sheet.getRow(6).getCell(3).value).toBe(2);
  });
});
