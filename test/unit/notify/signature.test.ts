import { describe, expect, it } from 'vitest';
import { signBody, verifySignature } from '../../../src/notify/signature.ts';
import { deliveryAttempts } from '../../../src/queue/notify-jobs.ts';
import { escapeHtml, html } from '../../../src/notify/html.ts';

describe('webhook signatures', () => {
  const secret = 'a'.repeat(64);
  const body = '{"schema":"scrubwatch.alert/v1"}';

  it('signs t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">, and a receiver verifies it', () => {
    const header = signBody(secret, body, 1_700_000_000);
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature(header, body, secret, { now: 1_700_000_010 })).toEqual({ ok: true, timestamp: 1_700_000_000 });
  });

  it('rejects another body, another secret, a malformed header', () => {
    const header = signBody(secret, body, 1_700_000_000);
    expect(verifySignature(header, `${body} `, secret, { now: 1_700_000_000 })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(header, body, 'b'.repeat(64), { now: 1_700_000_000 })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature('v1=abc', body, secret)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifySignature(undefined, body, secret)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rejects a replay: a valid signature older than five minutes', () => {
    const header = signBody(secret, body, 1_700_000_000);
    expect(verifySignature(header, body, secret, { now: 1_700_000_000 + 299 }).ok).toBe(true);
    expect(verifySignature(header, body, secret, { now: 1_700_000_000 + 301 })).toEqual({ ok: false, reason: 'expired' });
  });
});

describe('retries', () => {
  it('back off exponentially for as long as the delays add up to the maximum', () => {
    expect(deliveryAttempts(30_000, 24 * 3_600_000)).toBe(12);
    expect(deliveryAttempts(100, 1_000)).toBe(4);
    expect(deliveryAttempts(1_000, 500)).toBe(1);
  });
});

describe('html', () => {
  it('escapes every interpolated value, but not nested html', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(html`<p>${'<script>'}${html`<b>${'&'}</b>`}</p>`.value).toBe('<p>&lt;script&gt;<b>&amp;</b></p>');
  });
});
