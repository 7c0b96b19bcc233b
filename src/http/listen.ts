import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Context } from '../context.ts';
import { NoApiTokenError } from '../errors/index.ts';
import { countLiveTokens } from '../db/api-tokens.ts';
import { buildServer } from './server.ts';

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/**
 * Builds the server and listens on HOST:PORT. With no API token at all it refuses any address but loopback: an
 * open server would let anyone in.
 */
export async function startServer(ctx: Context): Promise<FastifyInstance> {
  const { host, port } = ctx.config;
  if (!isLoopback(host) && (await countLiveTokens(ctx.pool)) === 0) {
    throw new NoApiTokenError(host);
  }
  const app = await buildServer(ctx, { logRequests: true });
  await app.listen({ host, port });
  ctx.logger.info({ url: `http://${host.includes(':') ? `[${host}]` : host}:${port}` }, 'server listening');
  return app;
}
