import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { Pool } from '../db/pool.ts';
import { getBlob } from '../db/blobs.ts';
import { getSnapshot, type Snapshot } from '../db/snapshots.ts';
import { AppError } from '../errors/index.ts';
import { loadSnapshotFacts } from '../review/snapshot-diff.ts';
import { FRAME_HTML_MAX_BYTES, rewriteArchivedHtml } from '../review/archived-frame.ts';
import { storedContentHeaders } from './stored-content.ts';

/**
 * The archived page's frame is a sandboxed document with an opaque origin: the browser sends it no session cookie
 * (SameSite=Strict) and may not read a same-origin-only resource from it. So its photos come from a route of their
 * own, each URL carrying an HMAC of the snapshot and the file under the server's secret: only a page the session
 * could read names one, and it opens that one file of that one snapshot, nothing else.
 */
export class FrameMediaSigner {
  readonly #key: Buffer;

  constructor(serverSecret: string) {
    this.#key = createHmac('sha256', serverSecret).update('scrubwatch archived frame media').digest();
  }

  sign(snapshotId: number, sha256: string): string {
    return createHmac('sha256', this.#key).update(`${snapshotId}/${sha256}`).digest('base64url');
  }

  verify(snapshotId: number, sha256: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(snapshotId, sha256));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/** The path prefix of a snapshot's frame photos: the only images its frame's CSP allows. */
export const frameMediaPrefix = (snapshotId: number): string => `/snapshots/${snapshotId}/frame-media/`;

/** The frame's CSP: the stored-content sandbox, with images from this snapshot's frame-media route alone. */
export function frameCsp(origin: string, snapshotId: number): string {
  return `sandbox; default-src 'none'; img-src ${origin}${frameMediaPrefix(snapshotId)}; style-src 'unsafe-inline'`;
}

/**
 * Sends the archived page for the sandboxed frame: the stored HTML with its kept photos pointing at their stored
 * copies and every other fetch removed (see rewriteArchivedHtml). `origin` is the one the browser asked, which the
 * CSP names because a sandboxed document's own origin matches nothing.
 */
export async function sendArchivedFrame(pool: Pool, reply: FastifyReply, snapshot: Snapshot, signer: FrameMediaSigner, origin: string): Promise<FastifyReply> {
  const blob = snapshot.parts.html ? await getBlob(pool, snapshot.parts.html) : null;
  if (!blob) throw new AppError('not_found', `snapshot ${snapshot.id} has no stored html (the capture read no page, or its fetcher keeps none)`);
  const headers = { ...storedContentHeaders({ kind: 'archived-html' }), 'content-security-policy': frameCsp(origin, snapshot.id) };
  if (blob.data.length > FRAME_HTML_MAX_BYTES) {
    const mib = (blob.data.length / 1024 / 1024).toFixed(1);
    return reply.headers(headers).send(`<!DOCTYPE html><p>The stored page is ${mib} MiB, too big to show here. Download it from the API: GET /api/snapshots/${snapshot.id}/html.</p>`);
  }
  const facts = await loadSnapshotFacts(pool, snapshot);
  const storedByUrl = new Map<string, string>();
  for (const m of facts?.media ?? []) if (m.kind === 'image' && m.sha256) storedByUrl.set(m.url, m.sha256);
  const html = rewriteArchivedHtml(blob.data.toString('utf8'), snapshot.finalUrl, {
    storedByUrl,
    routeFor: (sha256) => `${frameMediaPrefix(snapshot.id)}${sha256}?sig=${signer.sign(snapshot.id, sha256)}`,
  });
  return reply.headers(headers).send(html);
}

/**
 * Sends one photo to the frame: only with a valid signature, and only a file the snapshot's media list names (a
 * bad signature answers as a missing file does). Readable cross-origin, since the frame's origin is opaque.
 */
export async function sendFrameMedia(pool: Pool, reply: FastifyReply, snapshotId: number, sha256: string, signature: string, signer: FrameMediaSigner): Promise<FastifyReply> {
  // The signature first: without one, nothing about the snapshot (not even whether it exists) is looked up.
  const snapshot = signer.verify(snapshotId, sha256, signature) ? await getSnapshot(pool, snapshotId) : null;
  const facts = snapshot ? await loadSnapshotFacts(pool, snapshot) : null;
  const named = facts?.media.some((m) => m.kind === 'image' && m.sha256 === sha256) ?? false;
  const blob = named ? await getBlob(pool, sha256) : null;
  if (!blob) throw new AppError('not_found', `snapshot ${snapshotId} kept no file ${sha256} for its frame, or this link was not made by its page: open the snapshot's page again`);
  const headers = storedContentHeaders({ kind: 'file', mediaType: blob.mediaType, name: sha256 });
  return reply.headers({ ...headers, 'cross-origin-resource-policy': 'cross-origin', 'cache-control': 'private, max-age=3600' }).send(blob.data);
}
