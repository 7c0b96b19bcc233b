import { AppError } from './app-error.ts';

/** A target with the same normalised URL already exists. */
export class DuplicateTargetError extends AppError<'duplicate_target'> {
  readonly existingId: number;

  constructor(url: string, existingId: number) {
    super('duplicate_target', `a target for ${url} already exists (id ${existingId}); use \`scrubwatch targets show ${existingId}\``, { fault: 'input' });
    this.existingId = existingId;
  }
}
