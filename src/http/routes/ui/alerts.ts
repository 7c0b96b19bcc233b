import type { FastifyInstance } from 'fastify';
import { countOpenAlerts, getInboxAlert, listInboxGroupAlerts, type InboxAlert } from '../../../db/alert-inbox.ts';
import type { AlertState } from '../../../db/alerts.ts';
import { ALERT_KINDS } from '../../../detect/findings.ts';
import { InvalidInputError, NotFoundError } from '../../../errors/index.ts';
import { ALERT_STATES, parseInboxQuery } from '../../../review/alert-filter.ts';
import { groupInboxAlerts } from '../../../review/inbox-groups.ts';
import { MAX_TRIAGE_GROUP, triageAlert, triageAlerts, triagedBy } from '../../../review/triage-alert.ts';
import type { Pool } from '../../../db/pool.ts';
import { getSnapshot, type Snapshot } from '../../../db/snapshots.ts';
import { can } from '../../auth/roles.ts';
import { loadSnapshotFacts } from '../../../review/snapshot-diff.ts';
import { buildAlertProof, type AlertProof } from '../../ui/alert-proof.ts';
import { evidenceSnapshotId, planAlertPackage } from '../../../evidence/evidence-snapshots.ts';
import { sendPackage } from '../../evidence-download.ts';
import { renderPage, requirePage, PAGE_ID_PARAMS } from '../../ui/page.ts';
import { helpers } from '../../ui/views.ts';
import type { UiOptions } from './ui-options.ts';

/** Groups a page of the inbox holds: whole groups only, so a page may hold a few more alerts than this. */
const GROUPS_PER_PAGE = 50;

const oneOf = <T extends string>(values: readonly T[], v: string | undefined): T | undefined => (values as readonly string[]).includes(v ?? '') ? (v as T) : undefined;

/** The ids of a group's triage form ("12,13,14"); anything else is refused with what to send. */
function groupIds(text: unknown): number[] {
  const ids = typeof text === 'string' && /^\d{1,15}(,\d{1,15}){0,49}$/.test(text) ? text.split(',').map(Number) : [];
  if (ids.length === 0) throw new InvalidInputError('ids', `ids: give 1 to ${MAX_TRIAGE_GROUP} alert ids separated by commas`);
  return ids;
}

/** What the notice after a triage says: the alert (or alerts) and the state they are in now. */
async function triageNotice(ctx: UiOptions['ctx'], triaged: string | undefined): Promise<string | null> {
  const ids = /^\d{1,15}(,\d{1,15}){0,49}$/.test(triaged ?? '') ? triaged!.split(',').map(Number) : [];
  const alerts = (await Promise.all(ids.map((id) => getInboxAlert(ctx.pool, id)))).filter((a) => a !== null);
  if (alerts.length === 1) return `Alert ${alerts[0]!.id} (${alerts[0]!.kind}) is now ${alerts[0]!.state}.`;
  if (alerts.length > 1) return `Alerts ${alerts.map((a) => `${a.id} (${a.kind})`).join(', ')} are now ${alerts[0]!.state}.`;
  return null;
}

/**
 * The diff that shows an alert's proof: from the last snapshot that still had the thing (its evidence), else the
 * snapshot its change compared with, to the snapshot that raised it.
 */
function diffHref(alert: InboxAlert): string | null {
  const from = typeof alert.evidence.lastWithSnapshotId === 'number' ? alert.evidence.lastWithSnapshotId : alert.previousSnapshotId;
  return from && from !== alert.snapshotId ? `/snapshots/${alert.snapshotId}/diff?against=${from}` : null;
}

/**
 * The proof an alert's page shows: the last snapshot with the thing (else the one its change compared with), the
 * one that raised it, the first without it, and the facts of the first two.
 */
async function loadProof(pool: Pool, alert: InboxAlert): Promise<AlertProof> {
  const ev = alert.evidence;
  const beforeId = evidenceSnapshotId(ev, 'lastWithSnapshotId') ?? alert.previousSnapshotId;
  const firstWithoutId = evidenceSnapshotId(ev, 'firstWithoutSnapshotId');
  const ofTarget = async (id: number | null) => {
    const s = id === null ? null : await getSnapshot(pool, id);
    return s && s.targetId === alert.targetId ? s : null;
  };
  const [before, after, firstWithout] = await Promise.all([ofTarget(beforeId), ofTarget(alert.snapshotId), ofTarget(firstWithoutId)]);
  const side = async (s: Snapshot | null) =>
    s ? { id: s.id, startedAt: s.startedAt, facts: await loadSnapshotFacts(pool, s), hasScreenshot: s.parts.screenshot !== null } : null;
  const [beforeSide, afterSide] = await Promise.all([side(before), side(after)]);
  return buildAlertProof({
    kind: alert.kind,
    evidence: ev,
    before: beforeSide,
    after: afterSide,
    firstWithout: firstWithout ? { id: firstWithout.id, startedAt: firstWithout.startedAt } : null,
  });
}

