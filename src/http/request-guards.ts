import type { FastifyInstance } from 'fastify';
import { InvalidInputError } from '../errors/index.ts';

/** The largest request body read (a 413 beyond): a target with every option filled in is a few kilobytes. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** The longest path segment the router matches (a 414 beyond): ids are numbers, hashes 64 characters. */
export const MAX_PARAM_LENGTH = 200;

/**
 * Makes a scope take JSON bodies only: any other content type is a 415. A cross-site HTML form can only send
 * form-encoded, multipart or text/plain bodies, so a JSON-only scope cannot be driven by one, whatever cookies the
 * browser attaches. The review UI's own forms post to their own (CSRF-protected) scope.
 */
export function jsonBodiesOnly(app: FastifyInstance): void {
  app.removeContentTypeParser(['text/plain', 'application/x-www-form-urlencoded']);
}

/** Why a string cannot be stored as Postgres text, or null when it can. */
function unstorable(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character (\\u0000), which cannot be stored; remove it';
  // A lone UTF-16 surrogate is not a character: it would be stored as U+FFFD, not as sent.
  if (/\p{Cs}/u.test(text)) return 'contains a lone UTF-16 surrogate (not valid Unicode); send well-formed text';
  return null;
}

/** A place in a value being walked: its key and its parent, so a path is only built for what is found. */
interface Place {
  value: unknown;
  key: string | null;
  parent: Place | null;
}

function pathOf(place: Place, root: string[]): string {
  const keys: string[] = [];
  for (let p: Place | null = place; p; p = p.parent) if (p.key !== null) keys.push(p.key);
  return [...root, ...keys.reverse()].join('.') || 'input';
}

/**
 * The first string (or object key) anywhere in `value` that cannot be stored, with its dotted path. Walks with an
 * explicit stack and parent links: a body nested 100,000 deep costs neither the call stack nor quadratic copying.
 */
export function findUnstorableText(value: unknown, root: string[] = []): { field: string; reason: string } | null {
  const stack: Place[] = [{ value, key: null, parent: null }];
  while (stack.length > 0) {
    const place = stack.pop()!;
    const v = place.value;
    if (typeof v === 'string') {
      const reason = unstorable(v);
      if (reason) return { field: pathOf(place, root), reason };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: String(i), parent: place });
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        const keyReason = unstorable(key);
        if (keyReason) return { field: pathOf({ value: child, key: key.replaceAll('\u0000', '?').replace(/\p{Cs}/gu, '?'), parent: place }, root), reason: `has a key that ${keyReason}` };
        stack.push({ value: child, key, parent: place });
      }
    }
  }
  return null;
}

/**
 * Refuses, as a 400 naming the field, any path parameter, query value or body string Postgres cannot store (a NUL,
 * a lone surrogate): otherwise it reaches the database and comes back as a 500. Runs before the schemas, for
 * every route, so no text field can be missed.
 */
export function refuseUnstorableText(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    // A wildcard route's rest of the path is the parameter `*`: call it what it is.
    const inPath = findUnstorableText(request.params);
    const found = (inPath && { ...inPath, field: inPath.field === '*' ? 'path' : inPath.field }) ?? findUnstorableText(request.query) ?? findUnstorableText(request.body);
    if (!found) return;
    // The status too: the queue board's scope has an error handler of its own that knows only `statusCode`.
    throw Object.assign(new InvalidInputError(found.field, `${found.field}: ${found.reason}`), { statusCode: 400 });
  });
}
