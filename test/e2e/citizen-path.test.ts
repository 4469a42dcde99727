/// <reference lib="dom" />
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app';
import { accessibilityViolations, noHorizontalScroll, serveAndLaunch, SHOTS } from '../helpers/browser';
import { countRows } from '../helpers/sms';

// Issue 15 in a real browser, at a phone's 360 px and a desktop's 1280 px.

let t: TestApp;
let base: string;
let browser: Browser;
let close: () => Promise<void>;

jest.setTimeout(90_000);

beforeAll(async () => {
  t = await startTestApp({ now: new Date(), env: { SMS_SIMULATOR: 'on' } });
  ({ base, browser, close } = await serveAndLaunch(t));
});

afterAll(async () => {
  await close?.();
  await t?.close();
});

const SIZES = [
  { name: '360', viewport: { width: 360, height: 740 }, isMobile: true },
  { name: '1280', viewport: { width: 1280, height: 800 }, isMobile: false },
] as const;

async function open(size: (typeof SIZES)[number], lang = 'zh-CN'): Promise<Page> {
  const context = await browser.newContext({ viewport: size.viewport, deviceScaleFactor: size.isMobile ? 2 : 1, isMobile: size.isMobile, hasTouch: size.isMobile, locale: lang });
  return context.newPage();
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

describe.each(SIZES)('the citizen path at $name px', (size) => {
  it('shows every topic with its division and time limit in full, then confirms once per filing', async () => {
    const page = await open(size);
    await page.goto(`${base}/feedback/new`);
    // Nothing cut off: every topic's division and time limit fits inside the page.
    const clipped = await page.evaluate(() =>
      [...document.querySelectorAll('.topic-radios label')].filter((l) => l.getBoundingClientRect().right > window.innerWidth + 1 || l.scrollWidth > l.clientWidth + 1).map((l) => l.textContent),
    );
    expect(clipped).toEqual([]);
    expect(await page.locator('label[for="topic-food_safety"]').textContent()).toContain('食品安全监管处办理，3个工作日内答复');
    expect(await noHorizontalScroll(page)).toBe(true);
    await page.locator('#topic-food_safety').check();
    await page.getByLabel('具体内容').fill(`菜市场的熟食摊用手直接抓卤肉（${size.name}）。`);
    await page.getByLabel(/手机号/).fill('13812345678');
    expect(await accessibilityViolations(page)).toEqual([]);
    await shot(page, `path-feedback-form-${size.name}`);

    const before = await countRows(t.c.db, 'items');
    await page.getByRole('button', { name: '提交' }).click();
    await page.waitForURL(/\/feedback\/done$/);
    const code = (await page.locator('#tracking-code').textContent())?.trim() as string;
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(await noHorizontalScroll(page)).toBe(true);
    await shot(page, `path-feedback-done-${size.name}`);

    await page.reload();
    expect((await page.locator('#tracking-code').textContent())?.trim()).toBe(code);
    expect(await countRows(t.c.db, 'items')).toBe(before + 1);

    // Someone sent the URL sees no code.
    const other = await open(size);
    await other.goto(`${base}/feedback/done`);
    expect(await other.locator('#tracking-code').count()).toBe(0);
    expect(await other.content()).not.toContain(code);
  });

  it('hides contact fields for an anonymous mailbox report and shows the PIN with how to use it', async () => {
    const page = await open(size);
    await page.goto(`${base}/mailbox`);
    await page.getByLabel(/^实名反映/).check();
    await page.getByLabel(/手机号/).fill('13900001111');
    expect(await page.locator('#contact').isVisible()).toBe(true);
    expect(await page.locator('#anonymous-note').isVisible()).toBe(false);
    await page.getByLabel(/^匿名反映/).check();
    expect(await page.locator('#contact').isVisible()).toBe(false);
    expect(await page.locator('#anonymous-note').isVisible()).toBe(true);
    await page.getByLabel('反映内容').fill('检查人员暗示要请吃饭才给通过。');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(await noHorizontalScroll(page)).toBe(true);
    await shot(page, `path-mailbox-anonymous-${size.name}`);

    await page.getByRole('button', { name: '提交' }).click();
    await page.waitForURL(/\/mailbox\/done$/);
    expect(await page.locator('#tracking-pin').textContent()).toMatch(/^\d{6}$/);
    expect(await page.locator('#pin-how').textContent()).toContain('手机号后4位或查询密码');
    expect(await page.locator('#anonymous-dropped').textContent()).toContain('已丢弃');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(await noHorizontalScroll(page)).toBe(true);
    await shot(page, `path-mailbox-done-${size.name}`);
  });

  it('lists commitments with what each covers and the longest time, staff matters to the mailbox', async () => {
    const page = await open(size);
    await page.goto(`${base}/commitments`);
    expect(await page.locator('#cat-integrity a').getAttribute('href')).toBe('/mailbox');
    expect(await page.locator('#cat-food_safety a').getAttribute('href')).toBe('/feedback/new?topic=food_safety');
    expect(await page.locator('#cat-food_safety').textContent()).toContain('7个工作日');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(await noHorizontalScroll(page)).toBe(true);
    await shot(page, `path-commitments-${size.name}`);
  });

  it('shows simulated texts as waiting, oldest first, when Twilio is not configured', async () => {
    const phone = size.name === '360' ? '+8613900003601' : '+8613900012801';
    await t.c.sms.outbox.enqueue({ to: phone, body: '您反映的问题已答复：商户已整改。', purpose: 'answer', itemId: null, dedupeKey: `e2e-a-${phone}` }, t.c.db);
    await t.c.sms.outbox.enqueue({ to: phone, body: '请回复1满意、2基本满意、3不满意。', purpose: 'satisfaction', itemId: null, dedupeKey: `e2e-s-${phone}` }, t.c.db);
    const page = await open(size);
    await page.goto(`${base}/dev/sms?phone=${encodeURIComponent(phone)}`);
    await page.getByLabel('Message').fill('第一条：药店卖过期口罩');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByLabel('Message').fill('CX');
    await page.getByRole('button', { name: 'Send' }).click();
    const log = (await page.locator('.sms-log').first().textContent()) as string;
    expect(log.indexOf('第一条')).toBeLessThan(log.indexOf('CX'));
    const out = (await page.locator('.sms-log').last().textContent()) as string;
    expect(out).not.toContain('failed');
    expect(out.indexOf('已答复')).toBeLessThan(out.indexOf('请回复1'));
    expect(await page.locator('#sms-waiting').isVisible()).toBe(true);
    expect(await noHorizontalScroll(page)).toBe(true);
    await shot(page, `path-sms-simulator-${size.name}`);
  });
});
