// In a browser: a member opens Pond's sidebar in the simulator's mock WeCom chat window. The page signs in
// by WeCom OAuth, loads the apps/h5 bundle, whose official JS-SDK (@wecom/jssdk) registers with agentConfig
// through the client's WeixinJSBridge (the simulator injects it), finds the customer of the chat, shows them,
// edits a tag (written to WeCom) and sends a script into the chat, which the customer's phone receives. In a
// group chat it shows the group.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../apps/server/test/helpers';
import { CHROMIUM, browserPond } from './browser';

describe.skipIf(!CHROMIUM)('chat sidebar in the mock WeCom client (apps/h5 on @wecom/jssdk)', () => {
  const ctx = browserPond();

  it('shows the chat’s customer, edits a tag and sends a script into the chat', async () => {
    const { pond, browser } = ctx;
    const sim = pond.app.sim!.control;
    const { rows: [staff] } = await pond.app.pool.query(`SELECT userid, name FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid LIMIT 1`, [pond.corpId]);
    const user = await sim.createWechatUser({ nickname: '侧边栏客户' });
    const { externalUserid } = await sim.addStaff(user.id, { userid: staff.userid });
    await waitFor(async () => (await pond.api('GET', `/api/customers/${externalUserid}`)).status === 200, { message: 'customer in Pond' });
    const script = (await pond.api('POST', '/api/scripts', { title: '问候', content: '{nickname}您好，我是{staff}，有什么可以帮您？' })).body;
    const tag = (await pond.api('GET', '/api/tags')).body.groups[0].tags[0];

    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${pond.baseUrl}/sim/wecom/chat?corp=${pond.corpId}&userid=${staff.userid}&external=${externalUserid}`);
    const side = page.frameLocator('iframe#sidebar');
    await expect.poll(() => side.getByTestId('customer-name').innerText(), { timeout: 20_000 }).toBe('侧边栏客户');
    // The official SDK registered with agentConfig and asked for the context through the bridge (the frame logs each call).
    const log = await page.locator('#jslog').innerText();
    expect(log).toContain('agentConfig');
    expect(log).toContain('"agentConfig:ok"');
    expect(log).toContain('getCurExternalContact');

    await side.getByText('+ 添加标签').click();
    await side.locator(`input[name=tag][value="${tag.id}"]`).check();
    await side.getByText('保存 Save').click();
    await waitFor(async () => (await sim.getFollow(pond.corpId, staff.userid, externalUserid))?.tagIds.includes(tag.id), { message: 'tag in WeCom' });
    await expect.poll(() => side.locator('#my-tags').innerText()).toContain(tag.name);

    await side.locator(`[data-script="${script.id}"]`).click();
    const want = `侧边栏客户您好，我是${staff.name}，有什么可以帮您？`;
    await waitFor(async () => (await sim.listInbox(user.id)).some((m) => JSON.stringify(m.payload).includes(want)), { message: 'script in the customer inbox' });
    await waitFor(async () => (await pond.app.pool.query('SELECT use_count FROM scripts WHERE id = $1', [script.id])).rows[0].use_count === 1, { message: 'use counted' });
    // The chat window shows it too (the client refreshes its transcript after a send).
    await expect.poll(() => page.locator('#transcript').innerText()).toContain(want);

    // The timeline tab shows what happened, in words.
    await side.locator('[data-tab=timeline]').click();
    await expect.poll(() => side.getByTestId('sidebar-event').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('in a group chat shows the group', async () => {
    const { pond, browser } = ctx;
    const [g] = await pond.app.sim!.control.listGroups(pond.corpId);
    const { rows: [row] } = await pond.app.pool.query(`SELECT name FROM groups WHERE corp_id = $1 AND chat_id = $2`, [pond.corpId, g.chatId]);
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await page.goto(`${pond.baseUrl}/sim/wecom/chat?corp=${pond.corpId}&userid=${g.owner}&chat=${g.chatId}`);
    await expect.poll(() => page.frameLocator('iframe#sidebar').getByTestId('group-name').innerText(), { timeout: 20_000 }).toBe(row.name);
    await page.close();
  });

  it('outside the WeCom client the page says where to open it', async () => {
    const { pond, browser } = ctx;
    const { rows: [staff] } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND status = 1 ORDER BY userid LIMIT 1`, [pond.corpId]);
    const page = await browser.newPage();
    // Signed in through the simulator's OAuth page, but opened as a top-level page: no client frame, no bridge.
    await page.goto(`${pond.baseUrl}/sidebar/${pond.corpId}`);
    await page.locator(`a[href*="as=${staff.userid}"]`).first().click();
    await expect.poll(() => page.getByTestId('status').innerText(), { timeout: 20_000 }).toContain('请在企业微信中打开');
    await page.close();
  });
});
