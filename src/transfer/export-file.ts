import { createReadStream, existsSync } from 'node:fs';
import { once } from 'node:events';
import { pipeline, Transform, type Readable, type Writable } from 'node:stream';
import { createGzip, createGunzip } from 'node:zlib';
import { ExportFileError, InvalidInputError } from '../errors/index.ts';
import { openAtomicFile } from '../files/atomic-file.ts';
import { MAX_LINE_BYTES } from './export-format.ts';
import type { LineSink } from './export-database.ts';

/** `-` names standard input or output; a name ending .gz is gzip-compressed. */
export const STDIO = '-';
const isGzip = (path: string) => path.endsWith('.gz');

/** Lines held ready for the reader at most; with lines of up to MAX_LINE_BYTES this bounds the memory used. */
const LINES_AHEAD = 8;

/**
 * Splits bytes into lines (without their \n or \r\n), failing once a line runs past `maxBytes` before it is held
 * whole. Neither readline nor split2 fits export files: readline queues up to 1,024 lines ahead of its reader
 * whatever their size (1,024 hex-encoded photos: measured +560 MB), and split2 re-scans the whole pending line at
 * every chunk (13 s for five 16 MB lines). Splitting at the byte 0x0A is safe for UTF-8, which never uses it
 * inside a character.
 */
function lineSplitter(maxBytes: number): Transform {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 1;
  const tooLong = () => new ExportFileError(line, `a line longer than ${maxBytes / 2 ** 20} MiB: this is not a scrubwatch export, or it is damaged`);
  const text = (buffer: Buffer) => {
    const end = buffer.at(-1) === 13 ? buffer.length - 1 : buffer.length;
    return buffer.toString('utf8', 0, end);
  };
  return new Transform({
    readableObjectMode: true,
    readableHighWaterMark: LINES_AHEAD,
    transform(chunk: Buffer, _encoding, done) {
      let from = 0;
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, from)) {
        if (pendingBytes + at - from > maxBytes) return done(tooLong());
        pending.push(chunk.subarray(from, at));
        this.push(text(pending.length === 1 ? pending[0]! : Buffer.concat(pending)));
        pending = [];
        pendingBytes = 0;
        line += 1;
        from = at + 1;
      }
      if (from < chunk.length) {
        pending.push(chunk.subarray(from));
        pendingBytes += chunk.length - from;
      }
      done(pendingBytes > maxBytes ? tooLong() : null);
    },
    flush(done) {
      if (pendingBytes > 0) this.push(text(Buffer.concat(pending)));
      done();
    },
  });
}

/**
 * The lines of an export file (or of standard input), decompressed when it ends .gz, each capped in length.
 * Whether the file exists is checked at once; it is opened only when iteration begins.
 */
export function readExportLines(path: string): AsyncIterable<string> {
  if (path !== STDIO && !existsSync(path)) throw new InvalidInputError('file', `${path} does not exist`);
  return {
    [Symbol.asyncIterator]() {
      const source: Readable = path === STDIO ? process.stdin : createReadStream(path, { highWaterMark: 2 ** 20 });
      const stages: Array<Readable | Transform> = [source, ...(isGzip(path) ? [createGunzip()] : []), lineSplitter(MAX_LINE_BYTES)];
      // pipeline passes any stage's error (unreadable file, bad gzip, a line too long) to the last stage, whose
      // iterator throws it.
      const lines = pipeline(stages, () => undefined) as unknown as Readable;
      return lines[Symbol.asyncIterator]() as AsyncIterator<string>;
    },
  };
}

export interface ExportWriter {
  sink: LineSink;
  /** Flushes and puts the file in place; resolves with the bytes written (0 on standard output). */
  finish(): Promise<number>;
  /** Removes what was written of a failed export. */
  abort(): Promise<void>;
}

async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/**
 * A destination for an export. A file is written under a fresh name beside its own, owner-only, and renamed only
 * once complete (see openAtomicFile), so a file under the asked-for name is always a whole export; an existing file
 * is kept unless `overwrite`.
 */
export async function createExportWriter(path: string, overwrite: boolean): Promise<ExportWriter> {
  if (path === STDIO) {
    return { sink: (line) => write(process.stdout, `${line}\n`), finish: async () => 0, abort: async () => undefined };
  }
  if (existsSync(path) && !overwrite) throw new InvalidInputError('file', `${path} already exists; choose another name, or pass --force to replace it`);
  const file = await openAtomicFile(path);
  const gzip = isGzip(path) ? createGzip() : null;
  // pipeline, not pipe: a failing file (a full disk) fails the writes into gzip too, rather than leaving them waiting.
  if (gzip) pipeline(gzip, file.stream, () => undefined);
  const head: Writable = gzip ?? file.stream;
  return {
    sink: (line) => write(head, `${line}\n`),
    async finish() {
      head.end();
      return file.commit();
    },
    async abort() {
      head.destroy();
      await file.discard();
    },
  };
}
