import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidInputError, PackageInvalidError } from '../errors/index.ts';
import type { VerifyReport } from '../evidence/verify-package.ts';
import { output, type CommonFlags } from './runtime.ts';

/** The report as a journalist reads it: the verdict first, then what was checked and what it proves. */
export function verifyText(file: string, r: VerifyReport): string {
  const lines = [r.valid ? `VALID: ${file} is intact and signed` : `NOT VALID: ${file} failed ${r.problems.length} check${r.problems.length === 1 ? '' : 's'}`];
  for (const problem of r.problems) lines.push(`  - ${problem}`);
  const sig = r.signature;
  lines.push(
    '',
    sig.valid ? 'signature: valid — every file is as the holder of this key signed it' : 'signature: NOT valid',
    `  public key: ${sig.publicKey ?? 'none'}`,
    `  signed at:  ${sig.created ?? 'unknown'} (as the package says; only a timestamp proves a time)`,
  );
  const ts = r.timestamp;
  if (ts === null) lines.push('timestamp: none (the package was not timestamped)');
  else lines.push(`timestamp: ${ts.valid ? 'valid' : 'NOT valid'}`, `  time:      ${ts.time ?? 'unknown'}`, `  authority: ${ts.authority ?? 'unknown'}`);
  lines.push('', `pages (${r.pages.length}):`);
  for (const p of r.pages) lines.push(`  ${p.ts ?? '?'}  ${p.url}${p.title ? `  "${p.title}"` : ''}`);
  return lines.join('\n');
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('check an evidence package (WACZ): every file against its hash, the signature and the timestamp; exits 1 when it is not valid')
    .argument('<file>', 'the .wacz file')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, flags: CommonFlags) => {
      const info = await stat(file).catch(() => null);
      if (info === null || !info.isFile()) throw new InvalidInputError('file', `${file} is not a file: give the path of a .wacz package`);
      // Loaded here: pkijs is only needed by this command.
      const { verifyPackage } = await import('../evidence/verify-package.ts');
      const report = await verifyPackage(file);
      output(flags, report, (r) => verifyText(file, r));
      if (!report.valid) throw new PackageInvalidError(report.problems.length);
    });
}
