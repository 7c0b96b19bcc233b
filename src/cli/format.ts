import type { Target } from '../db/targets.ts';
import type { Snapshot } from '../db/snapshots.ts';
import type { Alert } from '../db/alerts.ts';
import type { Change } from '../db/changes.ts';
import { unseenWords } from '../targets/seen-words.ts';
import type { CheckResult } from '../checks/check-now.ts';

/** Human-readable forms of the CLI's answers; `--json` prints the objects themselves. */

function scheduleText(t: Target): string {
  return 'every' in t.schedule ? `every ${t.schedule.every}` : `cron "${t.schedule.cron}"`;
}

export function targetLine(t: Target): string {
  const tags = t.tags.length ? ` [${t.tags.join(', ')}]` : '';
  const known = [t.lifecycle === 'live' ? null : t.lifecycle, unseenWords(t)].filter((w) => w !== null);
  const lifecycle = known.length ? `[${known.join(': ')}] ` : '';
  const how = t.kind === 'tweet' ? 'tweet' : t.fetcher;
  return `#${t.id} ${t.state === 'paused' ? '(paused) ' : ''}${lifecycle}${t.url} — ${scheduleText(t)}, ${how}${tags}${t.name ? ` — ${t.name}` : ''}`;
}

export function targetDetail(t: Target): string {
  const o = t.options;
  return [
    targetLine(t),
    o.phrases.length ? `  watched phrases: ${o.phrases.map((p) => `"${p}"`).join(', ')}` : null,
    o.ignore.length ? `  ignored: ${o.ignore.join(', ')}` : null,
    o.waitFor ? `  waits for: ${o.waitFor}` : null,
    `  confirmations: ${o.confirm}; added ${t.createdAt}`,
  ]
    .filter((l) => l !== null)
    .join('\n');
}

export function snapshotLine(s: Snapshot): string {
  const http = s.error ? `error ${s.error.code}` : `HTTP ${s.status}`;
  const outcome = s.outcome && s.outcome.kind !== 'ok' ? `${http} (${s.outcome.kind}: ${s.outcome.signal})` : http;
  const c = s.counts;
  // An archived copy is the Internet Archive's, read on `startedAt`: said first, so it never reads as our capture.
  const origin = s.origin === 'archive' ? `archived copy from ${s.archivedAt}, Internet Archive (${s.archiveUrl}), read ` : '';
  return `snapshot #${s.id} ${origin}${s.startedAt} ${outcome} ${s.finalUrl} — ${c.blocks} blocks, ${c.media} media, ${c.links} links, ${c.embeds} embeds (${s.durationMs} ms)`;
}

/** Whether a snapshot holds no view of the page: the capture failed, or the site answered an error or a firewall. */
function failed(s: Snapshot): boolean {
  return s.error !== null || s.outcome?.kind === 'error' || s.outcome?.kind === 'blocked';
}

/**
 * How a capture compares with the one before. A failed capture is never "unchanged" (nor "changed"): it says why
 * it failed, with the capture's own message (for a refused address, the setting that allows it).
 */
export function changeText(snapshot: Snapshot, change: Change | null): string {
  if (snapshot.error) return `  capture failed (${snapshot.error.code}): ${snapshot.error.message}`;
  if (snapshot.outcome?.kind === 'blocked') return `  not compared: a firewall answered (${snapshot.outcome.signal}), not the page`;
  if (snapshot.outcome?.kind === 'error') return `  not compared: the site answered HTTP ${snapshot.status} (${snapshot.outcome.signal}), not the page`;
  if (!change) return '  first snapshot: nothing to compare with';
  if (change.unchanged) return `  unchanged since snapshot #${change.previousSnapshotId}`;
  const r = change.record;
  const parts = [
    r.status ? `status ${r.status.from} → ${r.status.to}` : null,
    r.error ? `error ${r.error.from ?? 'none'} → ${r.error.to ?? 'none'}` : null,
    r.finalUrl ? `final URL → ${r.finalUrl.to}` : null,
    r.title ? `title → "${r.title.to ?? ''}"` : null,
    `blocks +${r.blocks.added.length}/-${r.blocks.removed.length}`,
    `media +${r.media.added.length}/-${r.media.removed.length}${r.media.failed.length ? ` (${r.media.failed.length} failing)` : ''}`,
    `links +${r.links.added.length}/-${r.links.removed.length}`,
    `embeds +${r.embeds.added.length}/-${r.embeds.removed.length}`,
  ];
  return `  changed since snapshot #${change.previousSnapshotId}: ${parts.filter(Boolean).join(', ')}`;
}

/** `in 10 min`, `in 45 s`, `in 3 h`: how far off a moment is, roughly. */
function fromNow(at: Date, now: Date): string {
  const s = Math.max(0, Math.round((at.getTime() - now.getTime()) / 1000));
  if (s < 90) return `in ${s} s`;
  if (s < 90 * 60) return `in ${Math.round(s / 60)} min`;
  return `in ${Math.round(s / 3600)} h`;
}

/** For a check that left a removal suspected: that a confirming capture is queued, and when; else null. */
export function suspicionText(r: Pick<CheckResult, 'lifecycle' | 'recheckAt'>, now = new Date()): string | null {
  if (r.lifecycle !== 'suspect') return null;
  if (!r.recheckAt) return '  removal suspected: no confirming capture is queued (its rechecks are spent); the next scheduled capture confirms or clears it';
  const at = new Date(r.recheckAt);
  return `  removal suspected: a confirming capture is queued for ${at.toISOString().slice(0, 19)}Z (${fromNow(at, now)})`;
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The closing line of `check --all`: `12 checked: 9 unchanged, 2 changed, 1 error; 1 removal suspected`. */
export function checkTally(results: CheckResult[]): string {
  const kinds = { unchanged: 0, changed: 0, first: 0, error: 0, blocked: 0 };
  for (const { snapshot, change } of results) {
    if (snapshot.error || snapshot.outcome?.kind === 'error') kinds.error += 1;
    else if (failed(snapshot)) kinds.blocked += 1;
    else if (!change) kinds.first += 1;
    else kinds[change.unchanged ? 'unchanged' : 'changed'] += 1;
  }
  const parts = [
    kinds.unchanged ? `${kinds.unchanged} unchanged` : null,
    kinds.changed ? `${kinds.changed} changed` : null,
    kinds.first ? count(kinds.first, 'first capture') : null,
    kinds.error ? count(kinds.error, 'error') : null,
    kinds.blocked ? `${kinds.blocked} blocked by a firewall` : null,
  ].filter((p) => p !== null);
  const suspected = results.filter((r) => r.lifecycle === 'suspect').length;
  const alerts = results.reduce((n, r) => n + r.alerts.length, 0);
  const notes = [suspected ? `${count(suspected, 'removal')} suspected` : null, alerts ? `${count(alerts, 'alert')} raised` : null].filter((p) => p !== null);
  return `${results.length} checked: ${parts.join(', ')}${notes.length ? `; ${notes.join(', ')}` : ''}`;
}

export function alertLine(a: Alert): string {
  return `alert #${a.id} [${a.severity}] ${a.kind} (${a.state}) target #${a.targetId} snapshot #${a.snapshotId} ${a.createdAt}\n  ${a.summary}`;
}
