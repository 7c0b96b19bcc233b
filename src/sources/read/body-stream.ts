import { Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { SourceProblem } from '../discovered.ts';
import { problem } from './problem.ts';

/**
 * Compressed input reaches zlib in pieces this small: zlib does not pause within one input chunk, so a 64 KB chunk
 * of a deflate bomb (1:1000) would inflate to 64 MB at once; 4 KB inflates to at most about 4 MB.
 */
const INFLATE_PIECE = 4 * 1024;
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** Where a body is read from and what it is held to. */
export interface BodyLimits {
  url: string;
  /** The Content-Encoding header, or null. */
  contentEncoding: string | null;
  /** Cap on bytes read from the wire and on bytes after inflating, each. */
  maxBytes: number;
  /** The caller's abort: rethrown, never turned into a problem. */
  signal: AbortSignal | undefined;
  /** Whether the request's own deadline fired (the body read is then a `timeout`). */
  timedOut: () => boolean;
}

/**
 * The body inflated as it arrives: Content-Encoding (gzip, deflate, br) undone, then gunzipped again when what
 * remains starts with the gzip magic (a `.gz` sitemap). Both the wire bytes and the inflated bytes are counted
 * and the stream ends at `maxBytes` of either with `too_large`, handed to `stop`; a broken stream, bad gzip or the
 * deadline end it likewise. It never throws for what was served; the caller's abort is rethrown.
 */
export async function* inflatedBody(raw: AsyncIterable<Buffer>, limits: BodyLimits, stop: (p: SourceProblem) => void): AsyncGenerator<Buffer> {
  let stopped = false;
  const halt = (p: SourceProblem) => {
    if (!stopped) stop(p);
    stopped = true;
  };
  let wire = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of raw) {
      wire += chunk.byteLength;
      if (wire > limits.maxBytes) {
        halt(problem('too_large', limits.url, `the answer is over ${limits.maxBytes} bytes as sent; reading stopped there`));
        return;
      }
      for (let at = 0; at < chunk.byteLength; at += INFLATE_PIECE) yield chunk.subarray(at, at + INFLATE_PIECE);
    }
  }
  let out = 0;
  try {
    const decoded = undoEncoding(counted(), limits.contentEncoding);
    if (decoded === null) {
      halt(problem('malformed', limits.url, `the answer uses an unknown Content-Encoding (${limits.contentEncoding ?? ''})`));
      return;
    }
    for await (const chunk of gunzipIfMagic(decoded)) {
      out += chunk.byteLength;
      if (out > limits.maxBytes) {
        const keep = chunk.byteLength - (out - limits.maxBytes);
        if (keep > 0) yield chunk.subarray(0, keep);
        halt(problem('too_large', limits.url, `the file is over ${limits.maxBytes} bytes uncompressed; its first ${limits.maxBytes} bytes were read`));
        return;
      }
      yield chunk;
    }
  } catch (err) {
    limits.signal?.throwIfAborted();
    if (stopped) return;
    if (limits.timedOut()) {
      halt(problem('timeout', limits.url, `the answer was still arriving at the request's time limit; its first ${out} bytes were read`));
      return;
    }
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_') || code === 'ERR_BROTLI_DECOMPRESSION_FAILED' || /zlib|gzip|incorrect header|unexpected end/i.test(String(err))) {
      halt(problem('malformed', limits.url, `the compressed answer is broken after ${out} bytes: ${(err as Error).message}`));
      return;
    }
    halt(problem('network', limits.url, `the connection broke while the answer arrived, after ${out} bytes: ${(err as Error).message}`));
  }
}

function undoEncoding(source: AsyncIterable<Buffer>, encoding: string | null): AsyncIterable<Buffer> | null {
  const name = (encoding ?? '').trim().toLowerCase();
  if (name === '' || name === 'identity') return source;
  if (name === 'gzip' || name === 'x-gzip') return inflate(source, createGunzip);
  if (name === 'deflate') return inflate(source, createInflate);
  if (name === 'br') return inflate(source, createBrotliDecompress);
  return null;
}

/** Gunzips `source` when its first two bytes are the gzip magic; else passes it on unchanged. */
async function* gunzipIfMagic(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  while (size < GZIP_MAGIC.length) {
    const next = await iterator.next();
    if (next.done === true) break;
    head.push(next.value);
    size += next.value.byteLength;
  }
  const first = Buffer.concat(head);
  async function* rest(): AsyncGenerator<Buffer> {
    if (first.byteLength > 0) yield first;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      yield next.value;
    }
  }
  const gzipped = first[0] === GZIP_MAGIC[0] && first[1] === GZIP_MAGIC[1];
  yield* gzipped ? inflate(rest(), createGunzip) : rest();
}

async function* inflate(source: AsyncIterable<Buffer>, make: () => Transform): AsyncGenerator<Buffer> {
  const input = Readable.from(source, { objectMode: false });
  const zlib = make();
  input.on('error', (err) => zlib.destroy(err));
  input.pipe(zlib);
  try {
    for await (const chunk of zlib) yield chunk as Buffer;
  } finally {
    input.destroy();
    zlib.destroy();
  }
}
