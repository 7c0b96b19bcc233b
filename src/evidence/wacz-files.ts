import { createReadStream } from 'node:fs';
import { CDXIndexer } from 'warcio';
import { sha256Tag } from './sign-package.ts';
import type { PackagePage } from './write-warc.ts';
import type { PackedSnapshotFacts } from './package-findings.ts';

/** The WARC's name inside the package, as `indexes/index.cdxj` names it in each line's `filename`. */
export const WARC_NAME = 'data.warc.gz';
export const WACZ_VERSION = '1.1.1';

/**
 * `indexes/index.cdxj` for the WARC at `path`, by warcio's own indexer (the one ReplayWeb.page's wabac.js reads
 * with): one line per response, revisit, resource and metadata record — SURT key, 14-digit time, then JSON with
 * `url`, `mime`, `status`, `digest`, `offset`, `length`, `filename` — sorted, as the WACZ spec asks.
 */
export async function cdxjIndex(path: string): Promise<string> {
  const indexer = new CDXIndexer({ format: 'cdxj' } as ConstructorParameters<typeof CDXIndexer>[0]);
  const lines: string[] = [];
  for await (const entry of indexer.iterIndex([{ filename: WARC_NAME, reader: createReadStream(path) }])) {
    lines.push(indexer.serializeCDXJ(entry).trimEnd());
  }
  return lines.sort().map((l) => `${l}\n`).join('');
}

/** `pages/pages.jsonl`: the header line, then each snapshot's page (`url`, `ts`, `title`, `text`) at its own time. */
export function pagesJsonl(pages: readonly PackagePage[]): string {
  const header = { format: 'json-pages-1.0', id: 'pages', title: 'All Pages' };
  const lines = [header, ...pages.map((p, i) => ({ id: `page-${i + 1}`, url: p.url, ts: p.ts, title: p.title, text: p.text }))];
  return lines.map((l) => `${JSON.stringify(l)}\n`).join('');
}

/** A file of the package as datapackage.json lists it. */
export interface PackageResource {
  name: string;
  path: string;
  hash: string;
  bytes: number;
}

export function resourceOf(path: string, data: Buffer): PackageResource {
  return { name: path.slice(path.lastIndexOf('/') + 1), path, hash: sha256Tag(data), bytes: data.length };
}

/**
 * `datapackage.json`: the WACZ 1.1.1 manifest — every file with its SHA-256 and size — and the provenance of what is
 * packed: scrubwatch's version, and for each snapshot its capture time, browser version, user agent and capturing
 * host (null for one with no recording).
 */
export function datapackage(input: { title: string; created: string; software: string; resources: PackageResource[]; snapshots: PackedSnapshotFacts[]; mainPage: PackagePage | undefined }): Record<string, unknown> {
  return {
    profile: 'data-package',
    wacz_version: WACZ_VERSION,
    title: input.title,
    created: input.created,
    modified: input.created,
    software: input.software,
    ...(input.mainPage ? { mainPageUrl: input.mainPage.url, mainPageDate: input.mainPage.ts } : {}),
    resources: input.resources,
    provenance: {
      software: input.software,
      captures: input.snapshots.map((s) => ({
        snapshotId: s.snapshotId,
        roles: s.roles,
        url: s.url,
        capturedAt: s.capturedAt,
        origin: s.origin,
        fetcher: s.fetcher,
        browserVersion: s.provenance?.browserVersion ?? null,
        userAgent: s.provenance?.userAgent ?? null,
        captureHost: s.provenance?.captureHost ?? null,
      })),
    },
  };
}
