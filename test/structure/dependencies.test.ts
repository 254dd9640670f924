// The direction the code depends in (.dependency-cruiser.cjs, README's Architecture).
// `npm test` checks the tree as it is; here each cycle the code once had is put back,
// in a copy of src/, and the rules must refuse it.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/process.js';

const depcruise = path.join(repoRoot, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

/** Runs the project's rules over `root`'s src/; the exit code and what was reported. */
function cruise(root: string) {
  const run = spawnSync(
    process.execPath,
    [depcruise, 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'],
    { cwd: root, encoding: 'utf8' },
  );
  return { code: run.status, report: `${run.stdout}${run.stderr}` };
}

/** A copy of the project's src/ and rules with one more import in `file`. */
function withImport(file: string, specifier: string): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'structure-'));
  cpSync(path.join(repoRoot, 'src'), path.join(root, 'src'), {
    recursive: true,
    filter: (from) => !from.includes(`${path.sep}generated`),
  });
  for (const name of ['.dependency-cruiser.cjs', 'tsconfig.json'])
    cpSync(path.join(repoRoot, name), path.join(root, name));
  appendFileSync(path.join(root, 'src', file), `\nimport '${specifier}';\n`);
  return root;
}

describe('The dependency rules', () => {
  it('hold for the code as it is', () => {
    const { code, report } = cruise(repoRoot);
    expect(report).toContain('no dependency violations found');
    expect(code).toBe(0);
  });

  // Each was in the code before the layers (issue 18): the rule that now refuses it.
  const cycles: Array<[string, string, string, string]> = [
    [
      'the diary queuing texts, while texts book through the diary',
      'diary/booking.ts',
      '../texts/appointment-texts.js',
      'no-folder-cycle',
    ],
    [
      'the waitlist offering by text, while text offers book',
      'diary/waitlist.ts',
      '../texts/waitlist-offers.js',
      'no-folder-cycle',
    ],
    [
      'the job runner knowing every feature, while every feature queues jobs',
      'jobs/runner.ts',
      '../texts/texts.js',
      'core-imports-no-feature',
    ],
    ['the queue reaching back into the phone menu', 'reception/queue.ts', '../telephony/ivr.js', 'no-folder-cycle'],
    [
      'reconciliation filing voicemails on the call-back list itself',
      'recordings/reconcile.ts',
      '../reception/call-backs.js',
      'domain-imports-no-phone-line-or-edge',
    ],
    [
      'signing out setting presence from the accounts',
      'accounts/sessions.ts',
      '../reception/presence.js',
      'domain-imports-no-phone-line-or-edge',
    ],
    [
      "a feature mounting other features' routers",
      'clinics/clinics.ts',
      '../routes/diary.js',
      'domain-imports-no-phone-line-or-edge',
    ],
    [
      'the menu and changing by phone importing each other',
      'telephony/booking-line.ts',
      './change-line.js',
      'no-cycle',
    ],
    [
      'a feature throwing HTTP errors',
      'diary/availability.ts',
      '../http/errors.js',
      'domain-imports-no-phone-line-or-edge',
    ],
    [
      'a feature reaching for the whole context',
      'recordings/pipeline.ts',
      '../main/jobs.js',
      'domain-imports-no-phone-line-or-edge',
    ],
  ];
  it.each(cycles)('refuse %s', (_story, file, specifier, rule) => {
    const root = withImport(file, specifier);
    try {
      const { code, report } = cruise(root);
      expect(report).toContain(`error ${rule}:`);
      expect(code).not.toBe(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
