import { createHash, createPublicKey, verify } from 'node:crypto';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/pool.ts';
import { digestDatapackage, loadPackageSigner } from '../../src/evidence/sign-package.ts';
import { exportDatabase } from '../../src/transfer/export-database.ts';
import { testConfig } from '../helpers/context.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

/** A logger whose every line is kept, to show what signing logs. */
function recordingLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  return { logger: pino({ level: 'trace' }, sink), lines };
}

describe('the installation signing key and the datapackage-digest.json signature', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('makes one key when two workers use it first at once, and reuses it after', async () => {
    const config = testConfig(db.url);
    const pools = [createPool(db.url, { max: 2 }), createPool(db.url, { max: 2 })];
    try {
      const signers = await Promise.all(pools.map((pool) => loadPackageSigner(pool, config, pino({ level: 'silent' }))));
      expect(signers[0]!.publicKey).toBe(signers[1]!.publicKey);
      const { rows } = await db.pool.query<{ n: number; public_key: Buffer }>('select count(*)::int as n, min(encode(public_key, \'base64\')) as public_key from signing_keys');
      expect(rows[0]!.n).toBe(1);
      const again = await loadPackageSigner(db.pool, config, pino({ level: 'silent' }));
      expect(again.publicKey).toBe(signers[0]!.publicKey);
      expect(createPublicKey({ key: Buffer.from(again.publicKey, 'base64'), format: 'der', type: 'spki' }).asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('signs sha256:<hex of datapackage.json> in raw r‖s form that node crypto and WebCrypto (as wabac.js) both accept', async () => {
    const signer = await loadPackageSigner(db.pool, testConfig(db.url), pino({ level: 'silent' }));
    const datapackage = Buffer.from('{"profile":"data-package","wacz_version":"1.1.1","resources":[]}');
    const digest = await digestDatapackage(signer, datapackage);
    const hash = `sha256:${createHash('sha256').update(datapackage).digest('hex')}`;
    expect(digest).toMatchObject({ path: 'datapackage.json', hash, signedData: { hash, publicKey: signer.publicKey } });
    expect(digest.signedData.software).toMatch(/^scrubwatch \d+\.\d+\.\d+/);
    expect(Date.now() - Date.parse(digest.signedData.created)).toBeLessThan(60_000);
    expect(digest.signedData.timestamp).toBeUndefined();
    const signature = Buffer.from(digest.signedData.signature, 'base64');
    expect(signature).toHaveLength(96);

    const spki = Buffer.from(digest.signedData.publicKey, 'base64');
    const nodeKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    expect(verify('sha256', Buffer.from(hash), { key: nodeKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
    // What wabac.js's verifyWACZSignature does, step for step.
    const webKey = await crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-384' }, true, ['verify']);
    expect(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, webKey, signature, new TextEncoder().encode(hash))).toBe(true);
    expect(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, webKey, signature, new TextEncoder().encode(`${hash.slice(0, -1)}0`))).toBe(false);
  });

  it('never shows the private key: not in logs, JSON, inspect, nor in an export of the data', async () => {
    await db.pool.query('delete from signing_keys');
    const { logger, lines } = recordingLogger();
    const signer = await loadPackageSigner(db.pool, testConfig(db.url), logger);
    const { rows } = await db.pool.query<{ private_key: Buffer }>('select private_key from signing_keys');
    const secret = rows[0]!.private_key;
    // The key's own bytes (past the PKCS#8 header shared by every P-384 key), in the encodings a leak would use.
    const forms = [secret.toString('base64'), secret.subarray(40, 88).toString('hex'), secret.subarray(40, 88).toString('base64')];
    const exported: string[] = [];
    await exportDatabase(db.pool, async (line) => void exported.push(line));
    expect(lines.join('\n')).toContain('signing key ready');
    for (const shown of [lines.join('\n'), JSON.stringify(signer), inspect(signer, { depth: 5, showHidden: true }), exported.join('\n')]) {
      for (const form of forms) expect(shown).not.toContain(form);
    }
    expect(exported.join('\n')).not.toContain('"table":"signing_keys"');
  });
});
