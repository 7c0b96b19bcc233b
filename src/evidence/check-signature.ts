import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/** The signature part of a verify report: whether it checks, by which key, and when the package says it was signed. */
export interface SignatureCheck {
  valid: boolean;
  /** The signer's public key (SPKI DER, base64) as the package gives it; null when there is none. */
  publicKey: string | null;
  /** `signedData.created` as written — not covered by the signature (see docs/evidence.md). */
  created: string | null;
}

function publicKeyOf(spki: string): KeyObject | string {
  try {
    const key = createPublicKey({ key: Buffer.from(spki, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'secp384r1') {
      return 'the public key is not ECDSA P-384, the only key ReplayWeb.page checks';
    }
    return key;
  } catch {
    return 'the public key is not an SPKI key';
  }
}

/**
 * Checks `signedData` of datapackage-digest.json as wabac.js does: ECDSA P-384 with SHA-256 over the UTF-8 bytes of
 * `hash`, the signature raw r‖s in base64, against the SPKI key given beside it. `expectedHash` is the hash of the
 * datapackage.json actually in the package. Returns the check and the problems found.
 */
export function checkSignature(signedData: unknown, expectedHash: string): { check: SignatureCheck; problems: string[] } {
  const data = (typeof signedData === 'object' && signedData !== null ? signedData : {}) as Record<string, unknown>;
  const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  const check: SignatureCheck = { valid: false, publicKey: text(data.publicKey), created: text(data.created) };
  const hash = text(data.hash);
  const signature = text(data.signature);
  if (check.publicKey === null || hash === null || signature === null) {
    return { check, problems: ['datapackage-digest.json: no anonymous signature (signedData needs hash, signature and publicKey)'] };
  }
  if (hash !== expectedHash) return { check, problems: ['datapackage-digest.json: the signed hash is not the hash of this datapackage.json'] };
  const key = publicKeyOf(check.publicKey);
  if (typeof key === 'string') return { check, problems: [`datapackage-digest.json: ${key}`] };
  const raw = Buffer.from(signature, 'base64');
  if (raw.length !== 96) return { check, problems: ['datapackage-digest.json: the signature is not a raw 96-byte P-384 signature'] };
  check.valid = verify('sha256', Buffer.from(hash, 'utf8'), { key, dsaEncoding: 'ieee-p1363' }, raw);
  return { check, problems: check.valid ? [] : ['datapackage-digest.json: the signature does not match (the package or its signature was changed)'] };
}
