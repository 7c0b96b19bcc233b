import type { Processors } from '../src/app/processors.ts';
import { captureProcessor } from './capture.ts';
import { tweetProcessor } from './tweet.ts';
import { deliverProcessor } from './notify-deliver.ts';
import { digestProcessor } from './notify-digest.ts';
import { reconcileProcessor } from './notify-reconcile.ts';
import { waybackProcessor } from './notify-wayback.ts';
import { archiveProcessor } from './notify-archive.ts';
import { discoverProcessor } from './discover.ts';

/** Every job's processor, handed to the workers by whoever starts them (bin/scrubwatch, the tests). */
export const processors: Processors = {
  capture: captureProcessor,
  tweet: tweetProcessor,
  discover: discoverProcessor,
  notify: {
    deliver: deliverProcessor,
    digest: digestProcessor,
    reconcile: reconcileProcessor,
    wayback: waybackProcessor,
    archive: archiveProcessor,
  },
};
