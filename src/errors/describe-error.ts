/** Describes any thrown value in one line, for logs and the CLI. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
