import { randomBytes } from 'node:crypto';
import type { WriteStream } from 'node:fs';
import { link, lstat, open, rename, rm, type FileHandle } from 'node:fs/promises';
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

/** Why a file could not be written, saying what to do; `field` names the argument or flag the path came from. */
export function cannotWrite(path: string, err: unknown, field = 'file'): InvalidInputError {
  const code = (err as NodeJS.ErrnoException).code ?? String(err);
  if (code === 'ENOSPC' || code === 'EFBIG' || code === 'EDQUOT') {
    return new InvalidInputError(field, `cannot write ${path} (${code}): the disk is full or the file too large for it; nothing was left under that name, free some space or choose a path on another disk`);
  }
  return new InvalidInputError(field, `cannot write ${path} (${code}): choose a path in a folder you can write to`);
}

/** Refuses a path where anything is already — a file, a folder, a symbolic link (even a dangling one). */
async function refuseExisting(path: string, field: string): Promise<void> {
  const found = await lstat(path).catch(() => null);
  if (!found) return;
  const what = found.isSymbolicLink() ? 'a symbolic link' : found.isDirectory() ? 'a folder' : 'a file';
  throw new InvalidInputError(field, `${path} exists already (${what}); scrubwatch never replaces one: choose a new file name`);
}

/** Options of {@link openAtomicFile}. */
export interface AtomicFileOptions {
  /** false: refuse a path that exists, before writing and again at the end (nothing is ever replaced). Default true. */
  replace?: boolean;
  /** The argument or flag the path came from, for the errors (default `file`). */
  field?: string;
}

/**
 * Opens a file that will appear at `path` only once whole, created owner-only (0600: the files scrubwatch writes
 * hold secrets). It is written under a fresh random name beside `path`, created exclusively, so nothing someone
 * planted there — a symbolic link to a file of theirs or of the user's — is ever opened or followed; the rename
 * then replaces whatever is at `path` itself, a link included, rather than writing through it.
 */
export async function openAtomicFile(path: string, options: AtomicFileOptions = {}): Promise<AtomicFile> {
  const field = options.field ?? 'file';
  const replace = options.replace ?? true;
  if (!replace) await refuseExisting(path, field);
  // Short enough that the temporary name stays within the usual 255-byte limit on a file name.
  const temp = join(dirname(path), `${basename(path).slice(0, 200)}.${randomBytes(8).toString('hex')}.partial`);
  let handle: FileHandle;
  try {
    handle = await open(temp, 'wx', 0o600);
  } catch (err) {
    throw cannotWrite(path, err, field);
  }
  // flush: fsync before the close, so that the rename never puts the name on a file whose bytes a crash could lose.
  const stream = handle.createWriteStream({ flush: true });
  return {
    stream,
    async commit() {
      try {
        await finished(stream);
        // A hard link fails if anything appeared at the path meanwhile, where a rename would replace it.
        if (replace) await rename(temp, path);
        else await link(temp, path);
      } catch (err) {
        await rm(temp, { force: true });
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') await refuseExisting(path, field);
        throw cannotWrite(path, err, field);
      }
      if (!replace) await rm(temp, { force: true });
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
