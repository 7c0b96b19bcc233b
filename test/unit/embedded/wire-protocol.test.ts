import { describe, expect, it } from 'vitest';
import {
  BackendMessageSplitter,
  errorResponse,
  listenChanges,
  notificationChannel,
  readyForQuery,
  readyStatus,
  simpleQuery,
  takeFrontendMessage,
} from '../../../src/embedded/wire-protocol.ts';

function startupMessage(params: Record<string, string>): Buffer {
  const body = Buffer.from(`${Object.entries(params).map(([k, v]) => `${k}\0${v}\0`).join('')}\0`, 'utf8');
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + body.length, 0);
  head.writeInt32BE(196608, 4);
  return Buffer.concat([head, body]);
}

function notification(channel: string, payload: string): Buffer {
  const body = Buffer.concat([Buffer.from([0, 0, 0, 42]), Buffer.from(`${channel}\0${payload}\0`)]);
  const head = Buffer.from([0x41, 0, 0, 0, 0]);
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

describe('wire protocol framing', () => {
  it('tells an SSL request from a startup message before startup', () => {
    const ssl = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
    expect(takeFrontendMessage(ssl, false)?.message).toEqual({ kind: 'ssl-request' });
    const startup = startupMessage({ user: 'postgres', database: 'postgres' });
    const taken = takeFrontendMessage(startup, false);
    expect(taken?.message.kind).toBe('startup');
    expect(taken?.rest.length).toBe(0);
  });

  it('waits for the whole of a typed message, however the bytes are split', () => {
    const q = simpleQuery('select 1');
    const two = Buffer.concat([q, q]);
    for (let cut = 0; cut < q.length; cut++) expect(takeFrontendMessage(two.subarray(0, cut), true)).toBeNull();
    const first = takeFrontendMessage(two, true)!;
    expect(first.message).toMatchObject({ kind: 'typed', type: 'Q' });
    expect(takeFrontendMessage(first.rest, true)?.rest.length).toBe(0);
  });

  it('refuses a length no Postgres client sends', () => {
    expect(() => takeFrontendMessage(Buffer.from([0x51, 0, 0, 0, 1]), true)).toThrow(/bad message length/);
  });

  it('reassembles backend messages across chunks and reads status and channel', () => {
    const stream = Buffer.concat([notification('bullmq_jobs', 'capture'), errorResponse('ERROR', '55P03', 'busy'), readyForQuery('T')]);
    const splitter = new BackendMessageSplitter();
    const messages = [...splitter.push(stream.subarray(0, 7)), ...splitter.push(stream.subarray(7, 30)), ...splitter.push(stream.subarray(30))];
    expect(messages.map((m) => m.type)).toEqual(['A', 'E', 'Z']);
    expect(notificationChannel(messages[0]!)).toBe('bullmq_jobs');
    expect(readyStatus(messages[2]!)).toBe('T');
  });
});

describe('LISTEN tracking', () => {
  it("reads BullMQ's LISTEN, with its comment lines", () => {
    const sql = '-- Subscribe to the shared job-notification channel (fixed name keeps this\n-- portable).\nLISTEN bullmq_jobs;\n';
    expect(listenChanges(sql)).toEqual([{ listen: true, channel: 'bullmq_jobs' }]);
  });

  it('folds unquoted names, keeps quoted ones, and knows UNLISTEN *', () => {
    expect(listenChanges('LISTEN Jobs; listen "MixedCase"; /* x */ UNLISTEN *')).toEqual([
      { listen: true, channel: 'jobs' },
      { listen: true, channel: 'MixedCase' },
      { listen: false, channel: '*' },
    ]);
  });

  it('ignores every other statement', () => {
    expect(listenChanges("select 'LISTEN x'; insert into listen values (1)")).toEqual([]);
  });
});
