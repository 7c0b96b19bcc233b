import { createHash } from 'node:crypto';
import type { RedirectHop } from '../page-data/capture-result.ts';
import type { EmbeddedTweet, PageFacts } from '../page-data/page-facts.ts';
import type { ClassifiedOutcome } from './outcome.ts';
import type { Finding } from './findings.ts';
import { compareMedia, type MediaComparison } from './media-match.ts';
import { documentFindings } from './document-removals.ts';
import { genericRedirectReason, landsOnNotFoundPage, matchesHostNotFound, MOVED_SIMILARITY, pageText, type HostNotFoundPage } from './generic-page.ts';
import { isOtherHost, otherHostRedirect } from './other-host-redirect.ts';
import { phraseFindings } from './phrase-mentions.ts';
import { removedBlocks } from './removed-blocks.ts';
import { cutAtWord } from './cut-at-word.ts';
import { normalizeText, normalizedBlocks, similarity } from './text.ts';

export { removedBlocks } from './removed-blocks.ts';

/** A snapshot as the classifier sees it: where it ended up and what it said. */
export interface ComparedSnapshot {
  id: number;
  status: number | null;
  requestedUrl: string;
  finalUrl: string;
  redirects: RedirectHop[];
  facts: PageFacts | null;
}

export interface ClassifyInput {
  /** The target's last accepted snapshot (an `ok` one); null before the first. */
  baseline: ComparedSnapshot | null;
  current: ComparedSnapshot;
  outcome: ClassifiedOutcome;
  /** The host's not-found page, when one was probed. */
  hostNotFound: HostNotFoundPage | null;
  /** The target's watched phrases. */
  phrases: string[];
  /** What is watched; a tweet is judged by whether it is still up, not by its text. Default `page`. */
  targetKind?: 'page' | 'tweet';
  /** For a tweet: the watched pages that embed it, named in its alerts. */
  embeddedIn?: Array<{ targetId: number; url: string; name: string | null }>;
  /** For a tweet: its status id, which picks it out of a baseline that is a page embedding several tweets. */
  tweetId?: string | null;
}

const EXCERPT_CHARS = 600;

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);
const excerpt = (text: string) => cutAtWord(text, EXCERPT_CHARS);

function pageFinding(signal: string, input: ClassifyInput, extra: Record<string, unknown> = {}): Finding {
  const { current, baseline, outcome } = input;
  return {
    kind: 'page_removed',
    key: 'page_removed',
    item: {
      signal,
      detail: outcome.detail,
      status: current.status,
      previousStatus: baseline?.status ?? null,
      requestedUrl: current.requestedUrl,
      finalUrl: current.finalUrl,
      redirects: current.redirects,
      title: current.facts?.title ?? null,
      previousTitle: baseline?.facts?.title ?? null,
      ...extra,
    },
  };
}

/**
 * The phrases of `phrases` the page names, normalised and case-insensitive as `phrase_removed` matches them, in the
 * title, the main text and the media's captions and alt text: how a source's `--only-matching` screens a page.
 */
export function phrasesNamed(facts: PageFacts | null, phrases: string[]): string[] {
  const text = phrases.length ? searchableText(facts) : '';
  return phrases.filter((phrase) => {
    const p = normalizeText(phrase);
    return p !== '' && text.includes(p);
  });
}

function searchableText(facts: PageFacts | null): string {
  if (!facts) return '';
  const captions = facts.media.flatMap((m) => [m.caption ?? '', m.alt ?? '']);
  return [normalizeText([facts.title ?? '', ...captions].join('\n')), ...normalizedBlocks(facts.blocks)].join('\n');
}

function contentFindings(input: ClassifyInput, baseline: ComparedSnapshot): Finding[] {
  const before = baseline.facts;
  const after = input.current.facts;
  if (!before || !after) return [];
  const findings: Finding[] = [];
  for (const block of removedBlocks(before.blocks, after.blocks)) {
    findings.push({ kind: 'content_removed', key: `content_removed:${digest(normalizeText(block.text))}`, item: { kind: block.kind, text: excerpt(block.text) } });
  }
  findings.push(...phraseFindings(before, after, input.phrases));
  const media = compareMedia(before.media, after.media);
  const mediaItem = (m: (typeof before.media)[number], reason: string, status: number | null) => ({
    reason,
    kind: m.kind,
    url: m.url,
    alt: m.alt,
    caption: m.caption,
    blobSha256: m.sha256 ?? null,
    status,
  });
  for (const m of media.removed) findings.push({ kind: 'media_removed', key: `media_removed:${m.url}`, item: mediaItem(m, 'gone_from_page', null) });
  for (const { before: m, after: now } of media.failed) {
    findings.push({ kind: 'media_removed', key: `media_removed:${m.url}`, item: mediaItem(m, 'file_no_longer_loads', now.status) });
  }
  for (const swap of media.swapped) {
    const { before: m, after: now } = swap;
    findings.push({ kind: 'media_removed', key: `media_removed:${m.url}`, item: { ...mediaItem(m, 'replaced_under_same_url', now.status), ...swapEvidence(swap, baseline, input.current) } });
  }
  const stillEmbedded = new Set(after.embeds.map((e) => e.statusId));
  for (const e of before.embeds.filter((x: EmbeddedTweet) => !stillEmbedded.has(x.statusId))) {
    findings.push({ kind: 'embed_removed', key: `embed_removed:${e.statusId}`, item: { statusId: e.statusId, author: e.author, url: e.url, text: e.text, date: e.date } });
  }
  findings.push(...documentFindings(before, after, input.hostNotFound));
  return findings;
}

