import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

/** Every TypeScript source file under the given folders of the repository, with its path from the root. */
export function sourceFiles(...folders: string[]): Array<{ path: string; text: string }> {
  const files: Array<{ path: string; text: string }> = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) files.push({ path: relative(ROOT, full), text: readFileSync(full, 'utf8') });
    }
  };
  for (const folder of folders) walk(join(ROOT, folder));
  return files;
}

/** The 1-based lines of `text` matching `pattern`, with the line itself. */
export function matchingLines(text: string, pattern: RegExp): string[] {
  return text
    .split('\n')
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line }) => pattern.test(line))
    .map(({ line, n }) => `${n}: ${line.trim()}`);
}
