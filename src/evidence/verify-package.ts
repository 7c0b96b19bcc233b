import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { UnreadablePackageError } from '../errors/index.ts';
import { checkSignature, type SignatureCheck } from './check-signature.ts';
import { openWacz, DEFAULT_WACZ_LIMITS, type WaczLimits, type WaczReader } from './read-wacz.ts';
import { checkTimestampToken } from './timestamp-token.ts';
import { zipLayoutProblems } from './zip-layout.ts';

/** The JSON files are read whole; past this they are refused rather than read. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;
const DATAPACKAGE = 'datapackage.json';
const DIGEST = 'datapackage-digest.json';
const PAGES = 'pages/pages.jsonl';

/** One line of pages/pages.jsonl, as the package says (unchecked but for its hash). */
export interface PackagePage {
  url: string;
  ts: string | null;
  title: string | null;
}

/** What `scrubwatch verify` answers: the contract of its `--json`. */
export interface VerifyReport {
  valid: boolean;
  /** Each names the file it is about. */
  problems: string[];
  signature: SignatureCheck;
  timestamp: { valid: boolean; authority: string | null; time: string | null } | null;
  pages: PackagePage[];
}

/** The report's signature and timestamp for a package with no signature to check. */
const unsigned = (): Pick<VerifyReport, 'signature' | 'timestamp'> => ({ signature: { valid: false, publicKey: null, created: null }, timestamp: null });

/** The report of a package that could not be read past `problems`. */
const unreadable = (problems: string[]): VerifyReport => ({ valid: false, problems, ...unsigned(), pages: [] });

function parseJson(bytes: Buffer, path: string, problems: string[]): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  problems.push(`${path}: not a JSON object`);
  return null;
}

/** Every file datapackage.json lists must be there with its hash and size, and nothing unlisted may be. */
async function checkFiles(wacz: WaczReader, datapackage: Record<string, unknown>, problems: string[]): Promise<void> {
  const resources = Array.isArray(datapackage.resources) ? (datapackage.resources as unknown[]) : null;
  if (resources === null) {
    problems.push(`${DATAPACKAGE}: lists no resources`);
    return;
  }
  const listed = new Set<string>([DATAPACKAGE, DIGEST]);
  for (const resource of resources) {
    const r = (typeof resource === 'object' && resource !== null ? resource : {}) as Record<string, unknown>;
    if (typeof r.path !== 'string' || typeof r.hash !== 'string' || typeof r.bytes !== 'number') {
      problems.push(`${DATAPACKAGE}: a resource lacks its path, hash or bytes`);
      continue;
    }
    listed.add(r.path);
    if (!wacz.entries.has(r.path)) {
      problems.push(`${r.path}: listed in ${DATAPACKAGE} but missing from the zip`);
      continue;
    }
    try {
      const found = await wacz.digestEntry(r.path);
      if (found.hash !== r.hash || found.bytes !== r.bytes) problems.push(`${r.path}: its bytes do not match the hash in ${DATAPACKAGE} (changed after packing)`);
      else if (!found.crcMatches) problems.push(`${r.path}: the zip's checksum of it does not match (the zip was changed)`);
    } catch (err) {
      if (!(err instanceof UnreadablePackageError)) throw err;
      problems.push(err.message);
    }
  }
  for (const path of wacz.entries.keys()) if (!listed.has(path)) problems.push(`${path}: in the zip but not listed in ${DATAPACKAGE}`);
}

/**
 * A file datapackage.json cannot list (itself, and the digest that signs it), read whole: only the zip's CRC-32
 * stands between a flipped byte in the digest's unsigned fields (`created`, `software`) and a valid package.
 */
async function readUnlisted(wacz: WaczReader, path: string, problems: string[]): Promise<Buffer> {
  const { data, crcMatches } = await wacz.readEntry(path, MAX_JSON_BYTES);
  if (!crcMatches) problems.push(`${path}: the zip's checksum of it does not match (the zip was changed)`);
  return data;
}

