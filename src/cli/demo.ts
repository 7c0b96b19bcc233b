import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { cutAtWord } from '../detect/cut-at-word.ts';
import { alertLine } from './format.ts';
import { output, type CommonFlags } from './runtime.ts';
import { terminalText } from './terminal-text.ts';

const PART_WORDS: Record<string, string> = { title: 'the title', main: 'the main text', caption: 'a caption', embed: 'an embedded tweet' };

/** A lost mention of a watched phrase: where it was cut from, its sentence, and how many mentions are left. */
function mentionLine(item: Record<string, unknown>): string | undefined {
  if (typeof item.sentence !== 'string') return undefined;
  const left = Number(item.remaining);
  return `"${String(item.phrase)}" cut from ${PART_WORDS[String(item.part)] ?? String(item.part)}${left > 0 ? ` (${left} mention${left > 1 ? 's' : ''} left)` : ''}: ${item.sentence}`;
}

function evidenceLines(evidence: Record<string, unknown>): string[] {
  const lines = [`    proof: last snapshot with it #${String(evidence.lastWithSnapshotId)}, first without it #${String(evidence.firstWithoutSnapshotId)}, confirmed by #${String(evidence.confirmedBySnapshotId)}`];
  for (const item of (evidence.items as Array<Record<string, unknown>> | undefined) ?? []) {
    const what = item.signal ? `${String(item.finalUrl)} answered ${String(item.status)} (${String(item.signal)})` : (item.text ?? item.caption ?? mentionLine(item) ?? item.phrase ?? item.url);
    lines.push(`    - ${cutAtWord(String(what), 160)}${item.blobSha256 ? ` (file kept as blob ${String(item.blobSha256).slice(0, 12)}…)` : ''}`);
  }
  return lines;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('a one-minute tour: watch a bundled fixture news site, take things down, see the alerts (needs Chromium; Postgres only when DATABASE_URL is set and Redis only when REDIS_URL is: else it runs embedded)')
    .option('--json', 'print the demo targets and alerts as JSON')
    .action(async (flags: CommonFlags) => {
      // The fixture site listens on 127.0.0.1: the demo, alone, may watch a private address. Its captures follow
      // each other within seconds, and its story is a removal confirmed by the second: no minimum gap.
      const config = { ...loadConfig(), allowPrivateNetworks: true, confirmMinGapMs: 0 };
      // The narration tells the story; logs join it only when asked for in detail.
      const verbose = config.logLevel === 'debug' || config.logLevel === 'trace';
      const [{ createContext }, { runDemo }] = await Promise.all([import('../context.ts'), import('../demo/run-demo.ts')]);
      const ctx = await createContext(config, createLogger(verbose ? config.logLevel : 'warn'));
      try {
        const say = flags.json ? () => undefined : (line: string) => process.stderr.write(`${terminalText(line)}\n`);
        const result = await runDemo(ctx, say);
        output(flags, result, (r) =>
          [`\n${r.alerts.length} alerts raised:`, ...r.alerts.flatMap((a) => [alertLine(a), ...evidenceLines(a.evidence)]), `\nsee them again with: scrubwatch alerts --tag ${r.targets[0]?.tags[1] ?? 'demo'}`].join('\n'),
        );
      } finally {
        await ctx.close();
      }
    });
}
