import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { MarkedBlocks } from '../extract/main-content.ts';
import type { CaptureFailure } from '../page-data/capture-result.ts';
import type { PageFacts, TextBlock } from '../page-data/page-facts.ts';

/**
 * What a reader thread is asked (see reader-thread.ts): `read` a page's facts, then `mark` its blocks' main
 * content on the document just read, or on `html` given with the task (the browser's rendered page).
 */
export type ReaderTask =
  | { kind: 'read'; html: string; baseUrl: string; ignore: string[] }
  | { kind: 'mark'; html?: string; baseUrl: string; blocks: TextBlock[]; ignore: string[] };

/** A reader thread's answer to one task. */
export type ReaderAnswer = { ok: true; facts: PageFacts } | { ok: true; marked: MarkedBlocks } | { ok: false; name: string; message: string };

/** The facts of a page read on a thread, or the capture failure that ended the reading. */
export type ReadOutcome = { ok: true; facts: PageFacts } | { ok: false; failure: CaptureFailure };

export interface ReaderPoolOptions {
  /** Threads at most; a task finding them all busy waits for one, within its deadline. */
  maxThreads: number;
  /** Heap ceiling of each thread (V8 old generation), in MB: a page needing more ends as `too_large`. */
  memoryMb: number;
  /** Longest Readability may take to tell a page's main content apart; past it every block counts as main. */
  markBudgetMs: number;
  /** An idle thread exits after this long; the next task starts one again. */
  idleMs: number;
}

export interface ReaderPool {
  /**
   * Parses `html` and reads its facts within the caps, its blocks marked main content, on a thread stopped at
   * `deadline` (epoch ms) or over its heap ceiling. Never throws.
   */
  readPage(html: string, baseUrl: string, ignore: string[], deadline: number): Promise<ReadOutcome>;
  /** Marks which of `blocks` (read from `html`) are main content, on a thread; all main when that fails. */
  markMain(html: string, baseUrl: string, blocks: TextBlock[], ignore: string[], deadline: number): Promise<TextBlock[]>;
  /** Starts a thread ahead of a task that will need one, when none is idle and there is room. */
  warm(): void;
  /** Threads running now, busy or idle. */
  size(): number;
  close(): Promise<void>;
}

/**
 * The process's reader threads. Starting one costs ~0.5 s under tsx (it loads its own modules), against ~10 ms to
 * read a 30 KB article, so threads are kept and reused rather than started per capture; one per core, as reading
 * is CPU-bound. 1 GiB of heap reads a page of a few million elements. Readability gets 5 s: ~0.3 s is a long
 * article, and some shapes cost it quadratic time (10,000 sibling images: 4.6 s; 20,000: 14 s).
 */
export const READER_LIMITS: ReaderPoolOptions = { maxThreads: Math.max(2, availableParallelism()), memoryMb: 1024, markBudgetMs: 5_000, idleMs: 30_000 };

const ENTRY = new URL('./reader-thread-entry.mjs', import.meta.url);

interface Thread {
  worker: Worker;
  busy: boolean;
  idleTimer: NodeJS.Timeout | null;
}

/** Sends a task to the thread in hand and waits for its answer until `until` (epoch ms). */
type Ask = (task: ReaderTask, until: number) => Promise<{ ok: true; answer: ReaderAnswer } | { ok: false; failure: CaptureFailure }>;

const allMain = (blocks: TextBlock[]): TextBlock[] => blocks.map((block) => ({ ...block, main: true }));

/**
 * Worker threads that parse and read pages off the main thread, which also serves the API and UI and renews the
 * queue's job locks: a hostile page (120,000 images, 100,000 nested elements) costs seconds of CPU. A thread still
 * busy at the capture's deadline, or over its heap ceiling, is terminated rather than waited for, and a new one
 * takes its place. Threads are unref'd while idle, so they never keep a process alive.
 */
