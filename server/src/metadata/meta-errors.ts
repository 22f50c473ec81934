// ajv errors of the meta-schema as readable problems. Pure: the server's validation and the
// studio's in-browser validation (generated standalone validators) word them alike.
import type { ErrorObject } from 'ajv';

/**
 * ajv reports every failed branch of anyOf/oneOf, just before the combinator's own error
 * (errors inside a $ref carry the referenced schema's path, so order is the only link).
 * Keep the branch errors that got past the value's type (the form the author meant); when
 * none did, keep only the combinator's summary.
 */
export function simplifyErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const all = errors.filter((e) => e.keyword !== 'if');
  const drop = new Set<ErrorObject>();
  all.forEach((combinator, k) => {
    if (combinator.keyword !== 'anyOf' && combinator.keyword !== 'oneOf') return;
    const branch: ErrorObject[] = [];
    for (let j = k - 1; j >= 0; j--) {
      const e = all[j] as ErrorObject;
      if (drop.has(e) || !e.instancePath.startsWith(combinator.instancePath)) break;
      branch.push(e);
    }
    if (branch.length === 0) return;
    const meant = branch.filter((e) => e.instancePath.length > combinator.instancePath.length || !SHAPE_KEYWORDS.has(e.keyword));
    for (const e of meant.length > 0 ? [combinator, ...branch.filter((b) => !meant.includes(b))] : branch) drop.add(e);
  });
  return all.filter((e) => !drop.has(e));
}

/** Keywords that fail when a value has a different form altogether. */
const SHAPE_KEYWORDS = new Set(['type', 'required', 'const', 'enum']);

/** A readable message and the pointer of the offending value. */
export function describeError(error: ErrorObject): { pointer: string; message: string } {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return { pointer: `${error.instancePath}/${escape(String(params.additionalProperty))}`, message: `Unknown property "${String(params.additionalProperty)}".` };
    case 'required':
      return { pointer: error.instancePath, message: `Missing required property "${String(params.missingProperty)}".` };
    case 'enum':
      return { pointer: error.instancePath, message: `Must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.` };
    case 'const':
      return { pointer: error.instancePath, message: `Must be ${JSON.stringify(params.allowedValue)}.` };
    case 'pattern':
      return { pointer: error.instancePath, message: `Does not match the expected format ${String(params.pattern)}.` };
    case 'propertyNames':
      return { pointer: `${error.instancePath}/${escape(String(params.propertyName))}`, message: `"${String(params.propertyName)}" is not an allowed key here.` };
    case 'not':
      return { pointer: error.instancePath, message: 'Has a property that is not allowed in this combination.' };
    case 'anyOf':
    case 'oneOf':
      return { pointer: error.instancePath, message: error.keyword === 'oneOf' && Array.isArray(params.passingSchemas) ? 'Matches more than one allowed form; use exactly one.' : 'Matches none of the allowed forms.' };
    default:
      return { pointer: error.instancePath, message: sentence(error.message ?? error.keyword) };
  }
}

function escape(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1) + (text.endsWith('.') ? '' : '.');
}
