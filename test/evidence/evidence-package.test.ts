import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAlerts, type Alert } from '../../src/db/alerts.ts';
import { planAlertPackage, planSnapshotPackage, type PackagePlan } from '../../src/evidence/evidence-snapshots.ts';
import { packageDeps } from '../../src/evidence/package-deps.ts';
import { writePackageFile, type PackageFileReport } from '../../src/evidence/package-file.ts';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { runCapture } from '../../src/watch/capture-target.ts';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { articleFor, watchPage, withoutPhrase } from '../helpers/watch.ts';
import { parseWarc, readZip, sha256Hex, type ParsedRecord, type ZipEntry } from '../helpers/wacz.ts';

const ENTRIES = ['archive/data.warc.gz', 'datapackage-digest.json', 'datapackage.json', 'indexes/index.cdxj', 'pages/pages.jsonl'];

describe('evidence packages (WACZ 1.1.1)', () => {
  const rig = useFixtureRig();
  let dir: string;
  let written = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scrubwatch-evidence-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function pack(plan: (db: typeof rig.ctx.pool) => Promise<PackagePlan>): Promise<{ report: PackageFileReport; zip: Map<string, ZipEntry>; records: ParsedRecord[] }> {
    const path = join(dir, `package-${++written}.wacz`);
    const { pool, config, logger } = rig.ctx;
    const report = await writePackageFile(path, () => plan(pool), (scratch) => packageDeps(pool, config, logger, scratch));
    const zip = await readZip(path);
    return { report, zip, records: await parseWarc(zip.get('archive/data.warc.gz')!.data) };
  }

  const json = (zip: Map<string, ZipEntry>, name: string): Record<string, unknown> => JSON.parse(zip.get(name)!.data.toString('utf8')) as Record<string, unknown>;
  const responsesOf = (records: ParsedRecord[], url: string) => records.filter((r) => r.type === 'response' && r.url === url).sort((a, b) => a.date.localeCompare(b.date));

  describe('a paragraph cut and its photo pulled, confirmed', () => {
    const path = '/news/evidence-cut';
    const spec = articleFor(path);
    const photo = spec.photos[0]!;
    const goita = spec.paragraphs.find((p) => p.includes('Goita'))!;
    let alert: Alert;
    let photoBytes: Buffer;
    let pkg: Awaited<ReturnType<typeof pack>>;

    beforeAll(async () => {
      const page = await watchPage(rig.ctx, rig.site, path, spec);
      await page.capture();
      photoBytes = Buffer.from(await (await fetch(rig.site.url(`/images/${photo.file}`))).arrayBuffer());
      rig.site.article(path, withoutPhrase(spec, 'Goita'));
      rig.site.gone(`/images/${photo.file}`);
      await page.captureTimes(2);
      const alerts = await listAlerts(rig.ctx.pool, { targetId: page.targetId });
      alert = alerts.find((a) => a.kind === 'phrase_removed') ?? alerts[0]!;
      pkg = await pack((db) => planAlertPackage(db, alert.id));
    }, 180_000);

    it('holds the five WACZ files, the WARC stored as it is and the rest deflated', () => {
      expect([...pkg.zip.keys()].sort()).toEqual(ENTRIES);
      expect(pkg.zip.get('archive/data.warc.gz')!.compressionMethod).toBe(0);
      for (const name of ENTRIES.filter((n) => !n.startsWith('archive/'))) expect(pkg.zip.get(name)!.compressionMethod).toBe(8);
      expect(pkg.report).toMatchObject({ snapshots: 3, signed: true, timestamped: false });
      expect(pkg.report.records).toBe(pkg.records.length);
    });

    it('lists every file in datapackage.json with its true hash and size, and the provenance', () => {
      const manifest = json(pkg.zip, 'datapackage.json');
      expect(manifest).toMatchObject({ profile: 'data-package', wacz_version: '1.1.1', software: expect.stringMatching(/^scrubwatch \d/) });
      expect(typeof manifest.created).toBe('string');
      const resources = manifest.resources as Array<{ path: string; hash: string; bytes: number }>;
      expect(resources.map((r) => r.path).sort()).toEqual(['archive/data.warc.gz', 'indexes/index.cdxj', 'pages/pages.jsonl']);
      for (const r of resources) {
        const data = pkg.zip.get(r.path)!.data;
        expect(r.hash).toBe(`sha256:${sha256Hex(data)}`);
        expect(r.bytes).toBe(data.length);
      }
      const captures = (manifest.provenance as { captures: Array<Record<string, unknown>> }).captures;
      expect(captures.map((c) => c.roles)).toEqual([['last_with'], ['first_without'], ['confirming']]);
      for (const c of captures) expect(c).toMatchObject({ browserVersion: expect.stringMatching(/Chrom/), userAgent: expect.any(String), captureHost: expect.any(String), capturedAt: expect.any(String) });
    });

    it('signs datapackage.json as the WACZ signing spec says, verifiable with node alone', () => {
      const manifest = pkg.zip.get('datapackage.json')!.data;
      const digest = json(pkg.zip, 'datapackage-digest.json') as { path: string; hash: string; signedData: { hash: string; signature: string; publicKey: string } };
      expect(digest.path).toBe('datapackage.json');
      expect(digest.hash).toBe(`sha256:${sha256Hex(manifest)}`);
      const key = createPublicKey({ key: Buffer.from(digest.signedData.publicKey, 'base64'), format: 'der', type: 'spki' });
      expect(verify('sha256', Buffer.from(digest.hash, 'utf8'), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(digest.signedData.signature, 'base64'))).toBe(true);
    });

    it('opens the WARC with warcinfo and the findings, every record WARC/1.1 with its digests right', () => {
      expect(pkg.records[0]!.type).toBe('warcinfo');
      expect(pkg.records[0]!.payload.toString()).toContain('scrubwatch');
      const meta = pkg.records.find((r) => r.type === 'metadata')!;
      expect(meta.url).toBe(`urn:scrubwatch:alert:${alert.id}`);
      const findings = JSON.parse(meta.payload.toString('utf8')) as { alert: Alert; snapshots: Array<{ snapshotId: number; roles: string[] }> };
      expect(findings.alert).toMatchObject({ id: alert.id, kind: alert.kind, summary: alert.summary });
      expect(findings.snapshots.map((s) => s.snapshotId)).toEqual([alert.evidence.lastWithSnapshotId, alert.evidence.firstWithoutSnapshotId, alert.evidence.confirmedBySnapshotId]);
      for (const r of pkg.records.filter((x) => x.type === 'response' || x.type === 'resource')) {
        expect(r.headers.get('warc-payload-digest')).toBe(`sha256:${sha256Hex(r.payload)}`);
        expect(r.headers.get('warc-block-digest')).toMatch(/^sha256:[0-9a-f]{64}$/);
      }
    });

    it('keeps the article as received before (200, the paragraph) and after (without it), each at its own time', () => {
      const article = responsesOf(pkg.records, rig.site.url(path));
      expect(article.length).toBeGreaterThanOrEqual(2);
      expect(article[0]!.statusline).toMatch(/ 200 /);
      expect(article[0]!.payload.toString('utf8')).toContain(goita.slice(0, 40));
      expect(article.at(-1)!.payload.toString('utf8')).not.toContain('Col. Assimi Goita');
      expect(article.at(-1)!.date > article[0]!.date).toBe(true);
      // The body is decoded: framing headers dropped, Content-Length the decoded size.
      expect(article[0]!.httpHeaders.get('content-length')).toBe(String(article[0]!.payload.length));
      expect(article[0]!.httpHeaders.has('content-encoding')).toBe(false);
      const requests = pkg.records.filter((r) => r.type === 'request' && r.url === rig.site.url(path));
      expect(requests.length).toBe(article.length + pkg.records.filter((r) => r.type === 'revisit' && r.url === rig.site.url(path)).length);
    });

    it("keeps the photo's response with its bytes, the screenshots and the texts as resources", () => {
      const photos = responsesOf(pkg.records, rig.site.url(`/images/${photo.file}`));
      expect(photos[0]!.payload.equals(photoBytes)).toBe(true);
      const shots = pkg.records.filter((r) => r.type === 'resource' && r.url === `urn:screenshot:${rig.site.url(path)}`);
      expect(shots).toHaveLength(3);
      for (const s of shots) {
        expect(s.headers.get('content-type')).toBe('image/png');
        expect(s.payload.subarray(1, 4).toString('latin1')).toBe('PNG');
      }
      const texts = pkg.records.filter((r) => r.type === 'resource' && r.url === `urn:text:${rig.site.url(path)}`);
      expect(texts[0]!.payload.toString('utf8')).toContain('Col. Assimi Goita');
    });

    it('writes a body that repeats once: the photo kept after the cut is a revisit of its first response', () => {
      const kept = rig.site.url(`/images/${spec.photos[1]!.file}`);
      const [first, ...more] = responsesOf(pkg.records, kept);
      expect(more).toEqual([]);
      const revisits = pkg.records.filter((r) => r.type === 'revisit' && r.url === kept);
      expect(revisits.length).toBeGreaterThanOrEqual(1);
      for (const r of revisits) {
        expect(r.headers.get('warc-profile')).toMatch(/identical-payload-digest$/);
        expect(r.headers.get('warc-refers-to-target-uri')).toBe(kept);
        expect(r.headers.get('warc-refers-to-date')).toBe(first!.date);
        expect(r.headers.get('warc-payload-digest')).toBe(`sha256:${sha256Hex(first!.payload)}`);
        expect(r.statusline).toMatch(/ 200 /);
        expect(r.payload).toHaveLength(0);
      }
    });

    it('indexes every record a replay needs in sorted CDXJ whose offsets and lengths read back the record', async () => {
      const lines = pkg.zip.get('indexes/index.cdxj')!.data.toString('utf8').trimEnd().split('\n');
      expect([...lines].sort()).toEqual(lines);
      const warc = pkg.zip.get('archive/data.warc.gz')!.data;
      expect(lines.length).toBe(pkg.records.filter((r) => ['response', 'revisit', 'resource', 'metadata'].includes(r.type)).length);
      for (const line of lines) {
        const entry = JSON.parse(line.slice(line.indexOf('{'))) as { url: string; offset: string; length: string; filename: string; digest: string };
        expect(entry.filename).toBe('data.warc.gz');
        const [record] = await parseWarc(warc.subarray(Number(entry.offset), Number(entry.offset) + Number(entry.length)));
        expect(record!.url).toBe(entry.url);
        if (record!.type !== 'revisit') expect(entry.digest).toBe(sha256Hex(record!.payload));
      }
    });

    it('lists the before page and the after page at their own times in pages.jsonl', () => {
      const [header, ...pages] = pkg.zip.get('pages/pages.jsonl')!.data.toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
      expect(header).toMatchObject({ format: 'json-pages-1.0' });
      expect(pages).toHaveLength(3);
      expect(pages[0]).toMatchObject({ url: rig.site.url(path), title: expect.stringContaining('Flintlock') });
      expect(pages[0]!.text).toContain('Col. Assimi Goita');
      expect(pages[1]!.text).not.toContain('Col. Assimi Goita');
      expect(String(pages[1]!.ts) > String(pages[0]!.ts)).toBe(true);
    });
  });

  it('packs a removal that is only a 404, the after page as the 404 received', async () => {
    const path = '/news/evidence-404';
    const page = await watchPage(rig.ctx, rig.site, path, articleFor(path));
    await page.capture();
    rig.site.gone(path, 404);
    expect(await page.captureTimes(2)).toContain('page_removed');
    const [alert] = await listAlerts(rig.ctx.pool, { targetId: page.targetId, kind: 'page_removed' });
    const { report, records } = await pack((db) => planAlertPackage(db, alert!.id));
    expect(report.snapshots).toBe(3);
    const article = responsesOf(records, rig.site.url(path));
    expect(article[0]!.statusline).toMatch(/ 200 /);
    expect(article.at(-1)!.statusline).toMatch(/ 404 /);
  }, 180_000);

  it("packs a snapshot of the plain-HTTP fetcher: its one exchange as received", async () => {
    const path = '/news/evidence-http';
    rig.site.article(path, articleFor(path));
    const target = await addTarget(rig.ctx, { url: rig.site.url(path), every: '6h', fetcher: 'http' });
    const { snapshot } = await runCapture(rig.ctx, target.id, `test-http-${target.id}`);
    const { report, zip, records } = await pack((db) => planSnapshotPackage(db, snapshot.id));
    expect(report.snapshots).toBe(1);
    expect([...zip.keys()].sort()).toEqual(ENTRIES);
    const [article] = responsesOf(records, rig.site.url(path));
    expect(article!.statusline).toMatch(/ 200 /);
    expect(article!.payload.toString('utf8')).toContain('Col. Assimi Goita');
    const meta = JSON.parse(records.find((r) => r.type === 'metadata')!.payload.toString('utf8')) as { snapshots: Array<{ provenance: { browserVersion: string } }> };
    expect(meta.snapshots[0]!.provenance.browserVersion).toBe('scrubwatch-http');
  }, 120_000);
});