export function createReaderPool(options: ReaderPoolOptions): ReaderPool {
  const threads = new Set<Thread>();
  const waiters: ((thread: Thread | null) => void)[] = [];

  const start = (): Thread => {
    const worker = new Worker(ENTRY, { resourceLimits: { maxOldGenerationSizeMb: options.memoryMb } });
    const thread: Thread = { worker, busy: false, idleTimer: null };
    threads.add(thread);
    worker.once('exit', () => discard(thread));
    // A thread that fails outside a task (it could not load) is dropped; a task in hand hears of it itself.
    worker.on('error', () => discard(thread));
    return thread;
  };

  const claim = (thread: Thread): Thread => {
    if (thread.idleTimer) clearTimeout(thread.idleTimer);
    thread.idleTimer = null;
    thread.busy = true;
    thread.worker.ref();
    return thread;
  };

  const discard = (thread: Thread): void => {
    if (!threads.delete(thread)) return;
    if (thread.idleTimer) clearTimeout(thread.idleTimer);
    void thread.worker.terminate();
    // Its place is free: a task waiting for a thread gets a new one rather than waiting for another to finish.
    waiters.shift()?.(claim(start()));
  };

  const release = (thread: Thread): void => {
    if (!threads.has(thread)) return;
    thread.busy = false;
    const next = waiters.shift();
    if (next) return next(claim(thread));
    thread.worker.unref();
    thread.idleTimer = setTimeout(() => discard(thread), options.idleMs);
    thread.idleTimer.unref();
  };

  const acquire = (deadline: number): Promise<Thread | null> => {
    const idle = [...threads].find((t) => !t.busy);
    if (idle) return Promise.resolve(claim(idle));
    if (threads.size < options.maxThreads) return Promise.resolve(claim(start()));
    return new Promise((resolve) => {
      const waiter = (thread: Thread | null): void => {
        clearTimeout(timer);
        resolve(thread);
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        resolve(null);
      }, deadline - Date.now());
      waiters.push(waiter);
    });
  };

  const askOf = (thread: Thread): Ask => (task, until) =>
    new Promise((resolve) => {
      const { worker } = thread;
      const began = Date.now();
      const finish = (outcome: Awaited<ReturnType<Ask>>): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (!outcome.ok) discard(thread);
        resolve(outcome);
      };
      const onMessage = (answer: ReaderAnswer): void => finish({ ok: true, answer });
      const onError = (err: Error & { code?: string }): void => {
        if (err.code !== 'ERR_WORKER_OUT_OF_MEMORY') return finish({ ok: false, failure: { code: 'crashed', message: `the page reader thread failed: ${err.message}` } });
        const message = `reading the page needed more than ${options.memoryMb} MB of memory (too many elements); it was stopped`;
        finish({ ok: false, failure: { code: 'too_large', message } });
      };
      const onExit = (code: number): void => {
        finish({ ok: false, failure: { code: 'crashed', message: `the page reader thread exited (code ${code}) while reading the page` } });
      };
      const timer = setTimeout(() => {
        const message = `the capture's deadline passed while the page was being read (after ${Date.now() - began} ms of reading); reading was stopped`;
        finish({ ok: false, failure: { code: 'timeout', message } });
      }, until - began);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage(task);
    });

  /** Runs `work` with a thread of its own, or fails as a timeout when none is free before `deadline`. */
  const withThread = async <T>(deadline: number, work: (ask: Ask) => Promise<T>, busy: (failure: CaptureFailure) => T): Promise<T> => {
    const began = Date.now();
    const thread = deadline > began ? await acquire(deadline) : null;
    if (thread === null) return busy({ code: 'timeout', message: `no page reader was free before the capture's deadline (waited ${Date.now() - began} ms)` });
    try {
      return await work(askOf(thread));
    } finally {
      release(thread);
    }
  };

  /** Readability's marks on `blocks`, within the mark budget and the deadline; all main, noted, when it runs over. */
  const mark = async (ask: Ask, task: Extract<ReaderTask, { kind: 'mark' }>, deadline: number): Promise<MarkedBlocks> => {
    const asked = await ask(task, Math.min(deadline, Date.now() + options.markBudgetMs));
    if (asked.ok && 'marked' in asked.answer) return asked.answer.marked;
    return { blocks: allMain(task.blocks), skipped: 'main content: not told apart, Readability ran out of time on the document' };
  };

  return {
    readPage: (html, baseUrl, ignore, deadline) =>
      withThread<ReadOutcome>(
        deadline,
        async (ask) => {
          const read = await ask({ kind: 'read', html, baseUrl, ignore }, deadline);
          if (!read.ok) return read;
          const { answer } = read;
          if (!('facts' in answer)) return { ok: false, failure: failureOf(answer) };
          const marked = await mark(ask, { kind: 'mark', baseUrl, blocks: answer.facts.blocks, ignore }, deadline);
          const facts: PageFacts = { ...answer.facts, blocks: marked.blocks };
          if (marked.skipped !== null) facts.truncated = [...(facts.truncated ?? []), marked.skipped];
          return { ok: true, facts };
        },
        (failure) => ({ ok: false, failure }),
      ),
    markMain: (html, baseUrl, blocks, ignore, deadline) =>
      withThread(deadline, async (ask) => (await mark(ask, { kind: 'mark', html, baseUrl, blocks, ignore }, deadline)).blocks, () => allMain(blocks)),
    warm() {
      if (threads.size < options.maxThreads && ![...threads].some((t) => !t.busy)) release(claim(start()));
    },
    size: () => threads.size,
    async close() {
      for (const waiter of waiters.splice(0)) waiter(null);
      const closing = [...threads].map((thread) => {
        if (thread.idleTimer) clearTimeout(thread.idleTimer);
        return thread.worker.terminate();
      });
      threads.clear();
      await Promise.all(closing);
    },
  };
}

/** The capture failure for a thread's error answer: a stack overflow is a page nested too deep to read. */
function failureOf(answer: ReaderAnswer): CaptureFailure {
  const detail = answer.ok ? 'the page reader answered another question' : `${answer.name}: ${answer.message}`;
  return { code: !answer.ok && answer.name === 'RangeError' ? 'too_large' : 'crashed', message: `the page could not be read: ${detail}` };
}

let shared: ReaderPool | null = null;

/**
 * The process's reader threads, started on first use. The one module-level resource in the capture path: like
 * Node's own thread pool it belongs to the process rather than to a context, and needs no closing (idle threads
 * are unref'd and exit after READER_LIMITS.idleMs).
 */
export function readerPool(): ReaderPool {
  shared ??= createReaderPool(READER_LIMITS);
  return shared;
}
