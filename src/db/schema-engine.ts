import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';

// Prisma's CLI downloads a native schema engine at every start, which offline
// hosts cannot do. Its WebAssembly build does the same work through a driver
// adapter. Its package entry imports the .wasm as an ES module, which Node 20
// refuses, so we instantiate the module ourselves (once per process).
let ready: Promise<void> | undefined;

// @types/node 20 leaves WebAssembly untyped; this is the little we use.
declare const WebAssembly: {
  compile(bytes: Uint8Array): Promise<object>;
  Instance: new (module: object, imports: Record<string, unknown>) => { exports: Record<string, unknown> };
};

function loadEngine(): Promise<void> {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    // The package does not export the .wasm itself; it sits beside the bindings.
    const wasmPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
    const module = await WebAssembly.compile(await readFile(wasmPath));
    const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': withUnrefTimers(bindings) });
    const b = bindings as unknown as { __wbg_set_wasm(exports: unknown): void };
    b.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return ready;
}

/**
 * The engine's async runtime leaves a ~10 s timer behind after its work, which
 * held every CLI command and `npm test` open that long. Its timers never need to
 * keep the process alive, so they are unref'd.
 */
function withUnrefTimers(imports: Record<string, unknown>): Record<string, unknown> {
  const patched: Record<string, unknown> = { ...imports };
  for (const name of Object.keys(imports)) {
    if (!name.startsWith('__wbg_setTimeout_')) continue;
    const original = imports[name] as (...args: unknown[]) => unknown;
    patched[name] = (...args: unknown[]) => {
      const timer = original(...args);
      (timer as { unref?: () => void })?.unref?.();
      return timer;
    };
  }
  return patched;
}

/** Runs `work` with a schema engine connected through `adapterFactory`, then releases it. */
export async function withSchemaEngine<T>(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  schema: { path: string; content: string },
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  await loadEngine();
  const opened: Array<{ dispose(): Promise<void> }> = [];
  const tracking: SqlMigrationAwareDriverAdapterFactory = {
    provider: adapterFactory.provider,
    adapterName: adapterFactory.adapterName,
    connect: async () => remember(await adapterFactory.connect()),
    connectToShadowDb: async () => remember(await adapterFactory.connectToShadowDb()),
  };
  // The engine reports a failed statement as "External error id#0"; keep the
  // database's own message so a broken migration says what broke.
  let lastDriverError: Error | undefined;
  function remember(adapter: SqlDriverAdapter): SqlDriverAdapter {
    opened.push(adapter);
    const executeScript = adapter.executeScript.bind(adapter);
    adapter.executeScript = (script) =>
      executeScript(script).catch((err: Error) => {
        lastDriverError = err;
        throw err;
      });
    return adapter;
  }
  const logs: string[] = [];
  const engine = await bindings.SchemaEngine.new(
    { datamodels: [[schema.path, schema.content]] },
    (line: string) => logs.push(line),
    bindMigrationAwareSqlAdapterFactory(tracking),
  );
  try {
    return await work(engine);
  } catch (err) {
    if (!lastDriverError) throw err;
    throw new Error(
      `${
        String((err as Error).message)
          .split('\n')
          .find((l) => /migration_name/.test(l))
          ?.trim() ?? 'schema engine failed'
      }: ${lastDriverError.message}`,
      { cause: err },
    );
  } finally {
    engine.free();
    for (const adapter of opened) await adapter.dispose().catch(() => undefined);
  }
}
