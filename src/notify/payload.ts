import type { Alert } from '../db/alerts.ts';
import type { Target } from '../db/targets.ts';
import type { WaybackLink } from './wayback.ts';

/**
 * What a webhook receives for one alert (schema `scrubwatch.alert/v1`, documented in docs/delivery.md#webhooks).
 * A digest sends a JSON array of these. Fields are only ever added within one schema version.
 */
export interface AlertPayload {
  schema: 'scrubwatch.alert/v1';
  /** The delivery this is (also the `Idempotency-Key` of an immediate delivery). */
  deliveryId: number;
  alert: {
    id: number;
    kind: string;
    severity: string;
    state: string;
    summary: string;
    createdAt: string;
    /** The alert's review page. */
    url: string;
  };
  target: { id: number; url: string; name: string | null; tags: string[] };
  /** The alert's evidence as stored: removed items, the snapshots that prove it, the Wayback copy. */
  evidence: Record<string, unknown>;
  /** Links to the snapshots the evidence names: `raised` (where the alert was raised), `lastWith`, `firstWithout`, … */
  snapshots: { role: string; id: number; url: string }[];
  /** The closest public copy made before the removal, or null when there is none (or the lookup failed). */
  wayback: WaybackLink | null;
}

export const alertUrl = (publicUrl: string, alertId: number): string => `${publicUrl}/alerts/${alertId}`;
export const snapshotUrl = (publicUrl: string, snapshotId: number): string => `${publicUrl}/snapshots/${snapshotId}`;

/** The snapshots an alert's evidence names (`lastWithSnapshotId` → role `lastWith`), after the one that raised it. */
export function evidenceSnapshots(alert: Alert): { role: string; id: number }[] {
  const found = [{ role: 'raised', id: alert.snapshotId }];
  for (const [key, value] of Object.entries(alert.evidence)) {
    const m = /^(.+)SnapshotId$/.exec(key);
    if (m && typeof value === 'number') found.push({ role: m[1]!, id: value });
  }
  return found;
}

export function buildAlertPayload(publicUrl: string, deliveryId: number, alert: Alert, target: Target, wayback: WaybackLink | null): AlertPayload {
  return {
    schema: 'scrubwatch.alert/v1',
    deliveryId,
    alert: {
      id: alert.id,
      kind: alert.kind,
      severity: alert.severity,
      state: alert.state,
      summary: alert.summary,
      createdAt: alert.createdAt,
      url: alertUrl(publicUrl, alert.id),
    },
    target: { id: target.id, url: target.url, name: target.name, tags: target.tags },
    evidence: { ...alert.evidence, wayback },
    snapshots: evidenceSnapshots(alert).map((s) => ({ ...s, url: snapshotUrl(publicUrl, s.id) })),
    wayback,
  };
}

/** The first text excerpt of the evidence (a removed paragraph, a caption, a tweet's text), for messages. */
export function evidenceExcerpt(evidence: Record<string, unknown>, max = 500): string | null {
  const items = Array.isArray(evidence.items) ? (evidence.items as unknown[]) : [];
  for (const item of items) {
    if (typeof item !== 'object' || item === null) continue;
    const record = item as Record<string, unknown>;
    for (const key of ['text', 'caption', 'phrase', 'alt', 'url', 'signal']) {
      const value = record[key];
      if (typeof value === 'string' && value.trim() !== '') return value.length > max ? `${value.slice(0, max - 1)}…` : value;
    }
  }
  return null;
}

/** One line of Slack-compatible text (mrkdwn) for an alert. */
export function slackLine(p: AlertPayload): string {
  const name = p.target.name ?? p.target.url;
  const wayback = p.wayback ? ` · <${p.wayback.url}|Wayback copy>` : '';
  return `*[${p.alert.severity}] ${p.alert.kind}* — <${p.target.url}|${name}>\n${p.alert.summary}\n<${p.alert.url}|Review alert #${p.alert.id}>${wayback}`;
}

/** A Slack-compatible body (`{ "text" }`) for one alert or a digest of several. */
export function slackBody(payloads: AlertPayload[]): { text: string } {
  const head = payloads.length > 1 ? `scrubwatch: ${payloads.length} alerts\n\n` : '';
  return { text: head + payloads.map(slackLine).join('\n\n') };
}
