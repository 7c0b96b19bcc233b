import { AppError } from './app-error.ts';

/**
 * A file given as a WACZ cannot be read as one: not a zip, damaged, or past a safety limit (too many entries, an
 * entry too large or compressed too well, an unsafe or repeated entry name). Nothing was extracted.
 */
export class UnreadablePackageError extends AppError<'package_unreadable'> {
  constructor(problem: string, options?: { cause?: unknown }) {
    super('package_unreadable', problem, { ...options, fault: 'input' });
  }
}
