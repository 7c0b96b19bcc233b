import { describe, expect, it } from 'vitest';
import {
  bodyBudget,
  capHeaderPairs,
  hasNoBody,
  httpVersionOf,
  MAX_HEADER_BYTES,
  MAX_HEADERS,
  MAX_HEADERS_BYTES,
  MAX_RECORDED_URL_LENGTH,
  recordsUrl,
  TOTAL_BODY_FACTOR,
} from '../../../src/capture/recording-caps.ts';

describe('bodyBudget: each body within the single cap, all within five times it', () => {
  it('keeps bodies up to the single cap and refuses a larger one without spending on it', () => {
    const budget = bodyBudget(100);
    expect(budget.take(100)).toBe('keep');
    expect(budget.take(101)).toBe('too_large');
    expect(budget.take(100)).toBe('keep');
  });

  it('refuses what no longer fits the total, but still keeps a smaller body that does', () => {
    const budget = bodyBudget(100);
    for (let i = 0; i < TOTAL_BODY_FACTOR - 1; i++) expect(budget.take(100)).toBe('keep');
    expect(budget.take(60)).toBe('keep');
    expect(budget.mayFit(50)).toBe(false);
    expect(budget.take(50)).toBe('too_large');
    expect(budget.take(40)).toBe('keep');
    expect(budget.take(1)).toBe('too_large');
  });

  it('lets an undeclared length through to be counted when read, and refuses a declared one over either cap', () => {
    const budget = bodyBudget(100);
    expect(budget.mayFit(Number.NaN)).toBe(true);
    expect(budget.mayFit(101)).toBe(false);
    expect(budget.mayFit(100)).toBe(true);
  });
});

describe('capHeaderPairs: headers kept in order, bounded', () => {
  it('keeps names, values, repeats and order as received', () => {
    const headers = [
      { name: 'Content-Type', value: 'text/html' },
      { name: 'Set-Cookie', value: 'a=1' },
      { name: 'Set-Cookie', value: 'b=2' },
    ];
    expect(capHeaderPairs(headers)).toEqual([
      ['Content-Type', 'text/html'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
    ]);
  });

  it('drops a header over the per-header cap whole rather than cutting it, and keeps the next', () => {
    const kept = capHeaderPairs([
      { name: 'x-huge', value: 'v'.repeat(MAX_HEADER_BYTES) },
      { name: 'x-small', value: 'ok' },
    ]);
    expect(kept).toEqual([['x-small', 'ok']]);
  });

  it('stops at the count and at the total bytes', () => {
    const many = Array.from({ length: MAX_HEADERS + 50 }, (_, i) => ({ name: `x-${i}`, value: 'v' }));
    expect(capHeaderPairs(many)).toHaveLength(MAX_HEADERS);
    const big = Array.from({ length: 20 }, (_, i) => ({ name: `x-${i}`, value: 'v'.repeat(MAX_HEADER_BYTES - 10) }));
    const kept = capHeaderPairs(big);
    expect(kept.reduce((n, [k, v]) => n + k.length + v.length, 0)).toBeLessThanOrEqual(MAX_HEADERS_BYTES);
    expect(kept.length).toBe(Math.floor(MAX_HEADERS_BYTES / MAX_HEADER_BYTES));
  });
});

describe('what is recorded', () => {
  it('records http(s) URLs within the length cap only', () => {
    expect(recordsUrl('https://example.org/a')).toBe(true);
    expect(recordsUrl('http://example.org/a')).toBe(true);
    expect(recordsUrl('data:image/png;base64,AAAA')).toBe(false);
    expect(recordsUrl('blob:https://example.org/1')).toBe(false);
    expect(recordsUrl(`https://example.org/${'a'.repeat(MAX_RECORDED_URL_LENGTH)}`)).toBe(false);
  });

  it('knows which answers carry no body', () => {
    expect(hasNoBody('GET', 301)).toBe(true);
    expect(hasNoBody('GET', 304)).toBe(true);
    expect(hasNoBody('GET', 204)).toBe(true);
    expect(hasNoBody('HEAD', 200)).toBe(true);
    expect(hasNoBody('GET', 200)).toBe(false);
    expect(hasNoBody('GET', 404)).toBe(false);
    expect(hasNoBody('POST', 500)).toBe(false);
  });

  it('names the status line version from DevTools protocol names', () => {
    expect(httpVersionOf('http/1.1')).toBe('HTTP/1.1');
    expect(httpVersionOf('http/1.0')).toBe('HTTP/1.0');
    expect(httpVersionOf('h2')).toBe('HTTP/2');
    expect(httpVersionOf('h3')).toBe('HTTP/3');
    expect(httpVersionOf(undefined)).toBe('HTTP/1.1');
    expect(httpVersionOf('data')).toBe('HTTP/1.1');
  });
});
