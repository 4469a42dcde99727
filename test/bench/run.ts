/**
 * `npm run bench`: the SPEC §12 figures, measured in one run on this machine. Servers run in child
 * processes; load comes from autocannon over loopback, bounded in time.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import twilio from 'twilio';
import { loadClassifier, seedExamples, trainClassifier, type Example } from '../../server/classifier';
import { BENCH_AUTH_TOKEN } from './servers';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;

type Server = { port: number; child: ChildProcess };

function spawn(which: 'app' | 'bare'): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'servers.js'), [which], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m: { port: number }) => resolve({ port: m.port, child }));
    child.once('exit', (code) => reject(new Error(`${which} server exited with ${code}`)));
  });
}

type Load = { rps: number; p99: number; p50: number; errors: number; non2xx: number };

/** `redirectIsOk`: the web form answers a filed report with 303 to its confirmation page (post/redirect/get). */
async function load(opts: autocannon.Options, redirectIsOk = false): Promise<Load> {
  const r = await autocannon({ connections: CONNECTIONS, duration: DURATION, ...opts });
  const redirects = redirectIsOk ? r['3xx'] : 0;
  return { rps: r.requests.average, p99: r.latency.p99, p50: r.latency.p50, errors: r.errors + r.timeouts, non2xx: r.non2xx - redirects };
}

const texts = seedExamples().map((e) => e.text);

/** Signed Twilio webhook requests, each a new message from a new number (so none is threaded or deduplicated). */
function smsRequests(port: number): autocannon.Options {
  let n = 0;
  const url = `http://127.0.0.1/sms/inbound`;
  return {
    url: `http://127.0.0.1:${port}/sms/inbound`,
    requests: [
      {
        method: 'POST',
        setupRequest(req) {
          n++;
          const params: Record<string, string> = {
            MessageSid: `SM${n.toString(16).padStart(32, '0')}`,
            AccountSid: 'AC00000000000000000000000000000000',
            From: `+86139${String(n).padStart(8, '0')}`,
            To: '+8610690000',
            Body: texts[n % texts.length],
            NumMedia: '0',
          };
          const signature = twilio.getExpectedTwilioSignature(BENCH_AUTH_TOKEN, url, params);
          return { ...req, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: new URLSearchParams(params).toString() };
        },
      },
    ],
  };
}

async function formRequests(port: number): Promise<autocannon.Options> {
  const res = await fetch(`http://127.0.0.1:${port}/feedback/new`);
  const html = await res.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  let n = 0;
  return {
    url: `http://127.0.0.1:${port}/feedback/new`,
    requests: [
      {
        method: 'POST',
        setupRequest(req) {
          n++;
          const body = new URLSearchParams({ _csrf: token, kind: 'complaint', topic: 'unsure', text: texts[n % texts.length], phone: `139${String(n).padStart(8, '0')}` });
          return { ...req, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: body.toString() };
        },
      },
    ],
  };
}

function classifierFigures() {
  const seed = seedExamples();
  const model = trainClassifier(seed);
  const sample = seed.map((e) => e.text);
  let calls = 0;
  const start = process.hrtime.bigint();
  while (process.hrtime.bigint() - start < 2_000_000_000n) {
    for (let i = 0; i < 200; i++) model.classify(sample[calls++ % sample.length]);
  }
  const classifyPerSec = calls / (Number(process.hrtime.bigint() - start) / 1e9);

  // 10,000 examples: the seed messages with random characters dropped, as varied citizens write them.
  let state = 1;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const big: Example[] = [];
  while (big.length < 10_000) {
    const e = seed[big.length % seed.length];
    big.push({ text: [...e.text].filter(() => rand() > 0.1).join(''), label: e.label });
  }
  let t = Date.now();
  const bigModel = trainClassifier(big);
  const train10kMs = Date.now() - t;
  const json = JSON.stringify(bigModel.toJSON());
  t = Date.now();
  loadClassifier(JSON.parse(json));
  const load10kMs = Date.now() - t;
  const seedJson = JSON.stringify(model.toJSON());
  t = Date.now();
  loadClassifier(JSON.parse(seedJson));
  const loadSeedMs = Date.now() - t;
  return { classifyPerSec, train10kMs, load10kMs, loadSeedMs, model10kBytes: json.length };
}

function line(name: string, value: string, target: string, ok: boolean) {
  process.stdout.write(`${ok ? 'PASS' : 'MISS'}  ${name.padEnd(46)} ${value.padEnd(34)} target ${target}\n`);
}

async function main() {
  process.stdout.write(`bench: ${CONNECTIONS} connections, ${DURATION} s per run, SQLite, loopback\n`);
  const app = await spawn('app');
  const bare = await spawn('bare');
  try {
    const smsBare = await load(smsRequests(bare.port));
    const smsApp = await load(smsRequests(app.port));
    const formBare = await load(await formRequests(bare.port));
    const formApp = await load(await formRequests(app.port), true);
    const cls = classifierFigures();

    const f = (x: number) => x.toFixed(0);
    line('SMS intake req/s (app / bare)', `${f(smsApp.rps)} / ${f(smsBare.rps)} = ${(smsApp.rps / smsBare.rps).toFixed(2)}x`, '>= 0.5x', smsApp.rps / smsBare.rps >= 0.5);
    line('SMS intake p99 latency', `${smsApp.p99} ms (p50 ${smsApp.p50} ms)`, '< 100 ms', smsApp.p99 < 100);
    line('SMS intake errors / non-2xx', `${smsApp.errors} / ${smsApp.non2xx}`, '0 / 0', smsApp.errors + smsApp.non2xx === 0);
    line('Web form with CSRF req/s (app / bare)', `${f(formApp.rps)} / ${f(formBare.rps)} = ${(formApp.rps / formBare.rps).toFixed(2)}x`, '>= 0.4x', formApp.rps / formBare.rps >= 0.4);
    line('Web form errors / non-2xx', `${formApp.errors} / ${formApp.non2xx}`, '0 / 0', formApp.errors + formApp.non2xx === 0);
    line('Classifications per second (one core)', f(cls.classifyPerSec), '>= 10,000', cls.classifyPerSec >= 10_000);
    line('Training on 10,000 examples', `${cls.train10kMs} ms`, '< 10,000 ms', cls.train10kMs < 10_000);
    line('Model load (seed model / 10k model)', `${cls.loadSeedMs} ms / ${cls.load10kMs} ms`, '< 300 ms', cls.load10kMs < 300);
    process.stdout.write('not measured yet: department inbox with 1,000,000 items (needs demo:generate) and /stats (not built)\n');
  } finally {
    app.child.kill();
    bare.child.kill();
  }
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
