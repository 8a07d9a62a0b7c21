// In a browser: an operator publishes a check-in campaign in the console, a customer opens its page on the
// simulated phone (WeChat identity from the phone's cookie), sees the calendar in the corp's zone, checks in and
// reaches a milestone; the operator sees them in the participants; a paid challenge shows its cash-back promise
// and the link to pay the entry fee.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../apps/server/test/helpers';
import { CHROMIUM, browserPond, pickUntil, signIn } from './browser';

describe.skipIf(!CHROMIUM)('check-in in a browser', () => {
  const ctx = browserPond();

  it('publish → the customer checks in on the phone → the console shows them; a paid challenge asks for the fee', async () => {
    const { pond, browser } = ctx;
    const sim = pond.app.sim!.control;
    const { rows: [staff] } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid LIMIT 1`, [pond.corpId]);
    const user = await sim.createWechatUser({ nickname: '打卡达人' });
    const { externalUserid } = await sim.addStaff(user.id, { corpId: pond.corpId, userid: staff.userid });
    await waitFor(async () => (await pond.app.pool.query('SELECT 1 FROM customers WHERE corp_id = $1 AND external_userid = $2 AND unionid IS NOT NULL', [pond.corpId, externalUserid])).rowCount);

    const created = await pond.api('POST', '/api/checkins', {
      name: '每日签到', startsAt: new Date(Date.now() - 60_000).toISOString(), rules: '每天签到一次',
      config: { mode: 'daily', makeupCards: 1, milestones: [{ days: 1, reward: { kind: 'points', points: 5, title: '首签积分' } }] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const id = created.body.id as number;

    // The operator publishes it and copies its page link.
    const page = await browser.newPage({ locale: 'zh-CN' });
    await signIn(page, pond);
    await page.goto(`${pond.baseUrl}/checkins/${id}`);
    await page.getByTestId('checkin-publish').click();
    await expect.poll(async () => (await pond.api('GET', `/api/checkins/${id}`)).body.status).toBe('active');
    const url = await page.getByTestId('checkin-page-url').innerText();
    expect(url).toBe(`${pond.baseUrl}/c/${pond.corpId}/${id}`);
    // The form round-trips what was saved, and the live code for non-customers is picked by name (not typed as an id).
    const made = await pond.api('POST', '/api/live-codes', { kind: 'staff', name: '打卡引流码', channel: '打卡', pool: [{ userid: staff.userid }] });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    const code = made.body as { id: number; name: string };
    await page.goto(`${pond.baseUrl}/checkins/${id}/edit`);
    await page.getByTestId('checkin-join-code').click();
    await page.locator('.ant-select-item-option', { hasText: code.name }).filter({ visible: true }).first().click();
    await page.getByTestId('checkin-save').click();
    await page.waitForURL(`${pond.baseUrl}/checkins/${id}`);
    await expect.poll(async () => (await pond.api('GET', `/api/checkins/${id}`)).body.joinCodeId).toBe(code.id);
    await page.goto(`${pond.baseUrl}/checkins/${id}/edit`);
    // The picker names the code once the lists (and the code's own record) have loaded.
    await expect.poll(() => page.getByTestId('checkin-join-code').innerText(), { timeout: 15_000 }).toContain(code.name);

    // A broadcast (or a playbook step) posts it into groups as a link card picked from the campaigns.
    await page.goto(`${pond.baseUrl}/broadcasts`);
    await page.getByTestId('new-broadcast').click();
    // The link card is there (the dropdown's item may need a second click while the menu animates in).
    await expect.poll(async () => {
      if (await page.getByTestId('attachment-card').count()) return true;
      await page.getByTestId('attachment-add').hover();
      await page.locator('.ant-dropdown-menu-item', { hasText: /^链接$/ }).click({ timeout: 2_000 }).catch(() => undefined);
      return false;
    }, { timeout: 15_000 }).toBe(true);
    const card = page.getByTestId('attachment-card');
    const values = async () => Promise.all((await card.locator('input:not([type=search])').all()).map((i) => i.inputValue()));
    // A pick made while the dropdown still animates in can be lost on a loaded machine: pick until the card fills.
    await pickUntil(() => page.getByTestId('attachment-campaign').click(), page.locator('.ant-select-item-option', { hasText: '每日签到' }).filter({ visible: true }).first(),
      async () => (await values()).includes(url));
    await expect.poll(values).toEqual(expect.arrayContaining(['每日签到', url]));

    // The customer on the phone.
    // A phone's browser (a headless one's user agent is served the "open in WeChat" notice, as crawlers are).
    const phoneContext = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, userAgent: 'Mozilla/5.0 (iPhone) Mobile MicroMessenger/8.0' });
    const phone = await phoneContext.newPage();
    await phone.context().addCookies([{ name: 'sim_wechat_user', value: user.id, url: pond.baseUrl }]);
    await phone.goto(url);
    await phone.getByTestId('ck-calendar').waitFor();
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    expect(await phone.locator(`[data-day="${today}"]`).getAttribute('class')).toContain('today');
    await phone.getByTestId('ck-tap').click();
    await expect.poll(() => phone.getByTestId('ck-tap').innerText()).toContain('今日已打卡');
    expect(await phone.locator(`[data-day="${today}"]`).getAttribute('class')).toContain('done');
    expect(await phone.getByTestId('ck-streak').innerText()).toBe('1');
    await expect.poll(() => phone.getByTestId('ck-milestones').innerText()).toContain('已发放');

    // The operator sees the participant and the numbers.
    await page.goto(`${pond.baseUrl}/checkins/${id}`);
    await page.getByTestId('checkin-participant').first().waitFor();
    expect(await page.getByTestId('checkin-participant').count()).toBe(1);

    // A paid challenge: the promise and the fee link.
    const paid = await pond.api('POST', '/api/checkins', {
      name: '21 天早起挑战', startsAt: new Date(Date.now() - 60_000).toISOString(),
      entry: { kind: 'paid', sku: 'EARLY-21', priceFen: 990, productUrl: 'https://shop.example/early21' },
      config: { mode: 'challenge', challengeDays: 21 },
    });
    await pond.api('POST', `/api/campaigns/${paid.body.id}/status`, { status: 'active' });
    await phone.goto(`${pond.baseUrl}/c/${pond.corpId}/${paid.body.id}`);
    await expect.poll(() => phone.getByTestId('ck-cashback').innerText()).toContain('完成 21 天返还 ¥9.90');
    expect(await phone.getByTestId('ck-pay-link').getAttribute('href')).toBe('https://shop.example/early21');
    expect(await phone.getByTestId('ck-tap').isDisabled()).toBe(true);
  }, 120_000);
});
