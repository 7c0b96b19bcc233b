import { randomBytes } from 'node:crypto';
import type { WriteStream } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { InvalidInputError } from '../errors/index.ts';

/** A file being written under a temporary name beside where it belongs. */
export interface AtomicFile {
  readonly stream: WriteStream;
  /** Once the stream has been ended: flushes the file to disk and renames it over its path; resolves with the bytes written. */
  commit(): Promise<number>;
  /** Removes what was written; the path is left as it was. */
  discard(): Promise<void>;
}

function cannotWrite(path: string, err: unknown): InvalidInputError {
  const code = (err as NodeJS.ErrnoException).code ?? String(err);
  return new InvalidInputError('file', `cannot write ${path} (${code}): choose a path in a folder you can write to`);
}

/**
 * Opens a file that will appear at `path` only once whole, created owner-only (0600: the files scrubwatch writes
 * hold secrets). It is written under a fresh random name beside `path`, created exclusively, so nothing someone
 * planted there — a symbolic link to a file of theirs or of the user's — is ever opened or followed; the rename
 * then replaces whatever is at `path` itself, a link included, rather than writing through it.
 */
export async function openAtomicFile(path: string): Promise<AtomicFile> {
  // Short enough that the temporary name stays within the usual 255-byte limit on a file name.
  const temp = join(dirname(path), `${basename(path).slice(0, 200)}.${randomBytes(8).toString('hex')}.partial`);
  let handle: FileHandle;
  try {
    handle = await open(temp, 'wx', 0o600);
  } catch (err) {
    throw cannotWrite(path, err);
  }
  // flush: fsync before the close, so that the rename never puts the name on a file whose bytes a crash could lose.
  const stream = handle.createWriteStream({ flush: true });
  return {
    stream,
    async commit() {
      await finished(stream);
      try {
        await rename(temp, path);
      } catch (err) {
        await rm(temp, { force: true });
        throw cannotWrite(path, err);
      }
      return stream.bytesWritten;
    },
    async discard() {
      stream.destroy();
      await finished(stream).catch(() => undefined);
      await rm(temp, { force: true });
    },
  };
}

/** Writes `data` to `path` as {@link openAtomicFile} does: whole or not at all, owner-only, never through a link. */
export async function writeFileAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const file = await openAtomicFile(path);
  try {
    file.stream.end(data);
    await file.commit();
  } catch (err) {
    await file.discard();
    throw err;
  }
}
