import { accessOf } from '../access/access.js';
import type { RoutePlugin } from '../api/app.js';
import { getRecord } from '../records/records.service.js';
import { chooseLocale, generateDocument, templateApplies, templatesFor } from './documents.service.js';
import { contentDisposition, readFile } from './files.service.js';
import { labelText } from './format.js';

const NAME = { type: 'string', minLength: 1, maxLength: 100 } as const;

export const generateBody = {
  type: 'object',
  properties: {
    template: { ...NAME, description: 'The template: a file name of metadata/templates/ without extension, e.g. contract.' },
    entity: { ...NAME, description: 'The entity of the record (the template\'s entity).' },
    id: { type: 'string', minLength: 1, maxLength: 64, description: 'The record.' },
    locale: { type: 'string', minLength: 2, maxLength: 10, description: 'Language of dates, money and option labels; default: the caller\'s, else the application\'s.' },
  },
  required: ['template', 'entity', 'id'],
  additionalProperties: false,
} as const;

export const generatedResponse = {
  type: 'object',
  properties: {
    file: {
      type: 'object',
      properties: { id: { type: 'string' }, name: { type: 'string' }, mimeType: { type: 'string' }, size: { type: 'integer' }, url: { type: 'string', description: 'GET it to download.' } },
      required: ['id', 'name', 'mimeType', 'size', 'url'],
    },
    record: { type: 'object', properties: { entity: { type: 'string' }, id: { type: 'string' }, version: { type: 'integer', description: 'The record\'s version after the file was attached.' } }, required: ['entity', 'id', 'version'] },
    template: { type: 'string' },
    locale: { type: 'string' },
    attachedTo: { type: ['string', 'null'], description: 'The file field the document was put in, if the template names one.' },
  },
  required: ['file', 'record', 'template', 'locale', 'attachedTo'],
} as const;

export const templatesQuery = {
  type: 'object',
  properties: {
    entity: NAME,
    id: { type: 'string', minLength: 1, maxLength: 64 },
    locale: { type: 'string', minLength: 2, maxLength: 10 },
  },
  required: ['entity'],
} as const;

export const templatesResponse = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          label: { type: 'string' },
          entity: { type: 'string' },
          applies: { type: 'boolean', description: 'With id: whether the template\'s condition (when) holds for the record; without id: true.' },
          attachTo: { type: ['string', 'null'] },
        },
        required: ['name', 'label', 'entity', 'applies', 'attachTo'],
      },
    },
  },
  required: ['items'],
} as const;

/** Document templates (DESIGN.md §5): generate a document from a template, list the templates of a record, download files. */
export const documentRoutes: RoutePlugin = (app, { db }) => {
  app.post<{ Body: { template: string; entity: string; id: string; locale?: string } }>('/api/documents/generate', { schema: { body: generateBody, response: { 201: generatedResponse } } }, async (request, reply) => {
    const access = await accessOf(request);
    const result = await generateDocument(db, request.model, request.body, { actor: { userId: request.user?.id ?? null }, access, hooks: app.recordHooks });
    reply.header('location', result.file.url);
    return reply.status(201).send(result);
  });

  app.get<{ Querystring: { entity: string; id?: string; locale?: string } }>('/api/documents/templates', { schema: { querystring: templatesQuery, response: { 200: templatesResponse } } }, async (request) => {
    const access = await accessOf(request);
    const entity = access.entity(request.query.entity);
    const locale = chooseLocale(request.model, request.query.locale, request.user?.locale);
    const record = request.query.id === undefined ? null : await getRecord(db, entity, request.query.id, access);
    const now = new Date();
    const ctx = { locale, defaultLocale: request.model.defaultLocale, timeZone: 'UTC' };
    return {
      items: templatesFor(request.model, entity.name).map((t) => ({
        name: t.name,
        label: labelText(t.def.label, ctx) ?? t.name,
        entity: t.def.entity,
        applies: record ? templateApplies(t, record, request.user?.id ?? null, now) : true,
        attachTo: t.def.attachTo ?? null,
      })),
    };
  });

  app.get<{ Params: { id: string } }>('/api/files/:id', async (request, reply) => {
    const access = await accessOf(request);
    const file = await readFile(db, request.model, request.params.id, access);
    return reply
      .header('content-type', file.mimeType)
      .header('content-disposition', contentDisposition(file.name))
      .header('content-length', file.bytes.length)
      .header('cache-control', 'private, no-store')
      .send(file.bytes);
  });
};
