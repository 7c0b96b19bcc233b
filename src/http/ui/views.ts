import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import { unseenWords } from '../../targets/seen-words.ts';
import { tierLines, type TierSummary } from '../../tiers/tier-summary.ts';

/** Where the templates live: a layout, one template per page, and partials. */
export const VIEWS_DIR = fileURLToPath(new URL('../views/', import.meta.url));
export const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));

/** The template engine. Escaping is on: `<%= %>` escapes, and web content is never written with `<%~ %>`. */
export function createViews(): Eta {
  return new Eta({ views: VIEWS_DIR, autoEscape: true, cache: true });
}

const KIND_LABELS: Record<string, string> = {
  page_removed: 'Page removed',
  content_removed: 'Content removed',
  phrase_removed: 'Phrase removed',
  media_removed: 'Media removed',
  embed_removed: 'Embed removed',
  document_removed: 'Document removed',
  page_moved: 'Page moved',
  page_restored: 'Page restored',
  page_unreachable: 'Page unreachable',
  page_blocked: 'Page blocked',
  page_delisted: 'Page delisted',
  tweet_deleted: 'Tweet deleted',
  tweet_withheld: 'Tweet withheld',
};

/** Formatting the templates share. */
export const helpers = {
  /** `2024-05-01 12:30 UTC`: one unambiguous format everywhere. */
  time(iso: string | null | undefined): string {
    return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '—';
  },
  kind(kind: string): string {
    return KIND_LABELS[kind] ?? kind;
  },
  unseen: unseenWords,
  /** What two-tier checking learned of a target, one sentence a line, times as everywhere else. */
  tier(summary: TierSummary): string[] {
    return tierLines(summary, (iso) => helpers.time(iso));
  },
  schedule(s: { every: string } | { cron: string }): string {
    return 'every' in s ? `every ${s.every}` : `cron ${s.cron} (UTC)`;
  },
  /** A query string from the set values of `params`. */
  query(params: Record<string, string | number | undefined | null>): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
    const s = q.toString();
    return s ? `?${s}` : '';
  },
  bytes(n: number): string {
    return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`;
  },
  /**
   * A target URL as a row shows it: host and path, no scheme, query or fragment (the full URL goes in a `title`,
   * see partials/target-url.eta). Anything that is not a URL is shown whole.
   */
  shortUrl(url: string): string {
    try {
      const u = new URL(url);
      return `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
    } catch {
      return url;
    }
  },
  /** Only http(s) URLs become links; anything else from the web is shown as text. */
  isWebUrl(url: unknown): boolean {
    return typeof url === 'string' && /^https?:\/\//i.test(url);
  },
};

export type Helpers = typeof helpers;
