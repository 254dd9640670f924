// `npm start`: read configuration, start the service, stop cleanly on SIGTERM/SIGINT.
import { ConfigError, ensureSecrets, loadConfig } from './core/config.js';
import { DataDirBusyError } from './db/datadir-lock.js';
import { DataDirExposedError, keepNewFilesPrivate } from './db/private-files.js';
import { createLogger } from './core/logger.js';
import { simulatorMode } from './simulator/mode.js';
import { SHUTDOWN_GRACE_MS, startService } from './start.js';

async function main(): Promise<void> {
  // Before anything is written: the data folder, secrets and recordings are this user's alone.
  keepNewFilesPrivate();
  const config = await ensureSecrets(loadConfig());
  const logger = createLogger({ level: config.logLevel });
  if (!config.twilio.authToken && !simulatorMode(config).enabled)
    logger.warn('TWILIO_AUTH_TOKEN is not set: every Twilio webhook will be refused with 403');
  const service = await startService(config, logger);
  if (service.demo) {
    // Straight to the terminal, never into the logs: these are passwords.
    const { demo } = service;
    process.stdout.write(
      `\nFirst start: created "${demo.clinicName}" with two staff accounts. Sign in at ${service.url}\n` +
        `  owner         ${demo.owner.email}  password ${demo.owner.password}\n` +
        `  receptionist  ${demo.receptionist.email}  password ${demo.receptionist.password}\n` +
        'These passwords are shown only now. Lost them? npm run cli -- staff:reset --email <address>\n\n',
    );
  }
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    service.stop().then(
      () => process.exit(0),
      (err: Error) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: Error) => {
  // One line a person can act on; the stack only for surprises.
  if (err instanceof ConfigError) console.error(`configuration error: ${err.message}`);
  else if (err instanceof DataDirBusyError || err instanceof DataDirExposedError) console.error(err.message);
  else console.error('failed to start:', err);
  process.exit(1);
});
