// Keyword answers (FAQ): Chinese phrasing variants match one FAQ through its synonyms; a customer's question in a group
// becomes a suggested-reply task for the owner (app message, the group's sidebar), and the sidebar's send marks it
// answered with the time measured; a staff message in the chat also answers it; unanswered questions escalate to the
// store manager once; unmatched questions are collected and become an FAQ in one step; WeCom's keyword hits take the
// same path. Messages reach the listener as the archive's ingest hands them over: inside a transaction, once each.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../src/modules/archive';
import { withTransaction } from '../src/platform/db';
import { startTestPond, waitFor, type TestPond } from './helpers';

let pond: TestPond;
let group: { chat_id: string; owner_userid: string; name: string };
let customer: string;
let ownerToken: string;
let logisticsFaq: number;
const q = async <T = any>(sql: string, values: unknown[] = []) => (await pond.app.pool.query(sql, values)).rows as T[];
let seq = 0;

function msg(over: Partial<StoredMessage>): StoredMessage {
  seq++;
  return {
    id: seq, corpId: pond.corpId, msgid: `m-${randomUUID()}`, seq, action: 'send', type: 'text', sender: customer, senderKind: 'customer',
    chatId: group.chat_id, peer: null, sentAt: new Date(), text: '', payload: {}, ...over,
  };
}
const ingest = (messages: StoredMessage[]) => withTransaction(pond.app.pool, (db) => pond.app.faq.listener().onMessages(db, pond.corpId, messages));
const question = async (msgid: string) => (await q(`SELECT * FROM faq_questions WHERE corp_id = $1 AND msgid = $2`, [pond.corpId, msgid]))[0];

beforeAll(async () => {
  pond = await startTestPond();
  [group] = await q(`SELECT g.chat_id, g.owner_userid, g.name FROM groups g JOIN staff s ON s.corp_id = g.corp_id AND s.userid = g.owner_userid
                      WHERE g.corp_id = $1 AND g.status = 'active' AND s.store_id IS NOT NULL
                        AND EXISTS (SELECT 1 FROM group_members m JOIN customers c ON c.corp_id = m.corp_id AND c.external_userid = m.member_id
                                     WHERE m.corp_id = g.corp_id AND m.chat_id = g.chat_id AND m.type = 2)
                      ORDER BY g.chat_id LIMIT 1`, [pond.corpId]);
  [{ member_id: customer }] = await q(`SELECT m.member_id FROM group_members m JOIN customers c ON c.corp_id = m.corp_id AND c.external_userid = m.member_id
                                        WHERE m.corp_id = $1 AND m.chat_id = $2 AND m.type = 2 ORDER BY m.member_id LIMIT 1`, [pond.corpId, group.chat_id]);
  ownerToken = (await pond.app.auth.createToken({ corpId: pond.corpId, name: 'faq-owner', role: 'staff', staffUserid: group.owner_userid } as never)).token;
  const made = await pond.api('POST', '/api/faqs', {
    question: '物流信息', synonyms: ['快递到哪了', '发货了吗', '查物流'], answer: { text: '{nickname}您好，订单发货后可在「我的订单」查看物流，一般 48 小时内发出。' },
  });
  expect(made.status, JSON.stringify(made.body)).toBe(200);
  logisticsFaq = made.body.id;
  await pond.api('POST', '/api/faqs', { question: '怎么退货', synonyms: ['退款', '不想要了'], answer: { text: '七天无理由退货，请在订单页申请。' } });
  await pond.api('POST', '/api/faqs', { question: '会员积分', synonyms: ['积分怎么用'], answer: { text: 'VIP 专享' }, tiers: ['vip'] });
}, 120_000);
afterAll(async () => { await pond?.close(); });

