import { tsImport } from 'tsx/esm/api';

export default async function globalTeardown() {
  const { removeTemplates } = await tsImport('./templates.ts', import.meta.url);
  await removeTemplates();
}
