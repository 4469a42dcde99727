import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { classifyCommand, evalCommand } from '../../../server/classifier/cli';
import { trainClassifier } from '../../../server/classifier';

const classifier = trainClassifier([
  { text: '电梯困人', label: 'special_equipment' },
  { text: 'stuck in the lift', label: 'special_equipment' },
  { text: '电梯坏了没人修', label: 'special_equipment' },
  { text: '商家不退款', label: 'consumer_dispute' },
  { text: 'shop refuses refund', label: 'consumer_dispute' },
  { text: '退款被拒绝', label: 'consumer_dispute' },
  { text: '工作人员态度差', label: 'staff_conduct' },
  { text: 'rude staff at the counter', label: 'staff_conduct' },
  { text: '窗口人员不理人', label: 'staff_conduct' },
]);
const departmentOf = (c: string): string | null => ({ special_equipment: 'quality', consumer_dispute: 'consumer' })[c] ?? null;

async function run(cmd: (io: never) => Promise<number>, input = ''): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await cmd({ stdin: Readable.from([input]), stdout, stderr } as never);
  return { code, out, err };
}

describe('classifyCommand', () => {
  const classify = (args: string[], input = ''): Promise<{ code: number; out: string; err: string }> =>
    run((io) => classifyCommand(args, io, { classifier, departmentOf }), input);

  it('writes one JSON line per input line with the department', async () => {
    const r = await classify([], '{"text":"电梯又困人了","channel":"sms"}\n\n{"text":"shop will not refund me"}\n');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ category: 'special_equipment', department: 'quality' });
    expect(lines[1]).toMatchObject({ category: 'consumer_dispute', department: 'consumer' });
    expect(typeof lines[0].confidence).toBe('number');
  });

  it('restricts mailbox items to the mailbox categories', async () => {
    const r = await classify([], '{"text":"电梯困人","channel":"mailbox"}\n');
    expect(JSON.parse(r.out)).toMatchObject({ category: 'staff_conduct', confidence: 1, department: null });
  });

  it.each([
    ['not JSON', 'hello'],
    ['no text', '{"channel":"sms"}'],
    ['empty text', '{"text":"  "}'],
    ['not an object', '[1,2]'],
    ['a non-string channel', '{"text":"x","channel":5}'],
  ])('reports %s and carries on, exiting 1', async (_name, bad) => {
    const r = await classify([], `${bad}\n{"text":"电梯困人"}\n`);
    expect(r.code).toBe(1);
    const [first, second] = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(typeof first.error).toBe('string');
    expect(second.category).toBe('special_equipment');
  });

  it('prints usage for --help', async () => {
    const r = await classify(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usage: classify/);
  });
});

describe('evalCommand', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clf-cli-'));
  const rows = [
    ['电梯困人', 'special_equipment'], ['电梯坏了', 'special_equipment'], ['扶梯急停', 'special_equipment'], ['lift stuck', 'special_equipment'], ['电梯异响', 'special_equipment'],
    ['商家不退款', 'consumer_dispute'], ['不给退钱', 'consumer_dispute'], ['refund refused', 'consumer_dispute'], ['预付卡退不了', 'consumer_dispute'], ['退款被拒', 'consumer_dispute'],
  ];
  const file = join(dir, 'data.csv');
  writeFileSync(file, 'text,label\n' + rows.map(([t, l]) => `"${t}",${l}`).join('\n') + '\n');
  const evalRun = (args: string[]): Promise<{ code: number; out: string; err: string }> => run((io) => evalCommand(args, io));

  it('--train/--test --json prints exactly one JSON line', async () => {
    const r = await evalRun(['--train', file, '--test', file, '--json']);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(1);
    const j = JSON.parse(r.out) as Record<string, unknown>;
    expect(Object.keys(j).sort()).toEqual(['accuracy', 'classifyPerSec', 'macroF1', 'perLabel', 'trainMs']);
    expect(j.accuracy).toBe(1);
  });

  it('--cv prints accuracy, macro-F1 and the precision/coverage curve', async () => {
    const r = await evalRun(['--cv', file, '--folds', '5', '--seed', '0']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/accuracy \d\.\d{4}\s+macro-F1 \d\.\d{4}/);
    expect(r.out).toMatch(/threshold\s+auto-routed\s+precision/);
  });

  it('--cv --json prints one line with the scores', async () => {
    const r = await evalRun(['--cv', file, '--json']);
    expect(JSON.parse(r.out)).toEqual(expect.objectContaining({ accuracy: expect.any(Number), macroF1: expect.any(Number), curve: expect.any(Array) }));
  });

  it.each([
    ['no arguments', []],
    ['only --train', ['--train', file]],
    ['a missing file', ['--cv', join(dir, 'nope.csv')]],
    ['an unknown flag', ['--cv', file, '--bogus']],
    ['a bad fold count', ['--cv', file, '--folds', 'x']],
    ['--cv with --train', ['--cv', file, '--train', file, '--test', file]],
  ])('exits 2 with a clear error on %s', async (_name, args) => {
    const r = await evalRun(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^classifier:eval: /);
  });

  it('exits 2 when a CSV lacks a label column', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'text,topic\nx,y\n');
    const r = await evalRun(['--train', bad, '--test', file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/"label"/);
  });

  it('prints usage for --help', async () => {
    const r = await evalRun(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--cv FILE/);
  });
});
