import { REAL_PAGES } from '../../helpers/real-pages.ts';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import type { CaptureErrorCode } from '../../../src/page-data/capture-result.ts';
import type { PageFacts, TextBlock } from '../../../src/page-data/page-facts.ts';
import { selectHeaders } from '../../../src/capture/headers.ts';
import { FACT_CAPS } from '../../../src/extract/caps.ts';
import { extractPageFacts } from '../../../src/extract/page-facts.ts';
import { classifyOutcome, saysNotFound, type Outcome, type OutcomeInput } from '../../../src/detect/outcome.ts';
import { compileOperatorPatterns } from '../../../src/detect/operator-patterns.ts';

const SNAPSHOT_QUALITY = new URL('snapshot-quality/', REAL_PAGES);

function htmlFacts(html: string, baseUrl: string): PageFacts {
  const { document } = parseHTML(html);
  return extractPageFacts(document as unknown as Document, { baseUrl, ignore: [], caps: FACT_CAPS });
}

/** One capture record of snapshot-quality: the fields this test reads. */
interface CaptureRecord {
  data: {
    status: number;
    url: string;
    title: string | null;
    media_type: string | null;
    headers: Record<string, string>;
    source_metadata?: { redirects?: string[] } | null;
  };
}

interface RecordCase {
  /** `<kind>-<score>/<first 8 characters of the file name>`: the key of EXPECTED. */
  key: string;
  name: string;
  score: number;
  record: CaptureRecord['data'];
  /** The recorded headers as scrubwatch keeps them (selectHeaders): what the classifier sees in production. */
  input: OutcomeInput;
  /** The same capture with every recorded header, as a fetcher keeping more headers would see it. */
  inputAllHeaders: OutcomeInput;
}

/**
 * The title is the record's. Blocks come from the raw body when the record has one (gunzipped when stored
 * compressed; HTML through extractPageFacts, anything else as one paragraph). Records without a body get no blocks:
 * the title is all that is known of them, and a made-up paragraph would be a guess about what the wall said.
 */
function recordFacts(record: CaptureRecord['data'], bodyFile: URL): PageFacts {
  let blocks: TextBlock[] = [];
  if (existsSync(bodyFile)) {
    let raw = readFileSync(bodyFile);
    if (raw[0] === 0x1f && raw[1] === 0x8b) raw = gunzipSync(raw);
    const body = raw.toString('utf8');
    const contentType = record.media_type ?? record.headers['content-type'] ?? '';
    blocks = /html/i.test(contentType)
      ? htmlFacts(body, record.url).blocks
      : [{ kind: 'paragraph', text: body.replace(/\s+/g, ' ').trim() }];
  }
  return { title: record.title, canonicalUrl: null, blocks, media: [], links: [], embeds: [] };
}

/** Every capture record under snapshot-quality, read at test time. */
function recordCases(): RecordCase[] {
  return readdirSync(SNAPSHOT_QUALITY)
    .sort()
    .flatMap((dir) => {
      const label = /^(.+)-(\d+(?:\.\d+)?)$/.exec(dir);
      if (!label) throw new Error(`snapshot-quality/${dir}: expected <kind>-<score>`);
      const dirUrl = new URL(`${dir}/`, SNAPSHOT_QUALITY);
      return readdirSync(dirUrl)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((file): RecordCase => {
          const record = (JSON.parse(readFileSync(new URL(file, dirUrl), 'utf8')) as CaptureRecord).data;
          const facts = recordFacts(record, new URL(file.replace(/\.json$/, '.body'), dirUrl));
          const base = { status: record.status, errorCode: null, facts, finalUrl: record.source_metadata?.redirects?.at(-1) ?? record.url };
          return {
            key: `${dir}/${file.slice(0, 8)}`,
            name: `${label[1]} ${label[2]} ${file} (${record.status} "${record.title ?? ''}")`,
            score: Number(label[2]),
            record,
            input: { ...base, headers: selectHeaders(Object.entries(record.headers)) },
            inputAllHeaders: { ...base, headers: Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k.toLowerCase(), v])) },
          };
        });
    });
}

