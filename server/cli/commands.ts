// Commands that live with their features register here, so index.ts stays free of feature imports.
import { parseArgs } from 'node:util';
import path from 'node:path';
import { classifyCommand, evalCommand } from '../classifier/cli';
import { seedDir } from '../classifier/seed';
import { registerCommand, withContainer } from './index';
// Commands that live in their own feature's folder register themselves on import.
import '../demo/command';
import { startBackground } from '../jobs/background';

registerCommand('classify', {
  usage:
    'classify\n  Reads JSON lines {"text": "...", "channel": "sms"} on stdin and writes one JSON line each: {"category","department","confidence"} (live model).',
  run: (args, io) => withContainer((c) => classifyCommand(args, io, { classifier: (c.models.current() as NonNullable<ReturnType<typeof c.models.current>>).classifier, departmentOf: (code) => c.taxonomy().category(code)?.departmentCode ?? null })),
});

registerCommand('classifier:eval', {
  usage:
    'classifier:eval [--train A.csv --test B.csv | --cv FILE.csv] [--folds 5] [--seed 0] [--extra E.csv] [--json]\n  Trains a fresh model on A and scores B (or cross-validates one file); --json prints one line of figures.\n  With no file, cross-validates the shipped sample, server/classifier/seed/market-regulation.csv.',
  run: (args, io) => {
    // A fresh clone has no data set beside it: the shipped seed sample is the one file sure to exist.
    if (args.some((a) => a === '--cv' || a === '--train' || a === '--test' || a === '--help' || a === '-h')) return evalCommand(args, io);
    const sample = path.join(seedDir(), 'market-regulation.csv');
    io.stderr.write(`no --cv or --train file given: cross-validating the shipped sample ${path.relative(process.cwd(), sample)}\n`);
    return evalCommand(['--cv', sample, ...args], io);
  },
});

registerCommand('classifier:train', {
  usage:
    'classifier:train [--activate]\n  Retrains from the seed data plus every learnt example, records a new model version with its cross-validated score, and activates it if it scores at least as well as the active one (or always, with --activate). Running servers switch within 30 s.',
  async run(args, io) {
    const { values } = parseArgs({ args, options: { activate: { type: 'boolean' } } });
    return withContainer(async (c) => {
      io.stderr.write('training and cross-validating (5 folds)…\n');
      const r = await c.models.retrain({ activate: values.activate });
      const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
      io.stdout.write(
        `${JSON.stringify({ version: r.version.id, examples: r.version.examples, accuracy: r.version.cvAccuracy, macroF1: r.version.cvMacroF1, previousVersion: r.previous?.id ?? null, previousAccuracy: r.previous?.cvAccuracy ?? null, activated: r.activated })}\n`,
      );
      io.stderr.write(
        r.activated
          ? `version ${r.version.id} is now active (accuracy ${pct(r.version.cvAccuracy)}, was ${pct(r.previous?.cvAccuracy ?? null)})\n`
          : `version ${r.version.id} scored ${pct(r.version.cvAccuracy)}, below the active version's ${pct(r.previous?.cvAccuracy ?? null)}: kept but not activated (classifier:activate --version ${r.version.id} to use it anyway)\n`,
      );
      return 0;
    });
  },
});

registerCommand('classifier:activate', {
  usage: 'classifier:activate --version N\n  Makes a stored model version the active one, even one that scored worse.',
  async run(args, io) {
    const { values } = parseArgs({ args, options: { version: { type: 'string' } } });
    const id = Number(values.version);
    if (!Number.isInteger(id) || id < 1) {
      io.stderr.write('--version N is required (see classifier:versions)\n');
      return 2;
    }
    return withContainer(async (c) => {
      await c.models.activate(id);
      io.stdout.write(`version ${id} is now active\n`);
      return 0;
    });
  },
});

registerCommand('classifier:versions', {
  usage: 'classifier:versions\n  Lists the stored model versions with their measured scores.',
  run: (_args, io) =>
    withContainer(async (c) => {
      for (const v of await c.models.versions()) {
        io.stdout.write(`${v.active ? '*' : ' '} ${String(v.id).padStart(3)}  ${v.source.padEnd(8)} ${String(v.examples).padStart(6)} examples  accuracy ${v.cvAccuracy?.toFixed(3) ?? ' n/a '}  macroF1 ${v.cvMacroF1?.toFixed(3) ?? ' n/a '}  ${v.createdAt.toISOString()}  ${v.note ?? ''}\n`);
      }
      return 0;
    }),
});

registerCommand('sweep', {
  usage: 'sweep\n  Runs one deadline sweep (the server also sweeps every minute): warns at 80% of the reply time, chases (催办) items past their acknowledgement or reply deadline, and reports to leadership those five working days past it. Each step happens once per item.',
  run: (_args, io) =>
    withContainer(async (c) => {
      const r = await c.sweep();
      io.stdout.write(`${r.ack_overdue} past the acknowledgement deadline, ${r.ack_escalated} of them reported to leadership; ${r.warning} warned at 80%, ${r.overdue} newly overdue, ${r.escalated} reported to leadership\n`);
      return 0;
    }),
});

