import { AppError } from './app-error.ts';

/**
 * One attempt to send a delivery failed: the receiver answered with an error status, was unreachable, or took too
 * long. `responseCode` is the receiver's HTTP status (or SMTP reply code) when there was one.
 */
export class DeliveryError extends AppError<'delivery_failed'> {
  readonly responseCode: number | null;

  constructor(message: string, responseCode: number | null = null, options?: { cause?: unknown }) {
    super('delivery_failed', message, options);
    this.responseCode = responseCode;
  }
}