describe('FAQ matching', () => {
  it('matches Chinese phrasing variants of one question through its synonyms, and not unrelated or other-tier messages', async () => {
    const variants = ['物流信息', '我的快递到哪里了？', '请问什么时候发货', '发货了吗', '帮我查下物流'];
    for (const text of variants) {
      const r = await pond.api('POST', '/api/faqs/test', { text });
      expect(r.status).toBe(200);
      expect(r.body.matches[0], text).toMatchObject({ faqId: logisticsFaq });
      expect(r.body.matches[0].score, text).toBeGreaterThanOrEqual(r.body.threshold);
    }
    const other = await pond.api('POST', '/api/faqs/test', { text: '我想退款' });
    expect(other.body.matches[0].faqId).not.toBe(logisticsFaq);
    const messages = variants.map((text) => msg({ text }));
    const noise = [msg({ text: '今天天气真好' }), msg({ text: '积分怎么用' })];
    await ingest([...messages, ...noise]);
    for (const m of messages) expect(await question(m.msgid), m.text).toMatchObject({ status: 'matched', faq_id: logisticsFaq, chat_id: group.chat_id, owner_userid: group.owner_userid });
    // Not a question: not collected. A VIP-only FAQ does not answer in a group without that tier: collected as unmatched.
    expect(await question(noise[0].msgid)).toBeUndefined();
    expect(await question(noise[1].msgid)).toMatchObject({ status: 'unmatched', faq_id: null });
    // Stored once however often the archive hands the same message over (a replayed batch).
    await ingest(messages.slice(0, 1));
    expect(await q(`SELECT 1 FROM faq_questions WHERE corp_id = $1 AND msgid = $2`, [pond.corpId, messages[0].msgid])).toHaveLength(1);
    const events = await q(`SELECT type FROM customer_events WHERE corp_id = $1 AND external_userid = $2 AND type = 'faq.asked' AND data->>'faqId' = $3`, [pond.corpId, customer, String(logisticsFaq)]);
    expect(events.length).toBe(variants.length);
  });
});

