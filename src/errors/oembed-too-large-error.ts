import { AppError } from './app-error.ts';

/** oEmbed's answer is over the size cap: read as a transient answer, never parsed. */
export class OembedTooLargeError extends AppError<'oembed_too_large'> {
  constructor(maxBytes: number, declaredBytes?: number) {
    super(
      'oembed_too_large',
      declaredBytes === undefined ? `oEmbed answer is over the ${maxBytes}-byte cap` : `oEmbed answer of ${declaredBytes} bytes is over the ${maxBytes}-byte cap`,
    );
  }
}
