import { AppError } from './app-error.ts';

/**
 * `scrubwatch verify` found problems with a package (listed in its report): the CLI exits 1, so a script can
 * stop at it.
 */
export class PackageInvalidError extends AppError<'package_invalid'> {
  constructor(problems: number) {
    super('package_invalid', `the package did not verify (${problems} problem${problems === 1 ? '' : 's'}, listed above): do not rely on it as it stands`);
  }
}
