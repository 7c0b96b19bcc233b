import type { FastifyReply } from 'fastify';
import type { Pool } from '../db/pool.ts';
import { getBlob } from '../db/blobs.ts';
import type { Snapshot } from '../db/snapshots.ts';
import { AppError } from '../errors/index.ts';
import { loadSnapshotFacts } from '../review/snapshot-diff.ts';

/**
 * Everything a snapshot stores came from the web and is hostile: whatever route serves it, the browser gets a
 * document with no origin (sandbox), no script, no network but inline images and styles, never sniffed, and
 * readable only by pages of this origin.
 */
export const STORED_CONTENT_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/** Image types browsers only decode as pixels: no scripts, no links, no fetches. SVG is a document, so it is not one. */
const RASTER_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp', 'image/x-icon', 'image/vnd.microsoft.icon']);

/** What is being served: the archived page (shown in a sandboxed iframe), its extracted text, or a stored file. */
export type StoredContent = { kind: 'archived-html' } | { kind: 'text' } | { kind: 'file'; mediaType: string; name: string };

/**
 * The one place that decides how stored bytes reach a browser. Raster images are shown inline with their type; the
 * archived page and its text inline as the types scrubwatch made them; anything else (SVG, HTML or script a page
 * called a photo, video) is a download, typed as opaque bytes, so no stored file ever becomes a document.
 */
export function storedContentHeaders(content: StoredContent): Record<string, string> {
  const common = {
    'content-security-policy': STORED_CONTENT_CSP,
    'x-content-type-options': 'nosniff',
    'cross-origin-resource-policy': 'same-origin',
  };
  if (content.kind === 'archived-html') return { ...common, 'content-type': 'text/html; charset=utf-8', 'content-disposition': 'inline' };
  if (content.kind === 'text') return { ...common, 'content-type': 'text/plain; charset=utf-8', 'content-disposition': 'inline' };
  const type = content.mediaType.split(';')[0]!.trim().toLowerCase();
  if (RASTER_IMAGE_TYPES.has(type)) return { ...common, 'content-type': type, 'content-disposition': 'inline' };
  return { ...common, 'content-type': 'application/octet-stream', 'content-disposition': `attachment; filename="${content.name}"` };
}

const PART_CONTENT: Record<'screenshot' | 'text' | 'html', StoredContent> = {
  screenshot: { kind: 'file', mediaType: 'image/png', name: 'screenshot.png' },
  text: { kind: 'text' },
  html: { kind: 'archived-html' },
};

/** Sends one stored part of a snapshot (the API's and the UI's routes alike), or a not_found saying it has none. */
export async function sendSnapshotPart(pool: Pool, reply: FastifyReply, snapshot: Snapshot, part: 'screenshot' | 'text' | 'html'): Promise<FastifyReply> {
  const sha = snapshot.parts[part];
  const blob = sha ? await getBlob(pool, sha) : null;
  if (!blob) throw new AppError('not_found', `snapshot ${snapshot.id} has no stored ${part} (the capture read no page, or its fetcher keeps none)`);
  return reply.headers(storedContentHeaders(PART_CONTENT[part])).send(blob.data);
}

/** Sends a photo or video file a snapshot kept: only one its media list names, so no other blob is reachable here. */
export async function sendSnapshotMedia(pool: Pool, reply: FastifyReply, snapshot: Snapshot, sha256: string): Promise<FastifyReply> {
  const facts = await loadSnapshotFacts(pool, snapshot);
  const named = facts?.media.some((m) => m.sha256 === sha256) ?? false;
  const blob = named ? await getBlob(pool, sha256) : null;
  if (!blob) throw new AppError('not_found', `snapshot ${snapshot.id} kept no file ${sha256}`);
  return reply.headers(storedContentHeaders({ kind: 'file', mediaType: blob.mediaType, name: sha256 })).send(blob.data);
}

/**
 * Sends a linked document a snapshot kept: only one its `documents` name, as a download (storedContentHeaders
 * never lets a stored PDF or HTML render as a page of this site).
 */
export async function sendSnapshotDocument(pool: Pool, reply: FastifyReply, snapshot: Snapshot, sha256: string): Promise<FastifyReply> {
  const facts = await loadSnapshotFacts(pool, snapshot);
  const document = facts?.documents?.find((d) => d.sha256 === sha256);
  const blob = document ? await getBlob(pool, sha256) : null;
  if (!document || !blob) throw new AppError('not_found', `snapshot ${snapshot.id} kept no document ${sha256}`);
  // The file's name from its URL's last path segment, reduced to characters safe in a header.
  const name = (/\/([^/?#]+)(?:[?#]|$)/.exec(document.url)?.[1] ?? sha256).replace(/[^\w.-]/g, '_').slice(0, 100);
  return reply.headers(storedContentHeaders({ kind: 'file', mediaType: blob.mediaType, name })).send(blob.data);
}