async function readPages(wacz: WaczReader, problems: string[]): Promise<PackagePage[]> {
  if (!wacz.entries.has(PAGES)) return [];
  const pages: PackagePage[] = [];
  const text = (await wacz.readEntry(PAGES, MAX_JSON_BYTES)).data.toString('utf8');
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const page = parseJson(Buffer.from(line), PAGES, problems);
    if (page === null || typeof page.url !== 'string') continue;
    pages.push({ url: page.url, ts: typeof page.ts === 'string' ? page.ts : null, title: typeof page.title === 'string' ? page.title : null });
  }
  return pages;
}

async function readDigest(wacz: WaczReader, datapackageBytes: Buffer, problems: string[]): Promise<Pick<VerifyReport, 'signature' | 'timestamp'>> {
  const digest = createHash('sha256').update(datapackageBytes).digest();
  const hash = `sha256:${digest.toString('hex')}`;
  if (!wacz.entries.has(DIGEST)) {
    problems.push(`${DIGEST}: missing, so the package is not signed`);
    return unsigned();
  }
  const file = parseJson(await readUnlisted(wacz, DIGEST, problems), DIGEST, problems);
  if (file === null) return unsigned();
  if (file.path !== DATAPACKAGE || file.hash !== hash) problems.push(`${DATAPACKAGE}: does not match the hash in ${DIGEST} (changed after signing)`);
  const signed = checkSignature(file.signedData, hash);
  problems.push(...signed.problems);
  const stamp = (file.signedData as { timestamp?: { token?: unknown } } | undefined)?.timestamp;
  if (stamp === undefined) return { signature: signed.check, timestamp: null };
  const token = typeof stamp.token === 'string' ? Buffer.from(stamp.token, 'base64') : Buffer.alloc(0);
  const checked = await checkTimestampToken(token, datapackageBytes);
  if (checked.problem !== null) problems.push(`${DIGEST}: ${checked.problem}`);
  return { signature: signed.check, timestamp: { valid: checked.valid, authority: checked.authority, time: checked.time } };
}

async function verifyOpen(wacz: WaczReader, problems: string[]): Promise<VerifyReport> {
  if (!wacz.entries.has(DATAPACKAGE)) {
    problems.push(`${DATAPACKAGE}: missing, so no file can be checked`);
    return unreadable(problems);
  }
  const datapackageBytes = await readUnlisted(wacz, DATAPACKAGE, problems);
  const datapackage = parseJson(datapackageBytes, DATAPACKAGE, problems);
  if (datapackage !== null) await checkFiles(wacz, datapackage, problems);
  const signed = await readDigest(wacz, datapackageBytes, problems);
  const pages = await readPages(wacz, problems);
  return { valid: problems.length === 0, problems, ...signed, pages };
}

/**
 * Checks a WACZ as an outsider would: the zip's framing against itself, every file against datapackage.json,
 * datapackage.json against datapackage-digest.json, the signature, and the timestamp when there is one. A package that cannot be read is a
 * report with `valid: false`, not an error; only a file that cannot be opened at all (missing) throws.
 */
export async function verifyPackage(file: string, limits: WaczLimits = DEFAULT_WACZ_LIMITS): Promise<VerifyReport> {
  const problems: string[] = [];
  let wacz: WaczReader;
  try {
    wacz = await openWacz(file, limits);
  } catch (err) {
    if (!(err instanceof UnreadablePackageError)) throw err;
    return unreadable([err.message]);
  }
  try {
    // The hashes cover the files, not the zip around them: its framing is checked on its own, so no byte escapes.
    const layout = await open(file, 'r');
    try {
      problems.push(...(await zipLayoutProblems(layout)));
    } finally {
      await layout.close();
    }
    return await verifyOpen(wacz, problems);
  } catch (err) {
    if (!(err instanceof UnreadablePackageError)) throw err;
    problems.push(err.message);
    return unreadable(problems);
  } finally {
    wacz.close();
  }
}
