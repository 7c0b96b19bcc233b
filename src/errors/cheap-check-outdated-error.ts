import { AppError } from './app-error.ts';

/**
 * A cheap-tier check confirmed a snapshot that is no longer the target's last answered one (another capture was
 * saved while it ran): it confirms nothing about the newer one, so it is not stored. Transient: the job retries
 * and decides its tier afresh against the newer snapshot.
 */
export class CheapCheckOutdatedError extends AppError<'cheap_check_outdated'> {
  constructor(targetId: number) {
    super('cheap_check_outdated', `target ${targetId}: another capture was saved while the cheap check ran; the check is retried against it`);
  }
}
