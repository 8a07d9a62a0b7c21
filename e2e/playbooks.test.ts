// A playbook in a browser, end to end: an operator builds a customer playbook in the console (trigger: added through a
// live code; one step, a task right after the add) and starts it; a customer scans the code and adds the staff member;
// the staff member sees the step's task in the chat sidebar of the simulated WeCom client and taps send; the customer's
// phone receives it; the playbook's results page shows the step sent.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../apps/server/test/helpers';
import { CHROMIUM, browserPond, signIn } from './browser';

describe.skipIf(!CHROMIUM)('a playbook from the builder to the sidebar send', () => {
  const ctx = browserPond();

  it('builds and starts a playbook; the add makes a task the staff member sends from the sidebar; the step shows sent', async () => {
    const { pond, browser } = ctx;
    const sim = pond.app.sim!.control;
    const { rows: [staff] } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid LIMIT 1`, [pond.corpId]);
    await pond.api('PUT', '/api/governance/policy', { quietStart: null, quietEnd: null, customerPerDay: 10, customerPerWeek: 20, customerPerMonth: 50 });
    const code = (await pond.api('POST', '/api/live-codes', { kind: 'staff', name: '剧本渠道码', channel: '剧本', pool: [{ userid: staff.userid }] })).body;

    const page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1400, height: 1000 } });
    await signIn(page, pond);
    await page.goto(`${pond.baseUrl}/playbooks/new`);
    await page.getByTestId('playbook-name').fill('新客欢迎 SOP');
    await page.getByTestId('playbook-codes').click();
    await page.locator('.ant-select-item-option', { hasText: '剧本渠道码' }).click();
    await page.getByTestId('step-add').click();
    await page.getByTestId('step-name').fill('加好友后');
    await page.getByTestId('step-offset').fill('0');
    await page.getByTestId('step-text').fill('{nickname}您好，这是新客专享的入门指南');
    await page.getByTestId('step-save').click();
    await expect.poll(() => page.locator('.ant-timeline').innerText()).toContain('加好友后');
    await page.screenshot({ path: '/tmp/pond-playbook-builder.png' });
    await page.getByTestId('playbook-save-activate').click();
    await page.waitForURL(/\/playbooks\/\d+$/, { timeout: 20_000 });
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    expect((await pond.api('GET', `/api/playbooks/${id}`)).body).toMatchObject({ status: 'active', trigger: { type: 'added', codeIds: [code.id] } });

    // A customer scans the code and adds the staff member.
    const user = await sim.createWechatUser({ nickname: '剧本新客' });
    const scan = await sim.scan(user.id, code.url);
    if (scan.kind !== 'contact') throw new Error(`scan: ${scan.kind}`);
    const ext = scan.result.externalUserid;
    await sim.waitForCallbacks(10_000);
    await pond.app.inbox.drain();
    await pond.app.playbooks.tick(new Date());
    const task = await waitFor(async () => (await pond.api('GET', `/api/tasks?sourceKind=playbook&externalUserid=${ext}`)).body.items?.[0], { message: 'the playbook task' });

    // The staff member opens the chat; the sidebar lists the task; one tap sends it.
    await page.goto(`${pond.baseUrl}/sim/wecom/chat?corp=${pond.corpId}&userid=${staff.userid}&external=${ext}`);
    const item = page.frameLocator('iframe#sidebar').locator(`[data-task="${task.id}"]`);
    await expect.poll(() => item.innerText(), { timeout: 20_000 }).toContain('入门指南');
    await item.locator('[data-action=send-task]').click();
    await waitFor(async () => (await pond.api('GET', `/api/playbooks/${id}/runs?status=sent`)).body.total === 1, { message: 'the run sent', timeoutMs: 20_000 });
    const inbox = await sim.listInbox(user.id);
    expect(JSON.stringify(inbox)).toContain('剧本新客您好，这是新客专享的入门指南');

    await page.goto(`${pond.baseUrl}/playbooks/${id}`);
    const stepRow = page.locator('.ant-table-row', { hasText: '加好友后' }).first();
    await expect.poll(() => stepRow.innerText(), { timeout: 20_000 }).toMatch(/1\s+1\s+1\s+1\s+0\s+0\s+0/);
    await page.screenshot({ path: '/tmp/pond-playbook-results.png', fullPage: true });
  }, 180_000);
});
