// In a browser: a customer opens a referral programme's page on the simulated phone, takes their referral code,
// a friend opens their link (?ref=) and is bound, the friend pays an order on the simulator's shop, and the
// referrer's page shows the pending commission and the friend; the operator's console shows the programme's numbers.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../apps/server/test/helpers';
import { CHROMIUM, browserPond, signIn } from './browser';

describe.skipIf(!CHROMIUM)('referrals in a browser', () => {
  const ctx = browserPond();

  it('take a code on the phone → a friend opens the link → the friend pays → the phone shows the earnings', async () => {
    const { pond, browser } = ctx;
    const sim = pond.app.sim!.control;
    const { rows: [staff] } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid LIMIT 1`, [pond.corpId]);
    const addCustomer = async (nickname: string) => {
      const user = await sim.createWechatUser({ nickname });
      const { externalUserid } = await sim.addStaff(user.id, { corpId: pond.corpId, userid: staff.userid });
      await waitFor(async () => (await pond.app.pool.query('SELECT 1 FROM customers WHERE corp_id = $1 AND external_userid = $2 AND unionid IS NOT NULL', [pond.corpId, externalUserid])).rowCount);
      return user;
    };
    const alice = await addCustomer('分销小王');
    const bob = await addCustomer('小王的朋友');
    const created = await pond.api('POST', '/api/referrals', {
      name: '老带新分销', startsAt: new Date(Date.now() - 60_000).toISOString(), rules: '好友下单，你得佣金',
      config: { rateTiers: [{ fromOrder: 1, rateBp: 1000 }], refundWindowDays: 7 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const id = created.body.id as number;
    expect((await pond.api('POST', `/api/campaigns/${id}/status`, { status: 'active' })).status).toBe(200);

    const phoneOf = async (userId: string) => {
      const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, userAgent: 'Mozilla/5.0 (iPhone) Mobile MicroMessenger/8.0' });
      await context.addCookies([{ name: 'sim_wechat_user', value: userId, url: pond.baseUrl }]);
      return context.newPage();
    };
    const phone = await phoneOf(alice.id);
    await phone.goto(`${pond.baseUrl}/c/${pond.corpId}/${id}`);
    await phone.getByTestId('ref-join').click();
    const code = (await phone.getByTestId('ref-code').innerText()).trim();
    expect(code).toMatch(/^[A-Z2-9]{8}$/);

    const friend = await phoneOf(bob.id);
    await friend.goto(`${pond.baseUrl}/c/${pond.corpId}/${id}?ref=${code}`);
    await expect.poll(async () => friend.getByTestId('ref-invited').count()).toBe(1);

    await sim.payOrder(bob.id, { items: [{ name: '礼盒', price: 128, quantity: 1 }] });
    await sim.waitForCallbacks(10_000);
    await pond.app.inbox.drain();
    await waitFor(async () => (await pond.app.pool.query('SELECT 1 FROM referral_commissions WHERE campaign_id = $1', [id])).rowCount);
    await phone.reload();
    await expect.poll(async () => (await phone.getByTestId('ref-pending').innerText()).trim()).toBe('¥12.80');
    await expect.poll(async () => phone.getByTestId('ref-commission').count()).toBe(1);
    await phone.screenshot({ path: 'test-results/referrals-phone.png', fullPage: true });

    const page = await browser.newPage({ locale: 'zh-CN' });
    await signIn(page, pond);
    await page.goto(`${pond.baseUrl}/referrals/${id}`);
    // The page's chunk loads lazily: wait for it (a loaded machine takes longer than expect.poll's first second).
    await page.getByTestId('referral-numbers').waitFor({ timeout: 15_000 });
    await expect.poll(async () => page.getByTestId('referral-referrer').count(), { timeout: 15_000 }).toBe(1);
    await page.screenshot({ path: 'test-results/referrals-console.png', fullPage: true });
  });
});
