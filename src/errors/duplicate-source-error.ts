import { AppError } from './app-error.ts';

/** A source of the same kind and normalised URL already exists. */
export class DuplicateSourceError extends AppError<'duplicate_source'> {
  readonly existingId: number;

  constructor(kind: string, url: string, existingId: number) {
    super('duplicate_source', `a ${kind} source for ${url} already exists (id ${existingId}); use \`scrubwatch sources show ${existingId}\``, { fault: 'input' });
    this.existingId = existingId;
  }
}
