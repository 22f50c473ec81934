import type { FastifyError } from 'fastify';
import { isDatabaseUnavailable } from '../db/db.js';
import { CardoError, ERRORS, type ErrorCode, type FieldError } from '../errors.js';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: ErrorCode;
  errors?: readonly FieldError[];
  [extra: string]: unknown;
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'CARDO_ERR_API_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'CARDO_ERR_API_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'CARDO_ERR_API_BAD_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'CARDO_ERR_API_VALIDATION',
};

/**
 * The one place errors become RFC 9457 problem bodies. Anything that is not a CardoError or a
 * known client error is a 500 whose details stay in the log.
 */
export function toProblem(error: unknown): ProblemBody {
  if (error instanceof CardoError) return body(error.code, error.detail, error.errors, error.extra);
  const e = error as Partial<FastifyError> & { validation?: Array<{ instancePath?: string; message?: string; params?: Record<string, unknown> }> };
  if (e.validation) {
    const errors = e.validation.map((v) => ({
      path: v.params && typeof v.params.missingProperty === 'string' ? `${v.instancePath ?? ''}/${v.params.missingProperty}` : v.params && typeof v.params.additionalProperty === 'string' ? `${v.instancePath ?? ''}/${v.params.additionalProperty}` : (v.instancePath ?? ''),
      message: v.message ?? 'is not valid',
    }));
    return body('CARDO_ERR_API_VALIDATION', errors.map((x) => `${x.path || '(body)'}: ${x.message}`).join('; '), errors);
  }
  // A lost database reached by a path other than Db (pg-boss, the ORM of a schema change).
  if (isDatabaseUnavailable(error)) return body('CARDO_ERR_API_UNAVAILABLE', 'The database does not answer; try again shortly.');
  const mapped = e.code ? FASTIFY_CODES[e.code] : undefined;
  if (mapped) return body(mapped, e.message);
  if (e.statusCode === 400 && /prototype|__proto__|constructor/i.test(e.message ?? '')) return body('CARDO_ERR_API_VALIDATION', 'The body uses a forbidden key (__proto__ or constructor).', [{ path: '', message: 'Forbidden key __proto__ or constructor.' }]);
  if (e instanceof SyntaxError || e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (e.statusCode === 400 && /JSON/.test(e.message ?? ''))) return body('CARDO_ERR_API_BAD_JSON', 'The request body is not valid JSON.');
  if (e.statusCode === 413) return body('CARDO_ERR_API_PAYLOAD_TOO_LARGE');
  if (e.statusCode === 415) return body('CARDO_ERR_API_UNSUPPORTED_MEDIA_TYPE');
  if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) return body('CARDO_ERR_API_VALIDATION', e.message);
  return body('CARDO_ERR_SERVER_INTERNAL');
}

function body(code: ErrorCode, detail?: string, errors?: readonly FieldError[], extra?: Readonly<Record<string, unknown>>): ProblemBody {
  const { status, message } = ERRORS[code];
  return {
    ...extra,
    type: `https://cardo.dev/errors/${code}`,
    title: message,
    status,
    ...(detail && detail !== message ? { detail } : {}),
    code,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}
