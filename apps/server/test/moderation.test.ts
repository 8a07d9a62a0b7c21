// Moderation: each rule on real-shaped archived messages (links, QR images, mini-programs, cards, phone numbers, a word
// list with variants, repeated messages, a new member posting at once, one member posting in many groups); a hit
// gives the owner a task with the one step to remove the member and an app message, strikes add up across the corp's
// groups, and a repeat offender is refused by a group code. Intercept rules are kept in WeCom (the simulator), a tier's
// persona makes a draft group playbook.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../src/modules/archive';
import { withTransaction } from '../src/platform/db';
import { startTestPond, waitFor, type TestPond } from './helpers';

let pond: TestPond;
let groups: { chat_id: string; owner_userid: string }[];
const q = async <T = any>(sql: string, values: unknown[] = []) => (await pond.app.pool.query(sql, values)).rows as T[];
let seq = 0;
/** Customers of the corp, one per test, so strikes do not mix. */
let customers: string[];
let next = 0;
const freshCustomer = () => customers[next++];

function msg(over: Partial<StoredMessage> & { sender: string }): StoredMessage {
  seq++;
  return {
    id: seq, corpId: pond.corpId, msgid: `m-${randomUUID()}`, seq, action: 'send', type: 'text', senderKind: 'customer',
    chatId: groups[0].chat_id, peer: null, sentAt: new Date(), text: '', payload: {}, ...over,
  };
}
const ingest = (messages: StoredMessage[]) => withTransaction(pond.app.pool, (db) => pond.app.moderation.listener().onMessages(db, pond.corpId, messages));
const rulesOf = async (msgid: string) => (await q<{ rule: string }>(`SELECT rule FROM moderation_violations WHERE corp_id = $1 AND msgid = $2 ORDER BY rule`, [pond.corpId, msgid])).map((r) => r.rule);

beforeAll(async () => {
  pond = await startTestPond();
  groups = await q(`SELECT chat_id, owner_userid FROM groups WHERE corp_id = $1 AND status = 'active' AND owner_userid IS NOT NULL ORDER BY chat_id LIMIT 3`, [pond.corpId]);
  expect(groups.length).toBe(3);
  customers = (await q<{ external_userid: string }>(`SELECT external_userid FROM customers WHERE corp_id = $1 AND unionid IS NOT NULL ORDER BY external_userid LIMIT 20`, [pond.corpId])).map((r) => r.external_userid);
  expect(customers.length).toBeGreaterThanOrEqual(12);
  const put = await pond.api('PUT', '/api/moderation/rules', {
    tier: '*', config: { words: ['加微信', '代开发票'], pinyinInitials: true, allowedDomains: ['myshop.com'], repeat: { count: 3, minutes: 10 }, newMember: { minutes: 10 }, multiGroup: { groups: 3, minutes: 30 }, strikesToBlock: 3 },
  });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
}, 120_000);
afterAll(async () => { await pond?.close(); });

