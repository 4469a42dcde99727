import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Classifier } from './classifier';
import { readLabelledCsv } from './csv';
import type { Example } from './csv';
import { crossValidate, evaluate } from './cv';
import { precisionCoverage } from './metrics';
import type { Scores } from './metrics';
import { CURVE_THRESHOLDS, DEFAULT_THRESHOLD } from './index';

export type CliIO = { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
export type ClassifyDeps = { classifier: Classifier; departmentOf(category: string): string | null };

/** The supervision mailbox only takes complaints about the bureau itself (SPEC §4). */
export const MAILBOX_LABELS: readonly string[] = ['staff_conduct', 'integrity', 'law_enforcement', 'staff_competence', 'suggestion', 'other'];

const CLASSIFY_USAGE = `Usage: classify [--help]
Reads JSON lines {"text": "...", "channel": "web|sms|mailbox"} on stdin and writes one JSON line
each: {"category", "department", "confidence", "suggestions", "explanation"}.
Channel "mailbox" restricts the categories to those the supervision mailbox accepts.
A line that cannot be classified yields {"error": "..."}; the exit code is then 1.
`;

const EVAL_USAGE = `Usage:
  classifier:eval --train A.csv --test B.csv [--extra E.csv] [--json]
  classifier:eval --cv FILE.csv [--folds 5] [--seed 0] [--extra E.csv] [--json]
CSV files need a header with "text" and "label" columns (others are ignored).
--train/--test trains a fresh model on A and scores B.
--cv runs stratified k-fold cross-validation and prints the precision/coverage curve.
--extra adds examples to the training data only (never to a test fold).
--json prints one line {"accuracy","macroF1","perLabel","trainMs","classifyPerSec"}.
`;

export async function classifyCommand(args: string[], io: CliIO, deps: ClassifyDeps): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(CLASSIFY_USAGE);
    return 0;
  }
  if (args.length > 0) {
    io.stderr.write(`classify: unexpected argument ${args[0]}\n${CLASSIFY_USAGE}`);
    return 2;
  }
  const mailbox = MAILBOX_LABELS.filter((l) => deps.classifier.labels.includes(l));
  let failed = false;
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let out: unknown;
    try {
      out = classifyLine(line, deps, mailbox);
    } catch (err) {
      failed = true;
      out = { error: (err as Error).message };
    }
    io.stdout.write(JSON.stringify(out) + '\n');
  }
  return failed ? 1 : 0;
}

function classifyLine(line: string, deps: ClassifyDeps, mailbox: readonly string[]): unknown {
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch {
    throw new Error('line is not valid JSON');
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new Error('expected a JSON object');
  const { text, channel } = input as { text?: unknown; channel?: unknown };
  if (typeof text !== 'string' || text.trim() === '') throw new Error('"text" must be a non-empty string');
  if (channel !== undefined && typeof channel !== 'string') throw new Error('"channel" must be a string');
  const p = deps.classifier.classify(text, channel === 'mailbox' && mailbox.length > 0 ? { allowed: mailbox } : {});
  const round = (x: number): number => Math.round(x * 1e4) / 1e4;
  return {
    category: p.category,
    department: deps.departmentOf(p.category),
    confidence: round(p.confidence),
    suggestions: p.suggestions.map((s) => ({ category: s.category, confidence: round(s.confidence) })),
    explanation: p.explanation,
  };
}

type EvalArgs = { train?: string; test?: string; cv?: string; extra?: string; folds: number; seed: number; json: boolean; help: boolean };

function parseEvalArgs(args: string[]): EvalArgs {
  const out: EvalArgs = { folds: 5, seed: 0, json: false, help: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): string => {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
      return v;
    };
    const int = (min: number): number => {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) throw new Error(`${a} must be an integer >= ${min}, got ${v}`);
      return n;
    };
    if (a === '--help' || a === '-h') out.help = true;
    else if (a === '--json') out.json = true;
    else if (a === '--train') out.train = value();
    else if (a === '--test') out.test = value();
    else if (a === '--cv') out.cv = value();
    else if (a === '--extra') out.extra = value();
    else if (a === '--folds') out.folds = int(2);
    else if (a === '--seed') out.seed = int(0);
    else throw new Error(`unknown argument ${a}`);
  }
  if (out.help) return out;
  if (out.cv && (out.train || out.test)) throw new Error('use either --cv or --train/--test, not both');
  if (!out.cv && !(out.train && out.test)) throw new Error('need --train and --test, or --cv');
  for (const f of [out.train, out.test, out.cv, out.extra]) if (f && !existsSync(f)) throw new Error(`file not found: ${f}`);
  return out;
}

