// The meta-schema checked in the browser as the user types: ajv's standalone validators,
// generated at build time from server/schema (no `new Function`, so the CSP stays
// `script-src 'self'`), with the server's own error wording. The server still validates on
// save, with the rules that span files (references between entities, workflows…).
import { fileKindOf } from '../../../server/src/metadata/file-kind.js';
import { describeError, simplifyErrors } from '../../../server/src/metadata/meta-errors.js';
import * as generated from '../generated/meta-validators.js';

/** One schema error: the JSON pointer of the offending value and what is wrong. */
export interface SchemaIssue {
  pointer: string;
  message: string;
}

// ajv's error type, as the server's ajv (not another copy in node_modules) declares it.
type ErrorObject = Parameters<typeof simplifyErrors>[0][number];
type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** The kinds of metadata file with a meta-schema, as the generator names them. */
export type SchemaKind = 'entity' | 'app' | 'roles' | 'automation' | 'notification' | 'calendar' | 'report' | 'template';

const validators = generated as unknown as Record<SchemaKind, Validate>;

/** The meta-schema kind of a metadata file from its path, or none (workflows, docx templates). */
export function schemaKindOf(path: string): SchemaKind | undefined {
  const kind = fileKindOf(path);
  return kind !== undefined && kind in validators ? (kind as SchemaKind) : undefined;
}

/** Every meta-schema error of a metadata file's JSON, or none. */
export function validateMetadata(kind: SchemaKind, json: unknown): SchemaIssue[] {
  const validate = validators[kind];
  if (validate(json)) return [];
  return simplifyErrors(validate.errors ?? []).map(describeError);
}

/** The issues about one value (exactly at the pointer), for the control that edits it. */
export function issuesAt(issues: readonly SchemaIssue[], pointer: string): SchemaIssue[] {
  return issues.filter((i) => i.pointer === pointer);
}

/** The issues about a value or anything inside it (a stage, a rule, a tab…). */
export function issuesUnder(issues: readonly SchemaIssue[], pointer: string): SchemaIssue[] {
  return issues.filter((i) => i.pointer === pointer || i.pointer.startsWith(`${pointer}/`));
}
