import { describe, expect, it } from 'vitest';
import { useTestServer } from '../helpers/server.ts';
import { makeTarget } from '../notify/raise.ts';
import { insertSnapshot, type NewSnapshot } from '../../src/db/snapshots.ts';
import { insertChange } from '../../src/db/changes.ts';
import { putTierState } from '../../src/db/target-tiers.ts';
import { rebuildCheckTallies } from '../../src/db/check-tallies.ts';
import { unchangedRecord } from '../../src/detect/diff-snapshots.ts';
import { ESCALATION_REASONS, type CheckTier, type EscalationReason } from '../../src/tiers/escalation.ts';
import { checkTallies } from '../helpers/check-tallies.ts';

describe('/metrics counts checks by tier, escalations and false escalations by reason, and script-dependent targets', () => {
  const rig = useTestServer();
  let n = 0;

  const check = async (targetId: number, tier: CheckTier, escalation: EscalationReason | null, extra: Partial<NewSnapshot> = {}) =>
    insertSnapshot(rig.server.ctx.pool, {
      targetId, jobId: `tier-metrics-${++n}`, fetcher: 'browser', requestedUrl: 'https://www.army.mil/a', finalUrl: 'https://www.army.mil/a', redirects: [], status: 200,
      headers: {}, error: null, outcome: { kind: 'ok', signal: 'status_200' }, title: null, canonicalUrl: null, startedAt: new Date(), durationMs: 10, fingerprint: 'f'.repeat(64),
      parts: { facts: null, html: null, text: null, screenshot: null, raw: null }, counts: { blocks: 0, media: 0, links: 0, embeds: 0 }, tier, escalation, ...extra,
    });

  it('exports every tier and reason, 0 when none', async () => {
    const text = (await rig.server.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('# HELP scrubwatch_checks_total Checks (own snapshots, not archived copies) by the tier that answered');
    for (const tier of ['full', 'cheap']) expect(text).toMatch(new RegExp(`^scrubwatch_checks_total\\{tier="${tier}"\\} 0$`, 'm'));
    for (const reason of ESCALATION_REASONS) {
      expect(text).toMatch(new RegExp(`^scrubwatch_check_escalations_total\\{reason="${reason}"\\} 0$`, 'm'));
      expect(text).toMatch(new RegExp(`^scrubwatch_check_false_escalations_total\\{reason="${reason}"\\} 0$`, 'm'));
    }
    expect(text).toMatch(/^scrubwatch_script_dependent_targets 0$/m);
  });

  it('counts what the stored snapshots, changes and learned states say', async () => {
    const pool = rig.server.ctx.pool;
    const [a, b] = [await makeTarget(pool), await makeTarget(pool)];
    const first = await check(a, 'full', 'first');
    const changed = { ...unchangedRecord(), unchanged: false };
    // Two cheap checks that found the page as before, pointing at the first capture.
    for (let i = 0; i < 2; i++) await insertChange(pool, { targetId: a, snapshotId: (await check(a, 'cheap', null)).id, previousSnapshotId: first.id, record: unchangedRecord() });
    // hash_changed twice: once the page had changed, once it had not (a false escalation).
    await insertChange(pool, { targetId: a, snapshotId: (await check(a, 'full', 'hash_changed')).id, previousSnapshotId: first.id, record: changed });
    await insertChange(pool, { targetId: a, snapshotId: (await check(a, 'full', 'hash_changed')).id, previousSnapshotId: first.id, record: unchangedRecord() });
    // A periodic full capture that found nothing new, and an archived copy, which is no check.
    await insertChange(pool, { targetId: a, snapshotId: (await check(a, 'full', 'periodic')).id, previousSnapshotId: first.id, record: unchangedRecord() });
    await check(a, 'full', 'first', { archive: { archivedAt: new Date('2019-01-01T00:00:00Z'), archiveUrl: 'https://web.archive.org/web/2019/https://www.army.mil/a' } });
    const scripted = await check(b, 'full', 'script_dependent');
    await putTierState(pool, { targetId: b, scriptDependent: true, plainPrint: null, etag: null, lastModified: null, trustsValidators: true, fullSnapshotId: scripted.id, fullAt: new Date() });
    await putTierState(pool, { targetId: a, scriptDependent: false, plainPrint: null, etag: null, lastModified: null, trustsValidators: true, fullSnapshotId: first.id, fullAt: new Date() });

    const text = (await rig.server.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/^scrubwatch_checks_total\{tier="full"\} 5$/m);
    expect(text).toMatch(/^scrubwatch_checks_total\{tier="cheap"\} 2$/m);
    expect(text).toMatch(/^scrubwatch_check_escalations_total\{reason="first"\} 1$/m);
    expect(text).toMatch(/^scrubwatch_check_escalations_total\{reason="hash_changed"\} 2$/m);
    expect(text).toMatch(/^scrubwatch_check_escalations_total\{reason="periodic"\} 1$/m);
    expect(text).toMatch(/^scrubwatch_check_escalations_total\{reason="script_dependent"\} 1$/m);
    expect(text).toMatch(/^scrubwatch_check_escalations_total\{reason="moved"\} 0$/m);
    expect(text).toMatch(/^scrubwatch_check_false_escalations_total\{reason="hash_changed"\} 1$/m);
    expect(text).toMatch(/^scrubwatch_check_false_escalations_total\{reason="periodic"\} 1$/m);
    expect(text).toMatch(/^scrubwatch_check_false_escalations_total\{reason="first"\} 0$/m);
    expect(text).toMatch(/^scrubwatch_script_dependent_targets 1$/m);

    // The tallies the inserts kept are what counting every stored snapshot afresh gives (as after an import).
    const kept = await checkTallies(pool);
    await rebuildCheckTallies(pool);
    expect(await checkTallies(pool)).toEqual(kept);
    expect((await rig.server.app.inject({ method: 'GET', url: '/metrics' })).body).toBe(text);
  });
});
