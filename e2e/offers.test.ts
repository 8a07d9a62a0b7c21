// In a browser: a customer claims a limited-time coupon on their phone (countdown, claim, their code), starts a bargain
// and a friend who is not a customer helps cut it from the share link; the operator sees the claim on the offer's page.
import { describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { CHROMIUM, browserPond, signIn } from './browser';

describe.skipIf(!CHROMIUM)('offers in a browser', () => {
  const ctx = browserPond();

  it('claim on the phone, a friend helps a bargain, the operator sees the numbers', async () => {
    const { pond, browser } = ctx;
    const sim = pond.app.sim!.control;
    const q = (sql: string, params: unknown[]) => pond.app.pool.query(sql, params);
    const staff = (await q('SELECT userid FROM staff WHERE corp_id = $1 ORDER BY userid LIMIT 1', [pond.corpId])).rows[0].userid as string;
    const me = await sim.createWechatUser({ nickname: '领券客户' });
    await q(`INSERT INTO customers (corp_id, external_userid, name, unionid) VALUES ($1, 'wmE2eOffer', '领券客户', $2)`, [pond.corpId, me.unionid]);
    await q(`INSERT INTO follows (corp_id, external_userid, userid, status) VALUES ($1, 'wmE2eOffer', $2, 'active')`, [pond.corpId, staff]);
    const friend = await sim.createWechatUser({ nickname: '砍价好友' });
    const poolId = (await q(`INSERT INTO coupon_pools (corp_id, name, face_value_fen, threshold_fen, valid_days) VALUES ($1, '满50减10', 1000, 5000, 7) RETURNING id`, [pond.corpId])).rows[0].id;
    await q(`INSERT INTO coupon_codes (corp_id, code, pool_id) VALUES ($1, 'E2E-CODE-1', $2), ($1, 'E2E-CODE-2', $2)`, [pond.corpId, poolId]);
    const create = async (kind: string, config: object) => {
      const r = await pond.api('POST', `/api/offers/${kind}`, { name: `浏览器${kind}`, startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() + 3 * 3600_000).toISOString(), config });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect((await pond.api('POST', `/api/campaigns/${r.body.id}/status`, { status: 'active' })).status).toBe(200);
      return r.body as { id: number; pageUrl: string };
    };
    const coupon = await create('coupon', { couponPoolId: poolId, perCustomerLimit: 1 });
    const bargain = await create('bargain', { productName: '保温杯', sku: 'CUP-1', startFen: 9900, floorFen: 4900, minCutFen: 500, maxCutFen: 1500, hours: 24, productUrl: 'https://shop.example.com/cup' });

    const phoneOf = async (wechatId: string): Promise<BrowserContext> => {
      const c = await browser.newContext({ viewport: { width: 390, height: 760 }, userAgent: 'Mozilla/5.0 (iPhone) Mobile MicroMessenger/8.0' });
      await c.addCookies([{ name: 'sim_wechat_user', value: wechatId, url: pond.baseUrl }]);
      return c;
    };
    const phone = await phoneOf(me.id);
    const page = await phone.newPage();
    await page.goto(coupon.pageUrl);
    await page.getByTestId('o-coupon').waitFor();
    expect(await page.getByTestId('o-countdown').innerText()).toContain('距结束还剩');
    await page.getByTestId('o-claim').click();
    await expect.poll(() => page.getByTestId('o-code').first().innerText()).toMatch(/^E2E-CODE-/);
    expect(await page.getByTestId('o-claim').isDisabled()).toBe(true);

    // The bargain: the customer starts it; the friend (not a customer) opens the share link and helps.
    await page.goto(bargain.pageUrl);
    await page.getByTestId('o-start').click();
    await page.getByTestId('o-bargain').waitFor();
    const { rows: [b] } = await q('SELECT id FROM bargains WHERE campaign_id = $1', [bargain.id]);
    const friendPhone = await phoneOf(friend.id);
    const fp = await friendPhone.newPage();
    await fp.goto(`${bargain.pageUrl}?b=${b.id}`);
    await fp.getByTestId('o-help').click();
    await fp.getByTestId('o-helped').waitFor();
    await page.reload();
    await expect.poll(() => page.getByTestId('o-current').innerText()).not.toBe('¥99');
    expect(await page.getByTestId('o-helpers').innerText()).toContain('-¥');

    // The operator's console: the coupon's numbers.
    const consolePage = await browser.newPage();
    await signIn(consolePage, pond);
    await consolePage.goto(`${pond.baseUrl}/offers/${coupon.id}`);
    await consolePage.getByTestId('offer-numbers').waitFor();
    expect(await consolePage.getByTestId('offer-numbers').innerText()).toMatch(/已领券\s*1/);
    await page.screenshot({ path: 'test-results/offers-bargain-phone.png', fullPage: true }).catch(() => undefined);
    await phone.close();
    await friendPhone.close();
  });
});
