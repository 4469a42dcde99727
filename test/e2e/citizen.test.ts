/// <reference lib="dom" />
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app';
import { accessibilityViolations, noHorizontalScroll, serveAndLaunch, SHOTS } from '../helpers/browser';

let t: TestApp;
let base: string;
let browser: Browser;
let close: () => Promise<void>;

jest.setTimeout(60_000);

beforeAll(async () => {
  t = await startTestApp({ now: new Date(), env: { SMS_SIMULATOR: 'on' } });
  ({ base, browser, close } = await serveAndLaunch(t));
});

afterAll(async () => {
  await close?.();
  await t?.close();
});

async function phone(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  return context.newPage();
}

describe('a citizen on a phone', () => {
  it('submits a Chinese complaint, reads the code and tracks it', async () => {
    const page = await phone();
    await page.goto(`${base}/`);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(await noHorizontalScroll(page)).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, 'home-360.png'), fullPage: true });

    await page.getByRole('link', { name: /投诉/ }).first().click();
    await page.locator('#topic-food_safety').check();
    await page.getByLabel('具体内容').fill('我在XX路的便利店买到过期三天的酸奶，店员说不能退。');
    await page.getByLabel(/手机号/).fill('13812345678');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'feedback-form-360.png'), fullPage: true });
    await page.getByRole('button', { name: '提交' }).click();

    const code = (await page.locator('#tracking-code').textContent())?.trim() as string;
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await expect(page.locator('#routing').textContent()).resolves.toContain('食品安全监管处');
    await page.screenshot({ path: path.join(SHOTS, 'feedback-done-360.png'), fullPage: true });

    await page.getByRole('link', { name: '查询办理进度' }).last().click();
    expect(await page.getByLabel('查询码').inputValue()).toBe(code);
    await page.getByLabel('手机号后4位或查询密码').fill('5678');
    await page.getByRole('button', { name: '查询' }).click();
    await expect(page.locator('#status').textContent()).resolves.toBe('已分派');
    await expect(page.locator('#department').textContent()).resolves.toBe('食品安全监管处');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'track-result-360.png'), fullPage: true });
  });

  it('sends an anonymous mailbox report and tracks it back with the PIN', async () => {
    const page = await phone();
    await page.goto(`${base}/mailbox`);
    await page.getByLabel(/匿名反映/).check();
    await page.getByLabel('反映内容').fill('执法人员检查时收了商户的购物卡。');
    await page.getByRole('button', { name: '提交' }).click();
    const code = (await page.locator('#tracking-code').textContent())?.trim() as string;
    const pin = (await page.locator('#tracking-pin').textContent())?.trim() as string;
    expect(pin).toMatch(/^\d{6}$/);
    await page.goto(`${base}/track`);
    await page.getByLabel('查询码').fill(code.toLowerCase());
    await page.getByLabel('手机号后4位或查询密码').fill(pin);
    await page.getByRole('button', { name: '查询' }).click();
    // Classified within the mailbox's categories: a gift card taken by an inspector is an integrity report.
    await expect(page.locator('#status').textContent()).resolves.toBe('已分派');
    await expect(page.locator('#department').textContent()).resolves.toBe('纪检监察室');
  });

  it('shows errors with the typed text kept, and moves focus to them by keyboard', async () => {
    const page = await phone();
    await page.goto(`${base}/feedback/new?lang=en`);
    await page.getByLabel('Mobile phone').fill('12345');
    await page.getByLabel('Your message').fill('Shop refused a refund');
    await page.getByRole('button', { name: 'Submit' }).click();
    await expect(page.locator('.error-summary').textContent()).resolves.toContain('Enter a valid mobile number');
    expect(await page.getByLabel('Your message').inputValue()).toBe('Shop refused a refund');
    await page.getByRole('link', { name: /Enter a valid mobile number/ }).press('Enter');
    expect(await page.evaluate(() => location.hash)).toBe('#phone');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'feedback-errors-360.png'), fullPage: true });
  });

  it('tries the SMS channel in the development simulator', async () => {
    const page = await phone();
    await page.goto(`${base}/dev/sms`);
    await page.getByLabel('From').fill('+8613812340000');
    await page.getByLabel('Message').fill('楼下超市卖过期牛奶，店家不给退');
    await page.getByRole('button', { name: 'Send' }).click();
    const twiml = (await page.locator('#twiml').textContent()) as string;
    expect(twiml).toMatch(/已收到您的反映，查询码[0-9A-Z]{4}-[0-9A-Z]{4}/);
    await page.getByLabel('Message').fill('CX');
    await page.getByRole('button', { name: 'Send' }).click();
    expect(await page.locator('#twiml').textContent()).toContain('食品安全监管处');
    await page.screenshot({ path: path.join(SHOTS, 'sms-simulator-360.png'), fullPage: true });
  });

  it('a head of division signs in, finds the complaint in the inbox and answers it; the citizen sees the answer', async () => {
    await t.c.users.createUser({ username: 'food-head', password: 'a long passphrase', role: 'head', departmentCode: 'food', name: '食品处' });
    const { item } = await t.c.items.submit({ channel: 'web', kind: 'complaint', text: '超市卖过期酸奶，还不给退。', topic: 'food_safety', contact: { name: null, phone: '+8613900001234', email: null }, anonymous: false, consentPublish: false, lang: 'zh', ip: null, userAgent: null });
    const code = `${item.code.slice(0, 4)}-${item.code.slice(4)}`;
    const page = await phone();
    await page.goto(`${base}/workbench`);
    await page.getByLabel('用户名').fill('food-head');
    await page.getByLabel('密码').fill('a long passphrase');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/workbench\/inbox/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'workbench-inbox-360.png'), fullPage: true });
    await page.getByRole('link', { name: code }).click();
    await expect(page.locator('#item-text').textContent()).resolves.toContain('过期酸奶');
    // Signing for it first makes the head its first handler (首问负责); then the answer form appears.
    await page.getByRole('button', { name: '签收' }).click();
    await page.waitForURL(/done=accept/);
    await page.getByLabel('答复内容').fill('已责令该超市下架过期酸奶并办理退款。');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: '发送答复' }).click();
    await expect(page.locator('.notice-box').textContent()).resolves.toContain('答复已发送');
    await page.screenshot({ path: path.join(SHOTS, 'workbench-item-360.png'), fullPage: true });

    const citizen = await phone();
    await citizen.goto(`${base}/track?code=${code}`);
    await citizen.getByLabel('手机号后4位或查询密码').fill('1234');
    await citizen.getByRole('button', { name: '查询' }).click();
    await expect(citizen.locator('.answer .answer-text').first().textContent()).resolves.toContain('已责令该超市下架过期酸奶');
  });
});
