import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { getSigningKey, insertSigningKeyIfAbsent } from '../db/signing-keys.ts';
import { AppError } from '../errors/index.ts';
import { scrubwatchVersion } from '../version.ts';
import { requestTimestamp, type TimestampAuthority } from './timestamp-client.ts';

/**
 * An RFC 3161 timestamp of a package. The authority stamped SHA-256 of the `datapackage.json` bytes — the digest in
 * `hash`, so `openssl ts -verify -data datapackage.json` checks it.
 */
export interface PackageTimestamp {
  /** The authority that was asked (SCRUBWATCH_TSA_URL when the package was signed). */
  authorityUrl: string;
  /** The TimeStampToken (CMS ContentInfo, SignedData over TSTInfo), DER, base64. */
  token: string;
}

/**
 * `datapackage-digest.json` as the WACZ signing spec (webrecorder/specs, wacz-auth) has it, with an anonymous
 * signature: ReplayWeb.page (wabac.js) verifies it with WebCrypto, ECDSA P-384 over SHA-256.
 */
export interface DatapackageDigest {
  path: 'datapackage.json';
  /** `sha256:<hex>` of the datapackage.json bytes. */
  hash: string;
  signedData: {
    /** The same string as `hash`: what is signed, as UTF-8 bytes. */
    hash: string;
    /** When the package was signed, ISO 8601. */
    created: string;
    /** `scrubwatch <version>`. */
    software: string;
    /** ECDSA P-384 / SHA-256 over the UTF-8 `hash`, raw r‖s (IEEE P1363, 96 bytes), base64. */
    signature: string;
    /** The installation's public key, SPKI DER, base64. */
    publicKey: string;
    /** Present when SCRUBWATCH_TSA_URL was set. */
    timestamp?: PackageTimestamp;
  };
}

/** Holds the installation's signing key, and the time-stamping authority if one is set; never logs either's secrets. */
export class PackageSigner {
  readonly #privateKey: KeyObject;
  /** The public key, SPKI DER, base64: what `signedData.publicKey` says. */
  readonly publicKey: string;
  readonly software: string;
  readonly authority: TimestampAuthority | null;

  constructor(privateKey: KeyObject, authority: TimestampAuthority | null) {
    this.#privateKey = privateKey;
    this.publicKey = createPublicKey(privateKey).export({ type: 'spki', format: 'der' }).toString('base64');
    this.software = `scrubwatch ${scrubwatchVersion()}`;
    this.authority = authority;
  }

  /** ECDSA P-384 over SHA-256 of `message`, raw r‖s as WebCrypto makes and checks it. */
  signRaw(message: Buffer): Buffer {
    return sign('sha256', message, { key: this.#privateKey, dsaEncoding: 'ieee-p1363' });
  }

  /** What a log or JSON.stringify may show of a signer: never the private key. */
  toJSON(): { publicKey: string; software: string; authorityUrl: string | null } {
    return { publicKey: this.publicKey, software: this.software, authorityUrl: this.authority?.url ?? null };
  }
}

/**
 * The installation's signer: its key from `signing_keys`, made on first use (concurrent first uses end with one
 * key: every process signs with the row that was stored), and the time-stamping authority of the config.
 */
export async function loadPackageSigner(pool: pg.Pool, config: Config, logger: Logger): Promise<PackageSigner> {
  let stored = await getSigningKey(pool);
  if (stored === null) {
    const made = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    await insertSigningKeyIfAbsent(pool, made.privateKey.export({ type: 'pkcs8', format: 'der' }), made.publicKey.export({ type: 'spki', format: 'der' }));
    stored = await getSigningKey(pool);
    if (stored === null) throw new AppError('signing_key_missing', 'the signing key just stored is gone from signing_keys: check that nothing else deletes rows there, then try again');
    logger.info({ publicKey: stored.publicKey.toString('base64'), createdAt: stored.createdAt }, 'signing key ready');
  }
  const privateKey = createPrivateKey({ key: stored.privateKey, format: 'der', type: 'pkcs8' });
  const authority = config.tsaUrl === undefined ? null : { url: config.tsaUrl, timeoutMs: config.tsaTimeoutMs };
  return new PackageSigner(privateKey, authority);
}

/** SHA-256 of some bytes as `sha256:<hex>`, the form of every `hash` in a WACZ. */
export function sha256Tag(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * `datapackage-digest.json` for these `datapackage.json` bytes: the hash, the signature and, when an authority is
 * set, its timestamp. Throws TimestampAuthorityError when the authority does not stamp: write no package then.
 */
export async function digestDatapackage(signer: PackageSigner, datapackage: Buffer): Promise<DatapackageDigest> {
  const digest = createHash('sha256').update(datapackage).digest();
  const hash = `sha256:${digest.toString('hex')}`;
  const signedData: DatapackageDigest['signedData'] = {
    hash,
    created: new Date().toISOString(),
    software: signer.software,
    signature: signer.signRaw(Buffer.from(hash, 'utf8')).toString('base64'),
    publicKey: signer.publicKey,
  };
  if (signer.authority !== null) {
    const token = await requestTimestamp(signer.authority, datapackage);
    signedData.timestamp = { authorityUrl: signer.authority.url, token: token.toString('base64') };
  }
  return { path: 'datapackage.json', hash, signedData };
}
