// Generates the document templates metadata/templates/<type>.docx (one per document.type); run from the repository root: node server/scripts/build-templates.mjs
//
// Each template is a real Word document: a title, body text in Russian business style, a table
// of the document's attributes and a signature block. Placeholders are {{path}} over the
// document record and its references (counterparty, contact, deal, baseDocument, responsible).
// Every placeholder is written as its own text run, so a scan of word/document.xml finds it
// whole. The output is byte-for-byte reproducible: the document properties carry fixed
// created/modified dates and the zip entries a fixed timestamp.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  Paragraph,
  Tab,
  TabStopType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import PizZip from 'pizzip';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = path.join(root, 'metadata', 'templates');

// Fixed timestamps: ISO for docProps/core.xml; a local-time Date for the zip entries, because
// zip (DOS) timestamps are written from local-time fields and must not depend on the time zone.
const FIXED_ISO = '2025-01-01T00:00:00Z';
const FIXED_ZIP_DATE = new Date(2025, 0, 1, 0, 0, 0);

/** Text runs for a string: literal text and each {{placeholder}} become separate runs. */
function runs(text, style = {}) {
  return text
    .split(/(\{\{[^}]+\}\})/)
    .filter((part) => part !== '')
    .map((part) => new TextRun({ text: part, ...style }));
}

function para(text, options = {}) {
  const { bold, size, alignment = AlignmentType.JUSTIFIED, after = 120, before = 0, indent = true } = options;
  return new Paragraph({
    alignment,
    spacing: { before, after },
    indent: indent && alignment === AlignmentType.JUSTIFIED ? { firstLine: 567 } : undefined,
    children: runs(text, { bold, size }),
  });
}

const title = (text) => para(text, { bold: true, size: 28, alignment: AlignmentType.CENTER, after: 60 });
const subtitle = (text) => para(text, { alignment: AlignmentType.CENTER, after: 240 });
const heading = (text) => para(text, { bold: true, alignment: AlignmentType.LEFT, before: 240, indent: false });
// Text width of an A4 page with the margins below (11906 − 1701 − 850 twips): the date sits at its right edge.
const TEXT_WIDTH = 9355;
const cityAndDate = () =>
  new Paragraph({
    spacing: { after: 240 },
    tabStops: [{ type: TabStopType.RIGHT, position: TEXT_WIDTH }],
    children: [...runs('г. Москва'), new TextRun({ children: [new Tab()] }), ...runs('{{date}}')],
  });

const border = { style: BorderStyle.SINGLE, size: 4, color: '808080' };
const borders = { top: border, bottom: border, left: border, right: border };

function cell(text, widthPct, bold = false) {
  return new TableCell({
    width: { size: widthPct, type: WidthType.PERCENTAGE },
    borders,
    margins: { top: 40, bottom: 40, left: 80, right: 80 },
    children: [new Paragraph({ children: runs(text, { bold }) })],
  });
}

/** A two-column table: attribute name, placeholder. */
function attributes(rows) {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: [cell('Реквизит', 40, true), cell('Значение', 60, true)] }),
      ...rows.map(([name, value]) => new TableRow({ children: [cell(name, 40), cell(value, 60)] })),
    ],
  });
}

/** A table with a header row and data rows of any width. */
function grid(header, rows, widths) {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: header.map((h, i) => cell(h, widths[i], true)) }),
      ...rows.map((r) => new TableRow({ children: r.map((v, i) => cell(v, widths[i])) })),
    ],
  });
}

function signatures(left, right) {
  const noBorder = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
  const none = { top: noBorder, bottom: noBorder, left: noBorder, right: noBorder };
  const column = (lines) =>
    new TableCell({
      width: { size: 50, type: WidthType.PERCENTAGE },
      borders: none,
      children: lines.map((line, i) => new Paragraph({ spacing: { after: 120 }, children: runs(line, { bold: i === 0 }) })),
    });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [new TableRow({ children: [column(left), column(right)] })],
  });
}

const customerRows = [
  ['Заказчик', '{{counterparty.legalName}}'],
  ['Бренд', '{{counterparty.brand}}'],
  ['ИНН', '{{counterparty.inn}}'],
  ['Адрес', '{{counterparty.address}}'],
  ['Телефон', '{{counterparty.phone}}'],
  ['E-mail', '{{counterparty.email}}'],
  ['Контактное лицо', '{{contact.fullName}}'],
  ['Должность', '{{contact.position}}'],
];

const executorSignature = ['Исполнитель', 'ООО «____________________»', '____________ / {{responsible.fullName}} /', 'М. П.'];
const customerSignature = ['Заказчик', '{{counterparty.legalName}}', '____________ / {{contact.fullName}} /', 'М. П.'];

