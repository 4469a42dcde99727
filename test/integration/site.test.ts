import request from 'supertest';
import express from 'express';
import { createApp } from '../../server/app';
import { startTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { TWILIO_FROM: '+8610690000' } });
});
afterAll(() => t.close());

describe('public site', () => {
  it('speaks Chinese by default and lists every channel', async () => {
    const res = await request(t.app).get('/').expect(200);
    for (const text of ['投诉', '意见建议', '举报', '咨询', '表扬', '行风监督信箱', '查询办理进度', '+8610690000']) expect(res.text).toContain(text);
  });

  it('switches to English with ?lang=en and remembers it in a cookie', async () => {
    const agent = request.agent(t.app);
    const first = await agent.get('/?lang=en').expect(200);
    expect(first.text).toContain('<html lang="en">');
    expect(first.text).toContain('Supervision mailbox');
    const next = await agent.get('/mailbox').expect(200);
    expect(next.text).toContain('Report the conduct, integrity or enforcement');
  });

  it('follows Accept-Language when nothing was chosen', async () => {
    const res = await request(t.app).get('/').set('Accept-Language', 'en-US,en;q=0.9').expect(200);
    expect(res.text).toContain('<html lang="en">');
  });

  it('lists the service commitments with departments and limits', async () => {
    const res = await request(t.app).get('/commitments?lang=en').expect(200);
    expect(res.text).toContain('Special equipment safety');
    expect(res.text).toContain('2 working hours');
  });

  it('answers unknown pages with a 404 page in the chosen language', async () => {
    expect((await request(t.app).get('/no-such-page').expect(404)).text).toContain('页面不存在');
    expect((await request(t.app).get('/no-such-page?lang=en').expect(404)).text).toContain('Page not found');
  });

  it('sends a strict CSP with no inline script, and no framing', async () => {
    const res = await request(t.app).get('/').expect(200);
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.text).not.toMatch(/<script(?![^>]*src=)/);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves its own stylesheet (no CDN)', async () => {
    const res = await request(t.app).get('/static/css/site.css').expect(200);
    expect(res.text).toContain('PingFang SC');
  });

  it('reports liveness and readiness', async () => {
    expect((await request(t.app).get('/healthz').expect(200)).text).toBe('ok');
    await request(t.app).get('/readyz').expect(200);
  });

  it('turns an unexpected error into a plain 500 with a request id and no stack', async () => {
    const broken = { ...t.c, items: { ...t.c.items, track: async () => { throw new Error('secret internals at db.ts:42'); } } };
    const app = express().use(createApp(broken as typeof t.c));
    const page = await request(app).get('/track');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    const cookies = page.headers['set-cookie'] as unknown as string[];
    const res = await request(app).post('/track').set('Cookie', cookies).type('form').send({ _csrf: token, code: 'ABCD-EFGH', verifier: '1234' }).expect(500);
    expect(res.text).toContain('系统出现问题');
    expect(res.text).toContain(res.headers['x-request-id']);
    expect(res.text).not.toContain('secret internals');
  });
});
