import { createHash } from 'node:crypto';
import type { RedirectHop } from '../page-data/capture-result.ts';
import type { EmbeddedTweet, PageFacts, TextBlock } from '../page-data/page-facts.ts';
import type { ClassifiedOutcome } from './outcome.ts';
import type { Finding } from './findings.ts';
import { compareMedia } from './media-match.ts';
import { documentFindings } from './document-removals.ts';
import { genericRedirectReason, matchesHostNotFound, pageText, type HostNotFoundPage } from './generic-page.ts';
import { isVolatileText, normalizeText, profile, profileSimilarity, similarity, similarityBound, words } from './text.ts';

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
}

/** Blocks of kinds that carry an article's prose, as opposed to headings, list items of menus, captions. */
const PROSE_KINDS = new Set<TextBlock['kind']>(['paragraph', 'quote', 'preformatted', 'list-item']);
const MIN_PROSE_WORDS = 8;
/** An edited paragraph still matches its old self above this similarity: a change, not a removal. */
const EDIT_SIMILARITY = 0.5;
/** A redirect target this alike to the baseline is the same article moved. */
const MOVED_SIMILARITY = 0.5;
const EXCERPT_CHARS = 600;

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);
const excerpt = (text: string) => (text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text);

/** A block that is real article content: main content, prose, long enough, and not a date or a counter. */
function isSubstantive(block: TextBlock, normalized: string): boolean {
  return block.main !== false && PROSE_KINDS.has(block.kind) && words(normalized).length >= MIN_PROSE_WORDS && !isVolatileText(normalized);
}

// Each block is normalised once per snapshot, however many comparisons read it.
const normalizedCache = new WeakMap<TextBlock[], string[]>();
function normalizedBlocks(blocks: TextBlock[]): string[] {
  let cached = normalizedCache.get(blocks);
  if (!cached) {
    cached = blocks.map((b) => normalizeText(b.text));
    normalizedCache.set(blocks, cached);
  }
  return cached;
}

/**
 * Substantive blocks of the baseline with no close match in the current snapshot. Exact matches are found by
 * normalised text (a moved paragraph is no removal); what remains is matched by similarity against the current
 * blocks that are new, so an edited paragraph counts as changed.
 */
export function removedBlocks(before: TextBlock[], after: TextBlock[]): TextBlock[] {
  const remaining = new Map<string, number>();
  for (const n of normalizedBlocks(after)) remaining.set(n, (remaining.get(n) ?? 0) + 1);
  const beforeNorm = normalizedBlocks(before);
  const unmatched: Array<{ block: TextBlock; norm: string }> = [];
  for (const [i, block] of before.entries()) {
    const norm = beforeNorm[i]!;
    const left = remaining.get(norm) ?? 0;
    if (left > 0) remaining.set(norm, left - 1);
    else if (isSubstantive(block, norm)) unmatched.push({ block, norm });
  }
  if (unmatched.length === 0) return [];
  const newcomers = [...remaining.entries()].filter(([, n]) => n > 0).map(([text]) => profile(text));
  return unmatched
    .filter(({ norm }) => {
      const old = profile(norm);
      return !newcomers.some((n) => similarityBound(old, n) >= EDIT_SIMILARITY && profileSimilarity(old, n) >= EDIT_SIMILARITY);
    })
    .map(({ block }) => block);
}

function pageFinding(signal: string, input: ClassifyInput): Finding {
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
    },
  };
}

/**
 * The phrases of `phrases` the page names, matched as `phrase_removed` matches them (normalised, case-insensitive,
 * in the title, the main text and the media's captions and alt text): how a source's `--only-matching` screens a page.
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
  const beforeText = input.phrases.length ? searchableText(before) : '';
  const afterText = input.phrases.length ? searchableText(after) : '';
  for (const phrase of input.phrases) {
    const p = normalizeText(phrase);
    if (p && beforeText.includes(p) && !afterText.includes(p)) {
      const at = beforeText.indexOf(p);
      findings.push({ kind: 'phrase_removed', key: `phrase_removed:${p}`, item: { phrase, context: excerpt(beforeText.slice(Math.max(0, at - 200), at + p.length + 200)) } });
    }
  }
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
  const stillEmbedded = new Set(after.embeds.map((e) => e.statusId));
  for (const e of before.embeds.filter((x: EmbeddedTweet) => !stillEmbedded.has(x.statusId))) {
    findings.push({ kind: 'embed_removed', key: `embed_removed:${e.statusId}`, item: { statusId: e.statusId, author: e.author, url: e.url, text: e.text, date: e.date } });
  }
  findings.push(...documentFindings(before, after, input.hostNotFound));
  return findings;
}

/**
 * A tweet that was up and no longer is: deleted (oEmbed 404, or its embed turned into an error on a page) or
 * withheld/protected (oEmbed 403). The alert carries the tweet as last seen — its text is the evidence.
 */
function tweetFindings(input: ClassifyInput): Finding[] {
  const { outcome, current, baseline } = input;
  if (outcome.outcome !== 'gone' || !baseline) return [];
  const last = baseline.facts?.embeds[0];
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
    const generic = genericRedirectReason(current.requestedUrl, current.finalUrl, hostNotFound);
    if (generic) return [pageFinding(generic, input)];
    if (similarity(pageText(baseline.facts), text) < MOVED_SIMILARITY) return [pageFinding('redirect_to_unrelated_page', input)];
    findings.push({ kind: 'page_moved', key: `page_moved:${current.finalUrl}`, item: { from: baseline.finalUrl, to: current.finalUrl, redirects: current.redirects } });
  }
  if (matchesHostNotFound(current.finalUrl, text, hostNotFound)) return [pageFinding('matches_host_not_found_page', input)];
  return [...findings, ...contentFindings(input, baseline)];
}
