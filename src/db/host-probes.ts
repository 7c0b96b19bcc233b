import type { Queryable } from './pool.ts';
import type { HostNotFoundPage } from '../detect/generic-page.ts';

export interface HostProbe extends HostNotFoundPage {
  host: string;
  title: string | null;
  probedAt: Date;
}

interface ProbeRow {
  host: string;
  requested_url: string;
  status: number | null;
  final_url: string;
  redirected: boolean;
  title: string | null;
  main_text: string;
  probed_at: Date;
}

export async function getHostProbe(db: Queryable, host: string): Promise<HostProbe | null> {
  const { rows } = await db.query<ProbeRow>('select * from host_probes where host = $1', [host]);
  const r = rows[0];
  return r
    ? { host: r.host, requestedUrl: r.requested_url, status: r.status, finalUrl: r.final_url, redirected: r.redirected, title: r.title, mainText: r.main_text, probedAt: r.probed_at }
    : null;
}

export async function putHostProbe(db: Queryable, p: Omit<HostProbe, 'probedAt'>): Promise<void> {
  await db.query(
    `insert into host_probes (host, requested_url, status, final_url, redirected, title, main_text, probed_at)
     values ($1, $2, $3, $4, $5, $6, $7, now())
     on conflict (host) do update set requested_url = excluded.requested_url, status = excluded.status,
       final_url = excluded.final_url, redirected = excluded.redirected, title = excluded.title,
       main_text = excluded.main_text, probed_at = now()`,
    [p.host, p.requestedUrl, p.status, p.finalUrl, p.redirected, p.title, p.mainText],
  );
}