registerCommand('rule:add', {
  usage:
    'rule:add --phrase P --category CODE [--priority N]\n  Adds a keyword rule: a message containing the phrase goes to the category, overriding the model (highest priority first). Servers apply it within 30 s.',
  async run(args, io) {
    const { values } = parseArgs({ args, options: { phrase: { type: 'string' }, category: { type: 'string' }, priority: { type: 'string' } } });
    const phrase = values.phrase?.trim();
    const priority = values.priority === undefined ? 0 : Number(values.priority);
    if (!phrase || !values.category || !Number.isInteger(priority)) {
      io.stderr.write('--phrase and --category are required; --priority must be an integer\n');
      return 2;
    }
    return withContainer(async (c) => {
      if (!c.taxonomy().category(values.category)) {
        io.stderr.write(`unknown category "${values.category}"; one of ${c.taxonomy().categories.map((x) => x.code).join(', ')}\n`);
        return 1;
      }
      const id = await c.repos.routing.insertRule({ phrase, categoryCode: values.category as string, priority }, c.clock());
      await c.repos.audit.record('rule.create', { type: 'cli', id: null }, { ruleId: id, phrase, category: values.category, priority }, c.clock());
      io.stdout.write(`rule ${id}: "${phrase}" → ${values.category} (priority ${priority})\n`);
      return 0;
    });
  },
});

registerCommand('category:threshold', {
  usage: 'category:threshold --category CODE --threshold X\n  Sets the confidence (0–1) above which the model routes a category on its own; "default" restores the default.',
  async run(args, io) {
    const { values } = parseArgs({ args, options: { category: { type: 'string' }, threshold: { type: 'string' } } });
    const value = values.threshold === 'default' ? null : Number(values.threshold);
    if (!values.category || values.threshold === undefined || (value !== null && !(value >= 0 && value <= 1))) {
      io.stderr.write('--category and --threshold (a number from 0 to 1, or "default") are required\n');
      return 2;
    }
    return withContainer(async (c) => {
      if (!(await c.repos.taxonomy.setAutoThreshold(values.category as string, value))) {
        io.stderr.write(`unknown category "${values.category}"\n`);
        return 1;
      }
      await c.repos.audit.record('category.threshold', { type: 'cli', id: null }, { category: values.category, threshold: value }, c.clock());
      io.stdout.write(`${values.category}: threshold ${value ?? 'default'}\n`);
      return 0;
    });
  },
});

registerCommand('calendar:set', {
  usage:
    'calendar:set --date YYYY-MM-DD (--workday | --holiday | --remove) [--note TEXT]\n  Marks a date as a working day (a make-up day, 调休) or a day off (a public holiday), overriding the built-in calendar; --remove restores it. Servers apply it within 30 s.',
  async run(args, io) {
    const { values } = parseArgs({ args, options: { date: { type: 'string' }, workday: { type: 'boolean' }, holiday: { type: 'boolean' }, remove: { type: 'boolean' }, note: { type: 'string' } } });
    const date = values.date ?? '';
    const valid = /^\d{4}-\d{2}-\d{2}$/.test(date) && new Date(`${date}T00:00:00Z`).toISOString().startsWith(date);
    const modes = [values.workday, values.holiday, values.remove].filter(Boolean).length;
    if (!valid || modes !== 1) {
      io.stderr.write('--date YYYY-MM-DD and exactly one of --workday, --holiday, --remove are required\n');
      return 2;
    }
    return withContainer(async (c) => {
      if (values.remove) {
        const removed = await c.repos.calendar.removeOverride(date);
        io.stdout.write(removed ? `${date}: back to the built-in calendar\n` : `${date} had no override\n`);
      } else {
        await c.repos.calendar.setOverride({ date, isWorkday: Boolean(values.workday), note: values.note ?? null });
        io.stdout.write(`${date}: ${values.workday ? 'working day' : 'day off'}\n`);
      }
      await c.repos.audit.record('calendar.set', { type: 'cli', id: null }, { date, workday: values.workday ?? null, holiday: values.holiday ?? null, remove: values.remove ?? null }, c.clock());
      return 0;
    });
  },
});

registerCommand('worker', {
  usage:
    'worker [--once]\n  Runs only the background work (SMS and email outboxes, SMS journal replay, deadline sweeps, model reloads) without serving HTTP, until stopped (SIGINT/SIGTERM); --once does one round of each and exits. Same as starting the server with PROCESS_ROLE=worker.',
  async run(args, io) {
    const { values } = parseArgs({ args, options: { once: { type: 'boolean' } } });
    return withContainer(async (c) => {
      if (values.once) {
        const journal = await c.sms.inbound.replayJournal();
        const sweep = await c.sweep();
        const sms = await c.sms.worker.runOnce();
        const email = await c.email.worker.runOnce();
        io.stdout.write(`${JSON.stringify({ journal, sweep, sms, email })}\n`);
        return 0;
      }
      const background = startBackground(c, c.logger);
      io.stderr.write('background work running; stop with Ctrl-C\n');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await background.stop();
      return 0;
    });
  },
});
