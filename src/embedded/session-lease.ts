/**
 * The right to use the one PGlite session, handed to one connection at a time in arrival order. A connection
 * keeps it from the first message of a protocol cycle until PGlite reports it idle outside a transaction, so a
 * transaction (or an extended-protocol Parse/Bind/Execute/Sync run) is never interleaved with another client's.
 */
export class SessionLease<T> {
  private current: T | null = null;
  private readonly waiting: Array<{ who: T; grant: (granted: boolean) => void; timer: NodeJS.Timeout }> = [];

  /** Resolves true once `who` holds the lease, or false when `timeoutMs` passes first (or `cancel` is called). */
  acquire(who: T, timeoutMs: number): Promise<boolean> {
    if (this.current === null) {
      this.current = who;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const entry = {
        who,
        grant: resolve,
        timer: setTimeout(() => {
          this.remove(entry);
          resolve(false);
        }, timeoutMs),
      };
      this.waiting.push(entry);
    });
  }

  /** Hands the lease to the next in line; a no-op unless `who` holds it. */
  release(who: T): void {
    if (this.current !== who) return;
    const next = this.waiting.shift();
    this.current = next?.who ?? null;
    if (next) {
      clearTimeout(next.timer);
      next.grant(true);
    }
  }

  /** Withdraws `who` from the line (its pending acquire resolves false). */
  cancel(who: T): void {
    for (const entry of this.waiting.filter((e) => e.who === who)) {
      this.remove(entry);
      entry.grant(false);
    }
  }

  /** Who holds the session now. */
  get holder(): T | null {
    return this.current;
  }

  get waitingCount(): number {
    return this.waiting.length;
  }

  private remove(entry: (typeof this.waiting)[number]): void {
    clearTimeout(entry.timer);
    const i = this.waiting.indexOf(entry);
    if (i !== -1) this.waiting.splice(i, 1);
  }
}
