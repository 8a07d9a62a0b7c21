// In a browser: an operator's service-type fission path (服务型: landing page → poster → invite → sign-up form →
// group) on the simulator's phone — a customer opens the landing page (identity from the phone's WeChat session),
// taps its button (their poster), fills the sign-up form (a bad phone number is refused under its field), submits,
// and is shown the group code, whose page shows the group's QR; they join. The console's funnel shows the counts.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../apps/server/test/helpers';
import { CHROMIUM, browserPond, signIn } from './browser';

describe.skipIf(!CHROMIUM)('service fission path in a browser', () => {
  const ctx = browserPond();

  it('landing page → poster → form submit → group code on the phone; the console funnel counts each step', async () => {
    const { pond, browser } = ctx;
    const sim = pond.app.sim!.control;
    const { rows: staff } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid LIMIT 2`, [pond.corpId]);
    const g = await sim.createGroup({ corpId: pond.corpId, owner: staff[0].userid, name: '体验课服务群' });
    await sim.waitForCallbacks(10_000);
    await pond.app.inbox.drain();
    const staffCode = await pond.api('POST', '/api/live-codes', { kind: 'staff', name: '体验课顾问', channel: '裂变', pool: [{ userid: staff[0].userid }] });
    const groupCode = await pond.api('POST', '/api/live-codes', { kind: 'group', name: '体验课群活码', groupCap: 200, groupChatIds: [g.chatId], groupBaseName: '体验课服务群' });
    expect([staffCode.status, groupCode.status], JSON.stringify([staffCode.body, groupCode.body])).toEqual([200, 200]);

    const created = await pond.api('POST', '/api/fission/paths', {
      model: 'service', name: '免费体验课', startsAt: new Date(Date.now() - 60_000).toISOString(),
      landing: { title: '免费体验课 · 限时报名', body: '资深老师一对一讲解。\n\n报名后进群领取课程。', ctaText: '领取我的海报' },
      invite: {
        codeId: staffCode.body.id, holdDays: 0, posterTitle: '一起来上体验课', antiFraud: { maxPerIp: null, burstCount: null, burstSeconds: 60 },
        tiers: [{ friends: 1, reward: { kind: 'points', points: 10, title: '10 积分' } }],
      },
      form: {
        unlockFriends: 0,
        fields: [
          { key: 'name', label: '姓名', type: 'name' }, { key: 'phone', label: '手机号', type: 'phone' },
          { key: 'grade', label: '年级', type: 'select', options: ['一年级', '二年级'] }, { key: 'note', label: '备注', type: 'text', required: false },
        ],
      },
      groupCodeId: groupCode.body.id,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const path = created.body;
    expect((await pond.api('POST', `/api/fission/paths/${path.id}/status`, { status: 'active' })).status).toBe(200);

    // The customer (added a staff member before) and their phone.
    const user = await sim.createWechatUser({ nickname: '体验课家长' });
    const { externalUserid } = await sim.addStaff(user.id, { corpId: pond.corpId, userid: staff[1].userid });
    await waitFor(async () => (await pond.app.pool.query(`SELECT 1 FROM customers WHERE corp_id = $1 AND external_userid = $2 AND unionid IS NOT NULL`, [pond.corpId, externalUserid])).rowCount, { message: 'customer in Pond' });
    const phone = await browser.newContext({ viewport: { width: 390, height: 760 }, userAgent: 'Mozilla/5.0 (iPhone) Mobile MicroMessenger/8.0' });
    await phone.addCookies([{ name: 'sim_wechat_user', value: user.id, url: pond.baseUrl }]);
    const page = await phone.newPage();
    await page.goto(path.entryUrl);
    expect(await page.getByTestId('f-title').innerText()).toBe('免费体验课 · 限时报名');
    expect(await page.getByTestId('f-body').innerText()).toContain('资深老师');
    await page.screenshot({ path: 'test-results/fission-landing.png', fullPage: true }).catch(() => undefined);

    // The button: their poster, and (no friends needed) the form.
    await page.getByTestId('f-cta').click();
    await page.getByTestId('f-poster').waitFor();
    await expect.poll(() => page.getByTestId('f-poster-img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), { timeout: 20_000 }).toBeGreaterThan(0);
    await page.getByTestId('f-form').waitFor();
    await page.getByTestId('f-field-name').fill('张小明');
    await page.getByTestId('f-field-phone').fill('12345');
    await page.getByTestId('f-field-grade').selectOption('二年级');
    await page.getByTestId('f-submit').click();
    // The server's rule, under its field; nothing stored.
    expect(await page.getByTestId('f-error-phone').innerText()).toContain('mobile');
    expect((await pond.app.pool.query('SELECT 1 FROM fission_submissions WHERE path_id = $1', [path.id])).rowCount).toBe(0);
    await page.screenshot({ path: 'test-results/fission-form.png', fullPage: true }).catch(() => undefined);
    await page.getByTestId('f-field-phone').fill('13912345678');
    await page.getByTestId('f-submit').click();
    await page.getByTestId('f-done').waitFor();
    expect(await page.getByTestId('f-done').innerText()).toContain('13912345678');
    const groupUrl = await page.getByTestId('f-group-link').getAttribute('href');
    expect(groupUrl).toBe(`${pond.baseUrl}/l/${groupCode.body.key}`);
    await page.screenshot({ path: 'test-results/fission-done.png', fullPage: true }).catch(() => undefined);

    // The group code's page: the group's QR to long-press.
    await page.getByTestId('f-group-link').click();
    await page.waitForURL(`**/l/${groupCode.body.key}**`);
    expect(await page.locator('body').innerText()).toContain('加入群聊');
    await expect.poll(() => page.locator('img.qr').count()).toBe(1);
    // They join (the simulator's WeChat acting on the same QR).
    const join = await sim.scan(user.id, groupUrl!);
    expect(join.kind).toBe('join');
    await sim.waitForCallbacks(10_000);
    await pond.app.inbox.drain();

    // The operator's funnel: 1 visited → 1 poster → 1 unlocked → 1 signed up → 1 joined; the submission with its answers.
    const consolePage = await browser.newPage({ locale: 'zh-CN' });
    await signIn(consolePage, pond);
    await consolePage.goto(`${pond.baseUrl}/fission/${path.id}`);
    for (const step of ['visited', 'poster', 'unlocked', 'signed_up', 'joined_group']) {
      await expect.poll(() => consolePage.getByTestId(`fission-step-${step}`).getAttribute('data-count'), { timeout: 20_000, message: step }).toBe('1');
    }
    expect(await consolePage.getByTestId('fission-funnel').innerText()).toContain('加入群聊');
    await consolePage.screenshot({ path: 'test-results/fission-console.png', fullPage: true }).catch(() => undefined);
    await consolePage.getByRole('tab', { name: '报名记录' }).click();
    await expect.poll(() => consolePage.getByTestId('fission-submissions').innerText()).toContain('13912345678');
    expect(await consolePage.getByTestId('fission-submissions').innerText()).toContain('二年级');
    // The list shows the path with its funnel.
    await consolePage.goto(`${pond.baseUrl}/fission`);
    await expect.poll(() => consolePage.getByTestId(`fission-funnel-${path.id}`).innerText(), { timeout: 15_000 }).toContain('加入群聊 1');
    await consolePage.screenshot({ path: 'test-results/fission-list.png', fullPage: true }).catch(() => undefined);
    await consolePage.close();
    await phone.close();
  }, 180_000);
});
