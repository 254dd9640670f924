// The service as `npm start` runs it, but from the TypeScript sources (so a profile names
// each function's file: src/metrics/…), with V8's CPU profiler on a signal: the first
// SIGUSR2 starts it, the second writes the profile to BENCH_PROFILE. The voice benchmark
// profiles exactly the seconds it loads the service with calls.
//   BENCH_PROFILE=<file> node --import tsx bench/profiled-service.ts   (the service's environment)
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { ensureSecrets, loadConfig } from '../src/core/config.js';
import { createLogger } from '../src/core/logger.js';
import { startService } from '../src/start.js';

const { BENCH_PROFILE: file, ...env } = process.env;
if (!file) throw new Error('usage: BENCH_PROFILE=<file> profiled-service.ts');
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 }); // µs
let profiling = false;
process.on('SIGUSR2', () => {
  profiling = !profiling;
  if (profiling) void session.post('Profiler.start');
  else void session.post('Profiler.stop').then(({ profile }) => writeFile(file, JSON.stringify(profile)));
});

const config = await ensureSecrets(loadConfig(env));
await startService(config, createLogger({ level: config.logLevel }));
