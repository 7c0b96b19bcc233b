import { describe, expect, it } from 'vitest';
import { buildAlertProof, markPhrase } from '../../../src/http/ui/alert-proof.ts';

const SENTENCE = 'Col. Assimi Goita, commander of Mali’s special forces, said the exercise went well.';

describe('markPhrase', () => {
  it('marks the phrase as the page wrote it, in any case and spacing, never re-casing the text', () => {
    expect(markPhrase(SENTENCE, 'assimi goita')).toEqual([
      { text: 'Col. ', mark: false },
      { text: 'Assimi Goita', mark: true },
      { text: ', commander of Mali’s special forces, said the exercise went well.', mark: false },
    ]);
    expect(markPhrase('Assimi  Goita and ASSIMI GOITA', 'Assimi Goita').filter((p) => p.mark).map((p) => p.text)).toEqual(['Assimi  Goita', 'ASSIMI GOITA']);
    expect(markPhrase('a (b) c', '(b)')).toEqual([{ text: 'a ', mark: false }, { text: '(b)', mark: true }, { text: ' c', mark: false }]);
    expect(markPhrase(SENTENCE, null)).toEqual([{ text: SENTENCE, mark: false }]);
  });
});

describe('buildAlertProof', () => {
  const snap = (id: number) => ({ id, startedAt: `2026-12-0${id}T10:00:00.000Z`, facts: null, hasScreenshot: true });

  it('lists the sentences, photos from their stored copies, documents with their files, and the captures', () => {
    const sha = 'a'.repeat(64);
    const phrase = buildAlertProof({ kind: 'phrase_removed', evidence: { items: [{ phrase: 'Assimi Goita', sentence: SENTENCE, part: 'main' }] }, before: snap(1), after: snap(3), firstWithout: { id: 2, startedAt: '2026-12-02T10:00:00.000Z' } });
    expect(phrase.texts).toEqual([{ label: 'Sentence', pieces: markPhrase(SENTENCE, 'Assimi Goita') }]);
    expect(phrase.captures.map((c) => [c.label, c.snapshot.id])).toEqual([['First seen gone', 2], ['Confirmed', 3]]);

    const media = buildAlertProof({ kind: 'media_removed', evidence: { items: [{ url: 'https://x.gov/a.jpg', kind: 'image', caption: 'A caption', alt: null, blobSha256: sha, reason: 'gone_from_page' }] }, before: snap(1), after: snap(3), firstWithout: null });
    expect(media.media).toEqual([{ kind: 'image', url: 'https://x.gov/a.jpg', src: `/snapshots/1/media/${sha}`, alt: null, caption: 'A caption', reason: 'gone_from_page' }]);
    expect(media.captures.map((c) => c.label)).toEqual(['Seen gone']);

    const doc = buildAlertProof({ kind: 'document_removed', evidence: { items: [{ url: 'https://x.gov/a.pdf', text: 'A (PDF)', sha256: sha, reason: 'unlinked', status: null }, { url: 'https://x.gov/b.pdf', text: 'B', sha256: '../../etc' }] }, before: snap(1), after: snap(3), firstWithout: null });
    expect(doc.documents.map((d) => d.href)).toEqual([`/snapshots/1/documents/${sha}`, null]);
  });

  it('gives a page removal its answer and redirect chain', () => {
    const redirects = [{ url: 'https://x.gov/a', status: 301 }];
    const proof = buildAlertProof({ kind: 'page_removed', evidence: { items: [{ signal: 'status_404', status: 404, previousStatus: 200, requestedUrl: 'https://x.gov/a', finalUrl: 'https://x.gov/404', redirects: [...redirects, { bad: true }] }] }, before: snap(1), after: { ...snap(3), hasScreenshot: false }, firstWithout: null });
    expect(proof.page).toEqual({ signal: 'status_404', status: 404, previousStatus: 200, requestedUrl: 'https://x.gov/a', finalUrl: 'https://x.gov/404', redirects });
    expect(proof.things).toEqual([]);
  });
});
