/** A page's HTTP validators, as a response's kept headers (lower-cased names) carry them. */
export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

/** The validators of a response, from its kept headers. */
export function validatorsOf(headers: Record<string, string>): Validators {
  return { etag: headers.etag ?? null, lastModified: headers['last-modified'] ?? null };
}

/**
 * Whether an answer claims to be the version `learned` names: the same ETag, or — where neither has an ETag — the
 * same Last-Modified. False when there is nothing to compare (no validators at all): then nothing was claimed.
 */
export function claimsSameVersion(answer: Validators, learned: Validators): boolean {
  if (learned.etag !== null || answer.etag !== null) return learned.etag === answer.etag;
  return learned.lastModified !== null && learned.lastModified === answer.lastModified;
}

/** Whether either validator differs (one appearing or disappearing counts). */
export function validatorsDiffer(a: Validators, b: Validators): boolean {
  return a.etag !== b.etag || a.lastModified !== b.lastModified;
}
