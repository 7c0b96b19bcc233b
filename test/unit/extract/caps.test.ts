import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { capCapture, cutText, CUT_MARK, ERROR_MESSAGE_CAP, FACT_CAPS, HEADER_VALUE_CAP } from '../../../src/extract/caps.ts';
import { extractPageFacts } from '../../../src/extract/page-facts.ts';
import { startResult } from '../../../src/capture/capture-result.ts';

describe('cutText', () => {
  it('keeps text within the cap whole, and cuts longer text to the cap with a closing ellipsis', () => {
    expect(cutText('short', 10)).toBe('short');
    expect(cutText('0123456789', 10)).toBe('0123456789');
    expect(cutText('0123456789A', 10)).toBe(`012345678${CUT_MARK}`);
    expect(cutText('0123456789A', 10)).toHaveLength(10);
  });

  it('never splits a surrogate pair, and cutting what was cut changes nothing', () => {
    const text = `${'a'.repeat(8)}\u{1F600}tail`;
    const cut = cutText(text, 10);
    expect(cut).toBe(`${'a'.repeat(8)}${CUT_MARK}`);
    expect(cutText(`${'a'.repeat(7)}\u{1F600}tail`, 10)).toBe(`${'a'.repeat(7)}\u{1F600}${CUT_MARK}`);
    expect(cutText(cut, 10)).toBe(cut);
  });

  it('is what extractPageFacts does inside the page, where it cannot import it', () => {
    for (const title of [`${'t'.repeat(FACT_CAPS.title - 2)}\u{1F600}more`, `${'t'.repeat(FACT_CAPS.title - 1)}\u{1F600}`, 'x'.repeat(50_000)]) {
      const { document } = parseHTML(`<html><head><title>${title}</title></head><body></body></html>`);
      const facts = extractPageFacts(document as unknown as Document, { baseUrl: 'https://example.org/', ignore: [], caps: FACT_CAPS });
      expect(facts.title).toBe(cutText(title, FACT_CAPS.title));
    }
  });
});

describe('capCapture', () => {
  it('cuts what the page controls in a snapshot row, and leaves the operator’s URL whole', () => {
    const long = `https://example.org/${'p'.repeat(10_000)}`;
    const draft = { ...startResult('http', long), headers: { server: 's'.repeat(50_000), etag: '"1"' } };
    const capped = capCapture({
      ...draft,
      redirects: [{ url: long, status: 301 }],
      error: { code: 'network' as const, message: `failed at ${long}` },
    });
    expect(capped.finalUrl).toBe(long);
    expect(capped.redirects[0]?.url).toHaveLength(FACT_CAPS.url);
    expect(capped.headers).toEqual({ server: cutText('s'.repeat(50_000), HEADER_VALUE_CAP), etag: '"1"' });
    expect(capped.error?.message).toHaveLength(ERROR_MESSAGE_CAP);
    expect(capCapture({ ...draft, finalUrl: `${long}/moved` }).finalUrl).toBe(cutText(`${long}/moved`, FACT_CAPS.url));
  });
});
