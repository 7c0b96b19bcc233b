import { AppError } from './app-error.ts';

/** A tweet probe was asked of a target that is not a tweet (or names no tweet id): retrying cannot help. */
export class NotATweetError extends AppError<'not_a_tweet'> {
  constructor(targetId: number) {
    super('not_a_tweet', `target ${targetId} is not a tweet`);
  }
}
