import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestDatapackage, PackageSigner } from '../../src/evidence/sign-package.ts';
import { DEFAULT_WACZ_LIMITS } from '../../src/evidence/read-wacz.ts';
import { verifyPackage } from '../../src/evidence/verify-package.ts';
import { startFakeTsa, type FakeTsa } from '../helpers/fake-tsa.ts';
import { testDatapackage, testWaczFiles, writeSignedWacz, writeZip, type TestFile } from '../helpers/test-wacz.ts';

/** Where each entry's data starts in the zip file, and how long it is, read from its local header. */
async function entryData(file: string): Promise<Map<string, { start: number; length: number }>> {
  const zip = await yauzl.openPromise(file, { autoClose: false });
  const found = new Map<string, { start: number; length: number }>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.readLocalFileHeaderPromise(entry, { minimal: true }).then(({ fileDataStart }) => {
        found.set(entry.fileName, { start: fileDataStart, length: entry.compressedSize });
        zip.readEntry();
      }, reject);
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  zip.close();
  return found;
}

describe('scrubwatch verify: an evidence package checked as an outsider would', () => {
  let dir: string;
  let tsa: FakeTsa;
  let good: string;
  let signer: PackageSigner;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scrubwatch-verify-'));
    tsa = await startFakeTsa();
    signer = new PackageSigner(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey, { url: tsa.url, timeoutMs: 5_000 });
    good = join(dir, 'good.wacz');
    await writeSignedWacz(good, signer);
  });
  afterAll(async () => {
    await tsa?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds a good package valid: files, signature, timestamp and its pages', async () => {
    const report = await verifyPackage(good);
    expect(Object.keys(report).sort()).toEqual(['pages', 'problems', 'signature', 'timestamp', 'valid']);
    expect(report.problems).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.signature).toEqual({ valid: true, publicKey: signer.publicKey, created: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(report.timestamp).toEqual({ valid: true, authority: tsa.subject, time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(report.pages).toEqual([
      { url: 'http://news.test/flintlock-2019', ts: '2026-12-06T10:00:00Z', title: 'Flintlock 2019 ends' },
      { url: 'http://news.test/flintlock-2019', ts: '2026-12-07T10:00:00Z', title: 'Not found' },
    ]);
  });

  it('finds one flipped byte in any file, naming the file', async () => {
    const bytes = await readFile(good);
    const entries = await entryData(good);
    expect([...entries.keys()].sort()).toEqual(['archive/data.warc.gz', 'datapackage-digest.json', 'datapackage.json', 'indexes/index.cdxj', 'pages/pages.jsonl']);
    for (const [path, { start, length }] of entries) {
      // In the digest file, a byte of the signature itself: its `created` and `software` are not signed (docs say so).
      const at = path === 'datapackage-digest.json' ? start + bytes.subarray(start, start + length).indexOf('"signature": "') + 30 : start + Math.floor(length / 2);
      const tampered = Buffer.from(bytes);
      tampered[at]! ^= 0x04;
      const file = join(dir, `flipped-${path.replace(/\W/g, '_')}.wacz`);
      await writeFile(file, tampered);
      const report = await verifyPackage(file);
      expect(report.valid, path).toBe(false);
      expect(report.problems.join('\n'), path).toContain(path);
    }
  });

  it("finds one flipped byte in the zip's own framing or the digest's unsigned fields, naming where", { timeout: 120_000 }, async () => {
    // Signed but not timestamped, so each of the ~700 checks below is quick.
    const plain = join(dir, 'untimestamped.wacz');
    await writeSignedWacz(plain, new PackageSigner(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey, null));
    const bytes = await readFile(plain);
    const entries = await entryData(plain);
    const data = [...entries].filter(([path]) => path !== 'datapackage-digest.json').map(([, e]) => e);
    const inData = (at: number) => data.some((e) => at >= e.start && at < e.start + e.length);
    // The fields stated once and carrying no content, which docs/evidence.md lists as unchecked: in each central
    // directory record, "version made by" (+4, 2 bytes), the internal and external attributes (+36, 6 bytes), and
    // the extra fields only the central directory carries (yazl's extended timestamp).
    const unchecked = new Set<number>();
    const eocd = bytes.length - 22;
    for (let at = bytes.readUInt32LE(eocd + 16); at < eocd; ) {
      const [name, extra, comment] = [bytes.readUInt16LE(at + 28), bytes.readUInt16LE(at + 30), bytes.readUInt16LE(at + 32)];
      for (const i of [4, 5, 36, 37, 38, 39, 40, 41]) unchecked.add(at + i);
      for (let i = 0; i < extra; i++) unchecked.add(at + 46 + name + i);
      at += 46 + name + extra + comment;
    }
    const names = [...entries.keys(), "the zip's directory", 'not a readable zip file', 'the zip is damaged'];
    let flipped = 0;
    for (let at = 0; at < bytes.length; at++) {
      if (inData(at) || unchecked.has(at)) continue;
      const tampered = Buffer.from(bytes);
      tampered[at]! ^= 0x01;
      const file = join(dir, 'framing.wacz');
      await writeFile(file, tampered);
      const report = await verifyPackage(file);
      expect(report.valid, `byte ${at} flipped`).toBe(false);
      expect(names.some((n) => report.problems.join('\n').includes(n)), `byte ${at}: ${report.problems.join('; ')}`).toBe(true);
      flipped++;
    }
    expect(flipped).toBeGreaterThan(500);
  });

  it('refuses a file listed but missing from the zip, and one in the zip but not listed', async () => {
    const [warc, ...rest] = testWaczFiles();
    const signed = async (listed: TestFile[], zipped: TestFile[]) => {
      const datapackage = testDatapackage(listed);
      const digest = Buffer.from(JSON.stringify(await digestDatapackage(signer, datapackage)));
      const file = join(dir, `partial-${listed.length}-${zipped.length}.wacz`);
      await writeZip(file, [...zipped, { path: 'datapackage.json', bytes: datapackage, compress: false }, { path: 'datapackage-digest.json', bytes: digest, compress: false }]);
      return verifyPackage(file);
    };
    const missing = await signed([warc!, ...rest], rest);
    expect(missing.problems).toEqual(['archive/data.warc.gz: listed in datapackage.json but missing from the zip']);
    expect(missing.signature.valid).toBe(true);
    const unlisted = await signed(rest, [warc!, ...rest]);
    expect(unlisted.problems).toEqual(['archive/data.warc.gz: in the zip but not listed in datapackage.json']);
    expect(unlisted.valid).toBe(false);
  });

  it('says an unsigned package is not valid', async () => {
    const files = testWaczFiles();
    const file = join(dir, 'unsigned.wacz');
    await writeZip(file, [...files, { path: 'datapackage.json', bytes: testDatapackage(files), compress: false }]);
    const report = await verifyPackage(file);
    expect(report.problems).toEqual(['datapackage-digest.json: missing, so the package is not signed']);
    expect(report.signature).toEqual({ valid: false, publicKey: null, created: null });
    expect(report.timestamp).toBeNull();
  });

  it('says a file that is not a zip is not valid, without throwing', async () => {
    const file = join(dir, 'not-a-zip.wacz');
    await writeFile(file, '<html>not a package</html>');
    const report = await verifyPackage(file);
    expect(report).toEqual({ valid: false, problems: [expect.stringMatching(/^not a readable zip file/)], signature: { valid: false, publicKey: null, created: null }, timestamp: null, pages: [] });
  });

  it('refuses a zip bomb before inflating it, in bounded time', async () => {
    const file = join(dir, 'bomb.wacz');
    await writeZip(file, [{ path: 'archive/data.warc.gz', bytes: Buffer.alloc(64 * 1024 * 1024), compress: true }]);
    const started = Date.now();
    const report = await verifyPackage(file);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(report.valid).toBe(false);
    expect(report.problems).toEqual([expect.stringMatching(/^"archive\/data\.warc\.gz": entry expands \d+ times \(a zip bomb\?\)$/)]);
  });

  it('refuses an entry escaping the folder (path traversal) and too many entries', async () => {
    const file = join(dir, 'traversal.wacz');
    // yazl refuses to write `../`; the name is written harmless and patched, as a hostile tool would write it.
    await writeZip(file, [{ path: 'xx/evil.sh', bytes: Buffer.from('echo owned'), compress: false }]);
    const bytes = await readFile(file);
    await writeFile(file, Buffer.from(bytes.toString('latin1').replaceAll('xx/evil.sh', '../evil.sh'), 'latin1'));
    const report = await verifyPackage(file);
    expect(report.valid).toBe(false);
    expect(report.problems).toEqual([expect.stringMatching(/invalid relative path: \.\.\/evil\.sh/)]);

    const few = await verifyPackage(good, { ...DEFAULT_WACZ_LIMITS, entries: 3 });
    expect(few.problems).toEqual(['the zip holds 5 entries, more than 3']);
  });
});
