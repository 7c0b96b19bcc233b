import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { UnreadablePackageError } from '../errors/index.ts';

/** How much of a zip is read before it is refused: a package is never trusted to be reasonable. */
export interface WaczLimits {
  entries: number;
  /** Largest one entry may be, uncompressed. */
  entryBytes: number;
  /** All entries together, uncompressed. */
  totalBytes: number;
  /** Most an entry past 1 MiB may expand, uncompressed/compressed: a zip bomb expands ~1000 times. */
  ratio: number;
}

export const DEFAULT_WACZ_LIMITS: WaczLimits = { entries: 10_000, entryBytes: 8 * 1024 ** 3, totalBytes: 16 * 1024 ** 3, ratio: 100 };
const RATIO_FROM_BYTES = 1024 * 1024;

/** One file of the zip, as its central directory lists it. */
export interface WaczEntry {
  path: string;
  bytes: number;
  compressedBytes: number;
  /** Stored (0) or deflated (8). */
  compression: number;
}

/** An entry's bytes as read: sha256 in the WACZ form, their count, and whether the zip's CRC-32 agrees. */
export interface EntryDigest {
  hash: string;
  bytes: number;
  crcMatches: boolean;
}

/** An open WACZ: its entries, and bounded reads of them. Close it when done. */
export interface WaczReader {
  entries: ReadonlyMap<string, WaczEntry>;
  /** An entry's bytes in memory, refused past `maxBytes` (for the JSON files), and whether the zip's CRC-32 agrees. */
  readEntry(path: string, maxBytes: number): Promise<{ data: Buffer; crcMatches: boolean }>;
  /** An entry read through, hashed as it streams. */
  digestEntry(path: string): Promise<EntryDigest>;
  close(): void;
}

function listEntries(zip: yauzl.ZipFile, limits: WaczLimits): Promise<Map<string, yauzl.Entry>> {
  if (zip.entryCount > limits.entries) throw new UnreadablePackageError(`the zip holds ${zip.entryCount} entries, more than ${limits.entries}`);
  return new Promise((resolve, reject) => {
    const entries = new Map<string, yauzl.Entry>();
    let total = 0;
    zip.on('error', (err: Error) => reject(new UnreadablePackageError(`the zip is damaged or unsafe: ${err.message}`, { cause: err })));
    zip.on('end', () => resolve(entries));
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = entry.fileName;
      const refuse = (why: string) => {
        zip.close();
        reject(new UnreadablePackageError(`${JSON.stringify(name.slice(0, 200))}: ${why}`));
      };
      if (entries.has(name)) return refuse('entry appears twice in the zip');
      if (entry.uncompressedSize > limits.entryBytes) return refuse(`entry is ${entry.uncompressedSize} bytes, more than ${limits.entryBytes}`);
      total += entry.uncompressedSize;
      if (total > limits.totalBytes) return refuse(`entries add up past ${limits.totalBytes} bytes`);
      if (entry.uncompressedSize > RATIO_FROM_BYTES && entry.uncompressedSize > entry.compressedSize * limits.ratio) {
        return refuse(`entry expands ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))} times (a zip bomb?)`);
      }
      entries.set(name, entry);
      zip.readEntry();
    });
    zip.readEntry();
  });
}

async function openStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  try {
    return await zip.openReadStreamPromise(entry);
  } catch (err) {
    throw new UnreadablePackageError(`${entry.fileName}: cannot be read (${(err as Error).message})`, { cause: err });
  }
}

/** Reads a stream through `onChunk`, naming the entry when it breaks (a deflate error, a size that lies). */
async function drain(stream: Readable, path: string, onChunk: (chunk: Buffer) => void): Promise<void> {
  try {
    for await (const chunk of stream) onChunk(chunk as Buffer);
  } catch (err) {
    throw new UnreadablePackageError(`${path}: damaged, cannot be read through (${(err as Error).message})`, { cause: err });
  }
}

/**
 * Opens a WACZ (any zip) for reading, within `limits`: entry names are checked by yauzl (no absolute paths, no
 * `..`, no backslashes) and here (no repeats); nothing is ever written to disk. Throws UnreadablePackageError.
 */
export async function openWacz(file: string, limits: WaczLimits = DEFAULT_WACZ_LIMITS): Promise<WaczReader> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, { autoClose: false, strictFileNames: true });
  } catch (err) {
    throw new UnreadablePackageError(`not a readable zip file (${(err as Error).message})`, { cause: err });
  }
  let raw: Map<string, yauzl.Entry>;
  try {
    raw = await listEntries(zip, limits);
  } catch (err) {
    zip.close();
    throw err;
  }
  const entries = new Map([...raw].map(([path, e]) => [path, { path, bytes: e.uncompressedSize, compressedBytes: e.compressedSize, compression: e.compressionMethod }]));
  const entryOf = (path: string): yauzl.Entry => {
    const entry = raw.get(path);
    if (entry === undefined) throw new UnreadablePackageError(`${path}: not in the zip`);
    return entry;
  };
  return {
    entries,
    async readEntry(path, maxBytes) {
      const entry = entryOf(path);
      if (entry.uncompressedSize > maxBytes) throw new UnreadablePackageError(`${path}: ${entry.uncompressedSize} bytes, more than the ${maxBytes} read of it`);
      const chunks: Buffer[] = [];
      let crc = 0;
      await drain(await openStream(zip, entry), path, (chunk) => {
        chunks.push(chunk);
        crc = crc32(chunk, crc);
      });
      return { data: Buffer.concat(chunks), crcMatches: crc === entry.crc32 };
    },
    async digestEntry(path) {
      const entry = entryOf(path);
      const hash = createHash('sha256');
      let bytes = 0;
      let crc = 0;
      await drain(await openStream(zip, entry), path, (chunk) => {
        hash.update(chunk);
        bytes += chunk.length;
        crc = crc32(chunk, crc);
      });
      return { hash: `sha256:${hash.digest('hex')}`, bytes, crcMatches: crc === entry.crc32 };
    },
    close: () => zip.close(),
  };
}
