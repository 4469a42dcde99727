import { parseArgs } from 'node:util';
import { registerCommand, withContainer } from '../cli/index';
import { generateDemo, type Progress } from './generate';
import { createDemoRepo } from './repo';

/** A progress bar on a terminal, a line every 10% otherwise (logs, CI). */
function progressBar(out: NodeJS.WritableStream & { isTTY?: boolean }): Progress {
  const started = Date.now();
  let lastDecile = -1;
  return (done, total) => {
    const share = done / total;
    const rate = Math.round(done / Math.max(0.001, (Date.now() - started) / 1000));
    if (out.isTTY) {
      const width = 30;
      const filled = Math.round(share * width);
      out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${done}/${total} items, ${rate}/s`);
      if (done === total) out.write('\n');
    } else if (Math.floor(share * 10) > lastDecile) {
      lastDecile = Math.floor(share * 10);
      out.write(`${(share * 100).toFixed(0)}% ${done}/${total} items, ${rate}/s\n`);
    }
  };
}

registerCommand('demo:generate', {
  usage:
    'demo:generate --items N [--seed S]\n  Fills an empty database with N realistic items over the last two years (every channel, category and status, with their events, ratings, extensions and reopenings), for trying the workbench and measuring at scale.',
  async run(args, io) {
    const { values } = parseArgs({ args, options: { items: { type: 'string' }, seed: { type: 'string' } } });
    const items = Number(values.items ?? '10000');
    if (!Number.isInteger(items) || items < 1 || items > 10_000_000) {
      io.stderr.write('--items must be a whole number from 1 to 10,000,000\n');
      return 2;
    }
    return withContainer(async (c) => {
      const started = Date.now();
      try {
        const r = await generateDemo(
          { repo: createDemoRepo(c.db), taxonomy: c.taxonomy(), calendar: c.calendar(), hours: c.hours, now: c.clock() },
          { items, seed: values.seed ? Number(values.seed) : 1, progress: progressBar(io.stderr) },
        );
        io.stdout.write(`${r.items} items and ${r.events} events in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        return 0;
      } catch (err) {
        io.stderr.write(`${(err as Error).message}\n`);
        return 2;
      }
    });
  },
});
