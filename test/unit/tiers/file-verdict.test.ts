import { describe, expect, it } from 'vitest';
import { documentChanged, fileChanged, fileQuestion, recordedFile } from '../../../src/tiers/file-verdict.ts';
import type { RecordedExchange } from '../../../src/page-data/exchange.ts';
import type { DocumentCheck, MediaItem } from '../../../src/page-data/page-facts.ts';

const PHOTO = 'https://www.example.gov/images/a.jpg';

const item = (over: Partial<MediaItem> = {}): MediaItem => ({ kind: 'image', url: PHOTO, alt: null, caption: null, loaded: true, status: 200, sha256: 'ab'.repeat(32), ...over });

function exchange(url: string, status: number, headers: Array<[string, string]>, bytes: number | null = null): RecordedExchange {
  return {
    url, method: 'GET', requestHeaders: [], httpVersion: 'HTTP/1.1', status, statusText: '', responseHeaders: headers,
    startedAt: '2026-12-07T02:00:00.000Z', resourceType: 'image', body: bytes === null ? null : { sha256: 'cd'.repeat(32), bytes, mediaType: 'image/jpeg' },
  };
}

describe('recordedFile: what the full capture recorded of a photo', () => {
  it('reads the validators and length of the recorded response, following a recorded redirect', () => {
    const moved = 'https://cdn.example.gov/a.jpg';
    const exchanges = [exchange(PHOTO, 301, [['Location', moved]]), exchange(moved, 200, [['ETag', '"v1"'], ['Last-Modified', 'Mon, 18 Feb 2019 12:00:00 GMT'], ['Content-Length', '5120']])];
    expect(recordedFile(item(), exchanges)).toEqual({ url: PHOTO, status: 200, finalUrl: moved, etag: '"v1"', lastModified: 'Mon, 18 Feb 2019 12:00:00 GMT', length: 5120 });
  });

  it('takes the body bytes as the length when none was declared and nothing was encoded, and none when it was', () => {
    expect(recordedFile(item(), [exchange(PHOTO, 200, [], 900)])?.length).toBe(900);
    expect(recordedFile(item(), [exchange(PHOTO, 200, [['content-encoding', 'gzip']], 900)])?.length).toBeNull();
  });

  it('knows only the status of a photo the recording does not hold, and skips one the browser never asked for', () => {
    expect(recordedFile(item({ status: 404 }), [])).toEqual({ url: PHOTO, status: 404, finalUrl: null, etag: null, lastModified: null, length: null });
    expect(recordedFile(item({ status: null }), [])).toBeNull();
  });
});

describe('fileQuestion and fileChanged: the cheap tier judges a photo by its answer, never by its bytes', () => {
  const withEtag = { url: PHOTO, status: 200, finalUrl: PHOTO, etag: '"v1"', lastModified: null, length: 5120 };
  const bare = { ...withEtag, etag: null };

  it('asks conditionally with validators: 304 unchanged, 200 a new file, anything else another status', () => {
    const q = fileQuestion(withEtag);
    expect(q).toEqual({ method: 'GET', etag: '"v1"', lastModified: null });
    expect(fileChanged(withEtag, q, { status: 304, finalUrl: PHOTO, length: null })).toBeNull();
    expect(fileChanged(withEtag, q, { status: 200, finalUrl: PHOTO, length: 5120 })).toBe('answered 200 to its conditional request: its file changed');
    expect(fileChanged(withEtag, q, { status: 404, finalUrl: PHOTO, length: 10 })).toBe('answered 404 where it answered 200');
  });

  it('asks by HEAD without validators: the same status, final URL and length are unchanged, any other a change', () => {
    const q = fileQuestion(bare);
    expect(q).toEqual({ method: 'HEAD' });
    expect(fileChanged(bare, q, { status: 200, finalUrl: PHOTO, length: 5120 })).toBeNull();
    expect(fileChanged(bare, q, { status: 200, finalUrl: PHOTO, length: 5121 })).toMatch(/5121 bytes where it was 5120/);
    expect(fileChanged(bare, q, { status: 200, finalUrl: PHOTO, length: null })).toMatch(/without a length/);
    expect(fileChanged(bare, q, { status: 200, finalUrl: 'https://www.example.gov/', length: 5120 })).toMatch(/now ends at/);
    expect(fileChanged(bare, q, { status: 410, finalUrl: PHOTO, length: 5120 })).toBe('answered 410 where it answered 200');
  });

  it('compares only the status of a photo that did not answer 2xx, and of one whose length was never known', () => {
    const missing = { ...bare, status: 404, length: null };
    expect(fileQuestion(missing)).toEqual({ method: 'HEAD' });
    expect(fileChanged(missing, { method: 'HEAD' }, { status: 404, finalUrl: PHOTO, length: 12 })).toBeNull();
    expect(fileChanged(missing, { method: 'HEAD' }, { status: 200, finalUrl: PHOTO, length: 12 })).toBe('answered 200 where it answered 404');
    expect(fileChanged({ ...bare, length: null }, { method: 'HEAD' }, { status: 200, finalUrl: PHOTO, length: 12 })).toBeNull();
  });

  it('never guesses unchanged when no answer came', () => {
    expect(fileChanged(withEtag, fileQuestion(withEtag), null)).toMatch(/did not answer/);
    expect(fileChanged(bare, fileQuestion(bare), null)).toMatch(/did not answer/);
  });
});

describe('documentChanged: a linked document against its check at the full capture', () => {
  const before: DocumentCheck = { url: 'https://www.example.gov/files/f.pdf', status: 200, finalUrl: 'https://www.example.gov/files/f.pdf', sha256: 'ef'.repeat(32), etag: '"d1"', lastModified: null, length: 300 };

  it('is unchanged when its validators or its length said so, or when it answers exactly as before', () => {
    expect(documentChanged(before, 'unchanged')).toBeNull();
    expect(documentChanged(before, { ...before })).toBeNull();
  });

  it('names the first field that differs', () => {
    expect(documentChanged(before, { ...before, status: 404, sha256: null })).toBe('its status is 404 where it was 200');
    expect(documentChanged(before, { ...before, sha256: '01'.repeat(32) })).toMatch(/^its sha256 is 0101/);
    expect(documentChanged(before, { ...before, etag: '"d2"' })).toBe('its etag is "d2" where it was "d1"');
  });

  it('counts no answer as a change, unless it gave none at the full capture either', () => {
    expect(documentChanged(before, null)).toMatch(/did not answer/);
    expect(documentChanged({ ...before, status: null, sha256: null, etag: null, length: null }, null)).toBeNull();
  });
});
