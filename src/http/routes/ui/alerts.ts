import type { FastifyInstance } from 'fastify';
import { countOpenAlerts, getInboxAlert, listInboxAlerts, type InboxAlert, type InboxFilter } from '../../../db/alert-inbox.ts';
import type { AlertState } from '../../../db/alerts.ts';
import type { Severity } from '../../../detect/findings.ts';
import { NotFoundError } from '../../../errors/index.ts';
import { triageAlert, triagedBy } from '../../../review/triage-alert.ts';
import { renderPage, requirePage, PAGE_ID_PARAMS } from '../../ui/page.ts';
import { ALERT_KINDS } from '../../ui/views.ts';
import type { UiOptions } from './ui-options.ts';

interface InboxQuery {
  triaged?: string;
  state?: string;
  severity?: string;
  kind?: string;
  tag?: string;
  target?: string;
}

const STATES = ['open', 'confirmed', 'dismissed'] as const;
const SEVERITIES = ['high', 'medium', 'low'] as const;

const oneOf = <T extends string>(values: readonly T[], v: string | undefined): T | undefined => (values as readonly string[]).includes(v ?? '') ? (v as T) : undefined;

/** The inbox's filters from its query string; unknown values are ignored rather than refused. */
function inboxFilter(q: InboxQuery): { filter: InboxFilter; shown: Record<string, string | undefined> } {
  const state = q.state === 'all' ? undefined : (oneOf(STATES, q.state) ?? 'open');
  const target = /^\d{1,12}$/.test(q.target ?? '') ? Number(q.target) : undefined;
  const tag = q.tag?.trim() ? q.tag.trim().slice(0, 64) : undefined;
  const filter: InboxFilter = { state, severity: oneOf<Severity>(SEVERITIES, q.severity), kind: oneOf(ALERT_KINDS, q.kind), targetId: target, tag };
  return { filter, shown: { state: state ?? 'all', severity: filter.severity, kind: filter.kind, tag, target: target?.toString() } };
}

/**
 * The diff that shows an alert's proof: from the last snapshot that still had the thing (its evidence), else the
 * snapshot its change compared with, to the snapshot that raised it.
 */
function diffHref(alert: InboxAlert): string | null {
  const from = typeof alert.evidence.lastWithSnapshotId === 'number' ? alert.evidence.lastWithSnapshotId : alert.previousSnapshotId;
  return from && from !== alert.snapshotId ? `/snapshots/${alert.snapshotId}/diff?against=${from}` : null;
}

/** A local inbox or alert URL to go back to after triage. */
function backTo(back: unknown, id: number): string {
  return typeof back === 'string' && /^\/alerts(\/\d+)?(\?[\w=&%.+-]*)?$/.test(back) ? back : `/alerts/${id}`;
}

/** The alerts inbox, an alert's page, and triage. */
export async function alertRoutes(app: FastifyInstance, options: UiOptions): Promise<void> {
  const { ctx, views } = options;

  app.get<{ Querystring: InboxQuery }>('/alerts', { preHandler: requirePage('alerts:read', views) }, async (request, reply) => {
    const { filter, shown } = inboxFilter(request.query);
    const [alerts, open, triaged] = await Promise.all([
      listInboxAlerts(ctx.pool, { ...filter, limit: 200 }),
      countOpenAlerts(ctx.pool),
      /^\d{1,12}$/.test(request.query.triaged ?? '') ? getInboxAlert(ctx.pool, Number(request.query.triaged)) : null,
    ]);
    const notice = triaged ? `Alert ${triaged.id} (${triaged.kind}) is now ${triaged.state}.` : null;
    const back = new URL(request.url, 'http://ui.invalid');
    back.searchParams.delete('triaged');
    return renderPage(request, reply, 'alerts', { title: 'Alerts', alerts: alerts.map((a) => ({ ...a, diffHref: diffHref(a) })), open, filter: shown, kinds: ALERT_KINDS, back: `${back.pathname}${back.search}`, notice });
  });

  app.get<{ Params: { id: number }; Querystring: { triaged?: string } }>('/alerts/:id', {
    schema: { params: PAGE_ID_PARAMS },
    preHandler: requirePage('alerts:read', views),
  }, async (request, reply) => {
    const alert = await getInboxAlert(ctx.pool, request.params.id);
    if (!alert) throw new NotFoundError('alert', request.params.id);
    const notice = request.query.triaged ? `Marked ${alert.state}.` : null;
    return renderPage(request, reply, 'alert', { title: `Alert ${alert.id}`, alert, diffHref: diffHref(alert), notice });
  });

  app.post<{ Params: { id: number }; Body: { state?: string; note?: string; back?: string } }>('/alerts/:id/triage', {
    schema: { params: PAGE_ID_PARAMS },
    preHandler: [app.csrfProtection, requirePage('alerts:triage', views)],
  }, async (request, reply) => {
    const state = oneOf<AlertState>(['open', 'confirmed', 'dismissed'], request.body?.state);
    if (!state) return renderPage(request, reply, 'error', { title: 'Error', message: 'Choose confirm, dismiss or reopen.' }, 400);
    const note = typeof request.body?.note === 'string' && request.body.note.trim() ? request.body.note.trim().slice(0, 2000) : null;
    await triageAlert(ctx.pool, request.params.id, { state, note }, triagedBy(request.principal!));
    const back = new URL(backTo(request.body?.back, request.params.id), 'http://ui.invalid');
    back.searchParams.set('triaged', String(request.params.id));
    return reply.redirect(`${back.pathname}${back.search}`, 303);
  });
}
