/**
 * Just enough of the Postgres wire protocol (v3) to frame what clients send, spot the few backend messages the
 * embedded server must act on, and write its own errors. Pure: buffers in, buffers out.
 * https://www.postgresql.org/docs/current/protocol-message-formats.html
 */

import { ProtocolViolation } from '../errors/index.ts';

const SSL_REQUEST_CODE = 80877103;
const GSSENC_REQUEST_CODE = 80877104;
const CANCEL_REQUEST_CODE = 80877102;
/** Far above any real message; a larger length means the stream is not Postgres protocol. */
const MAX_MESSAGE_BYTES = 1 << 30;

/** One message from a client. Before startup, messages carry no type byte; after it, every one does. */
export type FrontendMessage =
  | { kind: 'ssl-request' }
  | { kind: 'gss-request' }
  | { kind: 'cancel' }
  | { kind: 'startup'; bytes: Buffer }
  | { kind: 'typed'; type: string; bytes: Buffer };

/** Takes the first complete message off `buf`, or returns null when more bytes are needed. */
export function takeFrontendMessage(buf: Buffer, started: boolean): { message: FrontendMessage; rest: Buffer } | null {
  if (!started) {
    if (buf.length < 8) return null;
    const length = buf.readInt32BE(0);
    if (length < 8 || length > MAX_MESSAGE_BYTES) throw new ProtocolViolation(`bad startup length ${length}`);
    if (buf.length < length) return null;
    const code = buf.readInt32BE(4);
    const rest = buf.subarray(length);
    if (code === SSL_REQUEST_CODE) return { message: { kind: 'ssl-request' }, rest };
    if (code === GSSENC_REQUEST_CODE) return { message: { kind: 'gss-request' }, rest };
    if (code === CANCEL_REQUEST_CODE) return { message: { kind: 'cancel' }, rest };
    return { message: { kind: 'startup', bytes: buf.subarray(0, length) }, rest };
  }
  if (buf.length < 5) return null;
  const length = buf.readInt32BE(1);
  if (length < 4 || length > MAX_MESSAGE_BYTES) throw new ProtocolViolation(`bad message length ${length}`);
  if (buf.length < 1 + length) return null;
  return {
    message: { kind: 'typed', type: String.fromCharCode(buf[0]!), bytes: buf.subarray(0, 1 + length) },
    rest: buf.subarray(1 + length),
  };
}

/** One message from the backend, whole. */
export interface BackendMessage {
  type: string;
  bytes: Buffer;
}

/** Reassembles backend messages from output that arrives in arbitrary chunks. */
export class BackendMessageSplitter {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): BackendMessage[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const out: BackendMessage[] = [];
    let offset = 0;
    while (this.pending.length - offset >= 5) {
      const total = 1 + this.pending.readInt32BE(offset + 1);
      if (this.pending.length - offset < total) break;
      out.push({ type: String.fromCharCode(this.pending[offset]!), bytes: this.pending.subarray(offset, offset + total) });
      offset += total;
    }
    this.pending = this.pending.subarray(offset);
    return out;
  }
}

/** The transaction status a ReadyForQuery ('Z') message reports: idle, in a transaction, or in a failed one. */
export function readyStatus(msg: BackendMessage): 'I' | 'T' | 'E' {
  return String.fromCharCode(msg.bytes[5]!) as 'I' | 'T' | 'E';
}

/** The channel a NotificationResponse ('A') was sent on. */
export function notificationChannel(msg: BackendMessage): string {
  const start = 1 + 4 + 4;
  const end = msg.bytes.indexOf(0, start);
  return msg.bytes.toString('utf8', start, end);
}

/** The SQL text of a simple Query ('Q') message. */
export function queryText(bytes: Buffer): string {
  const end = bytes.indexOf(0, 5);
  return bytes.toString('utf8', 5, end === -1 ? bytes.length : end);
}

/** The password of a PasswordMessage ('p'). */
export function passwordText(bytes: Buffer): string {
  return queryText(bytes);
}

export interface ListenChange {
  listen: boolean;
  /** A channel name, or '*' for UNLISTEN *. */
  channel: string;
}

/**
 * The LISTEN/UNLISTEN statements in a simple query, so notifications can be routed to the connection that asked
 * for them. Statements of any other kind are ignored.
 */
export function listenChanges(sql: string): ListenChange[] {
  const withoutComments = sql.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' ');
  const changes: ListenChange[] = [];
  for (const statement of withoutComments.split(';')) {
    const m = /^\s*(un)?listen\s+(\*|"(?:[^"]|"")+"|[A-Za-z_][\w$]*)\s*$/i.exec(statement);
    if (!m) continue;
    const name = m[2]!;
    const channel = name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name === '*' ? '*' : name.toLowerCase();
    changes.push({ listen: m[1] === undefined, channel });
  }
  return changes;
}

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}

/** An ErrorResponse with severity, SQLSTATE and message. */
export function errorResponse(severity: 'ERROR' | 'FATAL', sqlState: string, text: string): Buffer {
  const field = (code: string, value: string) => Buffer.from(`${code}${value}\0`, 'utf8');
  return message('E', Buffer.concat([field('S', severity), field('V', severity), field('C', sqlState), field('M', text), Buffer.from([0])]));
}

export function readyForQuery(status: 'I' | 'T' | 'E'): Buffer {
  return message('Z', Buffer.from(status, 'latin1'));
}

/** AuthenticationCleartextPassword: the server asks for the password. */
export function cleartextPasswordRequest(): Buffer {
  const body = Buffer.alloc(4);
  body.writeInt32BE(3, 0);
  return message('R', body);
}

export function simpleQuery(sql: string): Buffer {
  return message('Q', Buffer.from(`${sql}\0`, 'utf8'));
}

export function syncMessage(): Buffer {
  return message('S', Buffer.alloc(0));
}
