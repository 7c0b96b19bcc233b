import { describe, expect, it } from 'vitest';
import { documentFindings } from '../../../src/detect/document-removals.ts';
import type { DocumentCheck, LinkItem, PageFacts } from '../../../src/page-data/page-facts.ts';
import { realPageFacts } from '../../helpers/real-pages.ts';

const PDF = 'https://www.africom.mil/files/fact-sheet.pdf';
const SHA = 'a'.repeat(64);
const link: LinkItem = { url: PDF, text: 'Flintlock fact sheet', main: true };

function facts(links: LinkItem[], documents?: DocumentCheck[]): PageFacts {
  return { title: 'Flintlock', canonicalUrl: null, blocks: [], media: [], links, embeds: [], ...(documents ? { documents } : {}) };
}

const check = (changes: Partial<DocumentCheck> = {}): DocumentCheck => ({
  url: PDF, status: 200, finalUrl: PDF, sha256: SHA, etag: '"v1"', lastModified: null, length: 1200, ...changes,
});

describe('documentFindings', () => {
  const before = facts([link], [check()]);

  it('raises a document no longer linked from the main content, with its stored file', () => {
    expect(documentFindings(before, facts([]), null)).toEqual([
      { kind: 'document_removed', key: `document_removed:${PDF}`, item: { reason: 'unlinked', url: PDF, text: link.text, sha256: SHA, status: null, finalUrl: null } },
    ]);
  });

  it('raises one moved from the main content to the navigation', () => {
    expect(documentFindings(before, facts([{ url: PDF, text: link.text }]), null).map((f) => f.item.reason)).toEqual(['unlinked']);
  });

  it.each([404, 410])('raises a document still linked that now answers %i', (status) => {
    const [finding] = documentFindings(before, facts([link], [check({ status, sha256: null })]), null);
    expect(finding?.item).toMatchObject({ reason: `status_${status}`, status, sha256: SHA });
  });

  it('raises a document that now redirects to the site root, and not one that moved to another file', () => {
    expect(documentFindings(before, facts([link], [check({ finalUrl: 'https://www.africom.mil/', sha256: null })]), null).map((f) => f.item.reason)).toEqual(['redirect_to_site_root']);
    expect(documentFindings(before, facts([link], [check({ finalUrl: 'https://www.africom.mil/files/2019/fact-sheet.pdf' })]), null)).toEqual([]);
  });

  it('stays silent for an unchanged document, a 403 or 5xx, no answer, or one that never answered at the baseline', () => {
    expect(documentFindings(before, facts([link], [check()]), null)).toEqual([]);
    expect(documentFindings(before, facts([link], [check({ status: 403 })]), null)).toEqual([]);
    expect(documentFindings(before, facts([link], [check({ status: 503 })]), null)).toEqual([]);
    expect(documentFindings(before, facts([link], [check({ status: null })]), null)).toEqual([]);
    expect(documentFindings(before, facts([link]), null)).toEqual([]);
    expect(documentFindings(facts([link], [check({ status: 404 })]), facts([link], [check({ status: 404 })]), null)).toEqual([]);
  });

  it('stays silent when a navigation link to a document goes, or for snapshots stored before links were marked', () => {
    expect(documentFindings(facts([{ url: PDF, text: 'Annual report (PDF)' }]), facts([]), null)).toEqual([]);
  });

  it('raises the EPA page\'s two PDFs unlinked by its reorganisation, and nothing on the NOAA article whose counter changed', () => {
    const epa = 'https://www.epa.gov/climatechange/impacts-adaptation';
    const epaFindings = documentFindings(realPageFacts('truepos-major-changes-a.html', epa), realPageFacts('truepos-major-changes-b.html', epa), null);
    expect(epaFindings.map((f) => [f.item.reason, f.item.text])).toEqual([
      ['unlinked', 'National Action Plan (PDF)'],
      ['unlinked', 'National Fish, Wildlife and Plants Climate Adaptation Strategy (PDF)'],
    ]);
    const noaa = 'https://www.noaa.gov/news/x';
    expect(documentFindings(realPageFacts('falsepos-num-views-a.html', noaa), realPageFacts('falsepos-num-views-b.html', noaa), null)).toEqual([]);
  });
});
