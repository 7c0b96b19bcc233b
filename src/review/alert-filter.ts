import { z } from 'zod';
import { ALERT_KINDS, SEVERITY_LEVELS, type AlertKind } from '../detect/findings.ts';
import type { AlertFilter, AlertState } from '../db/alerts.ts';
import { parseInput } from '../invalid-input.ts';

/** Every state an alert can be in: what the inbox, the API and `scrubwatch alerts --state` accept. */
export const ALERT_STATES = ['open', 'confirmed', 'dismissed'] as const satisfies readonly AlertState[];

/**
 * The one home of how alert filters are validated — the inbox's query string, the API's listing and the CLI's flags
 * all take these — so an unknown value is refused with the valid ones listed, never answered with an empty list.
 */
export const alertStateSchema = z.enum(ALERT_STATES);
export const severitySchema = z.enum(SEVERITY_LEVELS);
export const alertKindSchema = z.enum(ALERT_KINDS as [AlertKind, ...AlertKind[]]);
export const alertTagSchema = z.string().trim().min(1).max(64);

// A form's "any" is an empty value: it means no filter, not a value to refuse.
const blankIsUnset = <S extends z.ZodType>(schema: S) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
const idText = z.string().regex(/^\d{1,15}$/, 'must be a positive whole number').transform(Number).pipe(z.number().int().min(1).max(Number.MAX_SAFE_INTEGER));

/** The inbox's query string: `state` defaults to open (`all` lifts it); `before` is the paging cursor. */
const inboxQuerySchema = z.object({
  state: blankIsUnset(z.enum([...ALERT_STATES, 'all'])),
  severity: blankIsUnset(severitySchema),
  kind: blankIsUnset(alertKindSchema),
  tag: blankIsUnset(alertTagSchema),
  source: blankIsUnset(idText),
  target: blankIsUnset(idText),
  before: blankIsUnset(idText),
});

/** What the inbox shows: its filter, the page cursor, and the values to echo in the filter form. */
export interface InboxQuery {
  filter: AlertFilter;
  before: number | undefined;
  shown: { state: string; severity?: string | undefined; kind?: string | undefined; tag?: string | undefined; source?: string | undefined; target?: string | undefined };
}

/**
 * Reads the inbox's query string; an unknown state, severity or kind is an InvalidInputError (a 400 page) whose
 * message lists the valid values. A parameter given twice counts once (its first value).
 */
export function parseInboxQuery(query: Record<string, unknown>): InboxQuery {
  const first = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const q = parseInput(inboxQuerySchema, first);
  const state = q.state === 'all' ? undefined : (q.state ?? 'open');
  return {
    filter: { state, severity: q.severity, kind: q.kind, tag: q.tag, sourceId: q.source, targetId: q.target },
    before: q.before,
    shown: { state: state ?? 'all', severity: q.severity, kind: q.kind, tag: q.tag, source: q.source?.toString(), target: q.target?.toString() },
  };
}
