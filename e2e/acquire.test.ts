// In a browser: a customer opens a printed code's landing page on their phone and sees their advisor's
// QR; after scanning and adding, the operator sees the scan and the add on the code's numbers page.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../apps/server/test/helpers';
import { CHROMIUM, browserPond, signIn } from './browser';

describe.skipIf(!CHROMIUM)('live code in a browser', () => {
  const ctx = browserPond();

  it('customer sees the advisor and QR; the operator sees the scan and the add', async () => {
    const { pond, browser } = ctx;
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
    await signIn(page, pond);
    await page.goto(`${pond.baseUrl}/live-codes/${code.id}`);
    await expect.poll(() => page.getByTestId('stat-adds').innerText(), { timeout: 15_000 }).toContain('1');
    expect(await page.getByTestId('stat-scans').innerText()).toMatch(/[1-9]/);
    await phone.close();
  });
});
