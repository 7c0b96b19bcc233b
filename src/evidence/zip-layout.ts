import type { FileHandle } from 'node:fs/promises';

/**
 * The zip's own framing, checked byte for byte against itself. The hashes in datapackage.json cover each file's
 * bytes, not the zip around them: a changed local header, data descriptor or central directory record would leave
 * every hash whole. So every field the zip states twice must agree (local header and central directory, data
 * descriptor and central directory), the records must tile the file with no gap or trailing byte, and fields with a
 * single legal value must hold it. What is left unchecked carries no content and is stated once only: each entry's
 * "version made by", internal and external attributes, and the data of extra fields found in one header only (such
 * as the extended timestamp yazl writes in the central directory) — see docs/evidence.md.
 */

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const DESCRIPTOR = 0x08074b50;
const EOCD = 0x06054b50;
const ZIP64_EOCD = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EXTRA = 0x0001;
const MAX32 = 0xffffffff;
/** Past this the central directory is not read whole (10,000 entries of long names fit well under it). */
const MAX_CENTRAL_BYTES = 64 * 1024 * 1024;

interface CentralRecord {
  name: string;
  nameRaw: Buffer;
  versionNeeded: number;
  flags: number;
  method: number;
  time: number;
  date: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  extra: Map<number, Buffer>;
  diskStart: number;
  localOffset: number;
}

async function readAt(fd: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await fd.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** Extra fields by id; null when their lengths do not add up to the field's length exactly. */
function parseExtra(raw: Buffer): Map<number, Buffer> | null {
  const fields = new Map<number, Buffer>();
  let i = 0;
  while (i < raw.length) {
    if (i + 4 > raw.length) return null;
    const id = raw.readUInt16LE(i);
    const size = raw.readUInt16LE(i + 2);
    if (i + 4 + size > raw.length || fields.has(id)) return null;
    fields.set(id, raw.subarray(i + 4, i + 4 + size));
    i += 4 + size;
  }
  return fields;
}

/** A 32-bit size or offset, or its 64-bit value from the zip64 extra field when it says 0xffffffff. */
function widen(values: number[], zip64: Buffer | undefined): number[] | null {
  let at = 0;
  const out: number[] = [];
  for (const v of values) {
    if (v !== MAX32) {
      out.push(v);
      continue;
    }
    if (zip64 === undefined || at + 8 > zip64.length) return null;
    out.push(Number(zip64.readBigUInt64LE(at)));
    at += 8;
  }
  return out;
}

/** Where the end records are, and what they say of the central directory; a string names what is wrong. */
async function readEnd(fd: FileHandle, size: number): Promise<{ cdOffset: number; cdSize: number; entries: number; cdEnd: number } | string> {
  const tailStart = Math.max(0, size - (22 + 0xffff + 20));
  const tail = await readAt(fd, tailStart, size - tailStart);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) if (tail.readUInt32LE(i) === EOCD) { at = i; break; }
  if (at < 0) return 'no end of central directory record';
  const eocd = tail.subarray(at);
  if (at + 22 + eocd.readUInt16LE(20) !== tail.length) return 'bytes follow the end of central directory record';
  if (eocd.readUInt16LE(4) !== 0 || eocd.readUInt16LE(6) !== 0) return 'the end record names another disk';
  if (eocd.readUInt16LE(8) !== eocd.readUInt16LE(10)) return 'the end record counts its entries two ways that disagree';
  const eocdAt = tailStart + at;
  const locatorAt = at - 20;
  if (locatorAt < 0 || tail.readUInt32LE(locatorAt) !== ZIP64_LOCATOR) {
    return { entries: eocd.readUInt16LE(10), cdSize: eocd.readUInt32LE(12), cdOffset: eocd.readUInt32LE(16), cdEnd: eocdAt };
  }
  const locator = tail.subarray(locatorAt, locatorAt + 20);
  const recordAt = Number(locator.readBigUInt64LE(8));
  const record = await readAt(fd, recordAt, 56);
  if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD) return 'the zip64 end record is not where its locator says';
  if (recordAt + 12 + Number(record.readBigUInt64LE(4)) !== eocdAt - 20) return 'bytes lie between the zip64 end record and its locator';
  if (record.readBigUInt64LE(24) !== record.readBigUInt64LE(32)) return 'the zip64 end record counts its entries two ways that disagree';
  return { entries: Number(record.readBigUInt64LE(32)), cdSize: Number(record.readBigUInt64LE(40)), cdOffset: Number(record.readBigUInt64LE(48)), cdEnd: recordAt };
}

