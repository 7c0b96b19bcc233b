import { describe, expect, it } from 'vitest';
import { runCli, useCliRig } from '../helpers/cli.ts';

interface Warning {
  code: string;
  message: string;
}

/**
 * Seen: `targets add http://192.168.1.20/…` accepted because the CLI had SCRUBWATCH_ALLOW_PRIVATE_NETWORKS, while the
 * running `scrubwatch start` lacked it and refused every capture. The CLI says so when it adds such a target.
 */
describe('targets on private networks: the CLI says the capturing process needs the setting too', () => {
  const rig = useCliRig();

  it('refused without the setting: exit 2, naming both settings and where to set them', async () => {
    const refused = await runCli(['targets', 'add', 'http://127.0.0.1:9/private', '--json'], { ...rig.env, SCRUBWATCH_ALLOW_PRIVATE_NETWORKS: 'false' });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^scrubwatch: 127\.0\.0\.1 is a private or reserved address; .*SCRUBWATCH_ALLOW_PRIVATE_NETWORKS=true.*SCRUBWATCH_ALLOWED_NETWORKS/);
    expect(refused.stderr).toContain('in the environment of the scrubwatch process that captures and delivers (`scrubwatch start` or `scrubwatch worker`) as well as of the command that adds targets');
  });

  it('allowed by the CLI: added with a warning in --json (the target as before) and a note on a terminal', async () => {
    const added = await runCli(['targets', 'add', 'http://127.0.0.1:9/private', '--json'], rig.env);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toBe('');
    const { warnings, ...target } = JSON.parse(added.stdout) as { id: number; warnings: Warning[] };
    expect(warnings).toEqual([
      {
        code: 'private_network',
        message: expect.stringContaining(
          "127.0.0.1 is on a private network, allowed here by this command's SCRUBWATCH_ALLOW_PRIVATE_NETWORKS=true: the scrubwatch process that captures (start or worker) needs SCRUBWATCH_ALLOW_PRIVATE_NETWORKS=true or SCRUBWATCH_ALLOWED_NETWORKS=127.0.0.1/32 in its environment too",
        ),
      },
    ]);
    const shown = await runCli(['targets', 'show', String(target.id), '--json'], rig.env);
    // `targets show` adds what the checking tiers learned: nothing yet, for a target never captured.
    expect(JSON.parse(shown.stdout)).toEqual({ ...target, sources: [], tier: expect.objectContaining({ fullEvery: '7d', lastFullCaptureAt: null }) });

    const human = await runCli(['targets', 'add', 'http://localhost:9/other'], rig.env);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^added #2 \[not captured yet\] http:\/\/localhost:9\/other/);
    expect(human.stderr).toMatch(/^scrubwatch: note: localhost is on a private network \(127\.0\.0\.1, ::1\), .*SCRUBWATCH_ALLOWED_NETWORKS=127\.0\.0\.1\/32,::1\/128 in its environment too/);

    const again = await runCli(['targets', 'add', 'http://127.0.0.1:9/private'], rig.env);
    expect(again).toMatchObject({ code: 2, stderr: 'scrubwatch: a target for http://127.0.0.1:9/private already exists (id 1); use `scrubwatch targets show 1`\n' });
  });

  it('targets import honours SCRUBWATCH_ALLOWED_NETWORKS as targets add does, and warns once for the private hosts only', async () => {
    const file = 'http://127.0.0.1:9/imported\nhttp://127.0.0.1:9/imported-too\nhttp://93.184.215.14/public\n';
    const imported = await runCli(['targets', 'import', '-', '--json'], { ...rig.env, SCRUBWATCH_ALLOW_PRIVATE_NETWORKS: 'false', SCRUBWATCH_ALLOWED_NETWORKS: '127.0.0.0/8' }, 120_000, file);
    expect(imported.code, imported.stdout + imported.stderr).toBe(0);
    const report = JSON.parse(imported.stdout) as { imported: number; invalid: unknown[]; warnings: Warning[] };
    expect(report).toMatchObject({ imported: 3, invalid: [] });
    expect(report.warnings).toEqual([
      { code: 'private_network', message: expect.stringMatching(/^127\.0\.0\.1 is on a private network, allowed here by this command's SCRUBWATCH_ALLOWED_NETWORKS=127\.0\.0\.0\/8: /) },
    ]);
  });
});
