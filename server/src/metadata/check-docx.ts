import PizZip from 'pizzip';
import type { DocumentTemplate } from '../generated/metadata.js';
import type { Checker } from './cross-refs.js';
import type { MetadataFile } from './load.js';
import type { Named } from './validate.js';

/** Each template's .json and .docx come in pairs; the .docx placeholders name real fields. */
export async function checkTemplateDocs(c: Checker, templates: readonly Named<DocumentTemplate>[], docs: readonly MetadataFile[]): Promise<void> {
  for (const t of templates) {
    c.label(t.file, '/label', t.def.label);
    const entity = c.entity(t.file, '/entity', t.def.entity);
    if (!entity) continue;
    if (t.def.when) c.condition(t.file, '/when', t.def.entity, t.def.when);
    c.template(t.file, '/fileName', t.def.entity, t.def.fileName);
    if (t.def.attachTo) c.path(t.file, '/attachTo', t.def.entity, t.def.attachTo, new Set(['file']), 'documents are attached to a file field');
    const doc = docs.find((d) => d.name === t.name);
    if (!doc) {
      c.add('CARDO_ERR_META_TEMPLATE_FILE', t.file, '', `templates/${t.name}.docx is missing.`);
      continue;
    }
    let paragraphs: string[];
    try {
      paragraphs = docxParagraphs(doc.bytes);
    } catch (error) {
      c.add('CARDO_ERR_META_DOCX', doc.path, '', `Not a Word document: ${(error as Error).message}`);
      continue;
    }
    paragraphs.forEach((text) => c.template(doc.path, '', t.def.entity, text));
  }
  for (const doc of docs) {
    if (!templates.some((t) => t.name === doc.name)) c.add('CARDO_ERR_META_TEMPLATE_FILE', doc.path, '', `templates/${doc.name}.json is missing: it says which entity fills the document.`);
  }
}

const PARTS = /^word\/(document|header\d*|footer\d*)\.xml$/;

/** The text of every paragraph in the document body, headers and footers. */
export function docxParagraphs(bytes: Buffer): string[] {
  const zip = new PizZip(bytes);
  const parts = Object.keys(zip.files).filter((name) => PARTS.test(name));
  if (!parts.includes('word/document.xml')) throw new Error('word/document.xml is missing.');
  const out: string[] = [];
  for (const part of parts.sort()) {
    const xml = zip.file(part)?.asText() ?? '';
    for (const paragraph of xml.match(/<w:p[\s>][\s\S]*?<\/w:p>/g) ?? []) {
      const text = [...paragraph.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => decodeXml(m[1] ?? '')).join('');
      if (text.includes('{{') || text.includes('}}')) out.push(text);
    }
  }
  return out;
}

function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e] as string);
}
