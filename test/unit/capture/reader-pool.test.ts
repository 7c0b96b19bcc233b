import { afterEach, describe, expect, it } from 'vitest';
import { createReaderPool, type ReaderPool } from '../../../src/capture/reader-pool.ts';
import { articleHtml, flintlockArticle } from '../../../src/demo/article-html.ts';
import { deepNestingPage, manyImagesPage } from '../../helpers/hostile-site.ts';

/**
 * The reader threads' hard limits, on real threads with real pages: a heap ceiling and a deadline that end the
 * reading with a typed failure, and a pool that goes on reading pages after either.
 */
const BASE_URL = 'https://www.africom.mil/news/flintlock';
let pool: ReaderPool | undefined;

afterEach(async () => {
  await pool?.close();
});

describe('reader threads', () => {
  it('stop a page needing more memory than their ceiling as too_large, and a new thread reads the next page', async () => {
    pool = createReaderPool({ maxThreads: 1, memoryMb: 64, markBudgetMs: 5_000, idleMs: 60_000 });
    const over = await pool.readPage(manyImagesPage(), BASE_URL, [], Date.now() + 60_000);
    expect(over).toEqual({ ok: false, failure: { code: 'too_large', message: 'reading the page needed more than 64 MB of memory (too many elements); it was stopped' } });
    const inlineRelated = ['AFRICOM commander visits troops in Mauritania', 'Special operations forces wrap up Flintlock 2018 in Niger'];
    const next = await pool.readPage(articleHtml({ ...flintlockArticle, inlineRelated }), BASE_URL, [], Date.now() + 60_000);
    expect(next.ok && next.facts.title).toBe('Flintlock 2019 begins in Burkina Faso and Mauritania > U.S. Africa Command > Article');
    // Readability ran on the thread: the in-article related box is not main content.
    expect(next.ok && next.facts.blocks.filter((b) => b.main === false).map((b) => b.text)).toEqual(['Related stories', ...inlineRelated]);
  });

  it('stop reading at the deadline as timeout, and a task waiting for the only thread then gets a new one', async () => {
    pool = createReaderPool({ maxThreads: 1, memoryMb: 1024, markBudgetMs: 5_000, idleMs: 60_000 });
    const began = Date.now();
    const stuck = pool.readPage(deepNestingPage(), BASE_URL, [], began + 2_000);
    const waiting = pool.readPage(articleHtml(flintlockArticle), BASE_URL, [], began + 60_000);
    const stopped = await stuck;
    expect(Date.now() - began).toBeLessThan(2_000 + 1_000);
    expect(stopped.ok).toBe(false);
    expect(!stopped.ok && stopped.failure.code).toBe('timeout');
    expect(!stopped.ok && stopped.failure.message).toMatch(/^the capture's deadline passed while the page was being read \(after \d+ ms of reading\); reading was stopped$/);
    const read = await waiting;
    expect(read.ok && read.facts.title).toMatch(/^Flintlock 2019/);
    expect(pool.size()).toBe(1);
  });
});