const templates = {
  commercial_proposal: {
    title: 'Коммерческое предложение',
    body: [
      title('КОММЕРЧЕСКОЕ ПРЕДЛОЖЕНИЕ № {{number}}'),
      subtitle('от {{date}}'),
      para('Кому: {{counterparty.legalName}}', { alignment: AlignmentType.LEFT, indent: false, after: 0 }),
      para('Вниманию: {{contact.fullName}}, {{contact.position}}', { alignment: AlignmentType.LEFT, indent: false }),
      para('Уважаемый(ая) {{contact.fullName}}!', { alignment: AlignmentType.CENTER, before: 240 }),
      para(
        'Благодарим {{counterparty.brand}} за интерес к нашим продуктам и услугам. По итогам обсуждения запроса «{{deal.title}}» предлагаем следующие условия сотрудничества. Стоимость предложения составляет {{amount}} руб., включая НДС. Предложение действительно до {{validTo}}.',
      ),
      para('Будем рады ответить на ваши вопросы и обсудить детали на встрече.'),
      heading('Сведения о предложении'),
      attributes([
        ...customerRows,
        ['Предмет предложения', '{{deal.title}}'],
        ['Стоимость, руб.', '{{amount}}'],
        ['Действительно до', '{{validTo}}'],
        ['Менеджер', '{{responsible.fullName}}'],
        ['Телефон менеджера', '{{responsible.phone}}'],
        ['E-mail менеджера', '{{responsible.email}}'],
      ]),
      para('С уважением,', { alignment: AlignmentType.LEFT, before: 360, indent: false, after: 0 }),
      para('{{responsible.position}} {{responsible.fullName}}', { alignment: AlignmentType.LEFT, indent: false }),
    ],
  },
  contract: {
    title: 'Договор',
    body: [
      title('ДОГОВОР № {{number}}'),
      subtitle('на поставку товаров (оказание услуг)'),
      cityAndDate(),
      para(
        '{{counterparty.legalName}} (ИНН {{counterparty.inn}}), именуемое в дальнейшем «Заказчик», в лице {{contact.position}} {{contact.fullName}}, действующего на основании Устава, с одной стороны, и ООО «____________________», именуемое в дальнейшем «Исполнитель», с другой стороны, вместе именуемые «Стороны», заключили настоящий договор о нижеследующем.',
      ),
      heading('1. Предмет договора'),
      para('1.1. Исполнитель обязуется поставить товары (оказать услуги) по направлению «{{deal.title}}», а Заказчик — принять и оплатить их на условиях настоящего договора.'),
      heading('2. Цена и порядок расчётов'),
      para('2.1. Цена договора составляет {{amount}} руб., включая НДС.'),
      para('2.2. Оплата производится на основании счёта Исполнителя в течение 10 (десяти) банковских дней с даты его выставления.'),
      heading('3. Срок действия договора'),
      para('3.1. Договор вступает в силу {{validFrom}} и действует по {{validTo}}, а в части расчётов — до полного исполнения Сторонами своих обязательств.'),
      heading('4. Реквизиты договора'),
      attributes([
        ['Номер договора', '{{number}}'],
        ['Дата договора', '{{date}}'],
        ...customerRows,
        ['Сделка', '{{deal.title}}'],
        ['Цена договора, руб.', '{{amount}}'],
        ['Действует с', '{{validFrom}}'],
        ['Действует по', '{{validTo}}'],
        ['Ответственный', '{{responsible.fullName}}'],
      ]),
      heading('5. Подписи Сторон'),
      signatures(executorSignature, customerSignature),
    ],
  },
  additional_agreement: {
    title: 'Дополнительное соглашение',
    body: [
      title('ДОПОЛНИТЕЛЬНОЕ СОГЛАШЕНИЕ № {{number}}'),
      subtitle('к договору № {{baseDocument.number}} от {{baseDocument.date}}'),
      cityAndDate(),
      para(
        '{{counterparty.legalName}} (ИНН {{counterparty.inn}}), именуемое в дальнейшем «Заказчик», в лице {{contact.position}} {{contact.fullName}}, с одной стороны, и ООО «____________________», именуемое в дальнейшем «Исполнитель», с другой стороны, заключили настоящее дополнительное соглашение к договору № {{baseDocument.number}} от {{baseDocument.date}} (далее — Договор) о нижеследующем.',
      ),
      para('1. Стороны договорились установить цену работ (услуг) по направлению «{{deal.title}}» в размере {{amount}} руб., включая НДС.'),
      para('2. Настоящее соглашение действует с {{validFrom}} по {{validTo}}.'),
      para('3. Остальные условия Договора, не затронутые настоящим соглашением, остаются неизменными.'),
      para('4. Соглашение составлено в двух экземплярах, имеющих равную юридическую силу, по одному для каждой из Сторон, и является неотъемлемой частью Договора.'),
      heading('Реквизиты соглашения'),
      attributes([
        ['Номер соглашения', '{{number}}'],
        ['Дата соглашения', '{{date}}'],
        ['Основной договор', '№ {{baseDocument.number}} от {{baseDocument.date}}'],
        ...customerRows,
        ['Сделка', '{{deal.title}}'],
        ['Сумма, руб.', '{{amount}}'],
        ['Действует с', '{{validFrom}}'],
        ['Действует по', '{{validTo}}'],
      ]),
      heading('Подписи Сторон'),
      signatures(executorSignature, customerSignature),
    ],
  },
  invoice: {
    title: 'Счёт на оплату',
    body: [
      title('СЧЁТ НА ОПЛАТУ № {{number}}'),
      subtitle('от {{date}}'),
      para('Поставщик: ООО «____________________», ИНН __________, р/с ____________________', { alignment: AlignmentType.LEFT, indent: false }),
      para('Покупатель: {{counterparty.legalName}}, ИНН {{counterparty.inn}}, адрес: {{counterparty.address}}', { alignment: AlignmentType.LEFT, indent: false }),
      para('Основание: договор № {{baseDocument.number}} от {{baseDocument.date}}', { alignment: AlignmentType.LEFT, indent: false, after: 240 }),
      grid(['№', 'Наименование товаров (работ, услуг)', 'Сумма, руб.'], [['1', '{{deal.title}}', '{{amount}}']], [8, 67, 25]),
      para('Итого к оплате: {{amount}} руб., в том числе НДС.', { bold: true, alignment: AlignmentType.RIGHT, before: 120 }),
      para('Счёт действителен к оплате до {{validTo}}. Оплата настоящего счёта означает согласие с условиями поставки товаров (оказания услуг).'),
      heading('Реквизиты счёта'),
      attributes([
        ['Номер счёта', '{{number}}'],
        ['Дата счёта', '{{date}}'],
        ...customerRows,
        ['Сделка', '{{deal.title}}'],
        ['Сумма, руб.', '{{amount}}'],
        ['Оплатить до', '{{validTo}}'],
        ['Ответственный', '{{responsible.fullName}}'],
      ]),
      para('Руководитель ____________ / ____________ /        Ответственный ____________ / {{responsible.fullName}} /', {
        alignment: AlignmentType.LEFT,
        before: 480,
        indent: false,
      }),
    ],
  },
  act: {
    title: 'Акт',
    body: [
      title('АКТ № {{number}}'),
      subtitle('сдачи-приёмки выполненных работ (оказанных услуг)'),
      cityAndDate(),
      para(
        'Мы, нижеподписавшиеся, представитель Исполнителя ООО «____________________», с одной стороны, и представитель Заказчика {{counterparty.legalName}} (ИНН {{counterparty.inn}}) {{contact.position}} {{contact.fullName}}, с другой стороны, составили настоящий акт о том, что Исполнитель выполнил работы (оказал услуги) по договору № {{baseDocument.number}} от {{baseDocument.date}}, а Заказчик принял их.',
      ),
      grid(['№', 'Наименование работ (услуг)', 'Сумма, руб.'], [['1', '{{deal.title}}', '{{amount}}']], [8, 67, 25]),
      para('Всего оказано услуг на сумму {{amount}} руб., в том числе НДС.', { before: 120 }),
      para('Работы (услуги) выполнены полностью и в срок. Заказчик претензий по объёму, качеству и срокам оказания услуг не имеет.'),
      heading('Реквизиты акта'),
      attributes([
        ['Номер акта', '{{number}}'],
        ['Дата акта', '{{date}}'],
        ['Договор', '№ {{baseDocument.number}} от {{baseDocument.date}}'],
        ...customerRows,
        ['Сделка', '{{deal.title}}'],
        ['Сумма, руб.', '{{amount}}'],
        ['Ответственный', '{{responsible.fullName}}'],
      ]),
      heading('Подписи Сторон'),
      signatures(['Исполнитель', 'ООО «____________________»', '____________ / {{responsible.fullName}} /', 'М. П.'], customerSignature),
    ],
  },
};

