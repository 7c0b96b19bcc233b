import { Option, type Command } from 'commander';
import { SEVERITY_LEVELS } from '../detect/findings.ts';
import { getSubscription, listSubscriptions } from '../db/subscriptions.ts';
import { NotFoundError } from '../errors/index.ts';
import { writeFileAtomically } from '../files/atomic-file.ts';
import type { PublicSubscription } from '../notify/manage-subscriptions.ts';
import { collect, output, parseId, withContext, withPool, type CommonFlags } from './runtime.ts';
import { terminalText } from './terminal-text.ts';

/** Loaded when a command needs it, not with the CLI: it brings in the queues and the delivery channels. */
const manageSubscriptions = () => import('../notify/manage-subscriptions.ts');

interface AddFlags extends CommonFlags {
  name: string;
  webhook?: string;
  email?: string;
  feed?: boolean;
  slack?: boolean;
  target: string[];
  tag: string[];
  kind: string[];
  minSeverity?: string;
  digest?: string;
}

function subscriptionLine(s: PublicSubscription): string {
  const where = s.channel === 'webhook' ? `webhook ${s.webhookUrl}${s.webhookFormat === 'slack' ? ' (slack)' : ''}` : s.channel === 'email' ? `email ${s.email}` : 'feed';
  const filters = [
    s.targetIds.length ? `targets ${s.targetIds.join(',')}` : null,
    s.tags.length ? `tags ${s.tags.join(',')}` : null,
    s.kinds.length ? `kinds ${s.kinds.join(',')}` : null,
    s.minSeverity !== 'low' ? `severity ≥ ${s.minSeverity}` : null,
  ].filter(Boolean);
  return `#${s.id} ${s.active ? '' : '(inactive) '}${s.name} — ${where}, ${s.digestEvery ? `digest every ${s.digestEvery}` : 'immediate'}${filters.length ? `; ${filters.join('; ')}` : '; every alert'}`;
}

export function registerSubscriptions(program: Command): void {
  const subscriptions = program.command('subscriptions').description('who receives which alerts: webhooks, email, Atom feeds');

  subscriptions
    .command('add')
    .description('subscribe to alerts through a webhook, an email address or an Atom feed')
    .requiredOption('--name <name>', 'who this is for')
    .option('--webhook <url>', 'POST each alert, signed, to this URL')
    .option('--email <address>', 'email each alert to this address (needs SMTP_URL)')
    .option('--feed', 'publish the alerts as an Atom feed at a secret URL')
    .option('--slack', 'send webhooks as a Slack-compatible { "text" } body')
    .option('--target <id>', 'only alerts of this target (repeatable)', collect, [])
    .option('--tag <tag>', 'only alerts of targets with this tag (repeatable)', collect, [])
    .option('--kind <kind>', 'only alerts of this kind (repeatable)', collect, [])
    .addOption(new Option('--min-severity <level>', 'only alerts at least this severe').choices(SEVERITY_LEVELS))
    .option('--digest <duration>', 'gather alerts and send them together at this interval, like 6h')
    .option('--json', 'print the subscription, with its webhook secret or feed URL, as JSON')
    .action(async (flags: AddFlags) => {
      await withContext(async (ctx) => {
        const { addSubscription } = await manageSubscriptions();
        const created = await addSubscription(
          { pool: ctx.pool, config: ctx.config, queue: ctx.notifyQueue },
          {
            name: flags.name,
            webhook: flags.webhook,
            email: flags.email,
            feed: flags.feed,
            slack: flags.slack,
            targetIds: flags.target.map((t) => parseId(t, '--target')),
            tags: flags.tag,
            kinds: flags.kind,
            minSeverity: flags.minSeverity,
            digest: flags.digest,
          },
        );
        output(flags, { ...created.subscription, ...(created.secret ? { secret: created.secret } : {}), ...(created.feedUrl ? { feedUrl: created.feedUrl } : {}) }, () =>
          [
            `added ${subscriptionLine(created.subscription)}`,
            created.secret ? `webhook signing secret (shown once; keep it): ${created.secret}` : null,
            created.feedUrl ? `feed URL (shown once; keep it private): ${created.feedUrl}` : null,
          ]
            .filter(Boolean)
            .join('\n'),
        );
      });
    });

  subscriptions
    .command('list')
    .description('list subscriptions (secrets are never shown)')
    .option('--json', 'print an array of subscriptions as JSON')
    .action(async (flags: CommonFlags) => {
      await withPool(async (pool) => {
        const { publicSubscription } = await manageSubscriptions();
        const list = (await listSubscriptions(pool)).map(publicSubscription);
        output(flags, list, (l) => (l.length ? l.map(subscriptionLine).join('\n') : 'no subscriptions yet: add one with `scrubwatch subscriptions add`'));
      });
    });

  subscriptions
    .command('remove <id>')
    .description('delete a subscription and its deliveries')
    .option('--json', 'print the removed subscription as JSON')
    .action(async (id: string, flags: CommonFlags) => {
      await withContext(async (ctx) => {
        const { removeSubscription } = await manageSubscriptions();
        output(flags, await removeSubscription({ pool: ctx.pool, queue: ctx.notifyQueue }, parseId(id, 'subscription id')), (s) => `removed ${subscriptionLine(s)}`);
      });
    });

  subscriptions
    .command('feed <id>')
    .description("print a subscription's Atom feed (what its feed URL serves)")
    .option('--out <file>', 'write the XML to this file instead')
    .option('--json', 'print { id, feedUrl, xml } as JSON')
    .action(async (id: string, flags: CommonFlags & { out?: string }) => {
      await withPool(async (pool, config) => {
        const sub = await getSubscription(pool, parseId(id, 'subscription id'));
        if (!sub) throw new NotFoundError('subscription', id);
        const { feedUrl, subscriptionFeed } = await import('../notify/feed.ts');
        const xml = await subscriptionFeed(pool, config.publicUrl, sub);
        if (flags.out) {
          await writeFileAtomically(flags.out, xml);
          output(flags, { id: sub.id, file: flags.out }, (r) => `wrote the feed of subscription #${r.id} to ${r.file}`);
          return;
        }
        if (flags.json) output(flags, { id: sub.id, feedUrl: sub.channel === 'feed' ? feedUrl(config.publicUrl, sub.secret) : null, xml }, () => '');
        // A document: kept as it is when piped, made harmless when it lands on a terminal.
        else process.stdout.write((process.stdout.isTTY ? terminalText : String)(xml.endsWith('\n') ? xml : `${xml}\n`));
      });
    });
}