function parseCentral(cd: Buffer, count: number): CentralRecord[] | string {
  const records: CentralRecord[] = [];
  let i = 0;
  for (let n = 0; n < count; n++) {
    if (i + 46 > cd.length || cd.readUInt32LE(i) !== CENTRAL) return `central directory record ${n + 1} is not where the one before ends`;
    const nameLength = cd.readUInt16LE(i + 28);
    const extraLength = cd.readUInt16LE(i + 30);
    const commentLength = cd.readUInt16LE(i + 32);
    const end = i + 46 + nameLength + extraLength + commentLength;
    if (end > cd.length) return `central directory record ${n + 1} runs past the directory's stated size`;
    const nameRaw = cd.subarray(i + 46, i + 46 + nameLength);
    const extra = parseExtra(cd.subarray(i + 46 + nameLength, i + 46 + nameLength + extraLength));
    if (extra === null) return `${nameRaw.toString('utf8')}: its central directory extra field is malformed`;
    if (commentLength !== 0) return `${nameRaw.toString('utf8')}: carries a file comment, which no package has`;
    const wide = widen([cd.readUInt32LE(i + 24), cd.readUInt32LE(i + 20), cd.readUInt32LE(i + 42)], extra.get(ZIP64_EXTRA));
    if (wide === null) return `${nameRaw.toString('utf8')}: its zip64 extra field lacks a size or offset`;
    records.push({
      name: nameRaw.toString('utf8'), nameRaw, versionNeeded: cd.readUInt16LE(i + 6), flags: cd.readUInt16LE(i + 8), method: cd.readUInt16LE(i + 10),
      time: cd.readUInt16LE(i + 12), date: cd.readUInt16LE(i + 14), crc: cd.readUInt32LE(i + 16),
      uncompressedSize: wide[0]!, compressedSize: wide[1]!, localOffset: wide[2]!, extra, diskStart: cd.readUInt16LE(i + 34),
    });
    i = end;
  }
  return i === cd.length ? records : 'bytes follow the last central directory record';
}

/** The data descriptor after an entry's data (flag bit 3): any of its four legal forms that states the central values. */
function descriptorLength(bytes: Buffer, c: CentralRecord): number | null {
  for (const signed of [true, false]) {
    for (const wide of [false, true]) {
      const b = signed ? (bytes.length >= 4 && bytes.readUInt32LE(0) === DESCRIPTOR ? bytes.subarray(4) : null) : bytes;
      const length = (signed ? 4 : 0) + (wide ? 20 : 12);
      if (b === null || bytes.length < length) continue;
      const sizes = wide ? [Number(b.readBigUInt64LE(4)), Number(b.readBigUInt64LE(12))] : [b.readUInt32LE(4), b.readUInt32LE(8)];
      if (b.readUInt32LE(0) === c.crc && sizes[0] === c.compressedSize && sizes[1] === c.uncompressedSize) return length;
    }
  }
  return null;
}