/** Re-zips the package with fixed timestamps so the bytes do not depend on when the script ran. */
function reproducible(buffer) {
  const zip = new PizZip(buffer);
  const out = new PizZip();
  for (const name of Object.keys(zip.files)) {
    let data = zip.file(name).asUint8Array();
    if (name === 'docProps/core.xml') {
      const xml = Buffer.from(data)
        .toString('utf8')
        .replace(/(<dcterms:(created|modified)[^>]*>)[^<]*/g, `$1${FIXED_ISO}`);
      data = Buffer.from(xml, 'utf8');
    }
    out.file(name, data, { binary: true, date: FIXED_ZIP_DATE, createFolders: false });
  }
  return out.generate({ type: 'nodebuffer', compression: 'DEFLATE' });
}

for (const [type, template] of Object.entries(templates)) {
  const doc = new Document({
    creator: 'Cardo',
    lastModifiedBy: 'Cardo',
    title: template.title,
    description: `Шаблон документа «${template.title}» для Cardo CRM: поля в двойных фигурных скобках заполняются из записи документа.`,
    revision: 1,
    styles: { default: { document: { run: { font: 'Times New Roman', size: 24 } } } },
    sections: [
      {
        properties: { page: { margin: { top: 1134, bottom: 1134, left: 1701, right: 850 } } },
        children: template.body,
      },
    ],
  });
  const file = path.join(outDir, `${type}.docx`);
  fs.writeFileSync(file, reproducible(await Packer.toBuffer(doc)));
  console.log(path.relative(root, file));
}
