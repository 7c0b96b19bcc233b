import { Feed } from 'feed';
import type { Queryable } from '../db/pool.ts';
import { getAlertsByIds } from '../db/alerts.ts';
import { listMatchingAlertIds, type Subscription } from '../db/subscriptions.ts';
import { getTarget } from '../db/targets.ts';
import type { Target } from '../db/targets.ts';
import { buildAlertPayload, evidenceExcerpt, type AlertPayload } from './payload.ts';
import { html, safeHref } from './html.ts';
import { waybackFromEvidence } from './wayback.ts';

/** Entries a feed shows at most: readers poll it, and keep what they have seen. */
export const FEED_ENTRIES = 100;

/** The secret URL feed readers poll, shown once when the subscription is made. */
export const feedUrl = (publicUrl: string, token: string): string => `${publicUrl}/feeds/${token}.atom`;

function entryContent(p: AlertPayload): string {
  const excerpt = evidenceExcerpt(p.evidence);
  return html`<p>${p.alert.summary}</p>
<p>Where: <a href="${safeHref(p.target.url)}">${p.target.name ?? p.target.url}</a></p>
${excerpt ? html`<blockquote>${excerpt}</blockquote>` : ''}
${p.wayback ? html`<p><a href="${safeHref(p.wayback.url)}">Wayback Machine copy from before the removal</a></p>` : ''}
<p>${p.snapshots.map((s, i) => html`${i ? ' · ' : ''}<a href="${safeHref(s.url)}">snapshot ${s.role}</a>`)}</p>`.value;
}

/** The Atom XML of a subscription's feed: its newest matching alerts, each linking to its review page. */
export function renderFeed(publicUrl: string, subscription: Subscription, alerts: { payload: AlertPayload }[]): string {
  const self = feedUrl(publicUrl, subscription.secret);
  const feed = new Feed({
    id: `${publicUrl}/subscriptions/${subscription.id}`,
    title: `scrubwatch: ${subscription.name}`,
    description: 'Removals found by scrubwatch',
    link: publicUrl,
    feedLinks: { atom: self },
    updated: alerts[0] ? new Date(alerts[0].payload.alert.createdAt) : new Date(subscription.createdAt),
    generator: 'scrubwatch',
    copyright: '',
  });
  for (const { payload: p } of alerts) {
    feed.addItem({
      id: p.alert.url,
      title: `[${p.alert.severity}] ${p.alert.kind}: ${p.target.name ?? p.target.url}`,
      link: p.alert.url,
      date: new Date(p.alert.createdAt),
      description: p.alert.summary,
      content: entryContent(p),
      category: [{ term: p.alert.kind }, ...p.target.tags.map((t) => ({ term: t }))],
    });
  }
  return feed.atom1();
}

/** Reads a subscription's newest matching alerts and renders its feed. */
export async function subscriptionFeed(db: Queryable, publicUrl: string, subscription: Subscription, limit = FEED_ENTRIES): Promise<string> {
  const alerts = await getAlertsByIds(db, await listMatchingAlertIds(db, subscription.id, limit));
  const targets = new Map<number, Target | null>();
  const entries: { payload: AlertPayload }[] = [];
  for (const alert of alerts) {
    if (!targets.has(alert.targetId)) targets.set(alert.targetId, await getTarget(db, alert.targetId));
    const target = targets.get(alert.targetId);
    if (target) entries.push({ payload: buildAlertPayload(publicUrl, 0, alert, target, waybackFromEvidence(alert.evidence) ?? null) });
  }
  return renderFeed(publicUrl, subscription, entries);
}

