/**
 * Whose doing an error is: `input` — what the caller gave (a flag, a URL, an id, a file, a variable) is not
 * acceptable, and giving something else fixes it; `world` — a service, a lock, a worker or the data let the caller
 * down. The CLI exits with 2 for the first and 1 for the second, so scripts can tell them apart.
 */
export type Fault = 'input' | 'world';

/**
 * Every error scrubwatch raises on purpose is an AppError: a stable `code` that logs, the CLI and stored
 * snapshots can rely on, a message that says what to do next, the underlying `cause` when there is one, and its
 * `fault`: a class of bad input says so, anything else is a failure of the world. A subclass narrows `Code` to
 * the literal it always carries, so a reader of `err.code` sees every value it can take.
 */
export class AppError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly fault: Fault;

  constructor(code: Code, message: string, options?: { cause?: unknown; fault?: Fault }) {
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
