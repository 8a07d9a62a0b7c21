// In a browser: the operator's red-packet rules (定时红包) in the console — list, form, detail — and a customer taking
// a packet on the simulator's phone: the amount shows, the button turns to "taken", the packet is listed under "my red
// packets", and the operator sees the round's count on the rule's page.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../apps/server/test/helpers';
import { CHROMIUM, browserPond, signIn } from './browser';

// Headless Chromium here has no CJK font: screenshots borrow the Noto Sans SC the poster renderer ships (looks only).
const require = createRequire(import.meta.url);
const CJK = readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf', { paths: [new URL('../apps/server', import.meta.url).pathname] }));
async function shot(page: Page, name: string): Promise<void> {
  await page.route('**/__cjk.ttf', (r) => r.fulfill({ body: CJK, contentType: 'font/ttf' }));
  await page.addStyleTag({ content: `@font-face { font-family: 'PondCJK'; src: url('/__cjk.ttf'); } body, body * { font-family: -apple-system, 'Segoe UI', Roboto, 'PondCJK', sans-serif !important; }` });
  await page.evaluate('document.fonts.ready').catch(() => undefined);
  await page.screenshot({ path: `test-results/${name}.png`, fullPage: true }).catch(() => undefined);
}

describe.skipIf(!CHROMIUM)('red packets in a browser', () => {
  const ctx = browserPond();

  it('a customer takes a red packet on the phone and the operator sees the round on the rule', async () => {
    const { pond, browser } = ctx;
    const sim = pond.app.sim!.control;
    const { rows: [staff] } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid LIMIT 1`, [pond.corpId]);
    const user = await sim.createWechatUser({ nickname: '红包客户' });
    const { externalUserid } = await sim.addStaff(user.id, { corpId: pond.corpId, userid: staff.userid });
    await waitFor(async () => (await pond.app.pool.query(`SELECT 1 FROM customers WHERE corp_id = $1 AND external_userid = $2 AND unionid IS NOT NULL`, [pond.corpId, externalUserid])).rowCount, { message: 'customer in Pond' });

    const created = await pond.api('POST', '/api/redpackets', {
      name: '午间红包雨', startsAt: new Date(Date.now() - 60_000).toISOString(), rules: '每场每人 1 个，先到先得。',
      budgetTotalFen: 10_000,
      config: { amount: { mode: 'fixed', amountFen: 188 }, slots: [{ weekdays: [], start: '00:00', end: '24:00', count: 20 }], title: '午间红包雨' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const rp = created.body;
    expect((await pond.api('POST', `/api/campaigns/${rp.id}/status`, { status: 'active' })).status).toBe(200);

    // The customer's phone: a small viewport and the simulator's WeChat identity cookie.
    const phone = await browser.newContext({ viewport: { width: 390, height: 760 }, userAgent: 'Mozilla/5.0 (iPhone) Mobile' });
    await phone.addCookies([{ name: 'sim_wechat_user', value: user.id, url: pond.baseUrl }]);
    const page = await phone.newPage();
    await page.goto(rp.pageUrl);
    await page.getByTestId('c-title').waitFor();
    await page.getByTestId('rp-envelope').waitFor();
    expect(await page.getByTestId('rp-envelope').innerText()).toContain('¥1.88');
    await expect.poll(() => page.getByTestId('rp-left').innerText()).toBe('20');
    await shot(page, 'redpacket-phone-before');
    await page.getByTestId('rp-claim').click();
    await page.getByTestId('rp-won').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('rp-won').innerText()).toContain('1.88');
    await expect.poll(() => page.getByTestId('rp-left').innerText()).toBe('19');
    expect(await page.getByTestId('rp-claim').isDisabled()).toBe(true);
    await page.getByTestId('rp-mine').waitFor();
    expect(await page.getByTestId('rp-mine').innerText()).toContain('¥1.88');
    await shot(page, 'redpacket-phone-after');
    const { rows } = await pond.app.pool.query(`SELECT count(*)::int AS n, sum(amount_fen)::int AS fen FROM rewards WHERE campaign_id = $1 AND external_userid = $2`, [rp.id, externalUserid]);
    expect(rows[0]).toEqual({ n: 1, fen: 188 });

    // The operator: the rule's list, its page with the claim, and the form.
    // (The console's language is the user's choice, not the browser's locale: this pass is zh-CN.)
    for (const locale of ['zh-CN']) {
      const consolePage = await browser.newPage({ locale, viewport: { width: 1366, height: 900 } });
      await signIn(consolePage, pond);
      await consolePage.goto(`${pond.baseUrl}/redpackets`);
      await consolePage.getByText('午间红包雨').first().waitFor();
      await shot(consolePage, `redpacket-list-${locale}`);
      await consolePage.goto(`${pond.baseUrl}/redpackets/${rp.id}`);
      // The rule as set, and the round the customer took a packet in (who took it is in the reward ledger, linked).
      await consolePage.getByTestId('redpacket-rule-slot').waitFor();
      expect(await consolePage.getByTestId('redpacket-rule-slot').innerText()).toMatch(/每天 00:00–24:00 · 每场 20 个/);
      await expect.poll(() => consolePage.getByTestId('redpacket-round').first().innerText(), { timeout: 15_000 }).toContain('1 / 20');
      expect(await consolePage.getByTestId('redpacket-round').first().innerText()).toContain('24:00');
      await shot(consolePage, `redpacket-detail-${locale}`);
      await consolePage.goto(`${pond.baseUrl}/redpackets/new`);
      await consolePage.getByTestId('redpacket-form').waitFor();
      await shot(consolePage, `redpacket-form-${locale}`);
      await consolePage.close();
    }
    await phone.close();
  }, 420_000);
});