/** A local inbox or alert URL to go back to after triage. */
function backTo(back: unknown, fallback: string): string {
  return typeof back === 'string' && /^\/alerts(\/\d+)?(\?[\w=&%.+-]*)?$/.test(back) ? back : fallback;
}

/** The alerts inbox, an alert's page, and triage. */
export async function alertRoutes(app: FastifyInstance, options: UiOptions): Promise<void> {
  const { ctx, views } = options;

  app.get<{ Querystring: Record<string, unknown> }>('/alerts', { preHandler: requirePage('alerts:read', views) }, async (request, reply) => {
    const { filter, before, shown } = parseInboxQuery(request.query);
    const triaged = typeof request.query.triaged === 'string' ? request.query.triaged : undefined;
    const [rows, open, notice] = await Promise.all([
      listInboxGroupAlerts(ctx.pool, filter, { before, groups: GROUPS_PER_PAGE + 1 }),
      countOpenAlerts(ctx.pool),
      triageNotice(ctx, triaged),
    ]);
    const { groups, next } = groupInboxAlerts(rows.map((a) => ({ ...a, diffHref: diffHref(a) })), GROUPS_PER_PAGE);
    const back = new URL(request.url, 'http://ui.invalid');
    back.searchParams.delete('triaged');
    const page = (cursor: number | undefined) => `/alerts${helpers.query({ ...shown, before: cursor })}`;
    return renderPage(request, reply, 'alerts', {
      title: 'Alerts', groups, open, filter: shown, kinds: ALERT_KINDS, back: `${back.pathname}${back.search}`, notice,
      nextHref: next === null ? null : page(next), firstHref: before === undefined ? null : page(undefined),
    });
  });

  app.get<{ Params: { id: number }; Querystring: { triaged?: string } }>('/alerts/:id', {
    schema: { params: PAGE_ID_PARAMS },
    preHandler: requirePage('alerts:read', views),
  }, async (request, reply) => {
    const alert = await getInboxAlert(ctx.pool, request.params.id);
    if (!alert) throw new NotFoundError('alert', request.params.id);
    const notice = request.query.triaged ? `Marked ${alert.state}.` : null;
    const proof = request.principal && can(request.principal.role, 'snapshots:read') ? await loadProof(ctx.pool, alert) : null;
    return renderPage(request, reply, 'alert', { title: `Alert ${alert.id}`, alert, diffHref: diffHref(alert), notice, proof });
  });

  // The "Download evidence (WACZ)" link of the alert page: the API's package, on the session.
  app.get<{ Params: { id: number } }>('/alerts/:id/evidence.wacz', {
    schema: { params: PAGE_ID_PARAMS },
    preHandler: requirePage('snapshots:read', views),
  }, async (request, reply) => sendPackage(ctx, reply, () => planAlertPackage(ctx.pool, request.params.id), `scrubwatch-alert-${request.params.id}.wacz`));

  app.post<{ Params: { id: number }; Body: { state?: string; note?: string; back?: string } }>('/alerts/:id/triage', {
    schema: { params: PAGE_ID_PARAMS },
    preHandler: [app.csrfProtection, requirePage('alerts:triage', views)],
  }, async (request, reply) => {
    const state = oneOf<AlertState>(ALERT_STATES, request.body?.state);
    if (!state) return renderPage(request, reply, 'error', { title: 'Error', message: 'Choose confirm, dismiss or reopen.' }, 400);
    const note = typeof request.body?.note === 'string' && request.body.note.trim() ? request.body.note.trim().slice(0, 2000) : null;
    await triageAlert(ctx.pool, request.params.id, { state, note }, triagedBy(request.principal!));
    const back = new URL(backTo(request.body?.back, `/alerts/${request.params.id}`), 'http://ui.invalid');
    back.searchParams.set('triaged', String(request.params.id));
    return reply.redirect(`${back.pathname}${back.search}`, 303);
  });

  app.post<{ Body: { ids?: string; state?: string; back?: string } }>('/alerts/triage', {
    preHandler: [app.csrfProtection, requirePage('alerts:triage', views)],
  }, async (request, reply) => {
    const ids = groupIds(request.body?.ids);
    const state = oneOf<AlertState>(ALERT_STATES, request.body?.state);
    if (!state) return renderPage(request, reply, 'error', { title: 'Error', message: 'Choose confirm, dismiss or reopen.' }, 400);
    await triageAlerts(ctx.pool, ids, { state }, triagedBy(request.principal!));
    const back = new URL(backTo(request.body?.back, '/alerts'), 'http://ui.invalid');
    back.searchParams.set('triaged', ids.join(','));
    return reply.redirect(`${back.pathname}${back.search}`, 303);
  });
}
