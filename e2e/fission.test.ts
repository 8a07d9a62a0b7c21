// In a browser: an operator's service-type fission path (服务型: landing page → poster → invite → sign-up form →
// group) on the simulator's phone — a customer opens the landing page (identity from the phone's WeChat session),
// taps its button (their poster), fills the sign-up form (a bad phone number is refused under its field), submits,
// and is shown the group code, whose page shows the group's QR; they join. The console's funnel shows the counts.
// Then an operator edits a path in the console: the new landing title on the detail page and the customer's page,
// the server's 400 under the field it names, and the fields locked once someone has signed up. And an operator makes a
// spread path in the wizard from an existing invite campaign (选择已有): one linked meanwhile by another path is refused
// under the select (409), another is linked as it is, the path's end taken from the campaign's.
import { describe, expect, it } from 'vitest';
import { waitFor, type TestPond } from '../apps/server/test/helpers';
import { CHROMIUM, browserPond, pickOption, signIn } from './browser';

/** The staff (first two followers), a group of the first, a staff code and a group code over that group. */
async function codesForServicePath(pond: TestPond, groupName: string) {
  const sim = pond.app.sim!.control;
  const { rows: staff } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid LIMIT 2`, [pond.corpId]);
  const g = await sim.createGroup({ corpId: pond.corpId, owner: staff[0].userid, name: groupName });
  await sim.waitForCallbacks(10_000);
  await pond.app.inbox.drain();
  const staffCode = await pond.api('POST', '/api/live-codes', { kind: 'staff', name: `${groupName}顾问`, channel: '裂变', pool: [{ userid: staff[0].userid }] });
  const groupCode = await pond.api('POST', '/api/live-codes', { kind: 'group', name: `${groupName}活码`, groupCap: 200, groupChatIds: [g.chatId], groupBaseName: groupName });
  expect([staffCode.status, groupCode.status], JSON.stringify([staffCode.body, groupCode.body])).toEqual([200, 200]);
  return { staff: staff as { userid: string }[], staffCode: staffCode.body as { id: number }, groupCode: groupCode.body as { id: number; key: string } };
}

/** A service path (no friends needed before the form), published. */
async function publishedServicePath(pond: TestPond, name: string, codes: { staffCode: { id: number }; groupCode: { id: number } }) {
  const created = await pond.api('POST', '/api/fission/paths', {
    model: 'service', name, startsAt: new Date(Date.now() - 60_000).toISOString(),
    landing: { title: '免费体验课 · 限时报名', body: '资深老师一对一讲解。\n\n报名后进群领取课程。', ctaText: '领取我的海报' },
    invite: {
      codeId: codes.staffCode.id, holdDays: 0, posterTitle: '一起来上体验课', antiFraud: { maxPerIp: null, burstCount: null, burstSeconds: 60 },
      tiers: [{ friends: 1, reward: { kind: 'points', points: 10, title: '10 积分' } }],
    },
    form: {
      unlockFriends: 0,
      fields: [
        { key: 'name', label: '姓名', type: 'name' }, { key: 'phone', label: '手机号', type: 'phone' },
        { key: 'grade', label: '年级', type: 'select', options: ['一年级', '二年级'] }, { key: 'note', label: '备注', type: 'text', required: false },
      ],
    },
    groupCodeId: codes.groupCode.id,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  expect((await pond.api('POST', `/api/fission/paths/${created.body.id}/status`, { status: 'active' })).status).toBe(200);
  return created.body as { id: number; entryUrl: string; form: { fields: unknown[] } };
}

describe.skipIf(!CHROMIUM)('service fission path in a browser', () => {
  const ctx = browserPond();

  it('landing page → poster → form submit → group code on the phone; the console funnel counts each step', async () => {
    const { pond, browser } = ctx;
    const sim = pond.app.sim!.control;
    const codes = await codesForServicePath(pond, '体验课服务群');
    const { staff, groupCode } = codes;
    const path = await publishedServicePath(pond, '免费体验课', codes);

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
    expect(groupUrl).toBe(`${pond.baseUrl}/l/${groupCode.key}`);
    await page.screenshot({ path: 'test-results/fission-done.png', fullPage: true }).catch(() => undefined);

    // The group code's page: the group's QR to long-press.
    await page.getByTestId('f-group-link').click();
    await page.waitForURL(`**/l/${groupCode.key}**`);
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

  it('an operator edits a path: the new landing title on the detail page and the customer page; the server\'s 400 under its field; fields locked after a sign-up', async () => {
    const { pond, browser } = ctx;
    const sim = pond.app.sim!.control;
    const path = await publishedServicePath(pond, '第二期体验课', await codesForServicePath(pond, '第二期服务群'));
    // Screenshots wait until the modal has finished opening.
    const modalOpened = () => consolePage.evaluate(`(() => {
      const m = document.querySelector('.ant-modal');
      return !!m && getComputedStyle(m).opacity === '1' && m.closest('.ant-modal-root').getAnimations({ subtree: true }).length === 0;
    })()`);
    const storedFields = async () => (await pond.app.pool.query('SELECT form FROM fission_paths WHERE id = $1', [path.id])).rows[0].form.fields
      .map((f: { key: string; label: string }) => `${f.key}:${f.label}`);
    const created = ['name:姓名', 'phone:手机号', 'grade:年级', 'note:备注'];

    // A visitor's phone (a guest sees the landing page too).
    const user = await sim.createWechatUser({ nickname: '第二期家长' });
    const phone = await browser.newContext({ viewport: { width: 390, height: 760 }, userAgent: 'Mozilla/5.0 (iPhone) Mobile MicroMessenger/8.0' });
    await phone.addCookies([{ name: 'sim_wechat_user', value: user.id, url: pond.baseUrl }]);
    const page = await phone.newPage();
    await page.goto(path.entryUrl);
    expect(await page.getByTestId('f-title').innerText()).toBe('免费体验课 · 限时报名');

    // The modal, filled from the path (a select's options as lines).
    const consolePage = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1280, height: 1700 } });
    await signIn(consolePage, pond);
    await consolePage.goto(`${pond.baseUrl}/fission/${path.id}`);
    await consolePage.getByTestId('fission-edit').click();
    const modal = consolePage.getByTestId('fission-edit-form');
    await modal.waitFor();
    expect(await consolePage.getByTestId('fission-name').inputValue()).toBe('第二期体验课');
    expect(await consolePage.getByTestId('fission-landing-title').inputValue()).toBe('免费体验课 · 限时报名');
    expect(await consolePage.getByTestId('fission-field-key-2').inputValue()).toBe('grade');
    expect(await consolePage.getByTestId('fission-field-options-2').inputValue()).toBe('一年级\n二年级');
    expect(await consolePage.getByTestId('fission-fields-locked').count()).toBe(0);
    await expect.poll(modalOpened, { timeout: 5_000 }).toBe(true);
    await consolePage.screenshot({ path: 'test-results/fission-edit.png' }).catch(() => undefined);

    // A new landing title: on the detail page, in the customer's API and on their page; the fields as they were.
    await consolePage.getByTestId('fission-landing-title').fill('第二期体验课 · 报名开启');
    await consolePage.getByTestId('fission-edit-save').click();
    await modal.waitFor({ state: 'detached' });
    await consolePage.getByRole('tab', { name: '落地页 · 报名表' }).click();
    await expect.poll(() => consolePage.getByTestId('fission-detail-landing-title').innerText(), { timeout: 15_000 }).toBe('第二期体验课 · 报名开启');
    const view = await phone.request.get(`${pond.baseUrl}/c/api/${pond.corpId}/fission/${path.id}`);
    expect(view.status()).toBe(200);
    const body = await view.json() as { landing: { title: string; ctaText: string }; form: { fields: unknown[] } };
    expect(body.landing).toMatchObject({ title: '第二期体验课 · 报名开启', ctaText: '领取我的海报' });
    expect(body.form.fields).toEqual(path.form.fields);
    await page.reload();
    await expect.poll(() => page.getByTestId('f-title').innerText(), { timeout: 15_000 }).toBe('第二期体验课 · 报名开启');

    // The server's rule (not the form's): two fields with one key — its message under the second key, nothing saved.
    await consolePage.getByTestId('fission-edit').click();
    await modal.waitFor();
    await consolePage.getByTestId('fission-field-key-1').fill('name');
    await consolePage.getByTestId('fission-edit-save').click();
    const keyError = consolePage.locator('.ant-form-item', { has: consolePage.getByTestId('fission-field-key-1') }).locator('.ant-form-item-explain-error');
    await expect.poll(() => keyError.innerText().catch(() => ''), { timeout: 15_000 }).toContain('must differ from the other fields');
    expect(await modal.isVisible()).toBe(true);
    expect(await storedFields()).toEqual(created);

    // Someone signs up while the modal is open: a changed label is refused by the server, under the fields list.
    await consolePage.getByTestId('fission-field-key-1').fill('phone');
    await pond.app.pool.query(`INSERT INTO fission_submissions (corp_id, path_id, external_userid, answers) VALUES ($1, $2, 'wm_edit_race', '{}')`, [pond.corpId, path.id]);
    await consolePage.getByTestId('fission-field-label-0').fill('家长姓名');
    await consolePage.getByTestId('fission-edit-save').click();
    await expect.poll(() => consolePage.getByTestId('fission-fields-error').innerText(), { timeout: 15_000 }).toContain('cannot change once customers have signed up');
    expect(await storedFields()).toEqual(created);
    await expect.poll(modalOpened, { timeout: 5_000 }).toBe(true);
    await consolePage.screenshot({ path: 'test-results/fission-edit-error.png' }).catch(() => undefined);
    await consolePage.locator('.ant-modal-close').click();
    await modal.waitFor({ state: 'detached' });

    // With the sign-up counted, the fields show locked with why; the rest still saves (the fields sent as they were).
    await consolePage.reload();
    await expect.poll(() => consolePage.getByTestId('fission-step-signed_up').getAttribute('data-count'), { timeout: 20_000 }).toBe('1');
    await consolePage.getByTestId('fission-edit').click();
    await modal.waitFor();
    expect(await consolePage.getByTestId('fission-fields-locked').innerText()).toContain('1 位客户');
    expect(await consolePage.getByTestId('fission-field-key-0').isDisabled()).toBe(true);
    expect(await consolePage.getByTestId('fission-field-label-0').isDisabled()).toBe(true);
    await expect.poll(modalOpened, { timeout: 5_000 }).toBe(true);
    await consolePage.screenshot({ path: 'test-results/fission-edit-locked.png' }).catch(() => undefined);
    await consolePage.getByTestId('fission-name').fill('第二期体验课（已开班）');
    await consolePage.getByTestId('fission-edit-save').click();
    await modal.waitFor({ state: 'detached' });
    await expect.poll(() => consolePage.getByRole('heading', { level: 4 }).filter({ hasText: '第二期体验课（已开班）' }).count(), { timeout: 15_000 }).toBe(1);
    expect(await storedFields()).toEqual(created);

    // An ended path cannot change: no button.
    expect((await pond.api('POST', `/api/fission/paths/${path.id}/status`, { status: 'ended' })).status).toBe(200);
    await consolePage.reload();
    await consolePage.getByTestId('fission-funnel').waitFor();
    expect(await consolePage.getByTestId('fission-edit').count()).toBe(0);
    await consolePage.close();
    await phone.close();
  }, 180_000);

  it('the wizard links an existing invite campaign (选择已有): one taken meanwhile is refused under its field; the path takes the other as it is', async () => {
    const { pond, browser } = ctx;
    const { staffCode } = await codesForServicePath(pond, '关联活动群');
    // Two invite campaigns made on their own pages; the second ends on a whole minute (pickers count minutes).
    const end = new Date(Math.floor((Date.now() + 7 * 86400_000) / 60_000) * 60_000).toISOString();
    const invite = async (name: string, endsAt: string | null) => {
      const made = await pond.api('POST', '/api/invites', {
        name, startsAt: new Date(Date.now() - 3_600_000).toISOString(), endsAt,
        config: { codeId: staffCode.id, holdDays: 0, tiers: [{ friends: 3, reward: { kind: 'points', points: 30, title: '30 积分' } }] },
      });
      expect(made.status, JSON.stringify(made.body)).toBe(200);
      expect((await pond.api('POST', `/api/campaigns/${made.body.id}/status`, { status: 'active' })).status).toBe(200);
      return made.body as { id: number; name: string };
    };
    const taken = await invite('老客邀请（将被占用）', null);
    const mine = await invite('老客邀请月', end);
    const campaigns = async () => (await pond.app.pool.query(`SELECT count(*)::int AS n FROM campaigns WHERE corp_id = $1`, [pond.corpId])).rows[0].n as number;

    const page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1280, height: 1400 } });
    await signIn(page, pond);
    await page.goto(`${pond.baseUrl}/fission/new`);
    await page.getByTestId('fission-model-spread').click();
    await page.getByTestId('fission-name').fill('老客带新');
    await page.getByTestId('fission-source-existing').click();
    const select = page.getByTestId('fission-existing-campaign');
    await select.waitFor();
    expect(await page.getByTestId('fission-summary').innerText()).toContain('将关联');
    await pickOption(page, select, taken.name, async () => (await select.innerText()).includes(taken.name));

    // Another path links it before the operator saves: the server's 409, under the select; nothing made.
    const other = await pond.api('POST', '/api/fission/paths', { model: 'spread', name: '抢先', startsAt: new Date().toISOString(), invite: { campaignId: taken.id } });
    expect(other.status, JSON.stringify(other.body)).toBe(200);
    const before = await campaigns();
    await page.getByTestId('fission-save').click();
    const error = page.locator('.ant-form-item', { has: select }).locator('.ant-form-item-explain-error');
    await expect.poll(() => error.innerText().catch(() => ''), { timeout: 15_000 }).toContain('already belongs to the path');
    await page.screenshot({ path: 'test-results/fission-link-taken.png', fullPage: true }).catch(() => undefined);

    // The other campaign: the window is prefilled inside it; the path links it, no campaign is made.
    await pickOption(page, select, mine.name, async () => (await select.innerText()).includes(mine.name));
    await page.getByTestId('fission-save').click();
    await page.waitForURL(/\/fission\/\d+$/, { timeout: 15_000 });
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    const { rows: [row] } = await pond.app.pool.query('SELECT invite_campaign_id, ends_at, status FROM fission_paths WHERE id = $1', [id]);
    expect([Number(row.invite_campaign_id), row.ends_at.toISOString(), row.status]).toEqual([mine.id, end, 'draft']);
    expect(await campaigns()).toBe(before);
    await page.getByTestId('fission-funnel').waitFor();
    expect(await page.locator(`a[href="/invites/${mine.id}"]`).count()).toBe(1);
    await page.screenshot({ path: 'test-results/fission-linked.png', fullPage: true }).catch(() => undefined);
    // A draft path's edit offers its link (the campaign linked now first).
    await page.getByTestId('fission-edit').click();
    await page.getByTestId('fission-edit-form').waitFor();
    expect(await page.getByTestId('fission-edit-form').getByTestId('fission-existing-campaign').innerText()).toContain(`#${mine.id} · 当前关联`);
    await page.locator('.ant-modal-close').click();
    await page.close();
  }, 180_000);
});
