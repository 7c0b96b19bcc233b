import { parentPort } from 'node:worker_threads';
import { parseHTML } from 'linkedom';
import { FACT_CAPS } from '../extract/caps.ts';
import { markMainContentOf } from '../extract/main-content.ts';
import { extractPageFacts } from '../extract/page-facts.ts';
import type { ReaderAnswer, ReaderTask } from './reader-pool.ts';

/**
 * The body of a reader thread (started by reader-pool.ts through reader-thread-entry.mjs): one task at a time, as
 * the main thread asks. `read` parses a page and reads its facts, keeping the document for the `mark` that
 * follows (which the main thread gives a time budget of its own); `mark` given HTML parses that instead.
 */
let kept: ReturnType<typeof parseHTML>['document'] | null = null;

function run(task: ReaderTask): ReaderAnswer {
  try {
    if (task.kind === 'read') {
      kept = null;
      const { document } = parseHTML(task.html);
      // linkedom's document implements the DOM subset extractPageFacts relies on, not the whole Document type.
      const facts = extractPageFacts(document as unknown as Document, { baseUrl: task.baseUrl, ignore: task.ignore, caps: FACT_CAPS });
      kept = document;
      return { ok: true, facts };
    }
    const document = task.html === undefined ? kept : parseHTML(task.html).document;
    kept = null;
    if (document === null) return { ok: false, name: 'Error', message: 'no page was read before marking its main content' };
    return { ok: true, marked: markMainContentOf(document, task.baseUrl, task.blocks, task.ignore) };
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    return { ok: false, name: error.name, message: error.message };
  }
}

const port = parentPort;
if (port === null) throw new Error('reader-thread.ts runs only as a worker thread, started by reader-pool.ts');
port.on('message', (task: ReaderTask) => port.postMessage(run(task)));
