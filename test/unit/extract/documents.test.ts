import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { articleHtml, flintlockArticle } from '../../../src/demo/article-html.ts';
import { FACT_CAPS } from '../../../src/extract/caps.ts';
import { isDocumentLink, linkedDocuments } from '../../../src/extract/documents.ts';
import { extractPageFacts } from '../../../src/extract/page-facts.ts';
import { realPageFacts } from '../../helpers/real-pages.ts';

const BASE = 'https://www.africom.mil/news/flintlock';

function factsOf(html: string) {
  const { document } = parseHTML(html);
  return extractPageFacts(document as unknown as Document, { baseUrl: BASE, ignore: [], caps: FACT_CAPS });
}

describe('linked documents', () => {
  it('tells documents by file type or by a label, and not by a bare mention of PDF', () => {
    const link = (url: string, text = 'Read more') => ({ url, text, main: true as const });
    expect(isDocumentLink(link('https://example.mil/files/Orders%202019.PDF'))).toBe(true);
    expect(isDocumentLink(link('https://example.mil/data/bases.xlsx?version=2'))).toBe(true);
    expect(isDocumentLink(link('https://example.mil/data/bases.csv'))).toBe(true);
    expect(isDocumentLink(link('https://example.mil/archive.zip'))).toBe(true);
    expect(isDocumentLink(link('https://example.mil/get?id=7', 'Download the full report'))).toBe(true);
    expect(isDocumentLink(link('https://example.mil/fs', 'Flintlock fact sheet'))).toBe(true);
    expect(isDocumentLink(link('https://example.mil/plan', 'National Action Plan (PDF, 2 MB)'))).toBe(true);
    expect(isDocumentLink(link('https://example.mil/help/pdf-files', 'About PDF'))).toBe(false);
    expect(isDocumentLink(link('https://example.mil/news/flintlock-2020', 'Flintlock 2020 begins'))).toBe(false);
  });

  it('finds the article\'s documents and never those of the navigation, header, footer or aside', () => {
    const html = articleHtml({
      ...flintlockArticle,
      documents: [{ file: 'flintlock-fact-sheet.pdf', text: 'Flintlock 2019 fact sheet' }],
      navDocuments: [{ file: 'annual-report.pdf', text: 'Annual report (PDF)' }],
    }).replace('</footer>', '<a href="/files/privacy-policy.pdf">Privacy policy (PDF)</a></footer>')
      .replace('<aside class="related">', '<aside class="related"><a href="/files/related.pdf">Related (PDF)</a>');
    const facts = factsOf(html);
    expect(linkedDocuments(facts)).toEqual([{ url: 'https://www.africom.mil/files/flintlock-fact-sheet.pdf', text: 'Flintlock 2019 fact sheet', main: true }]);
    expect(facts.links.map((l) => l.url)).toEqual(expect.arrayContaining([
      'https://www.africom.mil/files/annual-report.pdf',
      'https://www.africom.mil/files/privacy-policy.pdf',
      'https://www.africom.mil/files/related.pdf',
    ]));
    expect(facts.links.filter((l) => l.main).map((l) => l.url)).not.toContain('https://www.africom.mil/leadership');
  });

  it('finds the two strategies the EPA page linked as PDFs, and none after its reorganisation', () => {
    const url = 'https://www.epa.gov/climatechange/impacts-adaptation';
    expect(linkedDocuments(realPageFacts('truepos-major-changes-a.html', url)).map((l) => l.text)).toEqual([
      'National Action Plan (PDF)',
      'National Fish, Wildlife and Plants Climate Adaptation Strategy (PDF)',
    ]);
    expect(linkedDocuments(realPageFacts('truepos-major-changes-b.html', url))).toEqual([]);
  });
});
