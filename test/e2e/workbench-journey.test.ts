import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app';
import { accessibilityViolations, noHorizontalScroll, serveAndLaunch, SHOTS } from '../helpers/browser';
import { buildSubmission } from '../helpers/factories';

const PASSWORD = 'a long passphrase';

let t: TestApp;
let base: string;
let browser: Browser;
let close: () => Promise<void>;

jest.setTimeout(120_000);

beforeAll(async () => {
  t = await startTestApp({ now: new Date('2026-11-23T02:00:00Z') }); // Monday 10:00 in Shanghai
  for (const [username, role, departmentCode, name] of [
    ['dispatcher', 'dispatcher', null, '分拨员 李'],
    ['food-head', 'head', 'food', '处长 王'],
    ['brand-head', 'head', 'brand', '处长 刘'],
  ] as const) {
    await t.c.users.createUser({ username, password: PASSWORD, role, departmentCode, name });
  }
  ({ base, browser, close } = await serveAndLaunch(t));
});

afterAll(async () => {
  await close?.();
  await t?.close();
});

async function desk(): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
}

async function phone(): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
}

async function signIn(context: BrowserContext, username: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/\/workbench/);
  return page;
}

async function track(page: Page, code: string, lastFour: string) {
  await page.goto(`${base}/track`);
  await page.getByLabel('查询码').fill(code);
  await page.getByLabel('手机号后4位或查询密码').fill(lastFour);
  await page.getByRole('button', { name: '查询' }).click();
}

describe('an item from triage to a second answer, in the browser', () => {
  it('is routed, signed for, extended, answered, rated unsatisfied, reopened and answered again', async () => {
    const { item } = await t.c.items.submit(buildSubmission('I have a question about something in my street.', { contact: { name: '王女士', phone: '+8613812345678', email: null } }));
    expect(item.status).toBe('triage');
    const code = `${item.code.slice(0, 4)}-${item.code.slice(4)}`;

    // The dispatcher routes it from the triage queue.
    const dispatcherCtx = await desk();
    const dispatcher = await signIn(dispatcherCtx, 'dispatcher');
    await dispatcher.goto(`${base}/workbench/triage`);
    expect(await accessibilityViolations(dispatcher)).toEqual([]);
    await dispatcher.screenshot({ path: path.join(SHOTS, 'wb-triage-1280.png'), fullPage: true });
    await dispatcher.getByLabel(`分派到类别 ${code}`).selectOption('food_safety');
    await dispatcher.locator(`form[action="/workbench/items/${code}/route"] button`).click();
    await dispatcher.waitForURL(/\/workbench\/triage/);

    // The head signs for it (首问负责) and asks for more time.
    const headCtx = await desk();
    const head = await signIn(headCtx, 'food-head');
    await head.goto(`${base}/workbench/items/${code}`);
    await expect(head.locator('#signed-in-as').textContent()).resolves.toContain('处长 王');
    await head.getByRole('button', { name: '签收' }).click();
    await head.waitForURL(/done=accept/);
    await expect(head.locator('#facts').textContent()).resolves.toContain('处长 王');
    await head.getByText('申请延期', { exact: true }).click();
    await head.getByLabel('新的答复日期').fill('2026-12-01');
    await head.getByLabel('延期理由').fill('需要等待抽检报告');
    await head.getByRole('button', { name: '提交延期申请' }).click();
    await head.waitForURL(/done=extension/);
    expect(await accessibilityViolations(head)).toEqual([]);
    await head.screenshot({ path: path.join(SHOTS, 'wb-item-1280.png'), fullPage: true });

    // The dispatcher approves; the citizen sees the new date.
    await dispatcher.goto(`${base}/workbench/items/${code}`);
    await dispatcher.getByRole('button', { name: '同意延期' }).click();
    await dispatcher.waitForURL(/done=extension/);
    const citizenCtx = await phone();
    const citizen = await citizenCtx.newPage();
    await track(citizen, code, '5678');
    await expect(citizen.locator('#extended').textContent()).resolves.toContain('2026/12/01');

    // The head answers; the citizen is not satisfied and says why, on the tracking page.
    await head.goto(`${base}/workbench/items/${code}`);
    await head.getByLabel('答复内容').fill('已对该店进行检查，未发现问题。');
    await head.getByRole('button', { name: '发送答复' }).click();
    await head.waitForURL(/done=reply/);
    await track(citizen, code, '5678');
    await citizen.getByLabel('不满意').check();
    await citizen.getByRole('button', { name: '提交评价' }).click();
    await expect(citizen.locator('.error-summary').textContent()).resolves.toContain('原因'); // a reason is required
    await citizen.getByLabel('不满意').check();
    await citizen.getByLabel('原因').fill('店里还在卖过期食品，检查时他们藏起来了。');
    await citizen.getByRole('button', { name: '提交评价' }).click();
    await expect(citizen.locator('#rating-value').textContent()).resolves.toContain('不满意');
    expect(await accessibilityViolations(citizen)).toEqual([]);
    expect(await noHorizontalScroll(citizen)).toBe(true);
    await citizen.screenshot({ path: path.join(SHOTS, 'track-rated-360.png'), fullPage: true });

    // The dispatcher sees it waiting for a decision and reopens it.
    await dispatcher.goto(`${base}/workbench/triage`);
    await expect(dispatcher.locator('#decisions').textContent()).resolves.toContain(code);
    await dispatcher.goto(`${base}/workbench/items/${code}`);
    await dispatcher.locator('#form-reopen').getByLabel('重办要求').fill('请突击复查，并答复群众的具体问题');
    await dispatcher.locator('#form-reopen').getByRole('button', { name: '退回重办' }).click();
    await dispatcher.waitForURL(/done=reopen/);

    // The head answers again, from a phone.
    const headPhoneCtx = await phone();
    const headPhone = await signIn(headPhoneCtx, 'food-head');
    await headPhone.goto(`${base}/workbench/items/${code}`);
    expect(await noHorizontalScroll(headPhone)).toBe(true);
    await headPhone.getByLabel('答复内容').fill('复查发现过期食品三批次，已立案并责令下架。');
    await headPhone.getByRole('button', { name: '发送答复' }).click();
    await headPhone.waitForURL(/done=reply/);
    expect(await accessibilityViolations(headPhone)).toEqual([]);
    await headPhone.screenshot({ path: path.join(SHOTS, 'wb-item-360.png'), fullPage: true });
    const final = (await t.c.items.findByCode(item.code))!;
    expect(final.item.status).toBe('answered');
    expect(final.events.filter((e) => e.type === 'answered')).toHaveLength(2);

    // Another division's head sees none of it.
    const brandCtx = await desk();
    const brand = await signIn(brandCtx, 'brand-head');
    const response = await brand.goto(`${base}/workbench/items/${code}`);
    expect(response?.status()).toBe(404);
    await brand.goto(`${base}/workbench/inbox`);
    await expect(brand.locator('main').textContent()).resolves.not.toContain(code);

    for (const c of [dispatcherCtx, headCtx, citizenCtx, headPhoneCtx, brandCtx]) await c.close();
  });
});
