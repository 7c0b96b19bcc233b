import { Option, type Command } from 'commander';
import { countLiveTokens, createApiToken, listApiTokens, type Role } from '../db/api-tokens.ts';
import { ROLES } from '../http/auth/roles.ts';
import { parseTokenName } from '../http/auth/token-name.ts';
import { describeRevocation, revokeToken } from '../http/auth/revoke-token.ts';
import { output, parseId, withPool, type CommonFlags } from './runtime.ts';

export function registerTokens(program: Command): void {
  const tokens = program.command('tokens').description('API and UI tokens: who may use the server, and as what');

  tokens
    .command('create')
    .description('create a token; it is shown once, only its hash is kept')
    .addOption(new Option('--role <role>', 'what the token may do').choices(ROLES).makeOptionMandatory())
    .option('--name <name>', 'whose it is')
    .option('--if-none', 'only when no live token exists yet (first start of a fresh install); else do nothing')
    .option('--json', 'print { id, role, name, token } as JSON')
    .action(async (flags: CommonFlags & { role: Role; name?: string; ifNone?: boolean }) => {
      const name = flags.name === undefined ? null : parseTokenName(flags.name);
      await withPool(async (pool) => {
        if (flags.ifNone && (await countLiveTokens(pool)) > 0) {
          output(flags, { created: false }, () => 'a token exists already; none created');
          return;
        }
        const { token, secret } = await createApiToken(pool, flags.role, name);
        output(flags, { ...token, token: secret }, (t) => `token #${t.id} (${t.role}${t.name ? `, ${t.name}` : ''}) — keep it now, it is not shown again:\n${t.token}`);
      });
    });

  tokens
    .command('list')
    .description('list tokens (never their secrets)')
    .option('--json', 'print an array of tokens as JSON')
    .action(async (flags: CommonFlags) => {
      await withPool(async (pool) => {
        output(flags, await listApiTokens(pool), (l) =>
          l.length ? l.map((t) => `#${t.id} ${t.role}${t.name ? ` ${t.name}` : ''}${t.revokedAt ? ' (revoked)' : ''} last used ${t.lastUsedAt ?? 'never'}`).join('\n') : 'no tokens yet',
        );
      });
    });

  tokens
    .command('revoke <id>')
    .description('revoke a token: its sessions end at their next request, its subscriptions stop and their feeds are gone')
    .option('--json', 'print { id, revoked, endedSubscriptions, cancelledDeliveries } as JSON')
    .action(async (id: string, flags: CommonFlags) => {
      await withPool(async (pool) => {
        const tokenId = parseId(id, 'token id');
        output(flags, await revokeToken(pool, tokenId), describeRevocation);
      });
    });
}
