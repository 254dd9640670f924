// Compiles the server ahead of time into dist/server.js, so `npm start` runs plain
// JavaScript: no TypeScript loader at each start (about 0.4 s and 70 MB). One bundle
// of our own code; packages stay in node_modules. Modules the server imports
// lazily (PGlite, Redis) become their own chunks, loaded only when configured.
//   node scripts/build.mjs             build
//   node scripts/build.mjs --if-stale  build only when a source file is newer (`npm start` does this)
// Either way the dashboard (web/) is rebuilt with Vite when its source is newer than
// its build, so a pull followed by `npm start` or `npm test` never serves an old one.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'dist/server.js');

// Prisma's generated client imports its query compiler as a 4.4 MB base64 string in a
// JavaScript module, which stays in memory twice (the module's source and the string,
// ~9 MB of a ~150 MB process). The build writes the WebAssembly out as a file once and
// has the client read that instead. If Prisma changes the generated code, the build
// stops here rather than quietly keeping the old way.
const WASM_FILE = 'query-compiler.postgresql.wasm';
const WASM_IMPORT =
  /const \{ wasm \} = await import\("@prisma\/client\/runtime\/query_compiler_fast_bg\.postgresql\.wasm-base64\.mjs"\)\s*return await decodeBase64AsWasm\(wasm\)/;
const wasmFromFile = {
  name: 'prisma-wasm-from-file',
  setup(build) {
    build.onLoad({ filter: /generated[\\/]prisma[\\/]internal[\\/]class\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!WASM_IMPORT.test(source))
        throw new Error(`${args.path}: Prisma's query compiler import has changed; update scripts/build.mjs`);
      const replacement = `const { readFile } = await import('node:fs/promises')\n    return new WebAssembly.Module(await readFile(new URL('./${WASM_FILE}', import.meta.url)))`;
      return { contents: source.replace(WASM_IMPORT, replacement), loader: 'ts' };
    });
  },
};

async function writeQueryCompilerWasm(outdir) {
  const require = createRequire(path.join(root, 'package.json'));
  const { wasm } = await import(
    require.resolve('@prisma/client/runtime/query_compiler_fast_bg.postgresql.wasm-base64.mjs')
  );
  writeFileSync(path.join(outdir, WASM_FILE), Buffer.from(wasm, 'base64'));
}

function newestSource(dir) {
  let newest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, item.name);
    newest = Math.max(newest, item.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** True when the build at `output` is missing or older than any of `sources` (files or folders). */
function isStale(output, sources) {
  try {
    const built = statSync(output).mtimeMs;
    return sources
      .map((p) => path.join(root, p))
      .some((p) => (statSync(p).isDirectory() ? newestSource(p) : statSync(p).mtimeMs) > built);
  } catch {
    return true;
  }
}

function buildDashboard() {
  let vite;
  try {
    vite = path.join(
      path.dirname(createRequire(path.join(root, 'package.json')).resolve('vite/package.json')),
      'bin/vite.js',
    );
  } catch {
    // A production-only install has no Vite: it serves the dashboard built at install.
    return;
  }
  // Always the production build users get: run under Jest (NODE_ENV=test), Vite would build React's
  // development mode, whose doubled effects once made tests see races no browser of a user would.
  const built = spawnSync(process.execPath, [vite, 'build', 'web', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (built.status !== 0) throw new Error('the dashboard build failed');
}

if (!process.argv.includes('--if-stale') || isStale(entry, ['src', 'package.json'])) {
  // Built beside, then swapped in, so a server starting meanwhile never sees half a build.
  const fresh = path.join(root, `dist.building-${process.pid}`);
  await build({
    absWorkingDir: root,
    entryPoints: { server: 'src/server.ts' },
    outdir: fresh,
    bundle: true,
    splitting: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Error and class names stay as written: logs name them.
    keepNames: true,
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [wasmFromFile],
  });
  await writeQueryCompilerWasm(fresh);
  const old = path.join(root, `dist.old-${process.pid}`);
  try {
    renameSync(path.join(root, 'dist'), old);
  } catch {
    // no earlier build
  }
  renameSync(fresh, path.join(root, 'dist'));
  rmSync(old, { recursive: true, force: true });
}

if (
  isStale(path.join(root, 'web/dist/index.html'), ['web/src', 'web/index.html', 'web/vite.config.ts', 'package.json'])
)
  buildDashboard();
