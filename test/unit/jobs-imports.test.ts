import { describe, expect, it } from 'vitest';
import { matchingLines, sourceFiles } from './source-files.ts';

/** The composition root (src/app/) hands the processors of jobs/ to the workers it starts. */
const WIRING = 'src/app/';

describe('jobs/ sits on top', () => {
  it('no file of src/ but the composition root imports from jobs/', () => {
    const found = sourceFiles('src')
      .filter((f) => !f.path.startsWith(WIRING))
      .flatMap((f) => matchingLines(f.text, /from\s+['"](\.\.\/)+jobs\//).map((line) => `${f.path}:${line}`));
    expect(found).toEqual([]);
  });

  it('jobs/ holds processors only: every file exports a processor and starts no worker', () => {
    for (const f of sourceFiles('jobs')) {
      expect(f.text, f.path).toMatch(/export function \w+Processor\(/);
      expect(f.text, f.path).not.toMatch(/createWorker|new Worker\(/);
    }
  });
});
