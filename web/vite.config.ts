import { defineConfig } from 'vite';

// The dashboard is plain React compiled by Vite's own JSX transform; Express serves web/dist.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  oxc: { jsx: { runtime: 'automatic' } },
});