/*
 * What each capture must be classified as, with the headers scrubwatch keeps. The analyst's score says which side
 * of the line a capture is on (below 1.0: the response is not the page; 1.0: the site itself answered); this table
 * says exactly where. Readings where the label needed thought:
 * - akamai-ghost-1.0/f6aefb66 is FEMA's 404 with the title "…is experiencing technical difficulties", served by
 *   AkamaiGHost. The analyst calls it genuine: a 660 kB static page from FEMA's own error setup, answering 404, not a
 *   403 wall. So AkamaiGHost alone is no block signature on a 404, and the page is gone.
 * - erddap-0.0 and erddap-0.25 are the same capture (same id, headers and status) scored twice. The 0.0 copy has its
 *   body, ERDDAP's "Your IP address is on this ERDDAP's request blacklist": a block. The 0.25 copy has no body: a
 *   bare 403 from Apache with a plain-text content type, which is an error (status_403), not provably a wall. Both
 *   readings keep it away from "gone", which is what both scores ask.
 * - awselb-2-0.5 (502, 504, 503 from the site's own AWS load balancer) is scored half-way: the site answered, but
 *   not with the page. No wall, no page: server_error.
 * - rimon-0.0 is a 200 with no title from an ISP content filter (header `rimon: RWC_BLOCK`). scrubwatch keeps that
 *   header, so it reads as a block page; without it (no body was recorded) it would be an empty page (error).
 * - awselb-2-0.0/22380604 is a 429 from awselb on the way to unblock.federalregister.gov: the vendor rule
 *   (waf_aws) names it before the generic rate_limited.
 */
const EXPECTED: Record<string, [Outcome, string]> = {
  'akamai-edgesuite-0.25/865af8f4': ['blocked', 'waf_akamai'],
  'akamai-edgesuite-0.25/a12aa8b7': ['blocked', 'waf_akamai'],
  'akamai-edgesuite-1.0/523b9650': ['gone', 'status_404'],
  'akamai-edgesuite-1.0/819ffbe1': ['ok', 'ok'],
  'akamai-ghost-0.0/15ffa552': ['blocked', 'waf_akamai'],
  'akamai-ghost-0.0/61b7dd38': ['blocked', 'waf_akamai'],
  'akamai-ghost-0.0/e471f79e': ['blocked', 'waf_akamai'],
  'akamai-ghost-1.0/f6aefb66': ['gone', 'status_404'],
  'awselb-2-0.0/20b8cc31': ['blocked', 'waf_aws'],
  'awselb-2-0.0/22380604': ['blocked', 'waf_aws'],
  'awselb-2-0.0/38a04ad5': ['blocked', 'waf_aws'],
  'awselb-2-0.0/b47ca1d6': ['blocked', 'block_page'],
  'awselb-2-0.1/1d70001a': ['blocked', 'waf_aws'],
  'awselb-2-0.5/24180b49': ['error', 'server_error'],
  'awselb-2-0.5/8be8e58c': ['error', 'server_error'],
  'awselb-2-0.5/d5acb250': ['error', 'server_error'],
  'cloudflare-0.0/f4a1880f': ['blocked', 'waf_cloudflare'],
  'cloudflare-0.1/2d1d43d8': ['blocked', 'waf_cloudflare'],
  'cloudflare-1.0/2b8769d9': ['ok', 'ok'],
  'cloudflare-1.0/642f2b06': ['gone', 'status_404'],
  'cloudflare-1.0/6f77d615': ['gone', 'status_404'],
  'cloudflare-1.0/7fb8b5d1': ['gone', 'status_404'],
  'cloudflare-1.0/cb689d2b': ['ok', 'ok'],
  'cloudfront-0.0/25c60746': ['blocked', 'waf_cloudfront'],
  'cloudfront-0.0/30619214': ['blocked', 'waf_cloudfront'],
  'cloudfront-0.0/bfb193df': ['blocked', 'waf_cloudfront'],
  'cloudfront-1.0/0c162f58': ['ok', 'ok'],
  'cloudfront-1.0/5137cd36': ['gone', 'status_404'],
  'erddap-0.0/d5c25818': ['blocked', 'block_page'],
  'erddap-0.25/d5c25818': ['error', 'status_403'],
  'erddap-1.0/84ff76a6': ['ok', 'ok'],
  'nginx-0.1/74d62776': ['blocked', 'rate_limited'],
  'rimon-0.0/f3407204': ['blocked', 'block_page'],
  'unblock.federalregister-0.0/bcf36392': ['blocked', 'block_page'],
};


/** The analyst's line: below 1.0 the response is not the page, so never ok and never gone. */
function allowedByScore(score: number): Outcome[] {
  return score < 1 ? ['blocked', 'error'] : ['ok', 'gone'];
}

