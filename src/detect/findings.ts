/** The vocabulary of removal detection: alert kinds, severities, and the findings a comparison produces. */

export type AlertKind =
  | 'page_removed'
  | 'page_moved'
  | 'page_restored'
  | 'content_removed'
  | 'phrase_removed'
  | 'media_removed'
  | 'embed_removed'
  | 'document_removed'
  | 'page_unreachable'
  | 'page_blocked'
  | 'page_delisted'
  | 'tweet_deleted'
  | 'tweet_withheld';

/** Severities, least first. */
export const SEVERITY_LEVELS = ['low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITY_LEVELS)[number];

export const SEVERITY: Record<AlertKind, Severity> = {
  page_removed: 'high',
  page_moved: 'low',
  page_restored: 'low',
  content_removed: 'medium',
  phrase_removed: 'high',
  media_removed: 'medium',
  embed_removed: 'medium',
  /** A fact sheet, report or data file linked from the article is no longer linked, or no longer answers. */
  document_removed: 'medium',
  page_unreachable: 'low',
  page_blocked: 'low',
  /** A complete source (a sitemap, an archive index) stopped listing a page that still answers. */
  page_delisted: 'medium',
  tweet_deleted: 'high',
  tweet_withheld: 'medium',
};

/** Every alert kind: what subscriptions, the API and `scrubwatch alerts --kind` accept. */
export const ALERT_KINDS: readonly AlertKind[] = Object.keys(SEVERITY) as AlertKind[];

/** Kinds that say the whole target is gone: the lifecycle goes to `removed`, and coming back is `page_restored`. */
export const WHOLE_TARGET_REMOVALS: ReadonlySet<AlertKind> = new Set(['page_removed', 'tweet_deleted', 'tweet_withheld']);

/**
 * One removed thing, found by comparing a capture with the target's baseline: a paragraph, a photo, a phrase, an
 * embed, or the page itself. Its `key` names the thing stably, so the same removal seen at two captures is
 * recognised (confirmation) and raised once.
 */
export interface Finding {
  kind: AlertKind;
  key: string;
  /** What a reviewer needs to see about this one item (text excerpt, media URL and blob, status…). */
  item: Record<string, unknown>;
  /** Further items confirmed under the same key (a phrase's other lost mentions): the alert lists them after `item`. */
  moreItems?: Array<Record<string, unknown>>;
}

/** An alert before it is stored: what the detector concluded and the evidence for it. */
export interface AlertDraft {
  kind: AlertKind;
  severity: Severity;
  summary: string;
  evidence: Record<string, unknown>;
}
