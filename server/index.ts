import { loadConfig, ConfigError } from './config';
import { buildContainer } from './container';
import { createApp } from './app';
import { createLogger } from './logger';
import { missingYearWarning } from './deadlines/calendar';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const container = await buildContainer(config, { logger });
  const app = createApp(container);
  const calendarWarning = missingYearWarning(container.calendar(), container.clock());
  if (calendarWarning) logger.warn(calendarWarning);
  container.sms.worker.start();
  container.email.worker.start();
  // Texts answered while the database was unreachable are handled as soon as it is back.
  container.sms.inbound.replayJournal().catch((err) => logger.error({ err }, 'journal replay failed'));
  container.sms.journal.start(5_000);
  // Deadline sweeps are idempotent, so every process may run them; the events record each once.
  setInterval(() => {
    container.sweep().catch((err) => logger.error({ err }, 'deadline sweep failed'));
  }, 60_000).unref();
  // Picks up a model activated by `classifier:train` in another process, and administrators' edits.
  setInterval(() => {
    container.reload().catch((err) => logger.error({ err }, 'reload failed'));
  }, 30_000).unref();
  if (!container.sms.sender.configured) logger.warn('Twilio is not configured: outbound SMS stay in the outbox until it is');
  const server = app.listen(config.port, () => {
    logger.info({ port: config.port, database: config.database.client, url: config.publicBaseUrl }, 'listening');
  });
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      void container.close().then(() => process.exit(0));
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
