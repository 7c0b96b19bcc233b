import { describe, expect, it } from 'vitest';
import { matchingLines, sourceFiles } from './source-files.ts';

/** The registry that bin/scrubwatch and the tests hand to the workers; every other file of jobs/ is one processor. */
const REGISTRY = 'jobs/index.ts';

describe('jobs/ sits on top', () => {
  it('no file of src/ imports from jobs/, statically or dynamically', () => {
    const found = sourceFiles('src').flatMap((f) =>
      matchingLines(f.text, /(from\s+|import\()\s*['"](\.\.\/)+jobs\//).map((line) => `${f.path}:${line}`),
    );
    expect(found).toEqual([]);
  });

  it('jobs/ holds processors only: every file exports a processor and starts no worker', () => {
    for (const f of sourceFiles('jobs')) {
      expect(f.text, f.path).not.toMatch(/createWorker|new Worker\(/);
      if (f.path === REGISTRY) continue;
      expect(f.text, f.path).toMatch(/export function \w+Processor\(/);
    }
  });

  it('the registry hands every processor of jobs/ to the workers', () => {
    const registry = sourceFiles('jobs').find((f) => f.path === REGISTRY);
    expect(registry, REGISTRY).toBeDefined();
    for (const f of sourceFiles('jobs').filter((file) => file.path !== REGISTRY)) {
      const name = /export function (\w+Processor)\(/.exec(f.text)?.[1];
      expect(registry?.text, `${f.path} is not in ${REGISTRY}`).toContain(`${name},`);
    }
  });
});