describe('classifyOutcome on real firewall and CDN captures (snapshot-quality)', () => {
  const cases = recordCases();

  it('reads every capture record and has an expectation for each', () => {
    expect(cases.length).toBeGreaterThanOrEqual(34);
    expect(cases.map((c) => c.key).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const verdict = classifyOutcome(c.input);
    expect(allowedByScore(c.score)).toContain(verdict.outcome);
    const expected = EXPECTED[c.key];
    if (expected) expect([verdict.outcome, verdict.signal]).toEqual(expected);
    expect(verdict.detail).not.toBe('');
  });

  it.each(cases.map((c) => [c.name, c] as const))('with every recorded header: %s', (_name, c) => {
    const verdict = classifyOutcome(c.inputAllHeaders);
    expect(allowedByScore(c.score)).toContain(verdict.outcome);
    const expected = EXPECTED[c.key];
    if (expected) expect(verdict.outcome).toBe(expected[0]);
  });

  it('says why in the detail: the title, who answered and the status', () => {
    const akamai = cases.find((c) => c.key === 'akamai-ghost-0.0/15ffa552')!;
    expect(classifyOutcome(akamai.input).detail).toBe('title "Access Denied" from AkamaiGHost with 403');
    const erddap = cases.find((c) => c.key === 'erddap-0.0/d5c25818')!;
    expect(classifyOutcome(erddap.input).detail).toMatch(/request blacklist.* from Apache with 403$/);
  });
});

describe('classifyOutcome on the real before/after pages', () => {
  const files = readdirSync(REAL_PAGES).filter((f) => /^(?:truepos|falsepos)-.+-[ab]\.html$/.test(f)).sort();

  it('finds all six pages', () => {
    expect(files).toHaveLength(6);
  });

  it.each(files)('%s answering 200 is ok', (file) => {
    const url = 'https://www.example.gov/page';
    const facts = htmlFacts(readFileSync(new URL(file, REAL_PAGES), 'utf8'), url);
    expect(facts.blocks.length).toBeGreaterThan(3);
    expect(classifyOutcome({ status: 200, errorCode: null, headers: { 'content-type': 'text/html' }, facts, finalUrl: url })).toEqual({
      outcome: 'ok',
      signal: 'ok',
      detail: '200',
    });
  });
});

const ARTICLE_URL = 'https://www.army.mil/article/281234/soldiers_train_with_allies_in_poland';

/** Facts from a title and blocks given as `# heading` or plain paragraph text. */
function facts(title: string | null, lines: string[] = []): PageFacts {
  const blocks = lines.map((l): TextBlock => (l.startsWith('# ') ? { kind: 'heading', text: l.slice(2) } : { kind: 'paragraph', text: l }));
  return { title, canonicalUrl: null, blocks, media: [], links: [], embeds: [] };
}

function capture(partial: Partial<OutcomeInput>): OutcomeInput {
  return { status: 200, errorCode: null, headers: { 'content-type': 'text/html; charset=utf-8' }, facts: null, finalUrl: ARTICLE_URL, ...partial };
}

/** A military news article, long like real ones: heading, dateline, eight paragraphs. */
const ARTICLE_LINES = [
  '# Soldiers train alongside allies during Saber Strike in Poland',
  'By Sgt. Maria Lopez, 3rd Infantry Division Public Affairs — March 4, 2024',
  ...Array.from(
    { length: 8 },
    (_, i) =>
      `Paragraph ${i + 1}: Soldiers from the 1st Armored Brigade Combat Team conducted live-fire drills with Polish and Lithuanian units near Drawsko Pomorskie, rehearsing combined-arms manoeuvres, casualty evacuation and river crossings over two weeks of training.`,
  ),
];
const article = (title: string, lines = ARTICLE_LINES): PageFacts => facts(title, lines);

const SHORT_NEWS_BRIEF = [
  'Navy divers searched the wreck site for eight days. The aircraft recorder could not be found, and the search ended on Friday, officials said.',
];

type UnitCase = [name: string, input: OutcomeInput, outcome: Outcome, signal: string];

const UNIT_CASES: UnitCase[] = [
  ['a normal military news article', capture({ facts: article('Soldiers train alongside allies in Poland | U.S. Army'), headers: { server: 'AkamaiGHost' } }), 'ok', 'ok'],
  ['an article that mentions "page not found" in its long body', capture({ facts: article('Army cyber teams hunt broken links', [ARTICLE_LINES[0]!, 'Visitors kept seeing "Page not found" and "this page does not exist" errors on old links; the files could not be found on the new server.', ...ARTICLE_LINES.slice(1)]) }), 'ok', 'ok'],
  ['a long article whose title says something was not found', capture({ facts: article('Search ends: missing sailor not found, Navy says') }), 'ok', 'ok'],
  ['a short news brief saying a recorder could not be found', capture({ facts: facts('Search for aircraft recorder ends | Navy.mil', SHORT_NEWS_BRIEF) }), 'ok', 'ok'],
  ['a long article about captchas and blacklists', capture({ facts: article('Pentagon adds firms to blacklist; captcha rules for contractors') }), 'ok', 'ok'],

  ['soft 404: English title', capture({ facts: facts('Page Not Found | U.S. Army', ['Return to the home page.']) }), 'gone', 'soft_404_wording'],
  ['soft 404: English heading in the site template', capture({ facts: facts('DVIDS', ['# Sorry, we couldn’t find that page', 'Try searching for it.']) }), 'gone', 'soft_404_wording'],
  ['soft 404: English short text', capture({ facts: facts('U.S. Central Command', ['The article you requested has been removed or is no longer available.']) }), 'gone', 'soft_404_wording'],
  ['soft 404: bare "Not Found" heading', capture({ facts: facts('Army.mil', ['# Not Found']) }), 'gone', 'soft_404_wording'],
  ['soft 404: full-width title (NFKC)', capture({ facts: facts('ＰＡＧＥ ＮＯＴ ＦＯＵＮＤ', ['Home']) }), 'gone', 'soft_404_wording'],
  ['soft 404: "404 |" title segment', capture({ facts: facts('404 | Air Force', []) }), 'gone', 'soft_404_wording'],
  ['soft 404: French title', capture({ facts: facts('Page introuvable - Ministère des Armées', ['Retour à l’accueil']) }), 'gone', 'soft_404_wording'],
  ['soft 404: French title without accents', capture({ facts: facts('Page non trouvee | defense.gouv.fr', []) }), 'gone', 'soft_404_wording'],
  ['soft 404: French heading, curly apostrophe and no-break space', capture({ facts: facts('Ministère des Armées', ['# Oups\u00a0! Cette page n’existe plus', 'Elle a peut-être été déplacée.']) }), 'gone', 'soft_404_wording'],
  ['soft 404: French short text', capture({ facts: facts('Ministère des Armées', ['Le contenu que vous recherchez n’est plus disponible.']) }), 'gone', 'soft_404_wording'],

  ['404 with a big site template', capture({ status: 404, facts: article('U.S. Army') }), 'gone', 'status_404'],
  ['410', capture({ status: 410, facts: facts('Gone', ['Gone']) }), 'gone', 'status_410'],

  ['Akamai 403 "Access Denied" without a server header', capture({ status: 403, facts: facts('Access Denied', ['# Access Denied', 'You don\'t have permission to access "http://www.army.mil/" on this server.', 'Reference #18.2f3c1002.1712345678.9abcdef']) }), 'blocked', 'waf_akamai'],
  ['Akamai wall answering 200', capture({ facts: facts('Access Denied', ['# Access Denied']) }), 'blocked', 'waf_akamai'],
  ['AkamaiGHost 403 with no page', capture({ status: 403, headers: { server: 'AkamaiGHost' } }), 'blocked', 'waf_akamai'],
  ['Akamai bot manager cookies on a 403', capture({ status: 403, headers: { 'set-cookie': '_abck, bm_sz' }, facts: facts('Forbidden') }), 'blocked', 'waf_akamai'],
  ['Cloudflare 503', capture({ status: 503, headers: { server: 'cloudflare', 'cf-ray': '9eafcacaa8ab1716-AMS' }, facts: facts('Service Unavailable') }), 'blocked', 'waf_cloudflare'],
  ['Cloudflare challenge answering 200', capture({ facts: facts('Just a moment...', ['Enable JavaScript and cookies to continue']) }), 'blocked', 'waf_cloudflare'],
  ['CloudFront 403', capture({ status: 403, headers: { server: 'CloudFront', 'x-cache': 'Error from cloudfront' }, facts: facts('ERROR: The request could not be satisfied') }), 'blocked', 'waf_cloudfront'],
  ['awselb 403', capture({ status: 403, headers: { server: 'awselb/2.0' }, facts: facts('403 Forbidden') }), 'blocked', 'waf_aws'],
  ['AWS WAF header', capture({ status: 405, headers: { 'x-amzn-waf-action': 'captcha' } }), 'blocked', 'waf_aws'],
  ['202 with an empty page from anyone', capture({ status: 202, facts: facts('', []) }), 'blocked', 'bot_challenge'],
  ['"Pardon Our Interruption" at 200', capture({ facts: facts('Pardon Our Interruption', ['As you were browsing something about your browser made us think you were a bot.']) }), 'blocked', 'bot_challenge'],
  ['F5 "The requested URL was rejected" at 200', capture({ facts: facts('Request Rejected', ['The requested URL was rejected. Please consult with your administrator.', 'Your support ID is: 1234567890']) }), 'blocked', 'block_page'],
  ['a content filter\'s "Web Page Blocked"', capture({ facts: facts('Web Page Blocked', ['Access to this web page is blocked by your organisation.']) }), 'blocked', 'block_page'],
  ['429 rate limited', capture({ status: 429, headers: { server: 'nginx', 'retry-after': '120' }, facts: facts('429 Too Many Requests') }), 'blocked', 'rate_limited'],

  ['503 plain', capture({ status: 503, headers: { server: 'nginx' }, facts: facts('503 Service Temporarily Unavailable') }), 'error', 'server_error'],
  ['CloudFront 502 worded like its blocks', capture({ status: 502, headers: { server: 'CloudFront' }, facts: facts('ERROR: The request could not be satisfied') }), 'error', 'server_error'],
  ['CloudFront 503 worded like its blocks', capture({ status: 503, headers: { via: '1.1 abc.cloudfront.net (CloudFront)' }, facts: facts('ERROR: The request could not be satisfied') }), 'error', 'server_error'],
  ['403 with no signature', capture({ status: 403, headers: { server: 'Apache' }, facts: facts('403 Forbidden') }), 'error', 'status_403'],
  ['401 with no signature', capture({ status: 401, facts: facts('Login required') }), 'error', 'status_401'],
  ['400', capture({ status: 400, facts: facts('Bad Request') }), 'error', 'status_400'],
  ['an empty 200', capture({ facts: facts('', []) }), 'error', 'empty_page'],
  ['a 200 with no title and a word of text', capture({ facts: facts(null, ['Loading…']) }), 'error', 'empty_page'],
  ['a 200 with no document read', capture({ facts: null }), 'error', 'empty_page'],
  ['no response and no error', capture({ status: null }), 'error', 'no_response'],
  ...(['dns', 'refused', 'reset', 'tls', 'timeout', 'too_many_redirects', 'blocked_url'] as CaptureErrorCode[]).map(
    (code): UnitCase => [`network ${code}`, capture({ status: null, errorCode: code }), 'error', `network_${code}`],
  ),
  ['a timeout after a 200', capture({ errorCode: 'timeout', facts: article('Soldiers train') }), 'error', 'capture_timeout'],
  ['too large after a Cloudflare 403 (the error wins)', capture({ status: 403, errorCode: 'too_large', headers: { server: 'cloudflare' } }), 'error', 'capture_too_large'],
];

describe('classifyOutcome rules', () => {
  it.each(UNIT_CASES)('%s → %s / %s', (_name, input, outcome, signal) => {
    const verdict = classifyOutcome(input);
    expect({ outcome: verdict.outcome, signal: verdict.signal }).toEqual({ outcome, signal });
    expect(verdict.detail).not.toBe('');
  });

  it('gives the retry-after of a 429 in the detail', () => {
    const verdict = classifyOutcome(capture({ status: 429, headers: { server: 'nginx', 'retry-after': '120' } }));
    expect(verdict.detail).toBe('retry-after 120 from nginx with 429');
  });

  it('takes a site\'s own not-found wording', () => {
    const input = capture({ facts: facts('Army.mil', ['# Oops — this story has wandered off.']) });
    expect(classifyOutcome(input).outcome).toBe('ok');
    const verdict = classifyOutcome(input, { notFoundPatterns: compileOperatorPatterns(['wandered off']).patterns });
    expect(verdict).toEqual({ outcome: 'gone', signal: 'soft_404_wording', detail: 'heading "oops - this story has wandered off." with 200' });
  });
});

describe('saysNotFound', () => {
  it('reads the title, an opening heading and a short page\'s first blocks', () => {
    expect(saysNotFound(facts('Page not found | Navy.mil'))).toBe(true);
    expect(saysNotFound(facts('Navy.mil', ['# Erreur 404']))).toBe(true);
    expect(saysNotFound(facts('Navy.mil', ['Home', 'The requested URL was not found on this server.']))).toBe(true);
    expect(saysNotFound(facts('Navy.mil', ['Sailors return home after deployment.']))).toBe(false);
  });

  it('ignores not-found wording deep in a long article', () => {
    const lines = [...ARTICLE_LINES, 'Page not found: the old link could not be found.'];
    expect(saysNotFound(facts('Soldiers train | Army.mil', lines))).toBe(false);
  });

  it('applies an extra pattern the same way every time', () => {
    const page = facts('Army.mil', ['Nothing to see here.']);
    const patterns = compileOperatorPatterns(['nothing to see here']).patterns;
    expect([saysNotFound(page, patterns), saysNotFound(page, patterns), saysNotFound(page, patterns)]).toEqual([true, true, true]);
  });
});