describe('moderation rules on archived messages', () => {
  it('links (not the allowed shop), QR images, mini-programs, cards, phone numbers', async () => {
    const c = freshCustomer();
    const link = msg({ sender: c, text: '领福利 https://spam.example.xyz/a?b=1' });
    const linkMsg = msg({ sender: c, type: 'link', text: '限时抢购', payload: { link_url: 'http://ad.cn/x', title: '限时抢购' } });
    const shop = msg({ sender: c, text: '我在 https://www.myshop.com/item/1 买的' });
    const qr = msg({ sender: c, type: 'image', text: '', payload: { sdkfileid: 'f1', qr_text: 'https://u.wechat.com/spam' } });
    const plainImage = msg({ sender: c, type: 'image', text: '', payload: { sdkfileid: 'f2' } });
    const weapp = msg({ sender: c, type: 'weapp', text: '砍一刀', payload: { appid: 'wx123', title: '砍一刀' } });
    const card = msg({ sender: c, type: 'card', text: '某某微商', payload: { corpname: '微商公司', userid: 'x' } });
    const phone = msg({ sender: c, text: '有事打我 １３８ 0013-8000' });
    const ok = msg({ sender: c, text: '这个锅好用吗' });
    await ingest([link, linkMsg, shop, qr, plainImage, weapp, card, phone, ok]);
    expect(await rulesOf(link.msgid)).toEqual(['link']);
    expect(await rulesOf(linkMsg.msgid)).toEqual(['link']);
    expect(await rulesOf(shop.msgid)).toEqual([]);
    expect(await rulesOf(qr.msgid)).toEqual(['qr']);
    expect(await rulesOf(plainImage.msgid)).toEqual([]);
    expect(await rulesOf(weapp.msgid)).toEqual(['weapp']);
    expect(await rulesOf(card.msgid)).toEqual(['card']);
    expect(await rulesOf(phone.msgid)).toEqual(['phone']);
    expect(await rulesOf(ok.msgid)).toEqual([]);
  });

  it('the word list with variants: spaces, full-width, pinyin initials', async () => {
    const c = freshCustomer();
    const variants = [msg({ sender: c, text: '加 微 信 领红包' }), msg({ sender: c, text: '需要代开发票的私我' }), msg({ sender: c, text: 'jwx 详聊' })];
    const fine = msg({ sender: c, text: '微信支付可以吗' });
    await ingest([...variants, fine]);
    for (const v of variants) expect(await rulesOf(v.msgid), v.text).toEqual(['word']);
    expect(await rulesOf(fine.msgid)).toEqual([]);
  });

  it('repeated messages: the same text 3 times in 10 minutes', async () => {
    const c = freshCustomer();
    const t0 = Date.now() - 5 * 60_000;
    const same = [0, 1, 2].map((i) => msg({ sender: c, text: i === 1 ? '大家好 我是新来的' : '大家好我是新来的', sentAt: new Date(t0 + i * 60_000) }));
    for (const m of same) await ingest([m]);
    expect(await rulesOf(same[0].msgid)).toEqual([]);
    expect(await rulesOf(same[1].msgid)).toEqual([]);
    expect(await rulesOf(same[2].msgid)).toEqual(['repeat']);
  });

  it('a new member posting within 10 minutes of joining; an old member not', async () => {
    const c = freshCustomer();
    const old = freshCustomer();
    const chat = groups[1].chat_id;
    await q(`INSERT INTO group_members (corp_id, chat_id, member_id, type, join_time) VALUES ($1, $2, $3, 2, now() - interval '2 minutes'), ($1, $2, $4, 2, now() - interval '2 days')
             ON CONFLICT (corp_id, chat_id, member_id) DO UPDATE SET join_time = EXCLUDED.join_time, left_at = NULL`, [pond.corpId, chat, c, old]);
    const first = msg({ sender: c, chatId: chat, text: '你们好' });
    const oldie = msg({ sender: old, chatId: chat, text: '你们好' });
    await ingest([first, oldie]);
    expect(await rulesOf(first.msgid)).toEqual(['new_member']);
    expect(await rulesOf(oldie.msgid)).toEqual([]);
  });

  it('one member posting in 3 groups within 30 minutes', async () => {
    const c = freshCustomer();
    const posts = groups.map((g, i) => msg({ sender: c, chatId: g.chat_id, text: `第${i}条：早上好`, sentAt: new Date(Date.now() - (3 - i) * 60_000) }));
    await ingest(posts);
    expect(await rulesOf(posts[0].msgid)).toEqual([]);
    expect(await rulesOf(posts[1].msgid)).toEqual([]);
    expect(await rulesOf(posts[2].msgid)).toEqual(['multi_group']);
  });

  it('staff messages and a tier with moderation off are not checked', async () => {
    const c = freshCustomer();
    await q(`UPDATE groups SET tier = 'quiet' WHERE corp_id = $1 AND chat_id = $2`, [pond.corpId, groups[2].chat_id]);
    expect((await pond.api('PUT', '/api/moderation/rules', { tier: 'quiet', config: { enabled: false } })).status).toBe(200);
    const inQuiet = msg({ sender: c, chatId: groups[2].chat_id, text: 'https://ad.example.com' });
    const staff = msg({ sender: groups[0].owner_userid, senderKind: 'staff', text: 'https://ad.example.com' });
    await ingest([inQuiet, staff]);
    expect(await rulesOf(inQuiet.msgid)).toEqual([]);
    expect(await rulesOf(staff.msgid)).toEqual([]);
    expect((await pond.api('DELETE', '/api/moderation/rules?tier=quiet')).status).toBe(200);
    expect((await pond.api('DELETE', '/api/moderation/rules?tier=*')).status).toBe(400);
  });
});

