/**
 * Whose doing an error is: `input` — what the caller gave (a flag, a URL, an id, a file, a variable) is not
 * acceptable, and giving something else fixes it; `world` — a service, a lock, a worker or the data let the caller
 * down. The CLI exits with 2 for the first and 1 for the second, so scripts can tell them apart.
 */
export type Fault = 'input' | 'world';

/**
 * Every error scrubwatch raises on purpose is an AppError: a stable `code` that logs, the CLI and stored
 * snapshots can rely on, a message that says what to do next, the underlying `cause` when there is one, and its
 * `fault`: a class of bad input says so, anything else is a failure of the world.
 */
export class AppError extends Error {
  readonly code: string;
  readonly fault: Fault;

  constructor(code: string, message: string, options?: { cause?: unknown; fault?: Fault }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.fault = options?.fault ?? 'world';
  }
}

/** Whether `err` is bad input (see Fault): what the CLI answers with exit code 2. */
export function isInputFault(err: unknown): boolean {
  return err instanceof AppError && err.fault === 'input';
}

/** A configuration variable is missing or malformed; the message names every bad variable. */
export class ConfigError extends AppError {
  constructor(message: string) {
    super('config_invalid', message, { fault: 'input' });
  }
}

/** Input from a person or a file (a URL, a flag, a field) is not acceptable; the message names the field. */
export class InvalidInputError extends AppError {
  readonly field: string;

  constructor(field: string, message: string) {
    super('invalid_input', message, { fault: 'input' });
    this.field = field;
  }
}

/** A target URL or one of its hops resolves to an address scrubwatch is not allowed to visit. */
export class BlockedUrlError extends AppError {
  constructor(message: string) {
    super('blocked_url', message, { fault: 'input' });
  }
}

/** A target with the same normalised URL already exists. */
export class DuplicateTargetError extends AppError {
  readonly existingId: number;

  constructor(url: string, existingId: number) {
    super('duplicate_target', `a target for ${url} already exists (id ${existingId}); use \`scrubwatch targets show ${existingId}\``, { fault: 'input' });
    this.existingId = existingId;
  }
}

/** An id given on the command line or in a job names nothing. */
export class NotFoundError extends AppError {
  constructor(what: string, id: number | string) {
    super('not_found', `${what} ${id} does not exist; list them with \`scrubwatch ${what}s list\``, { fault: 'input' });
  }
}

/** A service scrubwatch depends on (Postgres, Redis, Chromium) cannot be reached or started. */
export class ServiceUnavailableError extends AppError {
  constructor(service: string, message: string, options?: { cause?: unknown }) {
    super(`${service}_unavailable`, message, options);
  }
}

/**
 * The shared Chromium process disconnected or died during a capture. Transient: the job should retry, and the
 * browser host launches a fresh browser on its next use.
 */
export class BrowserCrashedError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('browser_crashed', message, options);
  }
}

/** Another live process owns the embedded data folder; two processes on one folder would corrupt it. */
export class DataDirLockedError extends AppError {
  readonly pid: number;

  constructor(dataDir: string, pid: number, host: string, lockPath: string) {
    super(
      'data_dir_locked',
      `the data folder ${dataDir} is in use by scrubwatch process ${pid} on ${host}; stop that process, or set SCRUBWATCH_DATA_DIR to another folder (only if no such process runs, delete ${lockPath})`,
    );
    this.pid = pid;
  }
}

/**
 * An export file cannot be imported as it stands (damaged, cut short, from a newer scrubwatch). Nothing of it was
 * stored: an import is one transaction. `line` is 1-based, 0 when the problem is not one line's.
 */
export class ExportFileError extends AppError {
  readonly line: number;

  constructor(line: number, problem: string) {
    super('export_file_invalid', `${line > 0 ? `line ${line} of the export: ` : ''}${problem}; nothing was imported`, { fault: 'input' });
    this.line = line;
  }
}

/** An import would mix an export into an installation that already holds data. */
export class ImportTargetNotEmptyError extends AppError {
  constructor(table: string) {
    super(
      'import_target_not_empty',
      `the database already holds ${table}; import only into a new installation (an empty database, or a new SCRUBWATCH_DATA_DIR), so nothing of either is lost or mixed`,
    );
  }
}

/** Describes any thrown value in one line, for logs and the CLI. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
