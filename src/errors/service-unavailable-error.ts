import { AppError } from './app-error.ts';

/** The services scrubwatch depends on; each names its own error code, `<service>_unavailable`. */
export type Service = 'postgres' | 'redis' | 'chromium' | 'wayback';

/** A service scrubwatch depends on (Postgres, Redis, Chromium, the Wayback Machine) cannot be reached or started. */
export class ServiceUnavailableError extends AppError<`${Service}_unavailable`> {
  constructor(service: Service, message: string, options?: { cause?: unknown }) {
    super(`${service}_unavailable`, message, options);
  }
}