/** One entry's local header (and data descriptor) against its central record; returns where the entry ends. */
async function checkLocal(fd: FileHandle, c: CentralRecord, at: number, problems: string[]): Promise<number | null> {
  const differs = (what: string) => problems.push(`${c.name}: its local header and the central directory disagree on ${what} (the zip was changed)`);
  const head = await readAt(fd, at, 30);
  if (head.length < 30 || head.readUInt32LE(0) !== LOCAL) return (problems.push(`${c.name}: no local header where the central directory says`), null);
  const nameLength = head.readUInt16LE(26);
  const extraLength = head.readUInt16LE(28);
  const rest = await readAt(fd, at + 30, nameLength + extraLength);
  if (!rest.subarray(0, nameLength).equals(c.nameRaw)) differs('its name');
  const extra = parseExtra(rest.subarray(nameLength));
  if (extra === null) return (problems.push(`${c.name}: its local extra field is malformed`), null);
  for (const [id, data] of extra) if (id !== ZIP64_EXTRA && c.extra.has(id) && !c.extra.get(id)!.equals(data)) differs(`extra field 0x${id.toString(16)}`);
  if (head.readUInt16LE(4) !== c.versionNeeded) differs('the version needed');
  if (head.readUInt16LE(6) !== c.flags) differs('the flags');
  if (head.readUInt16LE(8) !== c.method) differs('the compression method');
  if (head.readUInt16LE(10) !== c.time || head.readUInt16LE(12) !== c.date) differs('the modification time');
  const dataStart = at + 30 + nameLength + extraLength;
  const local = [head.readUInt32LE(14), head.readUInt32LE(22), head.readUInt32LE(18)];
  if ((c.flags & 0x08) === 0) {
    const sizes = widen(local.slice(1), extra.get(ZIP64_EXTRA));
    if (local[0] !== c.crc) differs('the CRC-32');
    if (sizes === null || sizes[0] !== c.uncompressedSize || sizes[1] !== c.compressedSize) differs('the sizes');
    return dataStart + c.compressedSize;
  }
  // With a data descriptor the local header's CRC and sizes are zero: the descriptor after the data states them.
  if (local.some((v) => v !== 0 && v !== MAX32)) differs('the CRC-32 or sizes (a descriptor follows, so they must be zero)');
  const dataEnd = dataStart + c.compressedSize;
  const length = descriptorLength(await readAt(fd, dataEnd, 24), c);
  if (length === null) return (problems.push(`${c.name}: its data descriptor does not state the central directory's CRC-32 and sizes (the zip was changed)`), null);
  return dataEnd + length;
}

/**
 * Checks the zip's framing against itself (see the file's comment): returns each problem, naming the file it is
 * about, or the zip's directory for what belongs to no file. Empty when every framing byte is accounted for.
 */
export async function zipLayoutProblems(fd: FileHandle): Promise<string[]> {
  const { size } = await fd.stat();
  const end = await readEnd(fd, size);
  if (typeof end === 'string') return [`the zip's directory: ${end}`];
  if (end.cdOffset + end.cdSize !== end.cdEnd) return ["the zip's directory: its stated size does not reach the end record"];
  if (end.cdSize > MAX_CENTRAL_BYTES) return [`the zip's directory: ${end.cdSize} bytes, more than ${MAX_CENTRAL_BYTES} read of it`];
  const records = parseCentral(await readAt(fd, end.cdOffset, end.cdSize), end.entries);
  if (typeof records === 'string') return [`the zip's directory: ${records}`];
  const problems: string[] = [];
  let next = 0;
  for (const c of [...records].sort((a, b) => a.localOffset - b.localOffset)) {
    if (c.diskStart !== 0) problems.push(`${c.name}: the central directory puts it on another disk`);
    if (c.localOffset !== next) {
      problems.push(`${c.name}: ${c.localOffset > next ? 'bytes lie before' : 'overlaps the entry before'} its local header (the zip was changed)`);
    }
    const ended = await checkLocal(fd, c, c.localOffset, problems);
    if (ended === null) return problems;
    next = ended;
  }
  if (next !== end.cdOffset) problems.push(`the zip's directory: ${next < end.cdOffset ? 'bytes lie between the last file and it' : 'starts inside the last file'}`);
  return problems;
}
