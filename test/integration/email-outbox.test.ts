import net, { type AddressInfo } from 'node:net';
import pino from 'pino';
import { migrate } from '../../server/db';
import { createSmtpMailer, EmailSendError } from '../../server/email/mailer';
import { createEmailOutbox, createEmailWorker } from '../../server/email/outbox';
import { createEmailRepo, type EmailRepo, type NewEmail } from '../../server/email/repo';
import { createTestDb, type TestDb } from '../helpers/db';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';

const FROM = '"市民留言办理中心" <noreply@feedback.example.test>';
const logger = pino({ level: 'silent' });
const now = { value: new Date('2026-12-01T09:00:00Z') };
const clock = () => now.value;
const advance = (ms: number) => {
  now.value = new Date(now.value.getTime() + ms);
};

let tdb: TestDb;
let smtp: TestSmtp;
let repo: EmailRepo;
let outbox: ReturnType<typeof createEmailOutbox>;
let worker: ReturnType<typeof createEmailWorker>;

const workerWith = (url: string | null) => createEmailWorker({ db: tdb.db, repo, mailer: createSmtpMailer(url, FROM), clock, logger });
const email = (over: Partial<NewEmail> = {}): NewEmail => ({ to: 'citizen@example.test', subject: '您的留言已答复', body: '您好：\n经查，该超市已下架过期牛奶并被罚款。', purpose: 'answer', itemId: null, dedupeKey: null, ...over });
const rowsTo = (to: string) => repo.listOutbox({ to });
const rcptCodes = (to: string) => smtp.attempts.filter((a) => a.to === to).map((a) => a.code);

beforeAll(async () => {
  tdb = await createTestDb();
  await migrate(tdb.db);
  smtp = await startTestSmtp({ user: 'outbox', pass: 'p@ss word' });
  repo = createEmailRepo(tdb.db);
  outbox = createEmailOutbox({ db: tdb.db, repo, clock });
  worker = workerWith(smtp.url);
});
afterAll(async () => {
  await smtp?.close();
  await tdb?.cleanup();
});
beforeEach(async () => {
  smtp.reset();
  await tdb.db('email_outbox').del(); // each test sees only its own rows
});

