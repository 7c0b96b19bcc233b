import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { digestDatapackage, sha256Tag, type PackageSigner } from '../../src/evidence/sign-package.ts';

/** One file of a test package, and whether the zip deflates it (the WARC is stored, being gzipped already). */
export interface TestFile {
  path: string;
  bytes: Buffer;
  compress: boolean;
}

/**
 * The files of a small WACZ 1.1.1 (until the real packer lands, the content is made up but shaped alike): a
 * WARC, a CDXJ index and pages.jsonl with two pages.
 */
export function testWaczFiles(): TestFile[] {
  const pages = [
    { format: 'json-pages-1.0', id: 'pages', title: 'All Pages' },
    { url: 'http://news.test/flintlock-2019', ts: '2026-12-06T10:00:00Z', title: 'Flintlock 2019 ends', text: 'Col. Goita thanked the partners.' },
    { url: 'http://news.test/flintlock-2019', ts: '2026-12-07T10:00:00Z', title: 'Not found', text: '' },
  ];
  return [
    { path: 'archive/data.warc.gz', bytes: Buffer.from('WARC/1.1\r\nWARC-Type: warcinfo\r\n\r\n'.repeat(40)), compress: false },
    { path: 'indexes/index.cdxj', bytes: Buffer.from('test,news)/flintlock-2019 20261206100000 {"offset":0}\n'), compress: true },
    { path: 'pages/pages.jsonl', bytes: Buffer.from(`${pages.map((p) => JSON.stringify(p)).join('\n')}\n`), compress: true },
  ];
}

/** datapackage.json for `files`, as the WACZ spec lays it out. */
export function testDatapackage(files: TestFile[]): Buffer {
  const resources = files.map((f) => ({ name: f.path.split('/').pop(), path: f.path, hash: sha256Tag(f.bytes), bytes: f.bytes.length }));
  return Buffer.from(JSON.stringify({ profile: 'data-package', wacz_version: '1.1.1', software: 'scrubwatch tests', created: new Date().toISOString(), resources }, null, 2));
}

/** Writes a zip of `entries` (name → bytes, deflated when asked) to `file`. */
export async function writeZip(file: string, entries: TestFile[]): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(e.bytes, e.path, { compress: e.compress, mtime: new Date('2026-12-07T00:00:00Z') });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(file));
}

/** A signed (and, when the signer has an authority, timestamped) test WACZ at `file`. */
export async function writeSignedWacz(file: string, signer: PackageSigner, files: TestFile[] = testWaczFiles()): Promise<void> {
  const datapackage = testDatapackage(files);
  const digest = await digestDatapackage(signer, datapackage);
  await writeZip(file, [
    ...files,
    { path: 'datapackage.json', bytes: datapackage, compress: false },
    { path: 'datapackage-digest.json', bytes: Buffer.from(JSON.stringify(digest, null, 2)), compress: false },
  ]);
}