describe('strikes, alerts and blocking', () => {
  it('alerts the owner (task with the removal step + app message), counts one strike per message across groups, blocks at 3 from group codes', async () => {
    const c = freshCustomer();
    const [{ unionid }] = await q(`SELECT unionid FROM customers WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, c]);
    const owner = groups[0].owner_userid;
    // One message breaking two rules is one strike.
    const m1 = msg({ sender: c, text: '加微信 13800138000' });
    await ingest([m1]);
    expect(await rulesOf(m1.msgid)).toEqual(['phone', 'word']);
    const [off1] = await q(`SELECT strikes, blocked_at FROM moderation_offenders WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, c]);
    expect(off1).toMatchObject({ strikes: 1, blocked_at: null });
    const [v] = await q(`SELECT task_id FROM moderation_violations WHERE corp_id = $1 AND msgid = $2 LIMIT 1`, [pond.corpId, m1.msgid]);
    const task = (await pond.api('GET', `/api/tasks/${v.task_id}`)).body;
    expect(task).toMatchObject({ kind: 'review', ownerUserid: owner, source: { kind: 'moderation' }, target: { kind: 'group', chatId: groups[0].chat_id } });
    expect(task.text).toContain('群成员');
    expect(task.text).toContain('加微信 13800138000');
    await waitFor(async () => (await pond.app.sim!.control.listStaffMessages(pond.corpId, owner)).some((m: any) => JSON.stringify(m).includes(`task=${v.task_id}`)),
      { message: 'the owner told by app message' });
    // The same batch handed over again (a replayed pull): nothing more.
    await ingest([m1]);
    expect((await q(`SELECT strikes FROM moderation_offenders WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, c]))[0].strikes).toBe(1);

    // A group code lets them in before the block…
    const code = await pond.api('POST', '/api/live-codes', { kind: 'group', name: '福利群码', groups: [{ chatId: groups[1].chat_id }] });
    expect(code.status, JSON.stringify(code.body)).toBe(200);
    const outcome = (uid: string) => pond.app.codes.scan(code.body.key, { key: `u:${uid}`, kind: 'unionid', unionid: uid });
    expect((await outcome(unionid)).status).not.toBe('blocked');
    // …two more strikes in other groups: blocked, flagged on the timeline.
    await ingest([msg({ sender: c, chatId: groups[1].chat_id, text: 'https://ad.example.com/1' })]);
    await ingest([msg({ sender: c, chatId: groups[2].chat_id, text: '代开发票' })]);
    const [off3] = await q(`SELECT strikes, blocked_at FROM moderation_offenders WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, c]);
    expect(off3.strikes).toBe(3);
    expect(off3.blocked_at).not.toBeNull();
    expect(await q(`SELECT 1 FROM customer_events WHERE corp_id = $1 AND external_userid = $2 AND type = 'moderation.blocked'`, [pond.corpId, c])).toHaveLength(1);
    expect((await q(`SELECT 1 FROM customer_events WHERE corp_id = $1 AND external_userid = $2 AND type = 'moderation.violated'`, [pond.corpId, c])).length).toBe(3);
    expect((await outcome(unionid)).status).toBe('blocked');
    const page = await fetch(`${pond.baseUrl}/l/${code.body.key}`, { headers: { 'user-agent': 'Mozilla/5.0 MicroMessenger', cookie: '' } });
    expect(page.status).not.toBe(500);
    // Someone else still gets in; a pardon lets them in again.
    expect((await outcome('some-other-unionid')).status).not.toBe('blocked');
    const list = await pond.api('GET', '/api/moderation/offenders?blocked=true');
    expect(list.body.items.map((o: any) => o.externalUserid)).toContain(c);
    expect((await pond.api('POST', `/api/moderation/offenders/${c}/pardon`)).status).toBe(200);
    expect((await outcome(unionid)).status).not.toBe('blocked');
    const violations = await pond.api('GET', `/api/moderation/violations?externalUserid=${c}`);
    // phone + word, link, then word + multi_group (its third group in 30 minutes): five hits, three strikes.
    expect(violations.body.items.map((x: any) => x.rule).sort()).toEqual(['link', 'multi_group', 'phone', 'word', 'word']);
  });
});

