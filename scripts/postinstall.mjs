// Runs after `npm install`: generates the Prisma client, compiles the server and builds the dashboard,
// so `npm install && npm start` is all a fresh machine needs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const inPackage = (pkg, file) => path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
const has = (pkg) => {
  try {
    require.resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
};

function run(label, command, args, env = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`postinstall: ${label} failed`);
    process.exit(result.status ?? 1);
  }
}

// A production-only install (dev dependencies pruned) keeps what the build made.
if (has('prisma')) {
  // Prisma's CLI downloads a native schema engine unless this names an existing
  // file; `generate` never runs it (it parses with WebAssembly), so any file will do.
  run('prisma generate', process.execPath, [inPackage('prisma', 'build/index.js'), 'generate'], {
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  });
} else if (!existsSync('src/generated/prisma/client.ts')) {
  console.error(
    'postinstall: the Prisma client is not generated and the prisma package is missing; run a full `npm install`.',
  );
  process.exit(1);
}

// esbuild is a dependency, so even a production-only install compiles the server;
// the same script builds the dashboard when Vite is installed.
run('server and dashboard build', process.execPath, ['scripts/build.mjs']);
if (!existsSync('web/dist/index.html')) console.warn('postinstall: vite is not installed, the dashboard is not built.');
