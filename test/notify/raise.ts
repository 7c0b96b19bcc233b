import { withTransaction, type Pool } from '../../src/db/pool.ts';
import { raiseAlert } from '../../src/watch/raise-alert.ts';
import type { Alert } from '../../src/db/alerts.ts';
import type { AlertKind } from '../../src/detect/findings.ts';
import { SEVERITY } from '../../src/detect/findings.ts';

let n = 0;

/** A target row of its own (no schedule: these tests never capture). */
export async function makeTarget(pool: Pool, tags: string[] = []): Promise<number> {
  const { rows } = await pool.query<{ id: number }>(
    `insert into targets (url, tags, schedule_every) values ($1, $2, '6h') returning id`,
    [`https://www.army.mil/article/${++n}-${Date.now()}`, tags],
  );
  return rows[0]!.id;
}

/** Raises an alert through raiseAlert, in a transaction, on a fresh snapshot of the target — as a capture does. */
export async function raise(pool: Pool, targetId: number, kind: AlertKind, text = 'Col. Assimi Goita trained with US forces.'): Promise<Alert> {
  return (await raiseTogether(pool, targetId, [kind], text))[0]!;
}

/**
 * Raises several alerts on one fresh snapshot of the target, as one confirming capture does when a paragraph, its
 * photo and the name in it are cut together: the inbox shows them as one row.
 */
export async function raiseTogether(pool: Pool, targetId: number, kinds: AlertKind[], text = 'Col. Assimi Goita trained with US forces.'): Promise<Alert[]> {
  return withTransaction(pool, async (db) => {
    const { rows } = await db.query<{ id: number }>(
      `insert into snapshots (target_id, job_id, fetcher, requested_url, final_url, status, started_at, duration_ms, fingerprint)
       select id, $2, 'browser', url, url, 200, now() - interval '1 hour', 10, sha256('f') from targets where id = $1 returning id`,
      [targetId, `raise-${++n}`],
    );
    const snapshotId = rows[0]!.id;
    const raised: Alert[] = [];
    for (const kind of kinds) {
      raised.push(await raiseAlert(db, {
        kind,
        severity: SEVERITY[kind],
        summary: `${kind} on target ${targetId}`,
        evidence: { lastWithSnapshotId: snapshotId, firstWithoutSnapshotId: snapshotId, confirmedBySnapshotId: snapshotId, items: [{ kind: 'paragraph', text }] },
        targetId,
        snapshotId,
        changeId: null,
      }));
    }
    return raised;
  });
}
