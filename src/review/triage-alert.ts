import { z } from 'zod';
import type { Pool } from '../db/pool.ts';
import { setAlertTriage, type Alert, type AlertState } from '../db/alerts.ts';
import { NotFoundError } from '../errors/index.ts';
import { parseInput } from '../invalid-input.ts';
import { operatorText } from '../operator-text.ts';

/** A reviewer's note on a triage decision: several lines if need be, at most 2,000 characters, no control characters. */
export const triageNoteSchema = operatorText(z.string().trim().max(2000), { multiline: true });

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
export async function triageAlert(pool: Pool, id: number, decision: { state: AlertState; note?: string | null | undefined }, by: string): Promise<Alert> {
  const note = decision.note === null || decision.note === undefined ? null : parseInput(triageNoteSchema, decision.note, ['note']);
  const alert = await setAlertTriage(pool, id, { state: decision.state, by, note });
  if (!alert) throw new NotFoundError('alert', id);
  return alert;
}
