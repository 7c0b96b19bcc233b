import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { pipeline, Transform, type Readable, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createGzip, createGunzip } from 'node:zlib';
import { ExportFileError, InvalidInputError } from '../errors.ts';
import { MAX_LINE_BYTES } from './export-format.ts';
import type { LineSink } from './export-database.ts';

/** `-` names standard input or output; a name ending .gz is gzip-compressed. */
export const STDIO = '-';
const isGzip = (path: string) => path.endsWith('.gz');

/**
 * Passes bytes through, failing once a line runs past `maxBytes` without a newline, before it is buffered
 * whole (readline alone would hold any line, however long, in memory).
 */
function lineLengthGuard(maxBytes: number): Transform {
  let run = 0;
  let line = 1;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let from = 0;
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, from)) {
        if (run + at - from > maxBytes) break;
        run = 0;
        line += 1;
        from = at + 1;
      }
      run += chunk.length - from;
      if (run > maxBytes) {
        done(new ExportFileError(line, `a line longer than ${maxBytes / 2 ** 20} MiB: this is not a scrubwatch export, or it is damaged`));
        return;
      }
      done(null, chunk);
    },
  });
}

/**
 * The lines of an export file (or of standard input), decompressed when it ends .gz, each capped in length.
 * Whether the file exists is checked at once; it is opened only when iteration begins, because readline reads
 * from the moment it is created and drops lines nobody is iterating yet.
 */
export function readExportLines(path: string): AsyncIterable<string> {
  if (path !== STDIO && !existsSync(path)) throw new InvalidInputError('file', `${path} does not exist`);
  return {
    [Symbol.asyncIterator]() {
      const source: Readable = path === STDIO ? process.stdin : createReadStream(path, { highWaterMark: 2 ** 20 });
      const stages: Array<Readable | Transform> = [source, ...(isGzip(path) ? [createGunzip()] : []), lineLengthGuard(MAX_LINE_BYTES)];
      // pipeline passes any stage's error (unreadable file, bad gzip, a line too long) to the last stage, and
      // readline's iterator throws it.
      const input = pipeline(stages, () => undefined) as unknown as Readable;
      return createInterface({ input, crlfDelay: Infinity })[Symbol.asyncIterator]();
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
 * A destination for an export. A file is written beside its name (`<file>.partial`) and renamed only once
 * complete, so a file under the asked-for name is always a whole export; an existing file is kept unless
 * `overwrite`.
 */
export function createExportWriter(path: string, overwrite: boolean): ExportWriter {
  if (path === STDIO) {
    return { sink: (line) => write(process.stdout, `${line}\n`), finish: async () => 0, abort: async () => undefined };
  }
  if (existsSync(path) && !overwrite) throw new InvalidInputError('file', `${path} already exists; choose another name, or pass --force to replace it`);
  const partial = `${path}.partial`;
  const file = createWriteStream(partial);
  const gzip = isGzip(path) ? createGzip() : null;
  // pipeline, not pipe: a failing file (a full disk) fails the writes into gzip too, rather than leaving them waiting.
  if (gzip) pipeline(gzip, file, () => undefined);
  const head: Writable = gzip ?? file;
  return {
    sink: (line) => write(head, `${line}\n`),
    async finish() {
      head.end();
      await finished(file);
      await rename(partial, path);
      return file.bytesWritten;
    },
    async abort() {
      head.destroy();
      file.destroy();
      await rm(partial, { force: true });
    },
  };
}
