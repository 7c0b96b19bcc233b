/**
 * Prints a figure a fault or hostile-page test measured, one line with a fixed prefix (`[faults]`, `[soak]`,
 * `[memory]`), so the lead can copy the last run's figures into the tables of docs/reliability.md:
 * `npm run test:faults | grep -E '^\[(faults|soak)\]'`, `npx vitest run test/capture/hostile-memory.test.ts | grep '^\[memory\]'`.
 */
export function printFigure(prefix: 'faults' | 'soak' | 'memory', line: string): void {
  process.stdout.write(`[${prefix}] ${line}\n`);
}
