// The project's folder, found from this file whether it runs from src/ (tsx, tests)
// or bundled into dist/server.js (`npm start`): the nearest folder with a package.json.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findAppRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const appRoot = findAppRoot(path.dirname(fileURLToPath(import.meta.url)));
