import type { DocumentTemplate } from '../generated/metadata.js';
import type { Checker } from './cross-refs.js';
import { bindTags, docxTags, DocxTemplateError, type DocxTag, type TemplateSchema } from './docx-template.js';
import type { EntityIndex } from './entity-index.js';
import type { MetadataFile } from './load.js';
import type { Named } from './validate.js';

/** Each template's .json and .docx come in pairs; the .docx tags are well-formed and name real fields and related lists. */
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
    let tags: DocxTag[];
    try {
      tags = docxTags(doc.bytes);
    } catch (error) {
      if (!(error instanceof DocxTemplateError)) throw error;
      for (const problem of error.problems) c.add(error.kind === 'docx' ? 'CARDO_ERR_META_DOCX' : 'CARDO_ERR_META_TEMPLATE', doc.path, '', problem);
      continue;
    }
    for (const problem of bindTags(indexSchema(c.index), t.def.entity, tags).problems) c.add(problem.code, doc.path, '', problem.error);
  }
  for (const doc of docs) {
    if (!templates.some((t) => t.name === doc.name)) c.add('CARDO_ERR_META_TEMPLATE_FILE', doc.path, '', `templates/${doc.name}.json is missing: it says which entity fills the document.`);
  }
}

/** The validator's entity index as the template binder sees entities. */
function indexSchema(index: EntityIndex): TemplateSchema {
  return {
    entity: (name) => index.entities.get(name),
    field: (entity, name) => index.field(entity, name),
    entities: () => index.entities.values(),
  };
}