describe('intercept rules and tier profiles', () => {
  it("adds, reads, updates and deletes WeCom's intercept rules (through the simulator)", async () => {
    const made = await pond.api('POST', '/api/moderation/intercept-rules', { name: '防飞单', words: ['私下转账', '加我微信'], semantics: [1], interceptType: 1, userids: ['zhangwei'] });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    expect(made.body).toMatchObject({ name: '防飞单', words: ['私下转账', '加我微信'], semantics: [1], interceptType: 1, userids: ['zhangwei'] });
    const ruleId = made.body.ruleId as string;
    const list = await pond.api('GET', '/api/moderation/intercept-rules');
    expect(list.body.items.map((r: any) => r.ruleId)).toContain(ruleId);
    const upd = await pond.api('PUT', `/api/moderation/intercept-rules/${ruleId}`, { name: '防飞单2', words: ['私下转账'], interceptType: 2, userids: ['lina'] });
    expect(upd.status, JSON.stringify(upd.body)).toBe(200);
    expect(upd.body).toMatchObject({ name: '防飞单2', words: ['私下转账'], interceptType: 2, userids: ['lina'] });
    expect((await pond.api('DELETE', `/api/moderation/intercept-rules/${ruleId}`)).status).toBe(200);
    expect((await pond.api('GET', `/api/moderation/intercept-rules/${ruleId}`)).status).toBe(404);
    const bad = await pond.api('POST', '/api/moderation/intercept-rules', { name: 'x', words: [], userids: ['zhangwei'] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('words');
    const noRange = await pond.api('POST', '/api/moderation/intercept-rules', { name: 'x', words: ['a'] });
    expect(noRange.status).toBe(400);
    expect(JSON.stringify(noRange.body)).toContain('userids');
  });

  it("a tier's persona, rules and slots make a draft group playbook", async () => {
    await q(`UPDATE groups SET tier = 'vip' WHERE corp_id = $1 AND chat_id = $2`, [pond.corpId, groups[0].chat_id]);
    const put = await pond.api('PUT', '/api/group-profiles', {
      tier: 'vip', personaName: '小鱼', tone: '亲切', intro: '大家好，我是小鱼，每天陪大家聊好物', rules: '1. 禁止发广告\n2. 友善交流', announcement: '本周会员日：周五',
      slots: [{ time: '20:00', label: '晚间闲聊', text: '今天大家过得怎么样？' }, { time: '08:00', label: '早安内容', text: '早安！今日好物推荐' }],
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ tier: 'vip', groups: 1 });
    expect(put.body.slots.map((s: any) => s.time)).toEqual(['08:00', '20:00']);
    const cal = await pond.api('POST', '/api/group-profiles/calendar', { tier: 'vip' });
    expect(cal.status, JSON.stringify(cal.body)).toBe(200);
    expect(cal.body.steps).toBe(5);
    const pb = (await pond.api('GET', `/api/playbooks/${cal.body.playbookId}`)).body;
    expect(pb).toMatchObject({ kind: 'group', status: 'draft', audience: { tiers: ['vip'] } });
    expect(pb.steps.map((s: any) => s.schedule.repeat)).toEqual(['dates', 'weekly', 'weekly', 'daily', 'daily']);
    expect(pb.steps[0].content.text).toContain('小鱼');
    const dup = await pond.api('PUT', '/api/group-profiles', { tier: 'vip', slots: [{ time: '08:00', label: 'a', text: 'a' }, { time: '08:00', label: 'b', text: 'b' }] });
    expect(dup.status).toBe(400);
    expect(JSON.stringify(dup.body)).toContain('slots[1].time');
    expect((await pond.api('POST', '/api/group-profiles/calendar', { tier: 'nope' })).status).toBe(404);
  });
});
