import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

const DESCRIPTION = `Watches web pages and tweets, keeps every snapshot, and raises alerts when something is removed.

**Auth**: \`Authorization: Bearer <token>\` (create one with \`scrubwatch tokens create --role operator\`). Each
operation names the capability it needs and the roles that have it; 401 without a valid token, 403 without the
capability.

**Pagination**: every list takes \`limit\` (1-200, default 50) and \`cursor\`, and answers \`{ "items": [...],
"next": <cursor> | null }\`; pass \`next\` as \`cursor\` to get the following page. Targets, subscriptions and
tokens are in id order; snapshots and alerts newest first.

**Errors**: \`{ "error": "<code>", "field"?: "<the field at fault>", "message": "<what to do>" }\`: 400 invalid_input
(naming the field), 401 unauthorized, 403 forbidden, 404 not_found, 409 duplicate_target, 413 body_too_large (over
1 MiB), 414 for a path segment over 200 characters, 415 unsupported_media_type (bodies are JSON only), 503 when a
service or a worker is missing, 500 internal_error (details only in the server log). Text holding a NUL character
or a lone UTF-16 surrogate is a 400 naming its field: it cannot be stored as sent.`;

/**
 * The OpenAPI document, generated from the routes' JSON schemas, at `/openapi.json`, and Swagger UI at `/docs`.
 * Registered on the API's own instance before its routes, so it sees each of them (and none of the review UI's).
 */
export async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'scrubwatch API', version: '1', description: DESCRIPTION },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'an API token from `scrubwatch tokens create`' } } },
      tags: [
        { name: 'targets', description: 'watched pages and tweets' },
        { name: 'snapshots', description: 'stored captures and their parts' },
        { name: 'alerts', description: 'removals raised to people, and their triage' },
        { name: 'subscriptions', description: 'who receives which alerts' },
        { name: 'tokens', description: 'API tokens' },
        { name: 'health', description: 'liveness, readiness, metrics, feeds' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, theme: { title: 'scrubwatch API · docs' }, uiConfig: { docExpansion: 'list', deepLinking: true } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
