import { loadConfig, ConfigError } from './config';
import { buildContainer } from './container';
import { createApp } from './app';
import { createLogger } from './logger';
import { missingYearWarning } from './deadlines/calendar';
import { startBackground } from './jobs/background';

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
  const web = config.processRole !== 'worker';
  const background = config.processRole !== 'web' ? startBackground(container, logger) : null;
  // A web-only process still picks up administrators' edits and new models.
  const reload = web && !background ? setInterval(() => container.reload().catch((err) => logger.error({ err }, 'reload failed')), 30_000) : null;
  reload?.unref();
  const server = web
    ? app.listen(config.port, () => {
        logger.info({ port: config.port, database: config.database.client, url: config.publicBaseUrl, role: config.processRole }, 'listening');
      })
    : null;
  if (!server) logger.info({ database: config.database.client, role: config.processRole }, 'background work only');
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    const finish = () => void (background?.stop() ?? Promise.resolve()).then(() => container.close()).then(() => process.exit(0));
    if (server) server.close(finish);
    else finish();
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
main().catch((err) => {
  process.stderr.write(`failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
