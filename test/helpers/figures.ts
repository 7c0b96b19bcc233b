/**
 * Prints a figure a fault test measured, one line with a fixed prefix (`[faults]`, `[soak]`), so the lead can
 * copy the last run's figures into the README's Reliability table: `npm run test:faults | grep -E '^\[(faults|soak)\]'`.
 */
export function printFigure(prefix: 'faults' | 'soak', line: string): void {
  process.stdout.write(`[${prefix}] ${line}\n`);
}
