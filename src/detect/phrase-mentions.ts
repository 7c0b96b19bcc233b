import type { PageFacts } from '../page-data/page-facts.ts';
import type { Finding } from './findings.ts';
import { sentenceNaming } from './sentence.ts';
import { normalizeText, normalizedBlocks, profile, profileSimilarity } from './text.ts';

/** Where on the page a mention was: the title, the main text, a caption or alt text, an embedded tweet. */
export type MentionPart = 'title' | 'main' | 'caption' | 'embed';

/** One lost mention of a watched phrase, as a `phrase_removed` alert lists it. */
export interface LostMention {
  /** The phrase as the target watches it. */
  phrase: string;
  /** The sentence that named it, as on the page (cased, cut at word boundaries). */
  sentence: string;
  part: MentionPart;
  /** Mentions of the phrase left on the page. */
  remaining: number;
}

/** A piece of the page that may name a phrase: a title, a block, a caption, an alt text, an embedded tweet. */
interface Unit {
  part: MentionPart;
  text: string;
  norm: string;
  /** False for a block the readability pass left out of the article. */
  main: boolean;
}

/** An edited block still matches its old self above this similarity (as classify's paragraphs do). */
const EDIT_SIMILARITY = 0.5;

// The units of a snapshot's facts are built once, however many phrases read them.
const unitCache = new WeakMap<PageFacts, Unit[]>();

function unitsOf(facts: PageFacts): Unit[] {
  const cached = unitCache.get(facts);
  if (cached) return cached;
  const units: Unit[] = [];
  const add = (part: MentionPart, text: string | null, main = true, norm = normalizeText(text ?? '')) => {
    if (text && norm !== '') units.push({ part, text, norm, main });
  };
  add('title', facts.title);
  const blockNorms = normalizedBlocks(facts.blocks);
  for (const [i, block] of facts.blocks.entries()) add(block.kind === 'caption' ? 'caption' : 'main', block.text, block.main !== false, blockNorms[i]);
  // A figure's caption is read twice, as a block and as its photo's caption: one mention, not two.
  const captionBlocks = new Set(facts.blocks.flatMap((b, i) => (b.kind === 'caption' ? [blockNorms[i]] : [])));
  for (const m of facts.media) {
    const caption = normalizeText(m.caption ?? '');
    if (!captionBlocks.has(caption)) add('caption', m.caption, true, caption);
    add('caption', m.alt);
  }
  for (const e of facts.embeds) add('embed', e.text);
  unitCache.set(facts, units);
  return units;
}

/**
 * The units of `before` naming the phrase that `after` no longer accounts for. A unit found again word for word
 * (wherever it now is) keeps its mention; of the rest, each unit of `after` that newly names the phrase accounts
 * for one: first the one most like it (the same block, edited but still naming it), then any other (the mention
 * moved to another block).
 */
function lostUnits(before: Unit[], after: Unit[]): Unit[] {
  const left = new Map<string, number>();
  for (const u of after) left.set(u.norm, (left.get(u.norm) ?? 0) + 1);
  const unmatched: Unit[] = [];
  for (const u of before) {
    const n = left.get(u.norm) ?? 0;
    if (n > 0) left.set(u.norm, n - 1);
    else unmatched.push(u);
  }
  const newcomers = after.filter((u) => {
    const n = left.get(u.norm) ?? 0;
    if (n > 0) left.set(u.norm, n - 1);
    return n > 0;
  });
  const free = newcomers.map((u) => ({ profile: profile(u.norm), taken: false }));
  const lost: Unit[] = [];
  for (const u of unmatched) {
    const old = profile(u.norm);
    const edited = free.find((n) => !n.taken && profileSimilarity(old, n.profile) >= EDIT_SIMILARITY);
    if (edited) edited.taken = true;
    else lost.push(u);
  }
  // A moved mention accounts first for units out of the article (reported only when the phrase is gone anyway).
  const moved = new Set<Unit>();
  for (const u of [...lost].sort((a, b) => Number(a.main) - Number(b.main))) {
    const newcomer = free.find((n) => !n.taken);
    if (!newcomer) break;
    newcomer.taken = true;
    moved.add(u);
  }
  return lost.filter((u) => !moved.has(u));
}

/**
 * The `phrase_removed` findings of a capture: for each watched phrase whose mentions decreased — a title, block,
 * caption, alt text or embedded tweet that named it is gone or no longer names it, and no new one makes up for
 * it — one finding keyed by the phrase alone (so every capture that sees the phrase's mentions down confirms the
 * same finding), listing each lost mention. A mention in a block the readability pass left out of the article
 * counts towards `remaining`, and is reported lost only when the phrase is gone from the page altogether. Pure.
 */
export function phraseFindings(before: PageFacts, after: PageFacts, phrases: string[]): Finding[] {
  if (phrases.length === 0) return [];
  const findings: Finding[] = [];
  for (const phrase of phrases) {
    const p = normalizeText(phrase);
    if (p === '') continue;
    const was = unitsOf(before).filter((u) => u.norm.includes(p));
    if (was.length === 0) continue;
    const now = unitsOf(after).filter((u) => u.norm.includes(p));
    const remaining = now.length;
    const lost = lostUnits(was, now).filter((u) => u.main || remaining === 0);
    if (lost.length === 0) continue;
    const [first, ...more] = lost.map((u): LostMention => ({ phrase, sentence: sentenceNaming(u.text, p), part: u.part, remaining }));
    findings.push({ kind: 'phrase_removed', key: `phrase_removed:${p}`, item: { ...first }, ...(more.length ? { moreItems: more.map((m) => ({ ...m })) } : {}) });
  }
  return findings;
}
