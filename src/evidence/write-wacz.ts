import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import type { Queryable } from '../db/pool.ts';
import type { StageProgress } from '../progress.ts';
import { scrubwatchVersion } from '../version.ts';
import type { PackagePlan } from './evidence-snapshots.ts';
import type { RecordingSource } from './package-findings.ts';
import { cdxjIndex, datapackage, pagesJsonl, resourceOf, WARC_NAME, type PackageResource } from './wacz-files.ts';
import { writeWarc } from './write-warc.ts';

/** `datapackage-digest.json` for a datapackage.json (src/evidence/sign-package.ts), and what it holds. */
export type DigestDatapackage = (datapackageBytes: Buffer) => Promise<{ digest: unknown; signed: boolean; timestamped: boolean }>;

export interface WaczDeps {
  db: Queryable;
  recordingOf: RecordingSource;
  digest: DigestDatapackage;
  /** A folder for the WARC while it is written, before it is zipped: beside the output, so on the same disk. */
  scratchDir: string;
  progress?: StageProgress | undefined;
}

/** What `scrubwatch evidence --json` prints of a package, besides its path. */
export interface WaczReport {
  bytes: number;
  sha256: string;
  snapshots: number;
  records: number;
  signed: boolean;
  timestamped: boolean;
}

function titleOf(plan: PackagePlan): string {
  const first = plan.snapshots[0]?.snapshot;
  if (plan.alert) return `scrubwatch alert ${plan.alert.id} (${plan.alert.kind}): ${plan.alert.summary}`.slice(0, 300);
  return `scrubwatch snapshot ${first?.id ?? ''} of ${first?.requestedUrl ?? ''}`.slice(0, 300);
}

/**
 * Writes a WACZ 1.1.1 package of `plan` to `out` (which it ends): `archive/data.warc.gz` stored as it is (gzipped
 * per record already), `indexes/index.cdxj`, `pages/pages.jsonl`, `datapackage.json` and `datapackage-digest.json`
 * deflated. The WARC is written to a scratch file first — the manifest needs its hash before the zip can close — and
 * streamed from there into the zip, so memory holds one blob at a time, never the package. The scratch file is
 * removed whatever happens.
 */
export async function writeWacz(plan: PackagePlan, deps: WaczDeps, out: Writable): Promise<WaczReport> {
  const created = new Date();
  const software = `scrubwatch ${scrubwatchVersion()}`;
  const scratch = join(deps.scratchDir, `.scrubwatch-${randomBytes(8).toString('hex')}.warc.partial`);
  const handle = await open(scratch, 'wx', 0o600);
  try {
    const warcFile = handle.createWriteStream();
    // Listened to from the start: a full disk fails the writes, and must not also be an unhandled 'error' event.
    const warcWritten = finished(warcFile);
    warcWritten.catch(() => undefined);
    const warc = await writeWarc(deps.db, plan, deps.recordingOf, warcFile, { createdAt: created.toISOString(), software, progress: deps.progress }).finally(() => warcFile.end());
    await warcWritten;

    const cdxj = Buffer.from(await cdxjIndex(scratch), 'utf8');
    const pages = Buffer.from(pagesJsonl(warc.pages), 'utf8');
    const resources: PackageResource[] = [
      { name: WARC_NAME, path: `archive/${WARC_NAME}`, hash: `sha256:${warc.sha256}`, bytes: warc.bytes },
      resourceOf('indexes/index.cdxj', cdxj),
      resourceOf('pages/pages.jsonl', pages),
    ];
    const manifest = Buffer.from(JSON.stringify(datapackage({ title: titleOf(plan), created: created.toISOString(), software, resources, snapshots: warc.snapshots, mainPage: warc.pages[0] }), null, 2), 'utf8');
    const digest = await deps.digest(manifest);

    deps.progress?.stage('zipping the package', 1);
    const zip = new ZipFile();
    const mtime = created;
    zip.addReadStream(createReadStream(scratch), `archive/${WARC_NAME}`, { compress: false, mtime, size: warc.bytes });
    zip.addBuffer(cdxj, 'indexes/index.cdxj', { mtime });
    zip.addBuffer(pages, 'pages/pages.jsonl', { mtime });
    zip.addBuffer(manifest, 'datapackage.json', { mtime });
    zip.addBuffer(Buffer.from(JSON.stringify(digest.digest, null, 2), 'utf8'), 'datapackage-digest.json', { mtime });
    zip.end();
    const hash = createHash('sha256');
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    await pipeline(zip.outputStream, counter, out);
    deps.progress?.advance(1);
    return { bytes, sha256: hash.digest('hex'), snapshots: plan.snapshots.length, records: warc.records, signed: digest.signed, timestamped: digest.timestamped };
  } finally {
    await handle.close().catch(() => undefined);
    await rm(scratch, { force: true });
  }
}
