import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PackageSigner } from '../../src/evidence/sign-package.ts';
import { runCli } from '../helpers/cli.ts';
import { startFakeTsa, type FakeTsa } from '../helpers/fake-tsa.ts';
import { writeSignedWacz } from '../helpers/test-wacz.ts';

// Each case spawns the CLI up to four times: on two busy cores that takes a while.
describe('scrubwatch verify FILE.wacz, as a new user runs it', { timeout: 180_000 }, () => {
  let dir: string;
  let tsa: FakeTsa;
  let good: string;
  let signer: PackageSigner;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scrubwatch-verify-cli-'));
    tsa = await startFakeTsa();
    signer = new PackageSigner(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey, { url: tsa.url, timeoutMs: 5_000 });
    good = join(dir, 'proof.wacz');
    await writeSignedWacz(good, signer);
  });
  afterAll(async () => {
    await tsa?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('says a good package is valid, with its key, timestamp and pages, and exits 0', async () => {
    const result = await runCli(['verify', good], {});
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^VALID: ${good} is intact and signed\n`));
    expect(result.stdout).toContain(`public key: ${signer.publicKey}`);
    expect(result.stdout).toContain(`authority: ${tsa.subject}`);
    expect(result.stdout).toContain('2026-12-06T10:00:00Z  http://news.test/flintlock-2019  "Flintlock 2019 ends"');

    const json = await runCli(['verify', good, '--json'], {});
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(['valid', 'problems', 'signature', 'timestamp', 'pages']);
    expect(report).toMatchObject({ valid: true, problems: [], signature: { valid: true, publicKey: signer.publicKey }, timestamp: { valid: true, authority: tsa.subject } });
  });

  it('exits 1 on a tampered package, naming the file; 2 on a path that is no file', async () => {
    const bytes = await readFile(good);
    // The WARC is stored uncompressed in the zip: its text is there to change, as an editor of the file would.
    const at = bytes.indexOf('WARC-Type: warcinfo', 500);
    expect(at).toBeGreaterThan(0);
    bytes[at + 11] = 'X'.charCodeAt(0);
    const tampered = join(dir, 'tampered.wacz');
    await writeFile(tampered, bytes);
    const result = await runCli(['verify', tampered, '--json'], {});
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { valid: boolean; problems: string[] };
    expect(report.valid).toBe(false);
    expect(report.problems).toEqual(['archive/data.warc.gz: its bytes do not match the hash in datapackage.json (changed after packing)']);
    expect(result.stderr).toMatch(/^scrubwatch: the package did not verify \(1 problem, listed above\)/);

    const text = await runCli(['verify', tampered], {});
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^NOT VALID: .* failed 1 check\n {2}- archive\/data\.warc\.gz: /);

    const missing = await runCli(['verify', join(dir, 'nowhere.wacz')], {});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nowhere\.wacz is not a file: give the path of a \.wacz package/);
    expect((await runCli(['verify', dir], {})).code).toBe(2);
  });
});
