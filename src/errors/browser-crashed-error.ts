import { AppError } from './app-error.ts';

/**
 * The shared Chromium process disconnected or died during a capture. Transient: the job should retry, and the
 * browser host launches a fresh browser on its next use.
 */
export class BrowserCrashedError extends AppError<'browser_crashed'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('browser_crashed', message, options);
  }
}
