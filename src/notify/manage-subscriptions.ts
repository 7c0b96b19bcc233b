import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../config.ts';
import type { Pool } from '../db/pool.ts';
import { getTarget } from '../db/targets.ts';
import { deleteSubscription, insertSubscription, type Subscription } from '../db/subscriptions.ts';
import { ALERT_KINDS, SEVERITY_LEVELS } from '../detect/findings.ts';
import { InvalidInputError, NotFoundError } from '../errors/index.ts';
import { parseDuration } from '../target-model/schedule.ts';
import { tagSchema } from '../targets/target-input.ts';
import { parseInput } from '../invalid-input.ts';
import { operatorText } from '../operator-text.ts';
import type { NotifyQueue } from '../queue/notify-jobs.ts';
import { schedulerIds } from '../queue/vocabulary.ts';
import { scheduleDigest } from './digest-schedule.ts';
import { validateWebhookUrl } from './channels/webhook.ts';
import { feedUrl } from './feed.ts';

/** What `subscriptions add` takes. Exactly one of webhook, email, feed. */
export interface NewSubscriptionInput {
  name: string;
  webhook?: string | undefined;
  email?: string | undefined;
  feed?: boolean | undefined;
  slack?: boolean | undefined;
  targetIds?: number[];
  tags?: string[];
  kinds?: string[];
  minSeverity?: string | undefined;
  digest?: string | undefined;
  /** The API token making it, so its owner alone sees and removes it. */
  ownerTokenId?: number | null | undefined;
}

/** A new subscription and what is shown only once: the webhook's signing secret, or the feed's URL. */
export interface CreatedSubscription {
  subscription: PublicSubscription;
  secret?: string;
  feedUrl?: string;
}

/** A subscription as listed: everything but its secret. */
export type PublicSubscription = Omit<Subscription, 'secret'>;

export function publicSubscription(s: Subscription): PublicSubscription {
  const { id, name, channel, webhookUrl, webhookFormat, email, targetIds, tags, kinds, minSeverity, digestEvery, active, ownerTokenId, createdAt } = s;
  return { id, name, channel, webhookUrl, webhookFormat, email, targetIds, tags, kinds, minSeverity, digestEvery, active, ownerTokenId, createdAt };
}

export { ALERT_KINDS };

const MIN_DIGEST_MS = 5 * 60_000;

const inputSchema = z.object({
  name: operatorText(z.string().trim().min(1, 'is required').max(200)),
  email: z.email('is not an email address').max(320).optional(),
  tags: z.array(tagSchema).max(50).default([]),
  kinds: z.array(z.enum(ALERT_KINDS as [string, ...string[]], { message: `must be one of ${ALERT_KINDS.join(', ')}` })).max(20).default([]),
  minSeverity: z.enum(SEVERITY_LEVELS, { message: 'must be low, medium or high' }).default('low'),
  digest: z.string().regex(/^\d+(m|h|d)$/, 'must be a duration like 30m, 6h or 1d').optional(),
});

/**
 * Validates and stores a subscription. A webhook URL must be public (unless private networks are allowed) and
 * accept a connection now; email needs SMTP_URL; a digest subscription gets its job scheduler at once.
 */
export async function addSubscription(deps: { pool: Pool; config: Config; queue: NotifyQueue }, input: NewSubscriptionInput): Promise<CreatedSubscription> {
  const channels = [input.webhook !== undefined, input.email !== undefined, input.feed === true].filter(Boolean).length;
  if (channels !== 1) throw new InvalidInputError('channel', 'give exactly one of --webhook URL, --email ADDRESS or --feed');
  const v = parseInput(inputSchema, { ...input, targetIds: undefined });
  if (input.slack && input.webhook === undefined) throw new InvalidInputError('slack', '--slack only applies to --webhook subscriptions');
  if (input.feed && v.digest) throw new InvalidInputError('digest', 'a feed is always pulled; --digest applies to --webhook and --email');
  if (v.digest && parseDuration(v.digest, 'digest') < MIN_DIGEST_MS) throw new InvalidInputError('digest', 'digest must be at least 5m');
  if (input.email !== undefined && !deps.config.smtpUrl) {
    throw new InvalidInputError('email', 'email: needs an SMTP server to send through; set SMTP_URL (e.g. smtp://user:pass@mail.example.org:587)');
  }
  const targetIds = [...new Set(input.targetIds ?? [])];
  for (const id of targetIds) {
    if (!(await getTarget(deps.pool, id))) throw new InvalidInputError('target', `target ${id} does not exist; list them with \`scrubwatch targets list\``);
  }
  const webhookUrl = input.webhook !== undefined ? await validateWebhookUrl(input.webhook, deps.config) : null;
  const channel = webhookUrl ? 'webhook' : v.email ? 'email' : 'feed';
  const secret = channel === 'feed' ? randomBytes(24).toString('base64url') : randomBytes(32).toString('hex');
  const subscription = await insertSubscription(deps.pool, {
    name: v.name,
    channel,
    webhookUrl,
    webhookFormat: input.slack ? 'slack' : 'json',
    email: v.email ?? null,
    secret,
    targetIds,
    tags: [...new Set(v.tags)],
    kinds: [...new Set(v.kinds)],
    minSeverity: v.minSeverity,
    digestEvery: v.digest ?? null,
    ownerTokenId: input.ownerTokenId ?? null,
  });
  await scheduleDigest(deps.queue, deps.config, subscription);
  return {
    subscription: publicSubscription(subscription),
    ...(channel === 'webhook' ? { secret } : {}),
    ...(channel === 'feed' ? { feedUrl: feedUrl(deps.config.publicUrl, secret) } : {}),
  };
}

/**
 * Deletes a subscription, its deliveries and its digest schedule. With `ownerTokenId`, only one that token made:
 * someone else's is "not found", so its existence does not leak.
 */
export async function removeSubscription(deps: { pool: Pool; queue: NotifyQueue }, id: number, ownerTokenId: number | null = null): Promise<PublicSubscription> {
  const removed = await deleteSubscription(deps.pool, id, ownerTokenId);
  if (!removed) throw new NotFoundError('subscription', id);
  await deps.queue.removeJobScheduler(schedulerIds.digest(id));
  return publicSubscription(removed);
}
