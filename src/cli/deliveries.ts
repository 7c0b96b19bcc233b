import type { Command } from 'commander';
import { listDeliveries, type DeliveryListing } from '../db/deliveries.ts';
import { output, withPool, type CommonFlags } from './runtime.ts';

function deliveryLine(d: DeliveryListing): string {
  const code = d.responseCode !== null ? ` (${d.responseCode})` : '';
  const error = d.lastError ? `\n  last error: ${d.lastError}` : '';
  return `delivery #${d.id} ${d.status}${code} — alert #${d.alertId} ${d.alertKind} (target #${d.targetId}) to #${d.subscriptionId} ${d.subscriptionName} by ${d.channel}, ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}${d.deliveredAt ? `, delivered ${d.deliveredAt}` : ''}${error}`;
}

export function registerDeliveries(program: Command): void {
  program
    .command('deliveries')
    .description('alerts sent (or being sent) to subscribers, newest first')
    .option('--failed', 'only the dead letter: deliveries that ran out of retries')
    .option('--json', 'print an array of deliveries as JSON')
    .action(async (flags: CommonFlags & { failed?: boolean }) => {
      await withPool(async (pool) => {
        const list = await listDeliveries(pool, { failed: flags.failed ?? false });
        output(flags, list, (l) => (l.length ? l.map(deliveryLine).join('\n') : flags.failed ? 'no failed deliveries' : 'no deliveries yet'));
      });
    });
}