describe('email outbox', () => {
  it('delivers a queued email once, with the Chinese subject and body intact', async () => {
    const subject = '您的留言（编号 2026-0001）已答复：关于过期牛奶的投诉';
    const body = '您好：\n\n经查，该超市已下架过期牛奶并被罚款五千元。\n感谢您对食品安全工作的监督！\n\n——市民留言办理中心';
    await outbox.enqueue(email({ subject, body, dedupeKey: 'answer:1' }));
    const [queued] = await rowsTo('citizen@example.test');
    expect(queued).toMatchObject({ status: 'pending', attempts: 0, subject, body, leaseUntil: null });
    expect(smtp.messages).toEqual([]); // nothing leaves before the worker runs

    expect(await worker.runOnce()).toEqual({ claimed: 1, sent: 1, retry: 0, failed: 0 });
    expect(smtp.messages).toHaveLength(1);
    const [got] = smtp.messages;
    expect(got).toMatchObject({ to: ['citizen@example.test'], from: 'noreply@feedback.example.test', user: 'outbox', subject });
    expect(got.text).toBe(body);
    expect(got.headers.from).toBe('市民留言办理中心 <noreply@feedback.example.test>');

    const [done] = await rowsTo('citizen@example.test');
    expect(done).toMatchObject({ status: 'sent', attempts: 1, leaseUntil: null, errorMessage: null, messageId: got.messageId });
    expect(await worker.runOnce()).toMatchObject({ claimed: 0 });
    expect(smtp.messages).toHaveLength(1);
  });

  it('queues the same alert once, and nothing from a transaction that rolled back', async () => {
    await outbox.enqueue(email({ to: 'head@example.test', subject: '新工单', dedupeKey: 'routed:7:food:head@example.test' }));
    await tdb.db.transaction((tx) => outbox.enqueue(email({ to: 'head@example.test', subject: '新工单（重复）', dedupeKey: 'routed:7:food:head@example.test' }), tx));
    // Rows without a key are never deduplicated.
    await outbox.enqueue(email({ to: 'head@example.test', subject: '无键 1' }));
    await outbox.enqueue(email({ to: 'head@example.test', subject: '无键 2' }));
    await expect(
      tdb.db.transaction(async (tx) => {
        await outbox.enqueue(email({ to: 'head@example.test', subject: '回滚', dedupeKey: 'rolled-back' }), tx);
        throw new Error('the routing failed');
      }),
    ).rejects.toThrow('the routing failed');

    expect((await rowsTo('head@example.test')).map((r) => r.subject)).toEqual(['新工单', '无键 1', '无键 2']);
    await worker.runOnce();
    expect(smtp.messages.map((m) => m.subject)).toEqual(['新工单', '无键 1', '无键 2']);
  });

  it('retries a 451 later with backoff and then delivers it', async () => {
    smtp.deferOnce('greylisted@example.test');
    await outbox.enqueue(email({ to: 'greylisted@example.test', dedupeKey: 'grey' }));

    expect(await worker.runOnce()).toMatchObject({ claimed: 1, retry: 1, sent: 0 });
    const [waiting] = await rowsTo('greylisted@example.test');
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1, leaseUntil: null });
    expect(waiting.errorMessage).toContain('451');
    expect(waiting.nextAttemptAt.getTime() - now.value.getTime()).toBeGreaterThanOrEqual(48_000);
    expect(await worker.runOnce()).toMatchObject({ claimed: 0 }); // not due yet

    advance(2 * 60_000);
    expect(await worker.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(await rowsTo('greylisted@example.test')).toEqual([expect.objectContaining({ status: 'sent', attempts: 2, errorMessage: null })]);
    expect(rcptCodes('greylisted@example.test')).toEqual([451, 250]);
    expect(smtp.messages).toHaveLength(1);
  });

  it('fails a 550 for good and keeps the reason', async () => {
    smtp.rejectAlways('nobody@example.test');
    await outbox.enqueue(email({ to: 'nobody@example.test' }));

    expect(await worker.runOnce()).toMatchObject({ claimed: 1, failed: 1 });
    const [row] = await rowsTo('nobody@example.test');
    expect(row).toMatchObject({ status: 'failed', attempts: 1, leaseUntil: null, messageId: null });
    expect(row.errorMessage).toMatch(/550 .*User unknown/);

    advance(24 * 60 * 60_000);
    expect(await worker.runOnce()).toMatchObject({ claimed: 0 });
    expect(rcptCodes('nobody@example.test')).toEqual([550]);
  });

  it('retries when the SMTP server cannot be reached', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await outbox.enqueue(email({ to: 'later@example.test' }));

    expect(await workerWith(`smtp://127.0.0.1:${port}`).runOnce()).toMatchObject({ claimed: 1, retry: 1 });
    expect(await rowsTo('later@example.test')).toEqual([expect.objectContaining({ status: 'pending', attempts: 1 })]);
    advance(2 * 60_000);
    expect(await worker.runOnce()).toMatchObject({ sent: 1 });
  });

  it('sends each row once when two workers run at the same moment', async () => {
    for (let i = 0; i < 12; i++) await outbox.enqueue(email({ to: `many${i}@example.test`, subject: `通知 ${i}` }));
    const other = workerWith(smtp.url);
    const counts = await Promise.all([worker.runOnce(), other.runOnce(), worker.runOnce()]);

    expect(counts.reduce((n, c) => n + c.sent, 0)).toBe(12);
    expect(counts.filter((c) => c.sent > 0).length).toBeGreaterThan(1); // they really did run side by side
    expect(smtp.messages.map((m) => m.subject).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `通知 ${i}`).sort());
    expect((await repo.listOutbox({ status: 'sent' })).every((r) => r.attempts === 1)).toBe(true);
  });

  it('picks up a row whose worker died holding the lease, after the lease runs out', async () => {
    await outbox.enqueue(email({ to: 'orphan@example.test' }));
    const at = now.value;
    await tdb.db.transaction((tx) => repo.claimDue(at, new Date(at.getTime() + 60_000), 10, tx)); // then "crashes"
    expect(await worker.runOnce()).toMatchObject({ claimed: 0 });
    advance(61_000);
    expect(await worker.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(smtp.messages).toHaveLength(1);
  });

  it('sends nothing and keeps the rows pending when SMTP is not configured', async () => {
    const unconfigured = createSmtpMailer(null, FROM);
    expect(unconfigured.configured).toBe(false);
    await expect(unconfigured.send({ to: 'x@example.test', subject: 's', text: 't' })).rejects.toBeInstanceOf(EmailSendError);

    await outbox.enqueue(email({ to: 'waiting@example.test' }));
    const idle = workerWith(null);
    expect(await idle.runOnce()).toEqual({ claimed: 0, sent: 0, retry: 0, failed: 0 });
    idle.start(5);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await idle.stop();
    expect(smtp.attempts).toEqual([]);
    expect(await rowsTo('waiting@example.test')).toEqual([expect.objectContaining({ status: 'pending', attempts: 0 })]);
  });
});
