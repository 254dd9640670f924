// README is a promise: every command in its shell blocks is run somewhere (a test,
// or .ci/run after the tests), and its pictures are exactly the ones
// `npm run screenshots` takes. A command added to README without anything running
// it fails here.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { SCREENS } from '../../scripts/screenshots.js';
import { repoRoot } from '../helpers/process.js';

/** Each README command, where it is run, and what that file contains because it runs it. */
const EXERCISED: Array<{ command: RegExp; by: string; contains: string }> = [
  { command: /^npm install$/, by: '.ci/run', contains: 'npm install --no-audit --no-fund' },
  { command: /^npm start$/, by: '.ci/run', contains: 'npm start' },
  { command: /^npm test$/, by: '.ci/run', contains: 'npm test' },
  { command: /^npm ci$/, by: '.ci/run', contains: 'npm ci' },
  { command: /^npm run db:migrate$/, by: '.ci/run', contains: 'npm run -s db:migrate' },
  { command: /^npm run db:new-migration -- \w+$/, by: '.ci/run', contains: 'npm run -s db:new-migration -- ' },
  { command: /^npm run screenshots$/, by: '.ci/run', contains: 'npm run -s screenshots' },
  { command: /^(BENCH_ONLY=slots )?npm run bench$/, by: '.ci/run', contains: 'BENCH_ONLY=slots npm run -s bench' },
  // The command line: the tests run src/cli.ts exactly as the `cli` script does (node --import tsx src/cli.ts).
  ...['clinic:create', 'clinic:list', 'staff:add', 'staff:remove', 'staff:reset', 'retention:run'].map((name) => ({
    command: new RegExp(`^npm run -s cli -- ${name}\\b`),
    by: 'test/cli.test.ts',
    contains: `'${name}'`,
  })),
  // Backups: the test reads these very lines out of README and runs them with bash.
  { command: /^cp -a data /, by: 'test/operations/backup.test.ts', contains: "readmeCommands('cp -a data')" },
  { command: /^pg_(dump|restore) /, by: 'test/operations/backup.test.ts', contains: "readmeCommands('pg_dump')" },
];

async function readme(): Promise<string> {
  return readFile(path.join(repoRoot, 'README.md'), 'utf8');
}

/** The commands in README's ```sh blocks: one per line (and per `&&`), comments and `export` lines left out. */
function commandsIn(text: string): string[] {
  const blocks = [...text.matchAll(/^ *```sh\n([\s\S]*?)^ *```/gm)].map((m) => m[1]!);
  return (
    blocks
      .flatMap((b) => b.split('\n'))
      .map((line) =>
        line
          .replace(/\s+#.*$/, '')
          .replace(/^#.*$/, '')
          .trim(),
      )
      .filter((line) => line && !line.startsWith('export '))
      .flatMap((line) => line.split('&&').map((c) => c.trim()))
      // The operator's optional arguments, as written in usage: `[--json]`.
      .map((c) => c.replace(/\s*\[[^\]]*\]/g, ''))
  );
}

describe('README', () => {
  it('runs nothing that CI does not run: every command in its shell blocks is exercised by a test or .ci/run', async () => {
    const commands = commandsIn(await readme());
    expect(commands).toEqual(expect.arrayContaining(['npm install', 'npm start', 'npm test', 'npm run screenshots']));
    const unexercised: string[] = [];
    for (const command of commands) {
      const entry = EXERCISED.find((e) => e.command.test(command));
      if (!entry) {
        unexercised.push(`${command}: nothing runs it (add it to .ci/run or a test, and to EXERCISED here)`);
        continue;
      }
      const body = await readFile(path.join(repoRoot, entry.by), 'utf8');
      if (!body.includes(entry.contains))
        unexercised.push(`${command}: ${entry.by} no longer contains ${entry.contains}`);
    }
    expect(unexercised).toEqual([]);
  });

  it('notices a command nobody runs', () => {
    const commands = commandsIn(
      'text\n```sh\nnpm start   # comment\nexport A=1\nnpm run something-new && npm test\n```\n',
    );
    expect(commands).toEqual(['npm start', 'npm run something-new', 'npm test']);
    expect(EXERCISED.some((e) => e.command.test('npm run something-new'))).toBe(false);
  });

  it('shows exactly the screenshots `npm run screenshots` takes, and each is committed', async () => {
    const shown = [...(await readme()).matchAll(/!\[[^\]]+\]\(docs\/screenshots\/([\w-]+\.png)\)/g)].map((m) => m[1]!);
    expect([...shown].sort()).toEqual(SCREENS.map((s) => s.file).sort());
    for (const file of shown) {
      const png = await readFile(path.join(repoRoot, 'docs/screenshots', file));
      // A PNG, 1280 × 800 as the script takes them (IHDR: width and height after the signature and chunk header).
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1280, 800]);
      expect((await stat(path.join(repoRoot, 'docs/screenshots', file))).size).toBeLessThan(400_000);
    }
  });
});
