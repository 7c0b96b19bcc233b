import type { PageFacts, TextBlock } from '../../src/page-data/page-facts.ts';
import { seededRandom } from '../../test/helpers/seeded-random.ts';

/** The name a few articles mention (some spelled Goïta), and the scope figures search for. */
export const NAME = 'Assimi Goita';
/** Two words nearly every article holds: the hardest two-word query, matching almost every text. */
export const COMMON_WORDS = 'security forces';

// News vocabulary, most common first: words are drawn with Zipf weights, so the first few are in nearly every
// article and the tail in few. Generated syllable words widen the tail to a newsroom's vocabulary size.
const BASE =
  `the of and to in a said on for that with security forces was is by government official at from as it military
  minister his region people country border said police which had after national attack have were been they president
  army would their report troops week two this an also but against more than capital statement operations told about
  training partner nations special support command soldiers counter terrorism multinational logistics medical aviation
  ceremony commander exercise Sahel Mauritania Burkina Faso Niger Mali Chad election junta transition coup sanctions
  embassy ministry spokesman interview agency press conference villagers humanitarian displaced refugees camp aid
  convoy patrol ambush militants jihadist insurgents province district town north south east west river desert
  mining gold contract company investment budget parliament opposition party protest decree constitution referendum`
    .split(/\s+/)
    .filter(Boolean);
const SYLLABLES = ['ka', 'lo', 'mi', 'ra', 'tu', 'sen', 'bar', 'dou', 'ni', 'ga', 'fo', 'ke', 'zan', 'mal', 'ti'];
const VOCABULARY = [...BASE, ...Array.from({ length: 4_000 }, (_, i) => syllableWord(i))];
const FIRST = ['Amadou', 'Fatoumata', 'Ibrahim', 'Aminata', 'Moussa', 'Mariam', 'Oumar', 'Awa', 'Boubacar', 'Kadiatou', 'Seydou', 'Hawa', 'Abdoulaye', 'Ramata', 'Cheick', 'Salif'];
const LAST = ['Traore', 'Keita', 'Diarra', 'Coulibaly', 'Toure', 'Maiga', 'Sangare', 'Konate', 'Cisse', 'Sidibe', 'Ouedraogo', 'Kabore', 'Diallo', 'Sow', 'Bah', 'Camara'];

function syllableWord(i: number): string {
  let n = i + SYLLABLES.length;
  let word = '';
  while (n > 0) {
    word += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  }
  return word;
}

// Cumulative Zipf weights (s = 1) over the vocabulary, for drawing by binary search.
const CUMULATIVE = (() => {
  const out = new Float64Array(VOCABULARY.length);
  let sum = 0;
  for (let r = 0; r < VOCABULARY.length; r++) out[r] = sum += 1 / (r + 1);
  return out;
})();


function word(next: () => number): string {
  const x = next() * CUMULATIVE[CUMULATIVE.length - 1]!;
  let lo = 0;
  let hi = CUMULATIVE.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (CUMULATIVE[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return VOCABULARY[lo]!;
}

function personName(next: () => number): string {
  return `${FIRST[Math.floor(next() * FIRST.length)]} ${LAST[Math.floor(next() * LAST.length)]}`;
}

/** A sentence-like run of `count` words with a name now and then. */
export function paragraph(next: () => number, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(next() < 0.02 ? personName(next) : word(next));
  const text = out.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

/** One article as a page shows it at first: its paragraphs apart, so churn can cut one or add one. */
export interface Article {
  title: string;
  paragraphs: string[];
  photos: Array<{ caption: string; alt: string }>;
  tweet: string | null;
  /** Index of the paragraph naming NAME, when the article mentions him. */
  mention: number | null;
}

/** An article of about `words` words (paragraphs of 40–140), three photos, an embedded tweet on a third of them. */
export function article(seed: number, words: number, mentionsName: boolean): Article {
  const next = seededRandom(seed);
  const paragraphs: string[] = [];
  let total = 0;
  while (total < words) {
    const count = 40 + Math.floor(next() * 100);
    paragraphs.push(paragraph(next, count));
    total += count;
  }
  let mention: number | null = null;
  if (mentionsName) {
    mention = 1 + Math.floor(next() * (paragraphs.length - 1));
    const spelled = next() < 0.3 ? 'Assimi Goïta' : NAME;
    paragraphs[mention] = `${paragraph(next, 20)} Colonel ${spelled} ${paragraph(next, 30).toLowerCase()}`;
  }
  return {
    title: `${paragraph(next, 6).slice(0, -1)}: ${personName(next)}`,
    paragraphs,
    photos: Array.from({ length: 3 }, () => ({ caption: paragraph(next, 14), alt: paragraph(next, 6) })),
    tweet: next() < 0.33 ? paragraph(next, 25) : null,
    mention,
  };
}

/** The page's facts for an article as it reads now: what the extractor would have read off its DOM. */
export function articleFacts(a: Article, url: string): PageFacts {
  const blocks: TextBlock[] = [
    { kind: 'heading', text: a.title, main: true },
    ...a.paragraphs.map((text): TextBlock => ({ kind: 'paragraph', text, main: true })),
    ...a.photos.map((p): TextBlock => ({ kind: 'caption', text: p.caption, main: true })),
  ];
  return {
    title: a.title,
    canonicalUrl: url,
    blocks,
    media: a.photos.map((p, i) => ({ kind: 'image', url: `${url}/photo-${i}.jpg`, alt: p.alt, caption: p.caption, loaded: true, status: 200 })),
    links: Array.from({ length: 12 }, (_, i) => ({ url: `${new URL(url).origin}/news/related-${i}`, text: `Related report ${i}` })),
    embeds: a.tweet ? [{ statusId: String(1_000_000 + a.paragraphs.length), author: 'sahelnews', url: 'https://twitter.com/sahelnews/status/1', text: a.tweet, date: 'March 3, 2024', rendered: true }] : [],
  };
}
