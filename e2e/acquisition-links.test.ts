// In a browser: an operator creates a live code in 获客链接 (acquisition link) mode in the console — the code page shows
// the WeCom link, its status and the quota — and a customer on their phone opens the code's landing URL, lands on the
// link's page with the visit's customer_channel and starts the chat; the add is attributed to the code and the visit.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../apps/server/test/helpers';
import { CHROMIUM, browserPond, pickOption, signIn } from './browser';

describe.skipIf(!CHROMIUM)('acquisition link codes in a browser', () => {
  const ctx = browserPond();

  it('the operator makes an acquisition-link code; a phone customer adds through it', async () => {
    const { pond, browser } = ctx;
    const { rows: [member] } = await pond.app.pool.query(
      `SELECT userid, name FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid LIMIT 1`, [pond.corpId]);

    const page = await browser.newPage();
    await signIn(page, pond);
    await page.goto(`${pond.baseUrl}/live-codes/new?kind=staff`);
    await page.getByTestId('live-code-name').fill('浏览器获客链接');
    await page.getByTestId('mode-link').click();
    await page.getByTestId('link-mode-alert').waitFor();
    // Link mode has no caps or hours: the pool shows only who is in the link's range.
    expect(await page.getByText('每日上限').count()).toBe(0);
    const staffSelect = page.getByTestId('live-code-form').locator('.ant-table .ant-select').first();
    await pickOption(page, staffSelect, `${member.name} (${member.userid})`, async () => (await staffSelect.innerText()).includes(member.name));
    await page.getByTestId('live-code-save').click();

    // The code page: the link WeCom made, working, and the quota read from WeCom.
    await page.waitForURL(/\/live-codes\/\d+$/, { timeout: 20_000 });
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    await expect.poll(() => page.getByTestId('link-status').innerText(), { timeout: 15_000 }).toContain('正常');
    expect(await page.getByTestId('link-url').innerText()).toMatch(/\/sim\/ca\/cawcde[0-9a-f]{16}/);
    await expect.poll(() => page.getByTestId('link-quota').innerText(), { timeout: 15_000 }).toMatch(/剩余 \d+/);
    const code = (await pond.api('GET', `/api/live-codes/${id}`)).body;
    expect(code).toMatchObject({ mode: 'link', link: { status: 'active' } });
    expect((await pond.app.sim!.control.getAcquisitionLink(pond.corpId, code.link.linkId))?.users).toEqual([member.userid]);

    // The customer's phone opens the landing URL: on to the link's page, then "start the chat".
    const user = await pond.app.sim!.control.createWechatUser({ nickname: '链接手机客户' });
    const phone = await browser.newContext({ viewport: { width: 390, height: 760 }, userAgent: 'Mozilla/5.0 (iPhone) Mobile' });
    await phone.addCookies([{ name: 'sim_wechat_user', value: user.id, url: pond.baseUrl }]);
    const tab = await phone.newPage();
    await tab.goto(code.url);
    await tab.waitForURL(/\/sim\/ca\/cawcde/);
    const channel = new URL(tab.url()).searchParams.get('customer_channel');
    expect(channel).toMatch(new RegExp(`^${code.state}\\.`));
    await tab.getByTestId('sim-link-start').click();
    await tab.waitForURL(/\/sim\/phone\?msg=/);

    const ext = await pond.app.sim!.control.externalUseridOf(user.id, { corpId: pond.corpId });
    const attributed = await waitFor(async () => {
      const { rows } = await pond.app.pool.query(
        `SELECT a.code_id, a.state, v.channel_state FROM attributions a JOIN code_visits v ON v.id = a.visit_id WHERE a.corp_id = $1 AND a.external_userid = $2`,
        [pond.corpId, ext]);
      return rows[0];
    }, { message: 'add attributed to the code and the visit' });
    expect(attributed).toMatchObject({ code_id: id, state: channel });
    expect(channel!.endsWith(`.${attributed.channel_state}`)).toBe(true);

    // The operator sees the scan and the add on the code's numbers.
    await page.reload();
    await expect.poll(() => page.getByTestId('stat-adds').innerText(), { timeout: 15_000 }).toContain('1');
    await phone.close();
  });
});
