// Group operations end to end, as people do it: a customer asks in a customer group from the simulated phone; the
// chat archive takes the line in (msgaudit_notify wakes the pull), the FAQ matches it and the group's owner gets the
// suggested reply — an app message, and the task in the sidebar of that group in the simulated WeCom client — where
// one tap sends the answer into the group. The customer's phone shows it in the group, and the time from the question
// to the answer is recorded.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../apps/server/test/helpers';
import { CHROMIUM, browserPond } from './browser';

describe.skipIf(!CHROMIUM)('a customer asks in a group; the owner answers with one tap', () => {
  const ctx = browserPond();

  it('phone → archive → FAQ hit → sidebar in that group → one tap → the answer in the group, answer time recorded', async () => {
    const { pond, browser } = ctx;
    const q = async <T = any>(sql: string, values: unknown[] = []) => (await pond.app.pool.query(sql, values)).rows as T[];
    // The answer is a reply the customer asked for; quiet hours would still hold back the app message at night.
    expect((await pond.api('PUT', '/api/governance/policy', { quietStart: null, quietEnd: null })).status).toBe(200);
    const faq = await pond.api('POST', '/api/faqs', {
      question: '物流信息', synonyms: ['快递到哪了', '发货了吗'], answer: { text: '您好，订单发货后可在「我的订单」查看物流，一般 48 小时内发出。' },
    });
    expect(faq.status, JSON.stringify(faq.body)).toBe(200);
    // A simulated customer in a group Pond knows, whose owner is an active member.
    const [g] = await q<{ chat_id: string; owner: string; wechat_user_id: string; member_id: string; name: string }>(
      `SELECT g.chat_id, g.owner, g.name, m.wechat_user_id, m.member_id
         FROM wecom_sim.group_members m JOIN wecom_sim.groups g ON g.corp_id = m.corp_id AND g.chat_id = m.chat_id
         JOIN groups pg ON pg.corp_id = g.corp_id AND pg.chat_id = g.chat_id AND pg.owner_userid = g.owner
        WHERE m.corp_id = $1 AND m.type = 2 AND m.left_at IS NULL AND m.wechat_user_id IS NOT NULL AND g.dismissed_at IS NULL
        ORDER BY g.chat_id, m.member_id LIMIT 1`, [pond.corpId]);
    expect(g).toBeTruthy();

    // The customer's phone: the group, a question typed and sent.
    const phoneCtx = await browser.newContext({ viewport: { width: 420, height: 860 }, locale: 'zh-CN' });
    await phoneCtx.addCookies([{ name: 'sim_wechat_user', value: g.wechat_user_id, url: pond.baseUrl }]);
    const phone = await phoneCtx.newPage();
    await phone.goto(`${pond.baseUrl}/sim/phone/group?chat=${encodeURIComponent(g.chat_id)}`);
    await phone.locator('form.composer input[name=text]').fill('请问我的快递到哪了？');
    const askedAt = Date.now();
    await phone.locator('form.composer button').click();
    await expect.poll(() => phone.locator('#conversation').innerText()).toContain('请问我的快递到哪了？');

    // Archive → FAQ → the suggestion, with nobody pulling by hand (msgaudit_notify wakes the archive's pull).
    const question = await waitFor(async () => {
      const [row] = await q(`SELECT * FROM faq_questions WHERE corp_id = $1 AND chat_id = $2 AND text = $3`, [pond.corpId, g.chat_id, '请问我的快递到哪了？']);
      return row?.task_id ? row : null;
    }, { message: 'the question matched and suggested', timeoutMs: 60_000 });
    expect(question).toMatchObject({ status: 'matched', faq_id: faq.body.id, owner_userid: g.owner, external_userid: g.member_id });

    // The owner's WeCom client: the app message tells them, and the sidebar in that group has the reply.
    const client = await browser.newPage({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
    await client.goto(`${pond.baseUrl}/sim/wecom?corp=${pond.corpId}&userid=${g.owner}`);
    await expect.poll(() => client.locator('body').innerText(), { timeout: 20_000 }).toContain('快递到哪了');
    await client.screenshot({ path: 'test-results/group-faq-app-message.png' });
    await client.goto(`${pond.baseUrl}/sim/wecom/chat?corp=${pond.corpId}&userid=${g.owner}&chat=${encodeURIComponent(g.chat_id)}`);
    const side = client.frameLocator('iframe#sidebar');
    const item = side.locator(`[data-task="${question.task_id}"]`);
    await expect.poll(() => item.innerText(), { timeout: 20_000 }).toContain('我的订单');
    // A group's task says it is sent into the group (not 1:1), and what the customer asked.
    expect(await item.innerText()).toContain('send in the group');
    expect(await item.innerText()).toContain('请问我的快递到哪了？');
    // The client's transcript names the customer who asked.
    const [{ nickname }] = await q(`SELECT nickname FROM wecom_sim.wechat_users WHERE id = $1`, [g.wechat_user_id]);
    await expect.poll(() => client.locator('#transcript').innerText()).toContain(`${nickname} ·`);
    await client.screenshot({ path: 'test-results/group-faq-sidebar.png' });
    await item.locator('[data-action=send-task]').click();
    await waitFor(async () => (await pond.api('GET', `/api/tasks/${question.task_id}`)).body.status === 'done', { message: 'sent from the sidebar', timeoutMs: 20_000 });
    await client.screenshot({ path: 'test-results/group-faq-sent.png' });

    // The customer sees the answer in the group, from the owner.
    await phone.reload();
    await expect.poll(() => phone.locator('#conversation').innerText(), { timeout: 20_000 }).toContain('一般 48 小时内发出');
    await phone.screenshot({ path: 'test-results/group-faq-phone.png' });
    const inGroup = (await pond.app.sim!.control.getGroup(g.chat_id))!;
    expect(inGroup.chatId).toBe(g.chat_id);

    // Answered once, by the task, with the time from question to answer.
    const answered = (await q(`SELECT * FROM faq_questions WHERE id = $1`, [question.id]))[0];
    expect(answered).toMatchObject({ status: 'answered', answered_via: 'task' });
    expect(answered.answered_at.getTime()).toBeGreaterThanOrEqual(answered.asked_at.getTime());
    expect(answered.answered_at.getTime()).toBeLessThanOrEqual(Date.now());
    expect(Math.abs(answered.asked_at.getTime() - askedAt)).toBeLessThan(60_000);
    const listed = await pond.api('GET', `/api/faqs/questions?chatId=${encodeURIComponent(g.chat_id)}&status=answered`);
    const row = listed.body.items.find((x: { id: number }) => x.id === question.id);
    expect(row.answerSeconds).toBeGreaterThanOrEqual(0);
    expect(row.answerSeconds).toBe(Math.round((answered.answered_at.getTime() - answered.asked_at.getTime()) / 1000));
    // The owner's own line in the archive (the sent answer) does not open a second answer.
    expect(await q(`SELECT 1 FROM customer_events WHERE corp_id = $1 AND type = 'faq.answered' AND data->>'questionId' = $2`, [pond.corpId, String(question.id)])).toHaveLength(1);
    await phoneCtx.close();
    await client.close();
  }, 240_000);
});
