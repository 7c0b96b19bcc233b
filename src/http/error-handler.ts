import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/index.ts';
import { BODY_LIMIT_BYTES, MAX_PARAM_LENGTH } from './request-guards.ts';

const STATUS_BY_CODE: Record<string, number> = {
  invalid_input: 400,
  blocked_url: 400,
  not_found: 404,
  duplicate_target: 409,
  duplicate_source: 409,
  source_run_failed: 502,
  no_worker: 503,
};

/**
 * Fastify's own refusals of a request's body, in the shape of every other error: a stable code, the field at
 * fault (the body itself, or its content type) and what to send instead.
 */
const FRAMEWORK_ERRORS: Record<string, { status: number; error: string; field: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, error: 'body_too_large', field: 'body', message: `the body is larger than ${BODY_LIMIT_BYTES / 1024 / 1024} MiB; send less` },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, error: 'unsupported_media_type', field: 'content-type', message: 'send the body as application/json' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, error: 'invalid_input', field: 'body', message: 'is not valid JSON (or has a __proto__ or constructor.prototype key); send a JSON object' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, error: 'invalid_input', field: 'body', message: 'is empty but content-type says application/json; send a JSON object' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, error: 'invalid_input', field: 'body', message: 'is not as long as content-length says' },
};

/**
 * Fastify's `frameworkErrors`: what the router refuses before any route runs (a path that is not valid
 * percent-encoding, a path segment longer than the router takes), in the same shape as every other error.
 */
export function answerRouterError(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const message = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? `path: a part of the path is longer than ${MAX_PARAM_LENGTH} characters` : 'path: is not valid percent-encoding';
  void reply.code(err.statusCode ?? 400).send({ error: 'invalid_input', field: 'path', message });
}

/**
 * One error handler for the whole server: typed errors become their status with a message that says what to do
 * (and the field, for bad input); schema validation failures become 400 naming the field; anything else is a 500
 * that is logged in full and says nothing of its insides.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err.validation) {
      const first = err.validation[0];
      const field = first ? (first.instancePath.replace(/^\//, '').replace(/\//g, '.') || String(first.params?.missingProperty ?? err.validationContext ?? 'input')) : 'input';
      return reply.code(400).send({ error: 'invalid_input', field, message: `${field}: ${first?.message ?? err.message}` });
    }
    if (err instanceof AppError) {
      const status = STATUS_BY_CODE[err.code] ?? (err.code.endsWith('_unavailable') ? 503 : 500);
      if (status >= 500) request.log.error({ err }, 'request failed');
      const field = 'field' in err ? (err as AppError & { field: string }).field : undefined;
      return reply.code(status).send({ error: err.code, ...(field ? { field } : {}), message: status >= 500 && status !== 503 ? 'internal error' : err.message });
    }
    const framework = FRAMEWORK_ERRORS[err.code];
    if (framework) {
      return reply.code(framework.status).send({ error: framework.error, field: framework.field, message: `${framework.field}: ${framework.message}` });
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: err.code ?? 'bad_request', message: err.message });
    }
    request.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'internal_error', message: 'internal error; the server log has the details' });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }));
}
