/**
 * The servers under load, each in its own process so the load generator does not share its CPU:
 * `app` is the full application on a fresh SQLite file; `bare` is a bare express app answering the
 * same TwiML and HTML, the baseline the SPEC's ratios are measured against.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { loadConfig } from '../../server/config';
import { buildContainer } from '../../server/container';
import { createApp } from '../../server/app';
import { twiml } from '../../server/sms/inbound';

export const BENCH_AUTH_TOKEN = 'bench-auth-token-0123456789abcdef';

async function startApp(): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-bench-'));
  const config = loadConfig({
    NODE_ENV: 'production',
    SESSION_SECRET: 'bench-secret-bench-secret-bench-secret',
    TWILIO_AUTH_TOKEN: BENCH_AUTH_TOKEN,
    DATABASE_URL: path.join(dir, 'bench.sqlite3'),
    PUBLIC_BASE_URL: process.env.BENCH_PUBLIC_BASE_URL ?? 'http://127.0.0.1',
    LOG_LEVEL: 'silent',
  });
  const c = await buildContainer(config, { logger: pino({ level: 'silent' }) });
  // Cookies are secure in production; the load generator speaks plain HTTP on loopback.
  const app = createApp({ ...c, config: { ...c.config, isProduction: false } }, { submitLimit: 1e9, trackLimit: 1e9, smsPerPhone: 1e9 });
  return listen(app);
}

function startBare(): Promise<number> {
  const app = express();
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  const reply = twiml('已收到您的反映，查询码7K3M-Q2XD，将于11月26日前答复。回复CX查询进度。');
  app.post('/sms/inbound', (_req, res) => {
    res.type('text/xml').send(reply);
  });
  app.post('/feedback/new', (_req, res) => {
    res.status(201).type('html').send('<!doctype html><p id="tracking-code">7K3M-Q2XD</p>');
  });
  return listen(app);
}

function listen(app: express.Express): Promise<number> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

if (require.main === module) {
  const which = process.argv[2];
  // A clean exit on a signal lets --cpu-prof write its profile when the server is profiled by hand.
  process.on('SIGINT', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
  (which === 'bare' ? startBare() : startApp()).then(
    (port) => (process.send ? process.send({ port }) : process.stdout.write(`listening on ${port}\n`)),
    (err) => {
      process.stderr.write(String(err?.stack ?? err));
      process.exit(1);
    },
  );
}
