import { AppError } from './app-error.ts';

/** An embedded tweet's target was neither created nor found (deleted the moment another worker created it): the capture retries. */
export class TweetTargetVanishedError extends AppError<'tweet_target_vanished'> {
  constructor(url: string) {
    super('tweet_target_vanished', `tweet target ${url} vanished while it was being created`);
  }
}
