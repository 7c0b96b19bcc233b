import { describeMachine, machine } from './machine.ts';

/** One line of a benchmark's table: what was measured, the figure, and the target it is held to. */
export interface Row {
  measure: string;
  value: string;
  target?: string;
  met?: boolean;
}

/** A plain-text table for the terminal, and the same rows as Markdown for docs/performance.md. */
export function printTable(title: string, rows: Row[]): void {
  const cells = rows.map((r) => [r.measure, r.value, r.target ?? '', r.met === undefined ? '' : r.met ? 'yes' : 'NO']);
  const head = ['measure', 'value', 'target', 'met'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  process.stdout.write(`\n${title}\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const c of cells) process.stdout.write(`${line(c)}\n`);
}

export function markdownTable(rows: Row[]): string {
  const out = ['| measure | value | target | met |', '|---|---|---|---|'];
  for (const r of rows) out.push(`| ${r.measure} | ${r.value} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : '**no**'} |`);
  return out.join('\n');
}

/** What a one-table benchmark prints at its end: the machine, the table, then the same rows as Markdown. */
export function printReport(title: string, rows: Row[]): void {
  process.stdout.write(`machine: ${describeMachine(machine())}\n`);
  printTable(title, rows);
  process.stdout.write(`\n${markdownTable(rows)}\n`);
}
