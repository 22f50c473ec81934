// A react-jsonschema-form validator without code generation: the UI's CSP forbids eval, so
// ajv (which compiles schemas with new Function) cannot run here. The server is the validator;
// this checks only the keywords the record schemas use, so obvious mistakes show before a
// round trip: required, type (with ['x', 'null']), enum, maxLength, pattern, minimum, maximum,
// exclusiveMinimum/Maximum, and the formats date, date-time, uuid and email, loosely.
import { createErrorHandler, ErrorSchemaBuilder, unwrapErrorHandler, validationDataMerge, type CustomValidator, type ErrorSchema, type ErrorTransformer, type RJSFSchema, type RJSFValidationError, type UiSchema, type ValidationData, type ValidatorType } from '@rjsf/utils';

type Messages = {
  required: string;
  type: string;
  enum: string;
  maxLength: (n: number) => string;
  pattern: string;
  minimum: (n: number) => string;
  maximum: (n: number) => string;
  format: string;
};

const FORMATS: Record<string, RegExp> = {
  date: /^\d{4}-\d{2}-\d{2}$/,
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  email: /^[^\s@]+@[^\s@]+$/,
};

interface Issue {
  path: string[];
  name: string;
  message: string;
}

function typesOf(schema: RJSFSchema): string[] {
  if (schema.type === undefined) return [];
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return true;
  }
}

function check(schema: RJSFSchema, value: unknown, path: string[], messages: Messages, issues: Issue[]): void {
  const types = typesOf(schema);
  if (types.length > 0 && !types.some((t) => typeMatches(t, value))) {
    issues.push({ path, name: 'type', message: messages.type });
    return;
  }
  if (schema.enum && !schema.enum.some((option) => option === value)) issues.push({ path, name: 'enum', message: messages.enum });
  if (typeof value === 'string') {
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength) issues.push({ path, name: 'maxLength', message: messages.maxLength(schema.maxLength) });
    if (schema.pattern !== undefined) {
      let pattern: RegExp | undefined;
      try {
        pattern = new RegExp(schema.pattern, 'u');
      } catch {
        pattern = undefined; // a pattern this browser cannot read is left to the server
      }
      if (pattern && !pattern.test(value)) issues.push({ path, name: 'pattern', message: messages.pattern });
    }
    const format = schema.format ? FORMATS[schema.format] : undefined;
    if (format && !format.test(value)) issues.push({ path, name: 'format', message: messages.format });
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) issues.push({ path, name: 'minimum', message: messages.minimum(schema.minimum) });
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) issues.push({ path, name: 'exclusiveMinimum', message: messages.minimum(schema.exclusiveMinimum) });
    if (schema.maximum !== undefined && value > schema.maximum) issues.push({ path, name: 'maximum', message: messages.maximum(schema.maximum) });
    if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) issues.push({ path, name: 'exclusiveMaximum', message: messages.maximum(schema.exclusiveMaximum) });
  }
  if (Array.isArray(value) && schema.items && typeof schema.items === 'object' && !Array.isArray(schema.items)) {
    const items = schema.items as RJSFSchema;
    value.forEach((item, index) => check(items, item, [...path, String(index)], messages, issues));
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const name of schema.required ?? []) {
      const v = record[name];
      if (v === undefined || v === null || v === '') issues.push({ path: [...path, name], name: 'required', message: messages.required });
    }
    for (const [name, sub] of Object.entries(schema.properties ?? {})) {
      const v = record[name];
      // Empty optional values are sent as null (or left out); only present values are checked.
      if (v === undefined || typeof sub !== 'object') continue;
      if (v === null && !(schema.required ?? []).includes(name) && !typesOf(sub as RJSFSchema).includes('null')) continue;
      if (v === null && (schema.required ?? []).includes(name)) continue;
      check(sub as RJSFSchema, v, [...path, name], messages, issues);
    }
  }
}

function toValidationError(issue: Issue): RJSFValidationError {
  const property = issue.path.length ? `.${issue.path.join('.')}` : '';
  return { name: issue.name, message: issue.message, property, stack: `${property} ${issue.message}`.trim() };
}

export function createRecordValidator(messages: Messages): ValidatorType {
  const issuesOf = (schema: RJSFSchema, formData: unknown): Issue[] => {
    const issues: Issue[] = [];
    check(schema, formData ?? {}, [], messages, issues);
    return issues;
  };
  return {
    validateFormData(formData: unknown, schema: RJSFSchema, customValidate?: CustomValidator, transformErrors?: ErrorTransformer, uiSchema?: UiSchema): ValidationData<unknown> {
      const builder = new ErrorSchemaBuilder();
      let errors = issuesOf(schema, formData).map(toValidationError);
      if (transformErrors) errors = transformErrors(errors, uiSchema);
      for (const error of errors) builder.addErrors(error.message ?? '', error.property ? error.property.slice(1).split('.') : undefined);
      let result: ValidationData<unknown> = { errors, errorSchema: builder.ErrorSchema as ErrorSchema };
      if (customValidate) {
        const handler = customValidate(formData, createErrorHandler(formData), uiSchema);
        result = validationDataMerge(result, unwrapErrorHandler(handler));
      }
      return result;
    },
    isValid(schema: RJSFSchema, formData: unknown): boolean {
      // The record schemas have no $ref, oneOf or anyOf; rjsf asks this when resolving them.
      return issuesOf(schema, formData).length === 0;
    },
    rawValidation<Result = unknown>(schema: RJSFSchema, formData?: unknown): { errors?: Result[]; validationError?: Error } {
      const errors = issuesOf(schema, formData).map(toValidationError);
      return errors.length ? { errors: errors as Result[] } : {};
    },
  };
}
