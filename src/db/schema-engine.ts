import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

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
    const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': bindings });
    const b = bindings as unknown as { __wbg_set_wasm(exports: unknown): void };
    b.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return ready;
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
  function remember<A extends { dispose(): Promise<void> }>(adapter: A): A {
    opened.push(adapter);
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
  } finally {
    engine.free();
    for (const adapter of opened) await adapter.dispose().catch(() => undefined);
  }
}