const f4 = (x: number): string => x.toFixed(4);

function printScores(io: CliIO, s: Scores): void {
  io.stdout.write(`accuracy ${f4(s.accuracy)}  macro-F1 ${f4(s.macroF1)}\n\nlabel                      precision  recall      f1  support\n`);
  for (const [l, v] of Object.entries(s.perLabel)) {
    io.stdout.write(`${l.padEnd(26)} ${f4(v.precision).padStart(9)} ${f4(v.recall).padStart(7)} ${f4(v.f1).padStart(7)} ${String(v.support).padStart(8)}\n`);
  }
}

export async function evalCommand(args: string[], io: CliIO): Promise<number> {
  let a: EvalArgs;
  let extra: Example[] = [];
  try {
    a = parseEvalArgs(args);
    if (a.help) {
      io.stdout.write(EVAL_USAGE);
      return 0;
    }
    if (a.extra) extra = readLabelledCsv(a.extra);
  } catch (err) {
    io.stderr.write(`classifier:eval: ${(err as Error).message}\n${EVAL_USAGE}`);
    return 2;
  }
  try {
    if (a.cv) {
      const r = crossValidate(readLabelledCsv(a.cv), { folds: a.folds, seed: a.seed, extraTrain: extra });
      const curve = precisionCoverage(r.predictions, CURVE_THRESHOLDS);
      if (a.json) {
        const { accuracy, macroF1, perLabel, trainMs, classifyPerSec } = r;
        io.stdout.write(JSON.stringify({ accuracy, macroF1, perLabel, trainMs, classifyPerSec, curve }) + '\n');
        return 0;
      }
      io.stdout.write(`${a.folds}-fold stratified cross-validation, seed ${a.seed}, ${r.predictions.length} examples` + (extra.length ? `, +${extra.length} extra training examples` : '') + '\n');
      printScores(io, r);
      io.stdout.write(`\nthreshold  auto-routed  precision\n`);
      for (const row of curve) {
        const mark = row.threshold === DEFAULT_THRESHOLD ? '  <- DEFAULT_THRESHOLD' : '';
        io.stdout.write(`${row.threshold.toFixed(2).padStart(9)} ${(row.coverage * 100).toFixed(1).padStart(11)}% ${(row.precision * 100).toFixed(1).padStart(9)}%${mark}\n`);
      }
      io.stdout.write(`\nmean train time per fold ${r.trainMs} ms, ${r.classifyPerSec} classifications/s\n`);
      return 0;
    }
    const train = [...readLabelledCsv(a.train as string), ...extra];
    const r = evaluate(train, readLabelledCsv(a.test as string));
    if (a.json) {
      io.stdout.write(JSON.stringify({ accuracy: r.accuracy, macroF1: r.macroF1, perLabel: r.perLabel, trainMs: r.trainMs, classifyPerSec: r.classifyPerSec }) + '\n');
      return 0;
    }
    printScores(io, r);
    io.stdout.write(`\ntrained on ${train.length} examples in ${r.trainMs} ms; ${r.classifyPerSec} classifications/s\n`);
    return 0;
  } catch (err) {
    io.stderr.write(`classifier:eval: ${(err as Error).message}\n`);
    return 2;
  }
}
