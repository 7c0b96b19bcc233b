import type { Context } from '../../../context.ts';
import type { createViews } from '../../ui/views.ts';

/** Options every UI route file gets: the context, and the template engine (also used outside `reply.view`). */
export interface UiOptions {
  ctx: Context;
  views: ReturnType<typeof createViews>;
}
