// In a browser: a customer opens a printed code's landing page on their phone and sees their advisor's
// QR; after scanning and adding, the operator sees the scan and the add on the code's numbers page.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { startTestPond, waitFor, type TestPond } from '../apps/server/test/helpers';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

describe.skipIf(!CHROMIUM)('live code in a browser', () => {
  let pond: TestPond;
  let browser: Browser;
  beforeAll(async () => {
    pond = await startTestPond();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => { await browser?.close(); await pond?.close(); });

  it('customer sees the advisor and QR; the operator sees the scan and the add', async () => {
    const { rows } = await pond.app.pool.query(`SELECT userid, name FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid LIMIT 1`, [pond.corpId]);
    const code = (await pond.api('POST', '/api/live-codes', { kind: 'staff', name: '浏览器活码', channel: '门店', pool: [{ userid: rows[0].userid }] })).body;
    const sim = pond.app.sim!.control;
    const user = await sim.createWechatUser({ nickname: '手机客户' });

    // The customer's phone (a small viewport, the simulator's identity cookie).
    const phone = await browser.newContext({ viewport: { width: 390, height: 760 }, userAgent: 'Mozilla/5.0 (iPhone) Mobile' });
    await phone.addCookies([{ name: 'sim_wechat_user', value: user.id, url: pond.baseUrl }]);
    const landing = await phone.newPage();
    await landing.goto(code.url);
    await expect.poll(() => landing.locator('h1').innerText()).toBe(rows[0].name);
    const qr = landing.locator('img.qr');
    expect(await qr.getAttribute('src')).toContain('/sim/qr/contact/');
    expect(await landing.locator('.hint').last().innerText()).toContain('长按识别二维码');
    // Long-press → the simulator's add page for this customer (demo), then add.
    await qr.click();
    await landing.getByRole('button').first().click();
    await waitFor(async () => (await pond.api('GET', `/api/live-codes/${code.id}/stats`)).body.total.adds === 1, { message: 'add attributed' });

    // The operator's console.
    const page = await browser.newPage();
    await page.goto(`${pond.baseUrl}/login`);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(pond.adminPassword);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('overview-chart').waitFor();
    await page.goto(`${pond.baseUrl}/live-codes/${code.id}`);
    await expect.poll(() => page.getByTestId('stat-adds').innerText(), { timeout: 15_000 }).toContain('1');
    expect(await page.getByTestId('stat-scans').innerText()).toMatch(/[1-9]/);
    await phone.close();
  });
});
