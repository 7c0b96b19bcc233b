import { z } from 'zod';
import { withTransaction, type Pool } from '../db/pool.ts';
import { setAlertTriage, type Alert, type AlertState } from '../db/alerts.ts';
import { InvalidInputError, NotFoundError } from '../errors/index.ts';
import { parseInput } from '../invalid-input.ts';
import { operatorText } from '../operator-text.ts';

/** A reviewer's note on a triage decision: several lines if need be, at most 2,000 characters, no control characters. */
export const triageNoteSchema = operatorText(z.string().trim().max(2000), { multiline: true });

type Decision = { state: AlertState; note?: string | null | undefined };

const noteOf = (decision: Decision): string | null => (decision.note === null || decision.note === undefined ? null : parseInput(triageNoteSchema, decision.note, ['note']));

/** Who triaged: a token's name, or `token #id` for an unnamed one. */
/** How a token is named wherever it acted: a triage, a kept search. */
export function triagedBy(principal: { tokenId: number; name: string | null }): string {
  return principal.name ?? `token #${principal.tokenId}`;
}

/**
 * Records a reviewer's triage decision on an alert: `confirmed`, `dismissed` (a false alarm) or back to `open`, with a
 * note and who did it. A dismissal is kept in the history and changes nothing else: the detector learns nothing
 * from it automatically.
 */
export async function triageAlert(pool: Pool, id: number, decision: Decision, by: string): Promise<Alert> {
  const note = noteOf(decision);
  const alert = await setAlertTriage(pool, id, { state: decision.state, by, note });
  if (!alert) throw new NotFoundError('alert', id, 'scrubwatch alerts');
  return alert;
}

/** The most alerts one triage takes: a capture raises one alert per kind, so a group is far smaller. */
export const MAX_TRIAGE_GROUP = 50;

/**
 * Triages a group of alerts (those one capture raised together) with one decision, all or none: an id that does
 * not exist leaves every alert as it was.
 */
export async function triageAlerts(pool: Pool, ids: readonly number[], decision: Decision, by: string): Promise<Alert[]> {
  if (ids.length === 0 || ids.length > MAX_TRIAGE_GROUP) throw new InvalidInputError('ids', `ids: give 1 to ${MAX_TRIAGE_GROUP} alert ids`);
  const note = noteOf(decision);
  return withTransaction(pool, async (db) => {
    const done: Alert[] = [];
    for (const id of new Set(ids)) {
      const alert = await setAlertTriage(db, id, { state: decision.state, by, note });
      if (!alert) throw new NotFoundError('alert', id, 'scrubwatch alerts');
      done.push(alert);
    }
    return done;
  });
}
