import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startHeartbeat } from '../../../src/health/heartbeat.ts';
import { createLogger } from '../../../src/logger.ts';
import { waitUntil } from '../../helpers/processes.ts';

describe("a worker's heartbeat file: what compose's health check reads", () => {
  const dir = mkdtempSync(join(tmpdir(), 'scrubwatch-heartbeat-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is rewritten while the process is ready, left to age once it is not, and removed when it stops', async () => {
    const file = join(dir, 'worker.alive');
    let ready = true;
    let beats = 0;
    const check = async () => {
      beats += 1;
      return { ready, checks: { postgres: true, browser: ready } };
    };
    const heartbeat = startHeartbeat(file, check, createLogger('silent', { pretty: false }), 20);
    const first = await waitUntil('the first beat', () => existsSync(file) && readFileSync(file, 'utf8'), 10_000);
    expect(JSON.parse(first)).toMatchObject({ pid: process.pid, checks: { postgres: true, browser: true } });
    await waitUntil('a beat that rewrites it', () => readFileSync(file, 'utf8') !== first && beats, 10_000);

    ready = false;
    // A beat whose check had already answered may still write once; from the next one on, nothing is written.
    const settled = beats + 1;
    await waitUntil('a beat after the browser stopped answering', () => beats > settled, 10_000);
    const last = readFileSync(file, 'utf8');
    await waitUntil('three more beats', () => beats > settled + 3, 10_000);
    expect(readFileSync(file, 'utf8')).toBe(last);
    expect(JSON.parse(last)).toMatchObject({ checks: { browser: true } });

    await heartbeat.stop();
    expect(existsSync(file)).toBe(false);
  });
});
