import { userInfo } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, useCliRig } from '../helpers/cli.ts';
import { makeTarget, raise, raiseTogether } from '../notify/raise.ts';
import { getAlert, listAlerts, type Alert } from '../../src/db/alerts.ts';
import { cliActor } from '../../src/cli/alerts.ts';
import { triageAlert, triageAlerts } from '../../src/review/triage-alert.ts';
import { NotFoundError } from '../../src/errors/index.ts';
import { ALERT_KINDS } from '../../src/detect/findings.ts';

/**
 * `scrubwatch alerts` as the inbox's terminal twin: the same filters (state, severity, kind, tag, source, target),
 * refused with the valid values when unknown, and `alerts confirm|dismiss ID` triaging through the UI's code.
 * The filters' and the triage's behaviour is proven in-process; spawning checks the contract (exit codes, --json).
 */
describe('scrubwatch alerts: filters and triage from the terminal', () => {
  const rig = useCliRig();
  let mali: number;
  let listed: number;
  let sourceId: number;
  let cut: Alert[];
  let removed: Alert;
  let elsewhere: Alert;

  beforeAll(async () => {
    const pool = rig.db.pool;
    mali = await makeTarget(pool, ['mali']);
    listed = await makeTarget(pool, ['niger']);
    cut = await raiseTogether(pool, mali, ['content_removed', 'phrase_removed']);
    removed = await raise(pool, mali, 'page_removed');
    elsewhere = await raise(pool, listed, 'embed_removed');
    const { rows } = await pool.query<{ id: number }>(
      `insert into sources (url, kind, every, targets_every, max_targets, complete) values ('https://www.defense.gov/sitemap.xml', 'sitemap', '1h', '6h', 100, true) returning id`,
    );
    sourceId = rows[0]!.id;
    await pool.query('insert into source_pages (source_id, target_id) values ($1, $2)', [sourceId, listed]);
  });

  it('narrows by state, exact severity, kind, tag and source, newest first', async () => {
    const ids = async (f: Parameters<typeof listAlerts>[1]) => (await listAlerts(rig.db.pool, f)).map((a) => a.id);
    expect(await ids({})).toEqual([elsewhere.id, removed.id, cut[1]!.id, cut[0]!.id]);
    expect(await ids({ severity: 'high' })).toEqual([removed.id, cut[1]!.id]);
    expect(await ids({ severity: 'medium', tag: 'mali' })).toEqual([cut[0]!.id]);
    expect(await ids({ sourceId })).toEqual([elsewhere.id]);
    expect(await ids({ kind: 'phrase_removed', targetId: mali })).toEqual([cut[1]!.id]);
    expect(await ids({ state: 'dismissed' })).toEqual([]);
  });

  it('triages a group all or none: an id that does not exist leaves every alert as it was', async () => {
    await expect(triageAlerts(rig.db.pool, [cut[0]!.id, 999_999], { state: 'dismissed' }, cliActor())).rejects.toBeInstanceOf(NotFoundError);
    expect((await getAlert(rig.db.pool, cut[0]!.id))!.state).toBe('open');
    await expect(triageAlert(rig.db.pool, 999_999, { state: 'confirmed' }, cliActor())).rejects.toThrow('alert 999999 does not exist; list them with `scrubwatch alerts`');
    expect(cliActor()).toBe(`cli (${userInfo().username})`);
  });

  it('confirm and dismiss record the CLI user and the note; --json prints the alert; the list keeps its shape', async () => {
    const confirmed = await runCli(['alerts', 'confirm', String(removed.id), '--note', 'checked against the Wayback copy', '--json'], rig.env);
    expect(confirmed.code).toBe(0);
    expect(JSON.parse(confirmed.stdout)).toMatchObject({ id: removed.id, kind: 'page_removed', state: 'confirmed', triage: { by: cliActor(), note: 'checked against the Wayback copy' } });

    const dismissed = await runCli(['alerts', 'dismiss', String(elsewhere.id)], rig.env);
    expect(dismissed).toMatchObject({ code: 0, stderr: '' });
    expect(dismissed.stdout).toContain(`alert #${elsewhere.id} [medium] embed_removed (dismissed)`);
    expect(dismissed.stdout).toContain(`dismissed by ${cliActor()}`);

    const list = await runCli(['alerts', '--state', 'confirmed', '--severity', 'high', '--tag', 'mali', '--json'], rig.env);
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as Alert[]).map((a) => [a.id, a.state, a.triage?.by])).toEqual([[removed.id, 'confirmed', cliActor()]]);
  });

  it('refuses an unknown state, severity or kind listing the valid ones, and an alert, source or target that does not exist, with exit 2', async () => {
    const state = await runCli(['alerts', '--state', 'closed'], rig.env);
    expect(state).toMatchObject({ code: 2, stdout: '' });
    expect(state.stderr).toContain("argument 'closed' is invalid. Allowed choices are open, confirmed, dismissed.");
    const severity = await runCli(['alerts', '--severity', 'critical', '--json'], rig.env);
    expect(severity).toMatchObject({ code: 2, stdout: '' });
    expect(severity.stderr).toContain("argument 'critical' is invalid. Allowed choices are low, medium, high.");
    const missing = await runCli(['alerts', 'dismiss', '999999', '--json'], rig.env);
    expect(missing).toMatchObject({ code: 2, stdout: '', stderr: 'scrubwatch: alert 999999 does not exist; list them with `scrubwatch alerts`\n' });
    const source = await runCli(['alerts', '--source', '999'], rig.env);
    expect(source).toMatchObject({ code: 2, stdout: '', stderr: 'scrubwatch: source 999 does not exist; list them with `scrubwatch sources list`\n' });
    // Issue 22: an unknown kind or target is an error naming what is valid (or how to list it), never an empty list.
    const kind = await runCli(['alerts', '--kind', 'paragraph_removed', '--json'], rig.env);
    expect(kind).toMatchObject({ code: 2, stdout: '' });
    expect(kind.stderr).toContain(`argument 'paragraph_removed' is invalid. Allowed choices are ${ALERT_KINDS.join(', ')}.`);
    const target = await runCli(['alerts', '--target', '999999'], rig.env);
    expect(target).toMatchObject({ code: 2, stdout: '', stderr: 'scrubwatch: target 999999 does not exist; list them with `scrubwatch targets list`\n' });
  });
});
