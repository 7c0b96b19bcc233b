import type { Context } from '../../../context.ts';
import type { createViews } from '../../ui/views.ts';
import type { FrameMediaSigner } from '../../archived-frame.ts';

/**
 * Options every UI route file gets: the context, the template engine (also used outside `reply.view`), and the
 * signer of the archived frame's photo links.
 */
export interface UiOptions {
  ctx: Context;
  views: ReturnType<typeof createViews>;
  frameSigner: FrameMediaSigner;
}
