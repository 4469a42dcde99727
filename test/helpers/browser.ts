/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { TestApp } from './app';

/** Where browser tests leave their screenshots. */
export const SHOTS = path.resolve('test-results');
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Serves a test app on a loopback port and starts Debian's Chromium (never a downloaded browser). */
export async function serveAndLaunch(t: TestApp): Promise<{ server: Server; base: string; browser: Browser; close(): Promise<void> }> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const server = t.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  return {
    server,
    base,
    browser,
    async close() {
      await browser.close();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Runs axe-core (WCAG 2.1 A and AA) on the page; evaluate() is not subject to the page's CSP. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => (window as unknown as { axe: { run(o: unknown): Promise<{ violations: { id: string; nodes: unknown[] }[] }> } }).axe.run({ runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }));
  return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
}

export const noHorizontalScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
