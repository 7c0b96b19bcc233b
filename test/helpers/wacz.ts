import { createHash } from 'node:crypto';
import { WARCParser } from 'warcio';
import yauzl from 'yauzl';

/** One file of a zip: its bytes and how it was stored (0 stored, 8 deflated). */
export interface ZipEntry {
  data: Buffer;
  compressionMethod: number;
}

/** Every file of the zip at `path`, read whole (test packages are small). */
export function readZip(path: string): Promise<Map<string, ZipEntry>> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const entries = new Map<string, ZipEntry>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.set(entry.fileName, { data: Buffer.concat(chunks), compressionMethod: entry.compressionMethod });
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** A WARC record read back by warcio: its WARC headers (lower-case names), HTTP status line and headers, payload. */
export interface ParsedRecord {
  type: string;
  url: string;
  date: string;
  headers: Map<string, string>;
  statusline: string | null;
  httpHeaders: Map<string, string>;
  payload: Buffer;
}

/** Parses every record of a WARC (gzipped per record) with warcio. */
export async function parseWarc(data: Buffer): Promise<ParsedRecord[]> {
  const parser = new WARCParser([data]);
  const out: ParsedRecord[] = [];
  for await (const record of parser) {
    const payload = Buffer.from(await record.readFully());
    const headers = new Map([...record.warcHeaders.headers.entries()].map(([k, v]) => [k.toLowerCase(), v]));
    const httpHeaders = new Map([...(record.httpHeaders?.headers.entries() ?? [])].map(([k, v]) => [k.toLowerCase(), v]));
    out.push({ type: record.warcType, url: record.warcTargetURI ?? '', date: record.warcDate ?? '', headers, statusline: record.httpHeaders?.statusline ?? null, httpHeaders, payload });
  }
  return out;
}

export const sha256Hex = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
