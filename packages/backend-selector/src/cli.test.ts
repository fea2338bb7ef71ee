// The tfslim-backend command (the built dist/cli.js, as npx runs it): --help prints usage and
// exits 0, bad arguments print the error and usage and exit 2.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const cli = join(__dirname, '..', 'dist', 'cli.js');
const built = existsSync(cli);
if (!built)
  console.warn(
    'backend-selector CLI tests: skipped, run `npx tsup` in packages/backend-selector first',
  );

const run = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, TFSLIM_BACKEND: '' },
  });

(built ? describe : describe.skip)('tfslim-backend', () => {
  it.each(['--help', '-h'])('%s prints usage and exits 0 without selecting a backend', (flag) => {
    const r = run(flag);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: tfslim-backend \[--json\] \[--require <backend>\]\n/);
    expect(r.stdout).toContain(
      '--require <backend>  use only this backend (tensorflow-gpu, tensorflow, webgpu, webgl, wasm, cpu)',
    );
    expect(r.stdout).toContain('-h, --help');
    expect(r.stdout).not.toMatch(/^backend: /m);
  });

  it('rejects an unknown option or backend with the error and the usage (exit 2)', () => {
    const bad = run('--verbose');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(
      /^tfslim-backend: expected --json, --require <backend> or --help, got "--verbose"\. See the usage below\.\n\nUsage: /,
    );
    const wrong = run('--require', 'gpu');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(
      /^tfslim-backend: expected --require one of tensorflow-gpu, tensorflow, webgpu, webgl, wasm, cpu, got "gpu"\. Pass e\.g\. --require wasm\./,
    );
    const missing = run('--require');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('got nothing');
  });

  it('--require cpu --json prints the report with cpu chosen', () => {
    const r = run('--require', 'cpu', '--json');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { backend: string };
    expect(report.backend).toBe('cpu');
  });
});
