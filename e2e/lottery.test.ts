// In a browser: a customer opens a lottery on the simulator's phone (identity from the phone's WeChat session),
// spins the wheel and wins; their prize shows under "my prizes"; the operator sees them among the winners in the
// console, with the numbers.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../apps/server/test/helpers';
import { CHROMIUM, browserPond, signIn } from './browser';

describe.skipIf(!CHROMIUM)('lottery in a browser', () => {
  const ctx = browserPond();

  it('a customer draws on the phone and the operator sees the winner', async () => {
    const { pond, browser } = ctx;
    const sim = pond.app.sim!.control;
    const { rows: [staff] } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid LIMIT 1`, [pond.corpId]);
    const user = await sim.createWechatUser({ nickname: '转盘客户' });
    const { externalUserid } = await sim.addStaff(user.id, { corpId: pond.corpId, userid: staff.userid });
    await waitFor(async () => (await pond.app.pool.query(`SELECT 1 FROM customers WHERE corp_id = $1 AND external_userid = $2 AND unionid IS NOT NULL`, [pond.corpId, externalUserid])).rowCount, { message: 'customer in Pond' });

    const created = await pond.api('POST', '/api/lotteries', {
      name: '周年庆大转盘', startsAt: new Date(Date.now() - 60_000).toISOString(), rules: '每人每天 2 次。',
      config: { perDay: 2, display: 'wheel' },
      prizes: [{ name: '100积分', kind: 'points', weight: 1, stock: 5, points: 100 }, { name: '谢谢参与', kind: 'nothing', weight: 0 }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const l = created.body;
    expect((await pond.api('POST', `/api/campaigns/${l.id}/status`, { status: 'active' })).status).toBe(200);

    // The customer's phone: a small viewport and the simulator's WeChat identity cookie.
    const phone = await browser.newContext({ viewport: { width: 390, height: 760 }, userAgent: 'Mozilla/5.0 (iPhone) Mobile' });
    await phone.addCookies([{ name: 'sim_wechat_user', value: user.id, url: pond.baseUrl }]);
    const page = await phone.newPage();
    await page.goto(l.pageUrl);
    await page.getByTestId('c-title').waitFor();
    expect(await page.getByTestId('c-rules').innerText()).toContain('每人每天 2 次');
    await expect.poll(() => page.getByTestId('lottery-remaining').innerText()).toContain('今日剩余 2 次');
    await page.getByTestId('lottery-draw').click();
    // The wheel turns (to the won slot) and the result shows.
    await expect.poll(() => page.getByTestId('lottery-wheel').getAttribute('data-turn')).not.toBe('0');
    await page.getByTestId('lottery-result').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('lottery-result').getAttribute('data-won')).toBe('true');
    expect(await page.getByTestId('lottery-result').innerText()).toContain('100积分');
    await expect.poll(() => page.getByTestId('lottery-remaining').innerText()).toContain('今日剩余 1 次');
    await expect.poll(() => page.getByTestId('lottery-my-prize').count()).toBe(1);
    expect(await page.getByTestId('lottery-my-prize').innerText()).toContain('已发放');
    await page.screenshot({ path: 'test-results/lottery-phone.png', fullPage: true }).catch(() => undefined);
    const { rows } = await pond.app.pool.query('SELECT count(*)::int AS n FROM lottery_entries WHERE campaign_id = $1', [l.id]);
    expect(rows[0].n).toBe(1);

    // The operator: the lottery's numbers and the winner.
    const consolePage = await browser.newPage({ locale: 'zh-CN' });
    await signIn(consolePage, pond);
    await consolePage.goto(`${pond.baseUrl}/lotteries/${l.id}`);
    await expect.poll(() => consolePage.getByTestId('lottery-winners').innerText(), { timeout: 15_000 }).toContain('转盘客户');
    await consolePage.screenshot({ path: 'test-results/lottery-console.png', fullPage: true }).catch(() => undefined);
    expect(await consolePage.getByTestId('lottery-winners').innerText()).toContain('100积分');
    expect(await consolePage.getByTestId('lottery-stat-winners').innerText()).toContain('1');
    await consolePage.goto(`${pond.baseUrl}/lotteries`);
    await consolePage.getByText('周年庆大转盘').waitFor();
    await consolePage.close();
    await phone.close();
  }, 90_000);
});
