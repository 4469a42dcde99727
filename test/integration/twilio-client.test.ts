import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTwilioSender, parseRetryAfter, rebase, SmsSendError, type SmsSender } from '../../server/sms/twilio';
import { startFakeTwilio, ALWAYS_INVALID_NUMBER, ALWAYS_UNSUBSCRIBED_NUMBER, type FakeTwilio } from '../helpers/fake-twilio';

const FROM = '+8610690000';
const TO = '+8613800138000';

let fake: FakeTwilio;
let sms: SmsSender;

beforeAll(async () => {
  fake = await startFakeTwilio();
  sms = createTwilioSender({ accountSid: fake.accountSid, authToken: fake.authToken, from: FROM, apiBase: fake.url });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

async function sendError(p: Promise<unknown>): Promise<SmsSendError> {
  const e: unknown = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof SmsSendError)) throw new Error(`expected SmsSendError, got ${String(e)}`);
  return e;
}

describe('twilio sender against the fake Twilio', () => {
  it('sends through the real twilio client and the fake records it', async () => {
    const body = '您的诉求已受理，编号AB12CD，查询请回复CX。';
    const res = await sms.send({ to: TO, body, statusCallback: 'https://example.gov.cn/sms/status' });

    expect(res.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(res).toEqual({ sid: res.sid, status: 'queued', segments: 1 });
    expect(fake.messages).toEqual([
      { to: TO, from: FROM, messagingServiceSid: null, body, statusCallback: 'https://example.gov.cn/sms/status', sid: res.sid, at: expect.any(Date) },
    ]);
  });

  it('reports Twilio segment counts and leaves out an absent statusCallback', async () => {
    const res = await sms.send({ to: TO, body: '市'.repeat(71) });
    expect(res.segments).toBe(2);
    expect(fake.messages[0].statusCallback).toBeNull();
  });

  it('uses the messaging service when there is no from number', async () => {
    const viaService = createTwilioSender({ accountSid: fake.accountSid, authToken: fake.authToken, messagingServiceSid: 'MG' + '0'.repeat(32), apiBase: fake.url });
    expect(viaService.configured).toBe(true);
    const res = await viaService.send({ to: TO, body: 'hello' });
    expect(res.status).toBe('accepted');
    expect(fake.messages[0]).toMatchObject({ from: null, messagingServiceSid: 'MG' + '0'.repeat(32), body: 'hello' });
  });

  it('prefers the from number when both are set', async () => {
    const both = createTwilioSender({ accountSid: fake.accountSid, authToken: fake.authToken, from: FROM, messagingServiceSid: 'MG' + '1'.repeat(32), apiBase: fake.url });
    await both.send({ to: TO, body: 'hi' });
    expect(fake.messages[0]).toMatchObject({ from: FROM, messagingServiceSid: null });
  });

  it.each([
    ['429', 429, 20429, true],
    ['500', 500, 20500, true],
    ['21610', 400, 21610, false],
    ['21211', 400, 21211, false],
  ] as const)('maps a %s failure', async (kind, httpStatus, twilioCode, retryable) => {
    fake.failNext(kind);
    const e = await sendError(sms.send({ to: TO, body: 'x' }));
    expect(e).toMatchObject({ httpStatus, twilioCode, retryable, retryAfterMs: null });
    expect(e.message).toContain(String(twilioCode));
    expect(fake.messages).toHaveLength(0);
    expect(fake.attempts).toHaveLength(1);
    // The failure was one-off and twilio did not retry on its own: the next send goes through.
    await sms.send({ to: TO, body: 'y' });
    expect(fake.attempts.map((a) => a.status)).toEqual([httpStatus, 201]);
  });

  it('carries Twilio’s message for non-retryable errors', async () => {
    fake.failNext('21610');
    const e = await sendError(sms.send({ to: TO, body: 'x' }));
    expect(e.message).toContain('Attempt to send to unsubscribed recipient');
  });

  it('does not auto-retry 429 and honours Retry-After', async () => {
    fake.failNext('429', 3, { retryAfter: 7 });
    const e = await sendError(sms.send({ to: TO, body: 'x' }));
    expect(e).toMatchObject({ httpStatus: 429, twilioCode: 20429, retryable: true, retryAfterMs: 7000 });
    expect(fake.attempts).toHaveLength(1);
  });

  it('keeps Retry-After with the send it belongs to when sends overlap', async () => {
    fake.failNext('429', 1, { retryAfter: 3 });
    const [a, b] = await Promise.allSettled([sms.send({ to: TO, body: 'a' }), sms.send({ to: TO, body: 'b' })]);
    const failed = [a, b].filter((r) => r.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect((failed[0] as PromiseRejectedResult).reason).toMatchObject({ retryAfterMs: 3000 });
  });

  it('always fails for the invalid magic number, without retry', async () => {
    for (let i = 0; i < 2; i += 1) {
      const e = await sendError(sms.send({ to: ALWAYS_INVALID_NUMBER, body: 'x' }));
      expect(e).toMatchObject({ httpStatus: 400, twilioCode: 21211, retryable: false });
      expect(e.message).toContain(`The 'To' number ${ALWAYS_INVALID_NUMBER} is not a valid phone number.`);
    }
    const unsub = await sendError(sms.send({ to: ALWAYS_UNSUBSCRIBED_NUMBER, body: 'x' }));
    expect(unsub).toMatchObject({ twilioCode: 21610, retryable: false });
    expect(fake.messages).toHaveLength(0);
  });

  it('fails a number set with failFor until reset', async () => {
    fake.failFor(TO, '21610');
    expect(await sendError(sms.send({ to: TO, body: 'x' }))).toMatchObject({ twilioCode: 21610 });
    await sms.send({ to: '+8613900139000', body: 'other numbers still work' });
    fake.reset();
    await sms.send({ to: TO, body: 'x' });
    expect(fake.messages.map((m) => m.to)).toEqual([TO]);
  });

  it('maps bad credentials to a non-retryable 401', async () => {
    const wrong = createTwilioSender({ accountSid: fake.accountSid, authToken: 'wrong', from: FROM, apiBase: fake.url });
    const e = await sendError(wrong.send({ to: TO, body: 'x' }));
    expect(e).toMatchObject({ httpStatus: 401, twilioCode: 20003, retryable: false });
    expect(fake.messages).toHaveLength(0);
  });

  it('treats an unreachable API as a retryable network error', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) => closed.close(() => r()));
    const down = createTwilioSender({ accountSid: fake.accountSid, authToken: fake.authToken, from: FROM, apiBase: `http://127.0.0.1:${port}` });
    const e = await sendError(down.send({ to: TO, body: 'x' }));
    expect(e).toMatchObject({ httpStatus: null, twilioCode: null, retryable: true });
    expect(e.message).toContain('ECONNREFUSED');
  });

  it.each([
    ['no account sid', { authToken: 't', from: FROM }],
    ['no auth token', { accountSid: 'AC' + '0'.repeat(32), from: FROM }],
    ['no sender', { accountSid: 'AC' + '0'.repeat(32), authToken: 't' }],
  ])('is not configured with %s', async (_name, settings) => {
    const s = createTwilioSender({ ...settings, apiBase: fake.url });
    expect(s.configured).toBe(false);
    const e = await sendError(s.send({ to: TO, body: 'x' }));
    expect(e).toMatchObject({ message: 'SMS is not configured', httpStatus: null, twilioCode: null, retryable: false, retryAfterMs: null });
    expect(fake.attempts).toHaveLength(0);
  });
});

describe('helpers', () => {
  it('rebases a Twilio URI onto the API base, keeping path and query', () => {
    const uri = 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?PageSize=5';
    expect(rebase(uri, new URL('http://127.0.0.1:4010'))).toBe('http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages.json?PageSize=5');
    expect(rebase(uri, new URL('http://127.0.0.1:4010/twilio/'))).toBe('http://127.0.0.1:4010/twilio/2010-04-01/Accounts/AC1/Messages.json?PageSize=5');
    expect(rebase('https://api.dublin.ie1.twilio.com/x', new URL('http://localhost:1'))).toBe('http://localhost:1/x');
  });

  it.each([
    ['7', 7000],
    [' 0 ', 0],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['soon', null],
    [undefined, null],
  ])('parses Retry-After %p', (value, ms) => {
    expect(parseRetryAfter(value, Date.parse('2026-01-01T00:00:00Z'))).toBe(ms);
  });
});
