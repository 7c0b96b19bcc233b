import { describe, expect, it } from 'vitest';
import { SessionLease } from '../../../src/embedded/session-lease.ts';

describe('session lease', () => {
  it('hands the session on in arrival order', async () => {
    const lease = new SessionLease<string>();
    expect(await lease.acquire('a', 10_000)).toBe(true);
    const order: string[] = [];
    const b = lease.acquire('b', 10_000).then((ok) => order.push(`b:${ok}`));
    const c = lease.acquire('c', 10_000).then((ok) => order.push(`c:${ok}`));
    lease.release('c');
    expect(lease.holder).toBe('a');
    lease.release('a');
    await b;
    expect(lease.holder).toBe('b');
    lease.release('b');
    await c;
    expect(order).toEqual(['b:true', 'c:true']);
    lease.release('c');
    expect(lease.holder).toBeNull();
  });

  it('gives up a wait after its timeout, and a cancelled wait, without handing them the session', async () => {
    const lease = new SessionLease<string>();
    await lease.acquire('a', 10_000);
    const late = lease.acquire('late', 20);
    const cancelled = lease.acquire('gone', 10_000);
    lease.cancel('gone');
    expect(await late).toBe(false);
    expect(await cancelled).toBe(false);
    expect(lease.waitingCount).toBe(0);
    lease.release('a');
    expect(lease.holder).toBeNull();
  });
});
