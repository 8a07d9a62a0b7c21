// In a browser, tasks where staff work: a send task for a customer shows in the sidebar of their chat in the
// simulated WeCom client; one tap sends each of its messages into the chat in order (the customer's phone gets
// them) and marks it done. The task page, opened as an app page in the client, lists my tasks with the corp's
// times, opens the task's chat (openEnterpriseChat), marks one done and skips one with a reason. It is opened the way
// members get there: from the app message Pond sends when tasks fall due.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { waitFor, type TestPond } from '../apps/server/test/helpers';
import { CHROMIUM, browserPond } from './browser';

/** `YYYY-MM-DD HH:mm` in the corp's zone (Asia/Shanghai in the demo), as the pages show times. */
const shanghai = (iso: string) => {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
};

async function customerOf(pond: TestPond, userid: string, nickname: string) {
  const sim = pond.app.sim!.control;
  const user = await sim.createWechatUser({ nickname });
  const { externalUserid } = await sim.addStaff(user.id, { userid });
  await waitFor(async () => (await pond.api('GET', `/api/customers/${externalUserid}`)).status === 200, { message: 'customer in Pond' });
  return { wechatUserId: user.id, externalUserid };
}

async function task(pond: TestPond, ownerUserid: string, externalUserid: string, text: string, link?: { title: string; url: string }) {
  const r = await pond.api('POST', '/api/tasks', { ownerUserid, externalUserid, content: { text, attachments: link ? [{ msgtype: 'link', link }] : [] } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.status).toBe('pending');
  return r.body as { id: number; dueAt: string };
}

const taskRow = async (pond: TestPond, id: number) => (await pond.api('GET', `/api/tasks/${id}`)).body;

async function openChat(page: Page, pond: TestPond, userid: string, externalUserid: string) {
  await page.goto(`${pond.baseUrl}/sim/wecom/chat?corp=${pond.corpId}&userid=${userid}&external=${externalUserid}`);
  return page.frameLocator('iframe#sidebar');
}

describe.skipIf(!CHROMIUM)('staff tasks in the sidebar and on the task page (simulated WeCom client)', () => {
  const ctx = browserPond();
  /** Tasks fall due now whatever the hour: no quiet hours (the demo's 21:00–09:00 would defer them to the morning). */
  const noQuietHours = async (pond: TestPond) => {
    const r = await pond.api('PUT', '/api/governance/policy', { quietStart: null, quietEnd: null });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  };

  it('the sidebar lists the chat’s task; one tap sends all its messages in order and marks it done', async () => {
    const { pond, browser } = ctx;
    await noQuietHours(pond);
    const sim = pond.app.sim!.control;
    const { rows: [staff] } = await pond.app.pool.query(`SELECT userid, name FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid LIMIT 1`, [pond.corpId]);
    const c = await customerOf(pond, staff.userid, '任务客户');
    const t = await task(pond, staff.userid, c.externalUserid, '{nickname}您好，春季新品到了', { title: '春季新品', url: 'https://shop.example.com/spring' });

    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const side = await openChat(page, pond, staff.userid, c.externalUserid);
    const item = side.locator(`[data-task="${t.id}"]`);
    // The preview is the task's text as written (placeholders and all); what is sent has them filled.
    await expect.poll(() => item.innerText(), { timeout: 20_000 }).toContain('{nickname}您好，春季新品到了');
    expect(await item.innerText()).toContain(shanghai(t.dueAt));
    // A double tap sends once.
    await item.locator('[data-action=send-task]').dblclick();

    await waitFor(async () => (await taskRow(pond, t.id)).status === 'done', { message: 'task done', timeoutMs: 20_000 });
    const done = await taskRow(pond, t.id);
    expect(done.doneVia).toBe('sidebar');
    // The phone got both, text first, then the link card (newest first in the inbox).
    const inbox = (await sim.listInbox(c.wechatUserId)).filter((m) => m.from.userid === staff.userid && m.kind === 'chat');
    expect(inbox.slice(0, 2).reverse().map((m) => m.payload)).toEqual([
      { msgtype: 'text', text: { content: '任务客户您好，春季新品到了' } },
      { msgtype: 'link', link: { url: 'https://shop.example.com/spring', title: '春季新品', desc: '', picurl: '' } },
    ]);
    // Sent once, and the task leaves the list.
    await expect.poll(() => item.count()).toBe(0);
    const all = (await sim.listInbox(c.wechatUserId)).filter((m) => m.from.userid === staff.userid && m.kind === 'chat');
    expect(all.filter((m) => JSON.stringify(m.payload).includes('春季新品到了'))).toHaveLength(1);
    expect(all.filter((m) => JSON.stringify(m.payload).includes('shop.example.com/spring'))).toHaveLength(1);
    await page.close();
  });

  it('the task page lists my tasks, opens a task’s chat where the sidebar sends it, marks one done and skips one', async () => {
    const { pond, browser } = ctx;
    await noQuietHours(pond);
    const sim = pond.app.sim!.control;
    const { rows: [staff] } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid DESC LIMIT 1`, [pond.corpId]);
    const a = await customerOf(pond, staff.userid, '甲客户');
    const b = await customerOf(pond, staff.userid, '乙客户');
    const c = await customerOf(pond, staff.userid, '丙客户');
    // One task per customer: the contact budget would hold a second one back.
    const send = await task(pond, staff.userid, a.externalUserid, '{nickname}，您的会员礼包已到账');
    const byHand = await task(pond, staff.userid, b.externalUserid, '乙：电话回访');
    const skip = await task(pond, staff.userid, c.externalUserid, '丙：周年问候');

    // Pond tells the member by a WeCom app message (a textcard); in the client its button opens the task page in the
    // client's webview (entry `normal`), where the page gets the JS bridge.
    await pond.app.tasks.notifyDue(new Date());
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(`${pond.baseUrl}/sim/wecom?corp=${pond.corpId}&userid=${staff.userid}`);
    const card = page.locator('.card.textcard', { hasText: '查看' }).first();
    const href = await card.locator('a[href*="/wecom/app-messages/"]').getAttribute('href', { timeout: 20_000 });
    await page.goto(href!);
    await page.waitForURL(/\/sim\/wecom\/app\?/);
    const taskUrl = new URL(new URL(page.url()).searchParams.get('url')!);
    expect(taskUrl.pathname).toBe(`/tasks/${pond.corpId}`);
    const view = page.frameLocator('iframe#webview');
    const pending = view.getByTestId('tasks-pending');
    await expect.poll(() => pending.locator('[data-task]').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    // The task the message named (when it named one) is shown first.
    const named = Number(taskUrl.searchParams.get('task'));
    if (named) expect(await view.locator(`[data-task="${named}"]`).getAttribute('class')).toContain('focus');
    const first = pending.locator(`[data-task="${send.id}"]`);
    const text = await first.innerText();
    expect(text).toContain('甲客户');
    expect(text).toContain(shanghai(send.dueAt));
    expect(text).toContain('{nickname}，您的会员礼包已到账');

    // Done by hand, from the task page.
    await pending.locator(`[data-task="${byHand.id}"] [data-action=done]`).click();
    await expect.poll(() => view.getByTestId('tasks-done').locator(`[data-task="${byHand.id}"]`).count()).toBe(1);
    expect(await taskRow(pond, byHand.id)).toMatchObject({ status: 'done', doneVia: 'task_page' });

    // Skipped with a reason.
    await pending.locator(`[data-task="${skip.id}"] [data-action=skip]`).click();
    await pending.locator(`[data-task="${skip.id}"] input[name=reason]`).fill('客户已来店');
    await pending.locator(`[data-task="${skip.id}"] [data-action=confirm-skip]`).click();
    await waitFor(async () => (await taskRow(pond, skip.id)).status === 'skipped', { message: 'skipped' });
    expect((await taskRow(pond, skip.id)).skipReason).toBe('客户已来店');
    await expect.poll(() => pending.locator(`[data-task="${skip.id}"]`).count()).toBe(0);

    // Open chat: the client switches to the 1:1 chat, whose sidebar sends the task in one tap.
    await first.locator('[data-action=open-chat]').click();
    await page.waitForURL(/\/sim\/wecom\/chat\?/, { timeout: 20_000 });
    expect(new URL(page.url()).searchParams.get('external')).toBe(a.externalUserid);
    const side = page.frameLocator('iframe#sidebar');
    await side.locator(`[data-task="${send.id}"] [data-action=send-task]`).click({ timeout: 20_000 });
    await waitFor(async () => (await taskRow(pond, send.id)).status === 'done', { message: 'sent from the sidebar', timeoutMs: 20_000 });
    const [latest] = await sim.listInbox(a.wechatUserId);
    expect(latest.payload).toEqual({ msgtype: 'text', text: { content: '甲客户，您的会员礼包已到账' } });
    await page.close();
  });
});
