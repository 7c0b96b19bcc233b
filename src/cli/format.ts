import type { Target } from '../db/targets.ts';
import type { Snapshot } from '../db/snapshots.ts';
import type { Alert } from '../db/alerts.ts';
import type { Change } from '../db/changes.ts';
import { unseenWords } from '../targets/seen-words.ts';

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
  return `snapshot #${s.id} ${s.startedAt} ${outcome} ${s.finalUrl} — ${c.blocks} blocks, ${c.media} media, ${c.links} links, ${c.embeds} embeds (${s.durationMs} ms)`;
}

export function changeText(change: Change | null): string {
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

export function alertLine(a: Alert): string {
  return `alert #${a.id} [${a.severity}] ${a.kind} (${a.state}) target #${a.targetId} snapshot #${a.snapshotId} ${a.createdAt}\n  ${a.summary}`;
}
