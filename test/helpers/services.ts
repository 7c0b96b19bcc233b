/**
 * Where the test suite finds its services. Tests create their own databases on this server and use their own
 * queue prefixes, so runs never see each other's data (nor a developer's own scrubwatch).
 */
export const ADMIN_DATABASE_URL = process.env.SCRUBWATCH_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.SCRUBWATCH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The URL of database `name` on the test server. */
export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
