import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { testConfig, testEnv } from '../helpers/context.ts';
import { runCli } from '../helpers/cli.ts';
import { deletePrefixKeys, uniquePrefix } from '../helpers/queue-prefix.ts';
import { startWorkerProcess, stopProcess, type WorkerProcess } from '../helpers/processes.ts';
import { createContext, type Context } from '../../src/context.ts';
import { createLogger } from '../../src/logger.ts';
import { runDemo } from '../../src/demo/run-demo.ts';
import { listAlerts, type Alert } from '../../src/db/alerts.ts';
import { flintlockArticle } from '../../src/demo/fixture-site.ts';
import { listSnapshots } from '../../src/db/snapshots.ts';
import { listTargets } from '../../src/db/targets.ts';
import { schedulerId } from '../../src/queue/schedules.ts';

const GOITA_PARAGRAPH = flintlockArticle.paragraphs.find((p) => p.includes('Goita'))!;

/** What the confirming pass raises for each of the demo's three pages, in the order it watches them. */
const EXPECTED = [
  { lifecycle: 'removed', kinds: ['page_removed'] },
  { lifecycle: 'live', kinds: ['media_removed', 'phrase_removed'] },
  { lifecycle: 'live', kinds: ['content_removed', 'phrase_removed'] },
];

/** The narration's lines for the confirming pass: `  #<id> HTTP <status> → <lifecycle>, raised <kinds>`. */
function confirmingLines(narration: string[]): Array<{ id: number; lifecycle: string; kinds: string[] }> {
  const from = narration.findIndex((l) => l.includes('the second sighting confirms'));
  expect(from).toBeGreaterThan(0);
  return narration.slice(from + 1, from + 4).map((line) => {
    const m = /^ {2}#(\d+) HTTP \d+ → (\w+)(?:, raised (.+))?$/.exec(line);
    expect(m, line).not.toBeNull();
    return { id: Number(m![1]), lifecycle: m![2]!, kinds: (m![3] ?? '').split(', ').filter(Boolean).sort() };
  });
}

describe('the demo tells its own story while a worker runs on the same database and queue', () => {
  let db: TestDatabase;
  let ctx: Context;
  let env: Record<string, string>;
  let worker: WorkerProcess;
  let promoting = true;
  let promoter: Promise<void>;

  beforeAll(async () => {
    db = await createTestDatabase();
    const prefix = uniquePrefix();
    env = testEnv(db.url, prefix);
    const config = testConfig(db.url, prefix);
    ctx = await createContext(config, createLogger(config.logLevel, { pretty: false }));
    worker = await startWorkerProcess(env);
    // Time passing, made instant: whatever waits in the delayed set (a first capture queued at add, a schedule's
    // next run) falls due now, so the running worker takes it mid-demo if the demo ever queued one.
    promoter = (async () => {
      while (promoting) {
        for (const job of await ctx.captureQueue.getDelayed()) await job.promote().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
  }, 120_000);
  afterAll(async () => {
    promoting = false;
    await promoter;
    if (worker) await stopProcess(worker, 'SIGTERM', 60_000);
    await ctx?.close();
    await deletePrefixKeys(env.SCRUBWATCH_QUEUE_PREFIX!);
    await db?.drop();
  }, 120_000);

  /** Every snapshot of the demo's targets was taken by the demo itself, and no job of theirs is on the queue. */
  async function expectDemoAlone(targetIds: number[]): Promise<void> {
    for (const id of targetIds) {
      const jobIds = (await listSnapshots(ctx.pool, id, 100)).map((s) => s.jobId);
      expect(jobIds.length).toBe(3);
      expect(jobIds.filter((j) => !j.startsWith('demo-')), `snapshots of demo target ${id} taken by the worker`).toEqual([]);
      expect(await ctx.captureQueue.getJob(`first-${id}`)).toBeUndefined();
      expect(await ctx.captureQueue.getJobScheduler(schedulerId(id))).toBeUndefined();
    }
  }

  /** The demo's own words name, per target, exactly the alerts stored for it, and they are the story's. */
  async function expectStory(narration: string[], ids: number[]): Promise<void> {
    const told = confirmingLines(narration);
    expect(told.map((t) => t.id)).toEqual(ids);
    expect(told.map(({ lifecycle, kinds }) => ({ lifecycle, kinds }))).toEqual(EXPECTED);
    for (const { id, kinds } of told) expect((await listAlerts(ctx.pool, { targetId: id })).map((a) => a.kind).sort()).toEqual(kinds);
  }

  /**
   * The photo page lost the only mentions of Col. Goita (its photo's caption and alt text): gone from the page. The
   * third article lost the paragraph naming him while its photo's caption and alt text still do: a mention cut.
   */
  function expectMentionStory(alerts: Alert[], ids: number[]): void {
    const phraseOf = (id: number | undefined) => alerts.find((a) => a.targetId === id && a.kind === 'phrase_removed')!;
    const gallery = phraseOf(ids[1]);
    expect(gallery.summary).toBe('watched phrase no longer on the page: "Assimi Goita"');
    expect((gallery.evidence.items as Array<Record<string, unknown>>).map((i) => [i.part, i.remaining])).toEqual([['caption', 0], ['caption', 0]]);
    const cut = phraseOf(ids[2]);
    expect(cut.summary).toBe('mentions of watched phrase removed: "Assimi Goita" (1 cut, 2 left)');
    expect(cut.evidence.items).toEqual([{ phrase: 'Assimi Goita', sentence: GOITA_PARAGRAPH, part: 'main', remaining: 2 }]);
  }

  it('runDemo reports every alert raised for its targets, each in its own target’s line', async () => {
    const lines: string[] = [];
    const result = await runDemo(ctx, (line) => lines.push(line));
    const ids = result.targets.map((t) => t.id);
    await expectStory(lines, ids);
    expectMentionStory(result.alerts, ids);
    expect(result.targets.every((t) => t.state === 'paused')).toBe(true);
    expect(result.alerts.map((a) => `${a.targetId} ${a.kind}`).sort()).toEqual(EXPECTED.flatMap((e, i) => e.kinds.map((k) => `${ids[i]} ${k}`)).sort());
    await expectDemoAlone(ids);
  }, 240_000);

  it('`scrubwatch demo` as a process says the same, with the running worker beside it', async () => {
    const before = new Set((await listTargets(ctx.pool)).map((t) => t.id));
    // With the confirmation gap left at its default: the demo sets its own (none), as a user's environment would not.
    const demo = await runCli(['demo'], { ...env, SCRUBWATCH_CONFIRM_MIN_GAP: '' }, 240_000);
    expect(demo.code, demo.stderr).toBe(0);
    const ids = (await listTargets(ctx.pool)).map((t) => t.id).filter((id) => !before.has(id));
    await expectStory(demo.stderr.split('\n'), ids);
    expect(demo.stdout).toContain('5 alerts raised:');
    expect(demo.stdout).toContain('mentions of watched phrase removed: "Assimi Goita" (1 cut, 2 left)');
    expect(demo.stdout).toContain('- "Assimi Goita" cut from the main text (2 mentions left): Col. Assimi Goita, commander of Mali’s special forces');
    expect(demo.stderr).toContain('though his photo’s caption there still names him');
    await expectDemoAlone(ids);
  }, 240_000);
});
