import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Context } from '../../../context.ts';
import { InvalidInputError } from '../../../errors/index.ts';
import { requireCapability, type Principal } from '../../auth/plugin.ts';
import { can } from '../../auth/roles.ts';
import { listSubscriptions } from '../../../db/subscriptions.ts';
import type { NotifyQueue } from '../../../queue/notify-jobs.ts';
import { addSubscription, publicSubscription, removeSubscription, type NewSubscriptionInput } from '../../../notify/manage-subscriptions.ts';
import { idParams, jsonSchema, pageOf, pageQuery, routeSchema, toPage, type IdParams } from './schemas.ts';

/** A subscription as listed: never its secret. */
export const subscriptionShape = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  channel: z.enum(['webhook', 'email', 'feed']),
  webhookUrl: z.string().nullable(),
  webhookFormat: z.enum(['json', 'slack']),
  email: z.string().nullable(),
  targetIds: z.array(z.number().int()),
  tags: z.array(z.string()),
  kinds: z.array(z.string()),
  minSeverity: z.enum(['low', 'medium', 'high']),
  digestEvery: z.string().nullable(),
  active: z.boolean(),
  ownerTokenId: z.number().int().nullable(),
  createdAt: z.string(),
});

const created = subscriptionShape.extend({
  secret: z.string().optional().describe('the webhook signing secret: shown only here'),
  feedUrl: z.string().optional().describe('the Atom feed URL (its token is the secret): shown only here'),
});

const newSubscriptionBody = z.strictObject({
  name: z.string().min(1).max(200),
  channel: z.enum(['webhook', 'email', 'feed']),
  webhookUrl: z.string().min(1).max(2000).optional().describe('channel webhook: where alerts are POSTed, signed'),
  webhookFormat: z.enum(['json', 'slack']).optional().describe('channel webhook: `slack` sends a Slack-compatible { text } body'),
  email: z.string().min(1).max(320).optional().describe('channel email: where alerts are sent (needs SMTP_URL)'),
  targetIds: z.array(z.number().int().positive()).max(100).optional(),
  tags: z.array(z.string()).max(50).optional(),
  kinds: z.array(z.string()).max(20).optional(),
  minSeverity: z.enum(['low', 'medium', 'high']).optional(),
  digestEvery: z.string().optional().describe('gather alerts and send them together at this interval, like 6h'),
});
type NewSubscriptionBody = z.infer<typeof newSubscriptionBody>;

/** The domain names fields after the CLI's flags; the API answers with the body's own names. */
const FIELD_OF_FLAG: Record<string, string> = { digest: 'digestEvery', target: 'targetIds', webhook: 'webhookUrl', slack: 'webhookFormat' };

function toInput(body: NewSubscriptionBody, principal: Principal): NewSubscriptionInput {
  for (const [field, channel] of [['webhookUrl', 'webhook'], ['webhookFormat', 'webhook'], ['email', 'email']] as const) {
    if (body[field] !== undefined && body.channel !== channel) throw new InvalidInputError(field, `${field}: only applies to channel ${channel}`);
  }
  if (body.channel === 'webhook' && body.webhookUrl === undefined) throw new InvalidInputError('webhookUrl', 'webhookUrl: required for channel webhook');
  if (body.channel === 'email' && body.email === undefined) throw new InvalidInputError('email', 'email: required for channel email');
  return {
    name: body.name,
    webhook: body.webhookUrl,
    slack: body.webhookFormat === 'slack',
    email: body.email,
    feed: body.channel === 'feed',
    targetIds: body.targetIds ?? [],
    tags: body.tags ?? [],
    kinds: body.kinds ?? [],
    minSeverity: body.minSeverity,
    digest: body.digestEvery,
    ownerTokenId: principal.tokenId,
  };
}

/** Whose subscriptions a request sees and removes: its own, unless it may manage all of them. */
function ownerFilter(request: FastifyRequest): number | null {
  const principal = request.principal!;
  return can(principal.role, 'subscriptions:all') ? null : principal.tokenId;
}

const TAG = 'subscriptions';

/** Subscriptions: researchers manage their own, admins everyone's. */
export async function subscriptionRoutes(app: FastifyInstance, options: { ctx: Context; notifyQueue: NotifyQueue }): Promise<void> {
  const { ctx, notifyQueue: queue } = options;
  const own = requireCapability('subscriptions:own');

  app.get<{ Querystring: z.infer<typeof pageQuery> }>('/api/subscriptions', {
    schema: routeSchema('subscriptions:own', TAG, 'List your subscriptions (admins: everyone’s), in id order, never their secrets', {
      querystring: jsonSchema(pageQuery),
      response: { 200: jsonSchema(pageOf(subscriptionShape), { io: 'output' }) },
    }),
    onRequest: own,
  }, async (request) => {
    const { limit, cursor } = request.query;
    // A person's subscriptions are few: read them all, then page like every other list.
    const all = (await listSubscriptions(ctx.pool, ownerFilter(request))).map(publicSubscription);
    return toPage(all.filter((s) => cursor === undefined || s.id > cursor).slice(0, limit + 1), limit);
  });

  app.post<{ Body: NewSubscriptionBody }>('/api/subscriptions', {
    schema: routeSchema('subscriptions:own', TAG, 'Subscribe to alerts by webhook, email or Atom feed; the secret or feed URL is shown only in this answer', {
      body: jsonSchema(newSubscriptionBody),
      response: { 201: jsonSchema(created, { io: 'output' }) },
    }),
    onRequest: own,
  }, async (request, reply) => {
    try {
      const made = await addSubscription({ pool: ctx.pool, config: ctx.config, queue }, toInput(request.body, request.principal!));
      return reply.code(201).send({ ...made.subscription, ...(made.secret ? { secret: made.secret } : {}), ...(made.feedUrl ? { feedUrl: made.feedUrl } : {}) });
    } catch (err) {
      const field = err instanceof InvalidInputError ? FIELD_OF_FLAG[err.field] : undefined;
      if (err instanceof InvalidInputError && field) throw new InvalidInputError(field, err.message);
      throw err;
    }
  });

  app.delete<{ Params: IdParams }>('/api/subscriptions/:id', {
    schema: routeSchema('subscriptions:own', TAG, 'Remove one of your subscriptions (admins: anyone’s) with its deliveries', {
      params: jsonSchema(idParams),
      response: { 200: jsonSchema(subscriptionShape, { io: 'output' }) },
      errors: [404],
    }),
    onRequest: own,
  }, async (request) => removeSubscription({ pool: ctx.pool, queue }, request.params.id, ownerFilter(request)));
}
