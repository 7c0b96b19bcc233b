/** One row of a CDX answer asked for `fl=urlkey,timestamp,original`. */
export interface CdxRow {
  urlkey: string;
  timestamp: string;
  original: string;
}

/** A line of the answer: a row, the blank line before the resume key, the key itself, or something else. */
export type CdxLine = { type: 'row'; row: CdxRow } | { type: 'blank' } | { type: 'other'; text: string };

const TIMESTAMP = /^\d{14}$/;

/**
 * Reads one line of a CDX text answer (`urlkey timestamp original`, space-separated). Further fields are ignored:
 * an index that answers its default field list (urlkey timestamp original mimetype statuscode …) starts the same.
 */
export function parseCdxLine(line: string): CdxLine {
  const trimmed = line.trim();
  if (trimmed === '') return { type: 'blank' };
  const fields = trimmed.split(' ');
  const [urlkey, timestamp, original] = fields;
  if (fields.length < 3 || urlkey === undefined || timestamp === undefined || original === undefined || !TIMESTAMP.test(timestamp) || !/^https?:\/\//i.test(original)) {
    return { type: 'other', text: trimmed };
  }
  return { type: 'row', row: { urlkey, timestamp, original } };
}

/** YYYYMMDDhhmmss (UTC) of `date`, as CDX's `from` takes it. */
export function cdxTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** The time a CDX timestamp names (UTC). */
export function cdxDate(timestamp: string): Date {
  return new Date(Date.UTC(+timestamp.slice(0, 4), +timestamp.slice(4, 6) - 1, +timestamp.slice(6, 8), +timestamp.slice(8, 10), +timestamp.slice(10, 12), +timestamp.slice(12, 14)));
}

/**
 * Splits decoded text chunks into lines, holding the unfinished last one; a line longer than `maxLine` is given
 * whole as far as it came (the caller refuses it) and the rest of it dropped.
 */
export class LineSplitter {
  private partial = '';

  constructor(private readonly maxLine: number) {}

  /** The complete lines `text` finishes. */
  push(text: string): string[] {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    if (this.partial.length > this.maxLine) {
      parts.push(this.partial.slice(0, this.maxLine));
      this.partial = '';
    }
    return parts;
  }

  /** The last line, when the answer did not end with a newline. */
  end(): string[] {
    const last = this.partial;
    this.partial = '';
    return last === '' ? [] : [last];
  }
}
