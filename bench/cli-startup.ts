/**
 * `npm run bench:cli`: how long an operator waits for a CLI command that does little — the help, a refused flag,
 * `targets list` and `alerts` against a small database — as wall time of a fresh `scrubwatch` process, median and
 * worst of BENCH_CLI_RUNS (default 10) each. Most of it is loading modules, which is why commands load the heavy
 * ones (Playwright, BullMQ, PGlite, Fastify) only when they need them. Prints the figures; not a test.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describeMachine, machine } from './lib/machine.ts';
import { createScratch } from './lib/scratch.ts';

const BIN = fileURLToPath(new URL('../bin/scrubwatch', import.meta.url));
const runs = Number(process.env.BENCH_CLI_RUNS ?? 10);

const scratch = await createScratch('cli');
const env = { ...process.env, DATABASE_URL: scratch.databaseUrl, REDIS_URL: scratch.redisUrl, SCRUBWATCH_QUEUE_PREFIX: scratch.prefix, LOG_LEVEL: 'silent' };

function timeCommand(args: string[], expectedCode: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const r = spawnSync(BIN, args, { env, encoding: 'utf8', timeout: 60_000 });
    times.push(performance.now() - started);
    if (r.status !== expectedCode) throw new Error(`scrubwatch ${args.join(' ')} exited ${r.status}, not ${expectedCode}: ${r.stderr}`);
  }
  return times.sort((a, b) => a - b);
}

try {
  process.stdout.write(`machine: ${describeMachine(machine())}\n${runs} runs each, wall time of a fresh process:\n`);
  const commands: Array<[string, string[], number]> = [
    ['--help', ['--help'], 0],
    ['a refused flag (check --wait soon)', ['check', '1', '--wait', 'soon'], 2],
    ['targets list --json', ['targets', 'list', '--json'], 0],
    ['alerts --json', ['alerts', '--json'], 0],
  ];
  for (const [label, args, code] of commands) {
    const times = timeCommand(args, code);
    const median = times[Math.floor(times.length / 2)]!;
    process.stdout.write(`  ${label.padEnd(36)} median ${median.toFixed(0).padStart(5)} ms   worst ${times.at(-1)!.toFixed(0).padStart(5)} ms\n`);
  }
} finally {
  await scratch.drop();
}