/** Both files of a photo swapped under its URL: their SHA-256s and where the API serves each stored copy. */
function swapEvidence({ before, after, distance }: MediaComparison['swapped'][number], baseline: ComparedSnapshot, current: ComparedSnapshot) {
  return {
    replaced: true,
    sha256Before: before.sha256,
    sha256After: after.sha256,
    storedBefore: `/api/snapshots/${baseline.id}/media/${before.sha256}`,
    storedAfter: `/api/snapshots/${current.id}/media/${after.sha256}`,
    pictureDistance: distance,
  };
}

/**
 * A tweet that was up and no longer is: deleted (oEmbed 404, or its embed turned into an error on a page) or
 * withheld/protected (oEmbed 403). The alert carries the tweet as last seen — its text is the evidence. The baseline
 * is the tweet's own last `up` answer, or — for a tweet never seen up by a probe — the snapshot of the page that
 * showed it embedded (`lastSeenIn: 'page_embed'`, with whether the embed script had rendered it there).
 */
function tweetFindings(input: ClassifyInput): Finding[] {
  const { outcome, current, baseline } = input;
  if (outcome.outcome !== 'gone' || !baseline) return [];
  const embeds = baseline.facts?.embeds ?? [];
  const last = input.tweetId ? embeds.find((e) => e.statusId === input.tweetId) : embeds[0];
  const inPage = baseline.requestedUrl !== current.requestedUrl;
  const kind = outcome.signal === 'oembed_403' ? 'tweet_withheld' : 'tweet_deleted';
  return [
    {
      kind,
      key: kind,
      item: {
        signal: outcome.signal,
        detail: outcome.detail,
        status: current.status,
        url: current.requestedUrl,
        tweetId: last?.statusId ?? null,
        author: last?.author ?? null,
        lastText: last?.text ?? null,
        date: last?.date ?? null,
        lastSeenIn: inPage ? 'page_embed' : 'oembed',
        ...(inPage ? { lastSeenUrl: baseline.requestedUrl, rendered: last?.rendered ?? false } : {}),
        embeddedIn: input.embeddedIn ?? [],
      },
    },
  ];
}

/**
 * What a capture amounts to, compared with the target's baseline: the removals it shows, each as a finding. Pure.
 * One incident, one finding: a page that is gone yields `page_removed` alone, never also the paragraphs, photos
 * and phrases that went with it. Blocked and failed captures yield nothing: they say nothing about the page.
 */
export function classifyCapture(input: ClassifyInput): Finding[] {
  const { baseline, current, outcome, hostNotFound } = input;
  if (input.targetKind === 'tweet') return tweetFindings(input);
  if (outcome.outcome === 'blocked' || outcome.outcome === 'error' || !baseline) return [];
  if (outcome.outcome === 'gone') return [pageFinding(outcome.signal, input)];

  const text = pageText(current.facts);
  const findings: Finding[] = [];
  const redirectedAway = current.redirects.length > 0 && normalizeText(current.finalUrl) !== normalizeText(baseline.finalUrl);
  if (redirectedAway) {
    // Another host's pages were never seen: its home, search and sections are told by shape and content.
    const otherHost = isOtherHost(baseline.finalUrl, current.finalUrl) && !landsOnNotFoundPage(current.finalUrl, hostNotFound)
      ? otherHostRedirect(current.finalUrl, baseline.facts, current.facts)
      : null;
    const extra = otherHost ? { articleCarried: { blocks: otherHost.article.carried, of: otherHost.article.of } } : {};
    const generic = otherHost ? otherHost.signal : genericRedirectReason(current.requestedUrl, current.finalUrl, hostNotFound);
    if (generic) return [pageFinding(generic, input, extra)];
    if (!otherHost && similarity(pageText(baseline.facts), text) < MOVED_SIMILARITY) return [pageFinding('redirect_to_unrelated_page', input)];
    findings.push({ kind: 'page_moved', key: `page_moved:${current.finalUrl}`, item: { from: baseline.finalUrl, to: current.finalUrl, redirects: current.redirects, ...extra } });
  }
  if (matchesHostNotFound(current.finalUrl, text, hostNotFound)) return [pageFinding('matches_host_not_found_page', input)];
  return [...findings, ...contentFindings(input, baseline)];
}
