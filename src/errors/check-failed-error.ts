import { AppError } from './app-error.ts';

/** A check's capture failed, was skipped, or left no snapshot to show. */
export class CheckFailedError extends AppError<'check_failed'> {
  constructor(targetId: number, reason: string) {
    super('check_failed', `check of target ${targetId} failed: ${reason}`);
  }
}