describe('suggested replies', () => {
  it('question → task in the group sidebar + app message → one-tap send marks it answered, time measured', async () => {
    // The questions of the test before have their tasks and their owner has been told: this question's task is then the
    // only one falling due in its pass, and its card names it (several at once get one card for them all).
    await waitFor(async () => (await q(`SELECT 1 FROM faq_questions WHERE corp_id = $1 AND status = 'matched' AND task_id IS NULL`, [pond.corpId])).length === 0, { message: 'earlier suggestions made' });
    await pond.app.tasks.notifyDue(new Date());
    const asked = msg({ text: '快递到哪了？', sentAt: new Date(Date.now() - 30_000) });
    await ingest([asked]);
    const withTask = await waitFor(async () => { const x = await question(asked.msgid); return x?.task_id ? x : null; }, { message: 'suggestion task made' });
    expect(withTask.suggested_at.getTime()).toBeGreaterThanOrEqual(asked.sentAt.getTime());
    // The sidebar in that group lists it for the owner.
    const sidebar = await pond.api('GET', `/api/tasks?chatId=${encodeURIComponent(group.chat_id)}&open=true`, undefined, { token: ownerToken });
    const task = sidebar.body.items.find((t: any) => t.id === withTask.task_id);
    expect(task).toMatchObject({ kind: 'send', source: { kind: 'faq', id: withTask.id }, target: { kind: 'group', chatId: group.chat_id } });
    const messages = await pond.api('GET', `/api/tasks/${task.id}/messages`, undefined, { token: ownerToken });
    expect(messages.body.items[0].text.content).toContain('我的订单');
    // The owner was told by app message at once (not at the next minute's pass), through the outbox.
    const app = await waitFor(async () => {
      const sent = (await pond.app.sim!.control.listStaffMessages(pond.corpId, group.owner_userid)).filter((m: any) => JSON.stringify(m).includes(`task=${task.id}`));
      return sent.length > 0 ? sent : null;
    }, { message: 'app message to the owner' });
    expect(app).toHaveLength(1);
    // One tap: sent from the sidebar, done (twice at once: answered once).
    const done = await Promise.all([1, 2].map(() => pond.api('POST', `/api/tasks/${task.id}/done`, { via: 'sidebar' }, { token: ownerToken })));
    expect(done.map((d) => d.status)).toEqual([200, 200]);
    const answered = await question(asked.msgid);
    expect(answered).toMatchObject({ status: 'answered', answered_via: 'task' });
    expect((answered.answered_at.getTime() - asked.sentAt.getTime()) / 1000).toBeGreaterThanOrEqual(29);
    const listed = await pond.api('GET', `/api/faqs/questions?chatId=${encodeURIComponent(group.chat_id)}&status=answered`);
    const row = listed.body.items.find((x: any) => x.id === withTask.id);
    expect(row.answerSeconds).toBeGreaterThanOrEqual(29);
    expect(await q(`SELECT 1 FROM customer_events WHERE corp_id = $1 AND type = 'faq.answered' AND data->>'questionId' = $2`, [pond.corpId, String(withTask.id)])).toHaveLength(1);
    const stats = await pond.api('GET', '/api/faqs/stats');
    expect(stats.body.answered).toBeGreaterThanOrEqual(1);
    expect(stats.body.medianSeconds).toBeGreaterThanOrEqual(29);
    expect(stats.body.p90Seconds).toBeGreaterThanOrEqual(stats.body.medianSeconds);
    expect(stats.body.top[0]).toMatchObject({ faqId: logisticsFaq });
  });

  it('asked and answered are segment conditions (per-day counts and the rolled windows)', async () => {
    const inSegment = async (eventType: string, count: number) => {
      const r = await pond.api('POST', '/api/segments/preview', { rule: { op: 'and', conditions: [{ type: 'event', eventType, op: 'atLeast', count, days: 7 }] } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const made = await pond.api('POST', '/api/segments', { name: `faq-${eventType}-${count}-${randomUUID().slice(0, 6)}`, rule: { op: 'and', conditions: [{ type: 'event', eventType, op: 'atLeast', count, days: 7 }] } });
      expect(made.status, JSON.stringify(made.body)).toBe(200);
      const m = await pond.api('GET', `/api/segments/${made.body.id}/members?pageSize=200`);
      return (m.body.items as { externalUserid: string }[]).some((x) => x.externalUserid === customer);
    };
    // The question of the test before was asked and answered by this customer.
    expect(await inSegment('faq.answered', 1)).toBe(true);
    expect(await inSegment('faq.asked', 1)).toBe(true);
    expect(await inSegment('faq.answered', 50)).toBe(false);
    await pond.app.eventWindows.rollAll();
    expect(await inSegment('faq.answered', 1)).toBe(true);
    expect(await inSegment('moderation.violated', 1)).toBe(false);
  });

  it('a staff message in the chat after the question answers it, and its task ends', async () => {
    const asked = msg({ text: '发货了吗', sentAt: new Date(Date.now() - 60_000) });
    await ingest([asked]);
    const { task_id: taskId } = await waitFor(async () => { const x = await question(asked.msgid); return x?.task_id ? x : null; });
    // A staff message before the question answers nothing; the one after does.
    await ingest([msg({ senderKind: 'staff', sender: group.owner_userid, text: '早上好', sentAt: new Date(asked.sentAt.getTime() - 5_000) })]);
    expect((await question(asked.msgid)).status).toBe('matched');
    const reply = msg({ senderKind: 'staff', sender: group.owner_userid, text: '今天下午发出', sentAt: new Date(asked.sentAt.getTime() + 20_000) });
    await ingest([reply]);
    expect(await question(asked.msgid)).toMatchObject({ status: 'answered', answered_via: 'chat' });
    expect((await question(asked.msgid)).answered_at.getTime()).toBe(reply.sentAt.getTime());
    await waitFor(async () => (await pond.api('GET', `/api/tasks/${taskId}`)).body.status === 'done', { message: 'task ended by the chat answer' });
    expect((await pond.api('GET', `/api/tasks/${taskId}`)).body.doneVia).toBe('wecom');
  });

  it('escalates an unanswered question to the store manager once', async () => {
    const storeId = (await q(`SELECT store_id FROM staff WHERE corp_id = $1 AND userid = $2`, [pond.corpId, group.owner_userid]))[0].store_id;
    const manager = (await q(`SELECT userid FROM staff WHERE corp_id = $1 AND userid <> $2 AND status = 1 ORDER BY userid DESC LIMIT 1`, [pond.corpId, group.owner_userid]))[0].userid;
    const user = await pond.api('POST', '/api/users', { username: 'faq-manager', displayName: '店长', role: 'store_manager', storeIds: [storeId], staffUserid: manager });
    expect(user.status, JSON.stringify(user.body)).toBe(200);
    await q(`UPDATE memberships SET status = 'active' WHERE corp_id = $1 AND staff_userid = $2`, [pond.corpId, manager]);
    await pond.api('PUT', '/api/faqs/settings', { escalateAfterMinutes: 5 });
    const asked = msg({ text: '查物流', sentAt: new Date(Date.now() - 10 * 60_000) });
    await ingest([asked]);
    const { task_id: taskId, id } = await waitFor(async () => { const x = await question(asked.msgid); return x?.task_id ? x : null; });
    const before = (await pond.app.sim!.control.listStaffMessages(pond.corpId, manager)).length;
    const [a, b] = await Promise.all([pond.app.faq.tick(new Date()), pond.app.faq.tick(new Date())]);
    expect(a.escalated + b.escalated).toBe(1);
    expect((await pond.api('GET', `/api/tasks/${taskId}`)).body.status).toBe('overdue');
    expect((await pond.app.sim!.control.listStaffMessages(pond.corpId, manager)).length).toBe(before + 1);
    expect((await q(`SELECT escalated_at FROM faq_questions WHERE id = $1`, [id]))[0].escalated_at).not.toBeNull();
    await pond.app.faq.tick(new Date());
    expect((await pond.app.sim!.control.listStaffMessages(pond.corpId, manager)).length).toBe(before + 1);
  });
});

describe('unmatched questions and keyword hits', () => {
  it('collects unmatched questions; one click makes an FAQ that then answers the same question', async () => {
    const asked = msg({ text: '你们周末营业吗？' });
    await ingest([asked, msg({ text: '好的' })]);
    const { id } = await question(asked.msgid);
    const list = await pond.api('GET', '/api/faqs/questions?status=unmatched');
    expect(list.body.items.map((x: any) => x.id)).toContain(id);
    const made = await pond.api('POST', `/api/faqs/questions/${id}/faq`, { answer: { text: '周末 10:00–22:00 营业' } });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    expect(made.body.question).toBe('你们周末营业吗？');
    expect((await question(asked.msgid)).status).toBe('added');
    // A second click is refused (409), the FAQ is not made twice.
    expect((await pond.api('POST', `/api/faqs/questions/${id}/faq`, { answer: { text: 'x' } })).status).toBe(409);
    const again = msg({ text: '周末营业吗' });
    await ingest([again]);
    expect(await question(again.msgid)).toMatchObject({ status: 'matched', faq_id: made.body.id });
  });

  it("turns WeCom's keyword-rule hit (hit_keyword) into the same suggestion, once with the archive's copy", async () => {
    const { msgid } = await pond.app.sim!.control.keywordHit(pond.corpId, { chatId: group.chat_id, externalUserid: customer, keyword: '物流', content: '我的物流信息呢' });
    const hit = await waitFor(async () => { const x = await question(msgid); return x?.task_id ? x : null; }, { message: 'keyword hit suggested' });
    expect(hit).toMatchObject({ source: 'hit_keyword', faq_id: logisticsFaq, chat_id: group.chat_id });
    await ingest([msg({ msgid, text: '我的物流信息呢' })]);
    expect(await q(`SELECT 1 FROM faq_questions WHERE corp_id = $1 AND msgid = $2`, [pond.corpId, msgid])).toHaveLength(1);
  });

  it('refuses bad input naming the field', async () => {
    const noAnswer = await pond.api('POST', '/api/faqs', { question: '物流', answer: {} });
    expect(noAnswer.status).toBe(400);
    expect(JSON.stringify(noAnswer.body)).toContain('answer');
    const punct = await pond.api('POST', '/api/faqs', { question: '？？', answer: { text: 'x' } });
    expect(punct.status).toBe(400);
    expect(JSON.stringify(punct.body)).toContain('question');
    const low = await pond.api('PUT', '/api/faqs/settings', { threshold: 0.1 });
    expect(low.status).toBe(400);
    expect(JSON.stringify(low.body)).toContain('threshold');
    expect((await pond.api('GET', '/api/faqs/999999')).status).toBe(404);
    expect((await q(`SELECT count(*)::int AS n FROM faq_entries WHERE corp_id = $1 AND question = '？？'`, [pond.corpId]))[0].n).toBe(0);
  });
});
