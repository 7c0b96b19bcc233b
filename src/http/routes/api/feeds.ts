import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { Context } from '../../../context.ts';
import { AppError } from '../../../errors/index.ts';
import { getSubscriptionByToken } from '../../../db/subscriptions.ts';
import { subscriptionFeed } from '../../../notify/feed.ts';
import { jsonSchema } from './schemas.ts';

const feedParams = z.object({ token: z.string().min(1).max(200).describe("the feed's secret token, from its URL") });

/** Atom feeds of feed subscriptions. No bearer token: the URL's token is the secret, so a reader can poll it. */
export async function feedRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;
  app.get<{ Params: z.infer<typeof feedParams> }>('/feeds/:token.atom', {
    schema: { summary: "A feed subscription's Atom feed (no auth: the token is the secret); 410 once the subscription has ended", tags: ['health'], params: jsonSchema(feedParams) },
  }, async (request, reply) => {
    const subscription = await getSubscriptionByToken(ctx.pool, request.params.token);
    if (!subscription) throw new AppError('not_found', 'no feed at this URL; ask for its URL again, or subscribe with channel "feed"');
    // Ended (its token was revoked): say so for good, so a reader stops polling, rather than serve it on.
    if (!subscription.active) return reply.code(410).send({ error: 'gone', message: 'this feed has ended: the token that subscribed to it was revoked; subscribe again with a live token' });
    const xml = await subscriptionFeed(ctx.pool, ctx.config.publicUrl, subscription);
    return reply.header('content-type', 'application/atom+xml; charset=utf-8').header('cache-control', 'private, max-age=60').send(xml);
  });
}
