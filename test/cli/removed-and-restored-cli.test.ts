import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, useCliRig } from '../helpers/cli.ts';
import { startWorkerProcess, stopProcess, type WorkerProcess } from '../helpers/processes.ts';
import { articleFor } from '../helpers/watch.ts';
import { startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';

interface Alert {
  id: number;
  kind: string;
  severity: string;
  targetId: number;
  evidence: Record<string, unknown>;
}

/**
 * The CLI's side of alerts, as an operator drives it: `targets add`, `check --json` through a running
 * `scrubwatch worker`, `alerts --target/--kind --json` and `targets show --json`, one page removed then restored.
 * Which kind each take-down raises, and at which severity, is proven in-process by test/jobs/removals.test.ts;
 * every kind goes through the same commands and the same JSON. Alerts are read from `alerts`, not from what each
 * `check` reports: a new target's first capture is also queued, and when it runs between the test's checks, it
 * is the one that raises the alert.
 */
describe('an alert raised and cleared through the CLI and a real worker', () => {
  const rig = useCliRig();
  let site: FixtureSite;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    site = await startFixtureSite();
    site.home();
    worker = await startWorkerProcess(rig.env);
  });
  afterAll(async () => {
    if (worker) await stopProcess(worker, 'SIGTERM', 30_000);
    await site?.close();
  });

  async function check(id: number): Promise<void> {
    const r = await runCli(['check', String(id), '--json'], rig.env);
    expect(r.code, r.stderr).toBe(0);
  }

  async function alertsOf(id: number, kind?: string): Promise<Alert[]> {
    const r = await runCli(['alerts', '--target', String(id), ...(kind ? ['--kind', kind] : []), '--json'], rig.env);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as Alert[]).sort((a, b) => a.id - b.id);
  }

  it('page_removed (high), then page_restored (low) when the page comes back', { timeout: 180_000 }, async () => {
    const path = '/news/cli-restored';
    site.article(path, articleFor(path));
    const added = await runCli(['targets', 'add', site.url(path), '--phrase', 'Assimi Goita', '--tag', 'page_removed', '--confirm', '1', '--json'], rig.env);
    expect(added.code, added.stderr).toBe(0);
    const id = (JSON.parse(added.stdout) as { id: number }).id;
    await check(id);
    site.gone(path, 410);
    await check(id);
    const removed = await alertsOf(id, 'page_removed');
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatchObject({ kind: 'page_removed', severity: 'high', targetId: id });
    site.article(path, articleFor(path));
    await check(id);
    const alerts = await alertsOf(id);
    expect(alerts.map((a) => a.kind)).toEqual(['page_removed', 'page_restored']);
    expect(alerts[1]).toMatchObject({ kind: 'page_restored', severity: 'low', targetId: id });
    const shown = JSON.parse((await runCli(['targets', 'show', String(id), '--json'], rig.env)).stdout) as { lifecycle: string };
    expect(shown.lifecycle).toBe('restored');
  });
});
