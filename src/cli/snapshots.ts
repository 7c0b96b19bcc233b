import type { Command } from 'commander';
import { requireTarget } from '../db/targets.ts';
import { listSnapshots } from '../db/snapshots.ts';
import { snapshotLine } from './format.ts';
import { output, parseId, withPool, type CommonFlags } from './runtime.ts';
import { registerSnapshotExport } from './evidence.ts';

/** `scrubwatch snapshots <target-id>`: a target's stored captures; `snapshots export <snapshot-id>`: one as a package. */
export function registerSnapshots(program: Command): void {
  const snapshots = program
    .command('snapshots')
    .argument('<target-id>')
    .description("list a target's snapshots, newest first")
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print an array of snapshots as JSON')
    .action(async (id: string, flags: CommonFlags & { limit: string }) => {
      await withPool(async (pool) => {
        const target = await requireTarget(pool, parseId(id, 'target id'));
        const list = await listSnapshots(pool, target.id, parseId(flags.limit, '--limit'));
        output(flags, list, (l) => (l.length ? l.map(snapshotLine).join('\n') : `no snapshots of target #${target.id} yet`));
      });
    });
  registerSnapshotExport(snapshots);
}
