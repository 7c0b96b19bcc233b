import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';

const STATUS_BY_CODE: Record<string, number> = {
  invalid_input: 400,
  blocked_url: 400,
  not_found: 404,
  duplicate_target: 409,
  no_worker: 503,
};

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
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: err.code ?? 'bad_request', message: err.message });
    }
    request.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'internal_error', message: 'internal error; the server log has the details' });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }));
}
