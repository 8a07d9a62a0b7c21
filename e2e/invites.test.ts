// In a browser: a customer opens an invite campaign on the simulator's phone (identity from the phone's WeChat
// session), gets their poster, shares it; two simulated friends open the poster's link and add the staff member it
// routes them to; the progress page and the leaderboard update on the phone without a reload, and the operator sees
// the numbers in the console.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../apps/server/test/helpers';
import { defaultPosterDesign } from '../apps/server/src/modules/posters';
import { CHROMIUM, browserPond, signIn } from './browser';

describe.skipIf(!CHROMIUM)('invite campaign in a browser', () => {
  const ctx = browserPond();

  it('a customer shares their poster, two friends add through it, progress and leaderboard update', async () => {
    const { pond, browser } = ctx;
    const sim = pond.app.sim!.control;
    const { rows: staff } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid LIMIT 2`, [pond.corpId]);
    const user = await sim.createWechatUser({ nickname: '分享达人' });
    const { externalUserid } = await sim.addStaff(user.id, { corpId: pond.corpId, userid: staff[1].userid });
    await waitFor(async () => (await pond.app.pool.query(`SELECT 1 FROM customers WHERE corp_id = $1 AND external_userid = $2 AND unionid IS NOT NULL`, [pond.corpId, externalUserid])).rowCount, { message: 'customer in Pond' });

    const code = await pond.api('POST', '/api/live-codes', { kind: 'staff', name: '邀请好友活码', channel: '裂变', pool: [{ userid: staff[0].userid }] });
    expect(code.status, JSON.stringify(code.body)).toBe(200);
    const created = await pond.api('POST', '/api/invites', {
      name: '邀请好友领积分', startsAt: new Date(Date.now() - 60_000).toISOString(), rules: '邀请 2 位好友添加顾问即得 50 积分。',
      config: {
        codeId: code.body.id, holdDays: 0, posterTitle: '邀请好友 领积分', antiFraud: { maxPerIp: null, burstCount: null, burstSeconds: 60 },
        tiers: [{ friends: 2, reward: { kind: 'points', points: 50, title: '50 积分' } }],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const c = created.body;
    expect((await pond.api('POST', `/api/campaigns/${c.id}/status`, { status: 'active' })).status).toBe(200);

    // The participant's phone.
    const phone = await browser.newContext({ viewport: { width: 390, height: 760 }, userAgent: 'Mozilla/5.0 (iPhone) Mobile' });
    await phone.addCookies([{ name: 'sim_wechat_user', value: user.id, url: pond.baseUrl }]);
    const page = await phone.newPage();
    await page.goto(c.pageUrl);
    await page.getByTestId('c-title').waitFor();
    await page.getByTestId('i-join').click();
    await page.getByTestId('i-poster').waitFor();
    // The poster is a real image (rendered server-side), and the link its QR encodes is shown.
    await expect.poll(() => page.getByTestId('i-poster-img').evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth), { timeout: 20_000 }).toBeGreaterThan(0);
    const shareUrl = (await page.getByTestId('i-share-url').innerText()).trim();
    expect(shareUrl).toMatch(/\/l\/i\/[A-Za-z0-9]+$/);
    expect(await page.getByTestId('i-credited').innerText()).toBe('0');

    // Two friends open the link (their phones) and add the staff member the campaign's code routes them to.
    for (const nickname of ['好友甲', '好友乙']) {
      const f = await sim.createWechatUser({ nickname });
      const scan = await sim.scan(f.id, shareUrl);
      expect(scan.kind).toBe('contact');
    }
    // The participant's page updates by itself (it polls): both counted, the tier reached, first on the leaderboard.
    await expect.poll(() => page.getByTestId('i-credited').innerText(), { timeout: 30_000 }).toBe('2');
    await expect.poll(() => page.getByTestId('i-tiers').innerText()).toContain('已发放');
    expect(await page.getByTestId('i-board-row').first().innerText()).toContain('2');
    expect(await page.getByTestId('i-my-rank').innerText()).toContain('1');
    await page.screenshot({ path: 'test-results/invites-phone.png', fullPage: true }).catch(() => undefined);

    // A friend's own view of the link: the staff member's QR with who invited them.
    const friendPhone = await browser.newContext({ viewport: { width: 390, height: 760 }, userAgent: 'Mozilla/5.0 (iPhone) Mobile' });
    const f3 = await sim.createWechatUser({ nickname: '好友丙' });
    await friendPhone.addCookies([{ name: 'sim_wechat_user', value: f3.id, url: pond.baseUrl }]);
    const fp = await friendPhone.newPage();
    await fp.goto(shareUrl);
    expect(await fp.locator('body').innerText()).toContain('分享达人 邀请您');
    await fp.screenshot({ path: 'test-results/invites-friend.png', fullPage: true }).catch(() => undefined);
    await friendPhone.close();

    // The operator: the campaign's numbers and the leaderboard.
    const consolePage = await browser.newPage({ locale: 'zh-CN' });
    await signIn(consolePage, pond);
    await consolePage.goto(`${pond.baseUrl}/invites/${c.id}`);
    await expect.poll(() => consolePage.getByTestId('invite-leaderboard').innerText(), { timeout: 15_000 }).toContain('分享达人');
    expect(await consolePage.getByTestId('invite-stat-credited').innerText()).toContain('2');
    expect(await consolePage.getByTestId('invite-stat-kFactor').innerText()).toContain('2.00');
    await consolePage.screenshot({ path: 'test-results/invites-console.png', fullPage: true }).catch(() => undefined);
    await consolePage.goto(`${pond.baseUrl}/invites`);
    await consolePage.getByText('邀请好友领积分').waitFor();
    await consolePage.close();
    await phone.close();
  }, 120_000);

  it('the campaign form picks a published poster template by name, with its preview (drafts are not offered)', async () => {
    const { pond, browser } = ctx;
    const { rows: [staff] } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid LIMIT 1`, [pond.corpId]);
    const design = defaultPosterDesign({ title: '邀请好友 领好礼', body: '邀请 3 位好友添加顾问即得礼品' });
    const published = await pond.api('POST', '/api/poster-templates', { name: '春季邀请海报', purpose: 'invite', design });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect((await pond.api('POST', `/api/poster-templates/${published.body.id}/publish`, { acknowledgeWarnings: true })).status).toBe(200);
    const draft = await pond.api('POST', '/api/poster-templates', { name: '未发布草稿海报', purpose: 'invite', design });
    expect(draft.status).toBe(200);
    const code = await pond.api('POST', '/api/live-codes', { kind: 'staff', name: '海报选择活码', channel: '裂变', pool: [{ userid: staff.userid }] });
    const created = await pond.api('POST', '/api/invites', {
      name: '选海报活动', startsAt: new Date(Date.now() - 60_000).toISOString(),
      config: { codeId: code.body.id, tiers: [{ friends: 2, reward: { kind: 'points', points: 50, title: '50 积分' } }] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.config.posterTemplateId).toBeNull();

    // The console speaks the signed-in user's language (zh-CN by default), not the browser's.
    {
      const page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1280, height: 1100 } });
      await signIn(page, pond);
      await page.goto(`${pond.baseUrl}/invites/${created.body.id}/edit`);
      const picker = page.getByTestId('invite-poster-template');
      await picker.waitFor();
      await picker.click();
      const option = page.locator('.ant-select-item-option').filter({ hasText: '春季邀请海报' });
      await option.waitFor();
      expect(await page.locator('.ant-select-item-option').filter({ hasText: '未发布草稿海报' }).count()).toBe(0);
      // Its purpose, as a tag beside the name.
      expect(await option.locator('.ant-tag').innerText()).toBe('邀请海报');
      await option.click();
      // The chosen template's preview is the server's drawing of it.
      const preview = page.getByTestId('invite-poster-preview').locator('img');
      await expect.poll(() => preview.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), { timeout: 30_000 }).toBe(1080);
      await page.screenshot({ path: 'test-results/invites-poster-picker.png' }).catch(() => undefined);
      await page.getByTestId('invite-save').click();
      await expect.poll(async () => (await pond.api('GET', `/api/invites/${created.body.id}`)).body.config.posterTemplateId, { timeout: 15_000 }).toBe(published.body.id);
      await page.close();
    }
  }, 300_000);
});
