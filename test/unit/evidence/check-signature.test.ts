import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSignature } from '../../../src/evidence/check-signature.ts';

const HASH = `sha256:${createHash('sha256').update('{"resources":[]}').digest('hex')}`;

function signedData(curve: 'P-384' | 'P-256', encoding: 'ieee-p1363' | 'der', hash = HASH) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  return {
    hash,
    created: '2026-12-07T10:00:00.000Z',
    software: 'scrubwatch 0.1.0',
    signature: sign('sha256', Buffer.from(hash), { key: privateKey, dsaEncoding: encoding }).toString('base64'),
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}

describe('the anonymous WACZ signature, checked as ReplayWeb.page checks it', () => {
  it('accepts P-384 over the hash string in raw r‖s form', () => {
    const data = signedData('P-384', 'ieee-p1363');
    expect(checkSignature(data, HASH)).toEqual({ check: { valid: true, publicKey: data.publicKey, created: data.created }, problems: [] });
  });

  it('refuses what ReplayWeb.page would refuse: a P-256 key, a DER signature', () => {
    expect(checkSignature(signedData('P-256', 'ieee-p1363'), HASH).problems).toEqual(['datapackage-digest.json: the public key is not ECDSA P-384, the only key ReplayWeb.page checks']);
    expect(checkSignature(signedData('P-384', 'der'), HASH).problems).toEqual(['datapackage-digest.json: the signature is not a raw 96-byte P-384 signature']);
  });

  it('refuses a signature over another hash, a changed signature, and no signature at all', () => {
    expect(checkSignature(signedData('P-384', 'ieee-p1363', `sha256:${'0'.repeat(64)}`), HASH).problems).toEqual([
      'datapackage-digest.json: the signed hash is not the hash of this datapackage.json',
    ]);
    const data = signedData('P-384', 'ieee-p1363');
    const raw = Buffer.from(data.signature, 'base64');
    raw[10]! ^= 1;
    const changed = checkSignature({ ...data, signature: raw.toString('base64') }, HASH);
    expect(changed.check.valid).toBe(false);
    expect(changed.problems).toEqual(['datapackage-digest.json: the signature does not match (the package or its signature was changed)']);
    expect(checkSignature(undefined, HASH).problems).toEqual(['datapackage-digest.json: no anonymous signature (signedData needs hash, signature and publicKey)']);
    expect(checkSignature({ ...data, publicKey: 'bm90IGEga2V5' }, HASH).problems).toEqual(['datapackage-digest.json: the public key is not an SPKI key']);
  });
});
