import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { Context } from '../context.ts';
import type { PackagePlan } from '../evidence/evidence-snapshots.ts';
import { packageDeps } from '../evidence/package-deps.ts';
import { writeWacz } from '../evidence/write-wacz.ts';

/**
 * Streams a WACZ package as a download (the API's and the UI's routes alike). The plan is made first, so an unknown
 * id is a 404 before any byte; the WARC is written to a scratch folder of its own under the system's temporary
 * folder, removed once the response ends whatever happened. A failure after the first byte (the database gone, the
 * time-stamping authority silent) cuts the response short, which the client sees as a failed download.
 */
export async function sendPackage(ctx: Context, reply: FastifyReply, plan: () => Promise<PackagePlan>, filename: string): Promise<FastifyReply> {
  const planned = await plan();
  const scratch = await mkdtemp(join(tmpdir(), 'scrubwatch-package-'));
  try {
    const deps = await packageDeps(ctx.pool, ctx.config, ctx.logger, scratch);
    const body = new PassThrough();
    writeWacz(planned, deps, body)
      .catch((err: unknown) => {
        ctx.logger.error({ err, filename }, 'evidence package failed mid-stream');
        body.destroy(err instanceof Error ? err : new Error(String(err)));
      })
      .finally(() => rm(scratch, { recursive: true, force: true }));
    return reply.headers({ 'content-type': 'application/wacz', 'content-disposition': `attachment; filename="${filename}"`, 'x-content-type-options': 'nosniff' }).send(body);
  } catch (err) {
    await rm(scratch, { recursive: true, force: true });
    throw err;
  }
}
