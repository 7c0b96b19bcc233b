import { z } from 'zod';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { InvalidInputError } from '../../../errors/index.ts';
import { ROLES, can, type Capability } from '../../auth/roles.ts';

/**
 * The shapes the API validates and documents, each written once with zod: routes hand Fastify their JSON Schema
 * (so Ajv validates and @fastify/swagger documents the same thing), handlers use the inferred types.
 */

type JsonSchema = Record<string, unknown>;

function withoutDefaults(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDefaults);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).filter(([k]) => k !== 'default').map(([k, v]) => [k, withoutDefaults(v)]));
}

/**
 * A zod schema's JSON Schema (draft 7, the one Fastify's Ajv speaks), as input. `stripDefaults` for partial
 * updates: Ajv fills in defaults, which would overwrite what a PATCH left out.
 */
export function jsonSchema(schema: z.ZodType, options: { stripDefaults?: boolean; io?: 'input' | 'output' } = {}): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io: options.io ?? 'input', unrepresentable: 'any' }) as JsonSchema;
  void _ignored;
  return (options.stripDefaults ? withoutDefaults(rest) : rest) as JsonSchema;
}

/** Ids in paths: positive integers, so `/api/targets/abc` is a 400 naming `id`, never a Postgres error. */
export const idParams = z.object({ id: z.number().int().positive().describe('the id') });
export type IdParams = z.infer<typeof idParams>;

/**
 * The paging of every list: newest or lowest id first, `limit` items (fewer when they would pass PAGE_BUDGET_BYTES),
 * `cursor` = the `next` of the previous page.
 */
export const pageQuery = z.object({
  limit: z.number().int().min(1).max(200).default(50).describe('items per page, 1-200; a page holds fewer (at least one) when they would pass 1 MiB of JSON'),
  cursor: z.number().int().positive().optional().describe('the `next` value of the previous page; omit for the first page'),
});

/** A page of a list; `next` is the cursor of the following page, null on the last one. */
export function pageOf(item: z.ZodType): z.ZodType {
  return z.object({ items: z.array(item), next: z.number().int().nullable().describe('pass as `cursor` for the next page; null when this is the last') });
}

/** The serialized size past which a page takes no more items: pages stay small whatever a web page put in a row. */
export const PAGE_BUDGET_BYTES = 1024 * 1024;

/**
 * Builds a page from `limit + 1` rows (the extra row only says there is more): at most `limit` items, and no more
 * than fit in `budgetBytes` of JSON, but always at least one. `next` follows the last item given, so a page cut
 * short by size loses nothing: the rest come on the next page.
 */
export function toPage<T extends { id: number }>(rows: T[], limit: number, budgetBytes = PAGE_BUDGET_BYTES): { items: T[]; next: number | null } {
  const items: T[] = [];
  let bytes = 0;
  for (const row of rows.slice(0, limit)) {
    const size = Buffer.byteLength(JSON.stringify(row));
    if (items.length > 0 && bytes + size > budgetBytes) break;
    items.push(row);
    bytes += size;
  }
  return { items, next: rows.length > items.length ? items[items.length - 1]!.id : null };
}

/** The body of every error: a stable code, the field at fault for bad input, and what to do. */
export const errorBody = z.object({ error: z.string(), field: z.string().optional(), message: z.string() });

const ERRORS: Record<number, string> = {
  400: 'invalid input; `field` names it',
  401: 'no valid bearer token',
  403: 'the token’s role lacks the capability',
  404: 'no such resource',
  409: 'conflicts with an existing resource',
  429: 'too many failed authentications from this address: wait `Retry-After` seconds',
  503: 'a service is unavailable',
};

/** Documentation, security and error responses shared by every authenticated route. */
export function routeSchema(
  capability: Capability,
  tag: string,
  summary: string,
  parts: Partial<Pick<FastifySchema, 'params' | 'querystring' | 'body'>> & { response?: Record<number, unknown>; errors?: number[] },
): FastifySchema {
  const roles = ROLES.filter((r) => can(r, capability)).join(', ');
  const errors = [400, 401, 403, 429, ...(parts.errors ?? [])];
  const { response, errors: _e, ...rest } = parts;
  void _e;
  return {
    summary,
    description: `Needs \`${capability}\` (roles: ${roles}).`,
    tags: [tag],
    security: [{ bearerAuth: [] }],
    ...rest,
    response: {
      ...(response ?? {}),
      ...Object.fromEntries(errors.map((code) => [code, { description: ERRORS[code], ...jsonSchema(errorBody) }])),
    },
  } as FastifySchema;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The path of the first field of `value` that a closed object schema (`additionalProperties: false`) does not name. */
function unknownField(schema: unknown, value: unknown, path: string[] = []): string | null {
  if (!isRecord(schema) || !isRecord(value) || !isRecord(schema.properties)) return null;
  for (const [key, child] of Object.entries(value)) {
    const sub = schema.properties[key];
    if (sub === undefined) {
      if (schema.additionalProperties === false) return [...path, key].join('.');
      continue;
    }
    const found = unknownField(sub, child, [...path, key]);
    if (found) return found;
  }
  return null;
}

/**
 * Refuses a body field the route does not know, naming it: Fastify's Ajv silently drops such fields, so a typo
 * (`pause` for `paused`) would otherwise answer 200 and change nothing.
 */
export function rejectUnknownFields(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const field = unknownField(request.routeOptions.schema?.body, request.body);
    if (field !== null) throw new InvalidInputError(field, `${field}: not a field of this request (see /docs)`);
  });
}

/** A binary or text answer, for the OpenAPI document. */
export function bytesResponse(contentType: string, description: string): Record<string, unknown> {
  return { description, content: { [contentType]: { schema: { type: 'string', format: 'binary' } } } };
}
