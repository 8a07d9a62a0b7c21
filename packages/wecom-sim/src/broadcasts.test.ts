// Issue 12 (Convert) against the simulator: WeCom's required fields and limits on the mass-message, moment
// and app-message APIs; WeCom's own cap per period (status 3) in its three modes, correct under concurrent
// confirmations; confirming all or some recipients in the client; reminders; moments seen on customers'
// phones with likes and comments that get_moment_comments returns; app messages (textcard) in the client.
import { MemoryTokenStore, WecomClient } from '@pond/wecom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-helpers';

let h: Harness;
const DAY = 86_400_000;
let vipTag = '';
let client: WecomClient;

beforeAll(async () => {
  h = await startHarness();
  const corpId = h.corp.corpId;
  await h.sim.control.upsertDepartments(corpId, [
    { id: 1, name: '测试企业', parentid: 0 },
    { id: 2, name: '门店', parentid: 1 },
    { id: 3, name: '一店', parentid: 2 },
  ]);
  await h.sim.control.upsertStaff(corpId, [
    { userid: 'alice', name: '王小美', department: [1] },
    { userid: 'bob', name: '李大壮', department: [1] },
    { userid: 'carol', name: '赵小丽', department: [3] },
  ]);
  const g = await h.sim.control.adminCreateTagGroup(corpId, { name: '客户等级', tags: [{ name: 'VIP' }, { name: '普通' }] });
  vipTag = g.tag.find((x) => x.name === 'VIP')!.id;
  client = new WecomClient({
    corpId,
    secret: h.corp.secret,
    agentId: h.corp.agentId,
    apiBase: h.simUrl,
    tokenStore: new MemoryTokenStore(),
    limiter: { acquire: async () => {} },
  });
});

afterAll(async () => {
  await h?.close();
});

let seq = 0;
async function customerOf(userid: string | string[], nickname = `客户${++seq}`) {
  const u = await h.sim.control.createWechatUser({ nickname });
  let ext = '';
  for (const s of Array.isArray(userid) ? userid : [userid]) ext = (await h.sim.control.addStaff(u.id, { userid: s })).externalUserid;
  return { user: u, ext };
}

const send = (body: Record<string, unknown>) => h.api('externalcontact/add_msg_template', { body: { text: { content: '新品上市' }, ...body } });
const statusOf = async (msgid: string, userid: string) =>
  Object.fromEntries(
    (await h.api('externalcontact/get_groupmsg_send_result', { body: { msgid, userid } })).send_list.map((r) => [r.external_userid ?? r.chat_id, r.status]),
  );
const form = (data: Record<string, string>, cookie = '') => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
  body: new URLSearchParams(data).toString(),
  redirect: 'manual' as const,
});
const html = async (path: string, cookie = '') => (await fetch(`${h.simUrl}${path}`, { headers: { cookie } })).text();

describe('required fields and limits, answered as WeCom does', () => {
  it('get_moment_comments needs moment_id and userid; unionid_to_external_userid needs unionid and openid', async () => {
    const noUser = await h.api('externalcontact/get_moment_comments', { body: { moment_id: 'mom1' } });
    expect(noUser.errcode).toBe(40058);
    expect(noUser.errmsg).toContain('userid');
    const noMoment = await h.api('externalcontact/get_moment_comments', { body: { userid: 'alice' } });
    expect(noMoment.errcode).toBe(40058);
    expect(noMoment.errmsg).toContain('moment_id');

    const c = await customerOf('alice');
    const noOpenid = await h.api('externalcontact/unionid_to_external_userid', { body: { unionid: c.user.unionid } });
    expect(noOpenid.errcode).toBe(40058);
    expect(noOpenid.errmsg).toContain('openid');
    const ok = await h.api('externalcontact/unionid_to_external_userid', { body: { unionid: c.user.unionid, openid: c.user.openid } });
    expect(ok).toMatchObject({ errcode: 0, external_userid: c.ext });
    await expect(client.unionidToExternalUserid({ unionid: c.user.unionid, openid: c.user.openid })).resolves.toMatchObject({ external_userid: c.ext });
  });

  it('add_msg_template: chat_type, sender for groups, ≤ 10,000 customers, ≤ 2,000 groups, ≤ 9 attachments, some content', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ chat_type: 'channel', sender: 'alice' }, 'chat_type'],
      [{ chat_type: 'group' }, 'sender'],
      [{ external_userid: Array.from({ length: 10_001 }, (_, i) => `wm${i}`) }, 'external_userid'],
      [{ chat_type: 'group', sender: 'alice', chat_id_list: Array.from({ length: 2001 }, (_, i) => `wr${i}`) }, 'chat_id_list'],
      [{ sender: 'alice', attachments: Array.from({ length: 10 }, () => ({ msgtype: 'link', link: { title: 't', url: 'https://e.com' } })) }, 'attachments'],
      [{ sender: 'alice', text: undefined }, 'text'],
      [{}, 'external_userid'],
      [{ sender: 'alice', allow_select: 'yes' }, 'allow_select'],
    ];
    for (const [body, field] of cases) {
      const r = await send(body);
      expect(r.errcode, JSON.stringify(body).slice(0, 80)).toBe(40058);
      expect(r.errmsg).toContain(field);
    }
    expect((await send({ sender: 'ghost' })).errcode).toBe(60111);
    // Exactly at the limits is fine.
    const at = await send({ external_userid: Array.from({ length: 10_000 }, (_, i) => `wm${i}`) });
    expect(at.errcode).toBe(0);
    expect(at.fail_list).toHaveLength(10_000);
  });

  it('tracking calls: msgid and userid required, limits ≤ 1000, creator is one userid string; moments ≤ 20 per page and ≤ 5000 seen', async () => {
    const c = await customerOf('alice');
    const { msgid } = await send({ external_userid: [c.ext] });
    const now = Math.floor(h.sim.control.now() / 1000);
    expect((await h.api('externalcontact/get_groupmsg_task', { body: {} })).errmsg).toContain('msgid');
    expect((await h.api('externalcontact/get_groupmsg_task', { body: { msgid, limit: 1001 } })).errmsg).toContain('limit');
    expect((await h.api('externalcontact/get_groupmsg_send_result', { body: { msgid } })).errmsg).toContain('userid');
    expect((await h.api('externalcontact/get_groupmsg_send_result', { body: { msgid, userid: 'alice', limit: 1001 } })).errcode).toBe(40058);
    expect((await h.api('externalcontact/remind_groupmsg_send', { body: {} })).errmsg).toContain('msgid');
    expect((await h.api('externalcontact/cancel_groupmsg_send', { body: {} })).errmsg).toContain('msgid');
    expect((await h.api('externalcontact/get_groupmsg_list_v2', { body: { chat_type: 'single', start_time: now - 60, end_time: now, creator: ['alice'] } })).errmsg).toContain('creator');
    // API-created sends have no creator, so a creator filter finds none of them.
    const byCreator = await client.getGroupmsgListV2({ chat_type: 'single', start_time: now - 60, end_time: now + 60, creator: 'alice' });
    expect(byCreator.group_msg_list).toEqual([]);
    const all = await client.getGroupmsgListV2({ chat_type: 'single', start_time: now - 60, end_time: now + 60 });
    expect(all.group_msg_list.map((m) => m.msgid)).toContain(msgid);
    expect((await h.api('externalcontact/get_moment_list', { body: { start_time: now - 60, end_time: now, limit: 21 } })).errmsg).toContain('limit');
    expect((await h.api('externalcontact/get_moment_list', { body: { start_time: now, end_time: now - 60 } })).errmsg).toContain('end_time');
    expect((await h.api('externalcontact/get_moment_task_result', { query: {} })).errmsg).toContain('jobid');
  });

  it('message/send: textcard fields and sizes, text and markdown content, recipients', async () => {
    const card = { title: '今日任务', description: '<div class="gray">3 个待办</div>', url: 'https://pond.example.com/t/1', btntxt: '去处理' };
    const bad: [Record<string, unknown>, number, string][] = [
      [{ msgtype: 'textcard', textcard: { ...card, url: undefined } }, 40058, 'textcard.url'],
      [{ msgtype: 'textcard', textcard: { ...card, url: 'ftp://x' } }, 40058, 'textcard.url'],
      [{ msgtype: 'textcard', textcard: { ...card, title: '标'.repeat(43) } }, 45002, 'textcard.title'],
      [{ msgtype: 'textcard', textcard: { ...card, description: 'x'.repeat(513) } }, 45002, 'textcard.description'],
      [{ msgtype: 'textcard', textcard: { ...card, btntxt: '立即去处理' } }, 45002, 'textcard.btntxt'],
      [{ msgtype: 'text', text: { content: '' } }, 44004, 'text.content'],
      [{ msgtype: 'markdown', markdown: {} }, 44004, 'markdown.content'],
      [{ msgtype: 'text', text: { content: 'x'.repeat(2049) } }, 45002, 'text.content'],
      [{ msgtype: 'text', text: { content: 'hi' }, touser: 'ghost1|ghost2' }, 81013, 'invalid'],
      [{ msgtype: 'text', text: { content: 'hi' }, touser: undefined }, 40058, 'touser'],
    ];
    for (const [body, errcode, text] of bad) {
      const r = await h.api('message/send', { body: { touser: 'alice', agentid: h.corp.agentId, ...body } });
      expect(r.errcode, JSON.stringify(body).slice(0, 80)).toBe(errcode);
      expect(r.errmsg).toContain(text);
    }
    const ok = await client.messageSend({ touser: 'alice', msgtype: 'textcard', textcard: card });
    expect(ok.msgid).toEqual(expect.any(String));
  });
});

describe("WeCom's own cap (status 3), a corp setting", () => {
  it('is set through upsertCorp (in process and over HTTP) and refuses unknown modes', async () => {
    expect((await h.sim.control.getCorp(h.corp.corpId))?.massMsgCapMode).toBe('month_days');
    const res = await fetch(`${h.simUrl}/control/corps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ corpId: h.corp.corpId, massMsgCapMode: 'week7' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { massMsgCapMode: string }).massMsgCapMode).toBe('week7');
    const bad = await fetch(`${h.simUrl}/control/corps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ corpId: h.corp.corpId, massMsgCapMode: 'month4' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('massMsgCapMode');
    await h.sim.control.upsertCorp({ corpId: h.corp.corpId, massMsgCapMode: 'month_days' });
  });

  it('day1: one per day; only delivered sends count (an unconfirmed or over-cap one does not)', async () => {
    await h.sim.control.upsertCorp({ corpId: h.corp.corpId, massMsgCapMode: 'day1' });
    const c = await customerOf('alice');
    const waiting = await send({ external_userid: [c.ext] });
    const first = await send({ external_userid: [c.ext], text: { content: '第一条' } });
    expect(await h.sim.control.confirmMassSend('alice', first.msgid)).toMatchObject({ sent: 1, overCap: 0, cap: 1, capMode: 'day1' });
    // The earlier send, confirmed after: the customer already has today's one.
    expect(await h.sim.control.confirmMassSend('alice', waiting.msgid)).toMatchObject({ sent: 0, overCap: 1 });
    expect(await statusOf(waiting.msgid, 'alice')).toEqual({ [c.ext]: 3 });
    const sameDay = await send({ external_userid: [c.ext] });
    expect(await h.sim.control.confirmMassSend('alice', sameDay.msgid)).toMatchObject({ sent: 0, overCap: 1 });
    expect(await h.sim.control.massMsgReceived(h.corp.corpId, [c.ext])).toMatchObject({ capMode: 'day1', cap: 1, received: { [c.ext]: 1 } });
    h.clock.now += DAY;
    const nextDay = await send({ external_userid: [c.ext] });
    expect(await h.sim.control.confirmMassSend('alice', nextDay.msgid)).toMatchObject({ sent: 1, overCap: 0 });
    const inbox = await h.sim.control.listInbox(c.user.id);
    expect(inbox.filter((m) => m.kind === 'mass')).toHaveLength(2);
  });

  it('week7: seven per calendar week (Monday to Sunday, Beijing time), the eighth is status 3', async () => {
    await h.sim.control.upsertCorp({ corpId: h.corp.corpId, massMsgCapMode: 'week7' });
    // Move to a Monday 09:00 in Beijing.
    const bj = new Date(h.clock.now + 8 * 3_600_000);
    h.clock.now += ((8 - bj.getUTCDay()) % 7 || 7) * DAY;
    h.clock.now = Math.floor((h.clock.now + 8 * 3_600_000) / DAY) * DAY - 8 * 3_600_000 + 9 * 3_600_000;
    const c = await customerOf('bob');
    const results: number[] = [];
    for (let i = 0; i < 8; i++) {
      const m = await send({ external_userid: [c.ext] });
      await h.sim.control.confirmMassSend('bob', m.msgid);
      results.push((await statusOf(m.msgid, 'bob'))[c.ext]);
      h.clock.now += 12 * 3_600_000; // spread over Monday to Thursday
    }
    expect(results).toEqual([1, 1, 1, 1, 1, 1, 1, 3]);
    h.clock.now += 4 * DAY; // next week
    const m = await send({ external_userid: [c.ext] });
    expect(await h.sim.control.confirmMassSend('bob', m.msgid)).toMatchObject({ sent: 1, cap: 7, capMode: 'week7' });
  });

  it('month_days (default): as many as the month has days', async () => {
    await h.sim.control.upsertCorp({ corpId: h.corp.corpId, massMsgCapMode: 'month_days', massMsgMonthlyCap: null });
    // The first of a month, 10:00 Beijing time.
    const bj = new Date(h.clock.now + 8 * 3_600_000);
    h.clock.now = Date.UTC(bj.getUTCFullYear(), bj.getUTCMonth() + 1, 1, 2);
    const days = new Date(Date.UTC(bj.getUTCFullYear(), bj.getUTCMonth() + 2, 0)).getUTCDate();
    const c = await customerOf('carol');
    const statuses: number[] = [];
    for (let i = 0; i <= days; i++) {
      const m = await send({ external_userid: [c.ext] });
      const r = await h.sim.control.confirmMassSend('carol', m.msgid);
      expect(r.cap).toBe(days);
      statuses.push((await statusOf(m.msgid, 'carol'))[c.ext]);
    }
    expect(statuses.filter((s) => s === 1)).toHaveLength(days);
    expect(statuses.at(-1)).toBe(3);
  });

  it('concurrent confirmations by two members never exceed the cap', async () => {
    await h.sim.control.upsertCorp({ corpId: h.corp.corpId, massMsgCapMode: 'day1' });
    h.clock.now += DAY;
    const customers = await Promise.all(Array.from({ length: 6 }, () => customerOf(['alice', 'bob'])));
    const exts = customers.map((c) => c.ext);
    const a = await send({ external_userid: exts, sender: 'alice' });
    const b = await send({ external_userid: exts, sender: 'bob' });
    const [ra, rb] = await Promise.all([h.sim.control.confirmMassSend('alice', a.msgid), h.sim.control.confirmMassSend('bob', b.msgid)]);
    expect(ra.sent + rb.sent).toBe(6);
    expect(ra.overCap + rb.overCap).toBe(6);
    const sa = await statusOf(a.msgid, 'alice');
    const sb = await statusOf(b.msgid, 'bob');
    for (const e of exts) expect([sa[e], sb[e]].sort()).toEqual([1, 3]);
    for (const c of customers) expect((await h.sim.control.listInbox(c.user.id)).filter((m) => m.kind === 'mass')).toHaveLength(1);
    await h.sim.control.upsertCorp({ corpId: h.corp.corpId, massMsgCapMode: 'month_days' });
  });
});

describe('mass-send tasks in the WeCom client: all or some recipients', () => {
  it('without allow_select the member sends to the whole list; with it, to the ones picked (the rest stay 0)', async () => {
    h.clock.now += DAY;
    const [x, y, z] = await Promise.all([customerOf('alice', '甲'), customerOf('alice', '乙'), customerOf('alice', '丙')]);
    const fixed = await send({ external_userid: [x.ext, y.ext], text: { content: '整单' } });
    await expect(h.sim.control.confirmMassSend('alice', fixed.msgid, { targets: [x.ext] })).rejects.toThrow(/allow_select/);
    await expect(h.sim.control.confirmMassSend('alice', fixed.msgid, { targets: [x.ext, 'wmnobody'] })).rejects.toThrow(/not on alice's list/);
    expect(await h.sim.control.confirmMassSend('alice', fixed.msgid, { targets: [y.ext, x.ext] })).toMatchObject({ sent: 2, unsent: 0 });
    await expect(h.sim.control.confirmMassSend('alice', fixed.msgid)).rejects.toThrow(/already sent/);

    const pick = await send({ external_userid: [x.ext, y.ext, z.ext], allow_select: true, text: { content: '挑选发送' } });
    await expect(h.sim.control.confirmMassSend('alice', pick.msgid, { targets: [] })).rejects.toThrow(/at least one/);
    await h.sim.control.customerDeletesStaff(z.user.id, 'alice');
    // In the client: the task lists the three, the member picks 乙 and 丙 (who deleted alice meanwhile).
    const page = await html(`/wecom?corp=${h.corp.corpId}&userid=alice`);
    expect(page).toContain('群发助手');
    expect(page).toContain('挑选发送');
    const tasks = await h.sim.control.listMassSendTasks(h.corp.corpId, 'alice', { pendingOnly: true });
    const task = tasks.find((t) => t.msgid === pick.msgid)!;
    expect(task).toMatchObject({ canSelect: true, status: 0 });
    expect(task.recipients.map((r) => r.name).sort()).toEqual(['丙', '乙', '甲']);
    const res = await fetch(
      `${h.simUrl}/wecom/mass-send/confirm`,
      form({ corp: h.corp.corpId, userid: 'alice', msgid: pick.msgid, mode: 'picked', 'pick.0': y.ext, 'pick.1': z.ext }),
    );
    expect(res.status).toBe(303);
    expect(decodeURIComponent(res.headers.get('location') ?? '')).toContain('已发送 (sent) 1');
    expect(await statusOf(pick.msgid, 'alice')).toEqual({ [x.ext]: 0, [y.ext]: 1, [z.ext]: 2 });
    expect((await h.api('externalcontact/get_groupmsg_task', { body: { msgid: pick.msgid } })).task_list).toEqual([
      { userid: 'alice', status: 2, send_time: Math.floor(h.clock.now / 1000) },
    ]);
    // 乙's phone: in the chat with alice; 甲's chat has only the first send.
    const cookieY = `sim_wechat_user=${y.user.id}`;
    const chatY = await html(`/phone/chat?corp=${h.corp.corpId}&userid=alice`, cookieY);
    expect(chatY).toContain('挑选发送');
    expect(chatY).toContain('群发 broadcast');
    const chatX = await html(`/phone/chat?corp=${h.corp.corpId}&userid=alice`, `sim_wechat_user=${x.user.id}`);
    expect(chatX).toContain('整单');
    expect(chatX).not.toContain('挑选发送');
  });

  it('a group send without chat_id_list: the owner picks groups; members read it in the group chat on their phones', async () => {
    const [m1, m2] = await Promise.all([customerOf('bob', '群友一'), customerOf('bob', '群友二')]);
    const g1 = await h.sim.control.createGroup({ owner: 'bob', name: '一号群', members: [m1.user.id, m2.user.id] });
    const g2 = await h.sim.control.createGroup({ owner: 'bob', name: '二号群', members: [m2.user.id] });
    const listed = await send({ chat_type: 'group', sender: 'bob', chat_id_list: [g1.chatId, g2.chatId, 'wrnothere'] });
    expect(listed.fail_list).toEqual(['wrnothere']);
    await expect(h.sim.control.confirmMassSend('bob', listed.msgid, { targets: [g1.chatId] })).rejects.toThrow(/allow_select/);
    await h.api('externalcontact/cancel_groupmsg_send', { body: { msgid: listed.msgid } });
    await expect(h.sim.control.confirmMassSend('bob', listed.msgid)).rejects.toThrow(/cancelled/);

    const free = await send({ chat_type: 'group', sender: 'bob', text: { content: '今晚八点直播' } });
    const r = await h.sim.control.confirmMassSend('bob', free.msgid, { targets: [g1.chatId] });
    expect(r).toMatchObject({ sent: 1, unsent: 1 });
    const statuses = await h.api('externalcontact/get_groupmsg_send_result', { body: { msgid: free.msgid, userid: 'bob' } });
    expect(statuses.send_list.map((x) => [x.chat_id, x.status]).sort()).toEqual([[g1.chatId, 1], [g2.chatId, 0]].sort());
    const groupPage = await html(`/phone/group?chat=${g1.chatId}`, `sim_wechat_user=${m1.user.id}`);
    expect(groupPage).toContain('今晚八点直播');
    expect(await html(`/phone/group?chat=${g2.chatId}`, `sim_wechat_user=${m2.user.id}`)).not.toContain('今晚八点直播');
    // Not in the 1:1 chat with the owner.
    expect(await html(`/phone/chat?corp=${h.corp.corpId}&userid=bob`, `sim_wechat_user=${m1.user.id}`)).not.toContain('今晚八点直播');
    expect((await h.sim.control.listInbox(m1.user.id))[0]).toMatchObject({ kind: 'mass', from: { chatId: g1.chatId } });
  });

  it('remind_groupmsg_send: at most 3 in 24 h, also when called at once; reminders reach members who have not sent', async () => {
    const c1 = await customerOf('alice');
    const c2 = await customerOf('carol');
    const m = await send({ external_userid: [c1.ext, c2.ext] });
    await h.sim.control.confirmMassSend('alice', m.msgid);
    const codes = await Promise.all(Array.from({ length: 5 }, () => h.api('externalcontact/remind_groupmsg_send', { body: { msgid: m.msgid } }).then((r) => r.errcode)));
    expect(codes.filter((c) => c === 0)).toHaveLength(3);
    expect(codes.filter((c) => c === 45009)).toHaveLength(2);
    const carol = (await h.sim.control.listStaffMessages(h.corp.corpId, 'carol')).filter((x) => x.kind === 'reminder' && x.msgid === m.msgid);
    expect(carol).toHaveLength(3);
    expect((await h.sim.control.listStaffMessages(h.corp.corpId, 'alice')).filter((x) => x.kind === 'reminder' && x.msgid === m.msgid)).toHaveLength(0);
    h.clock.now += DAY + 1000;
    await expect(client.remindGroupmsgSend(m.msgid)).resolves.toMatchObject({ errcode: 0 });
    expect(await html(`/wecom?corp=${h.corp.corpId}&userid=carol`)).toContain('群发提醒');
  });
});

describe('moments: visible range, phones, likes and comments', () => {
  it('reach the customers in range, who like and comment; get_moment_comments returns them', async () => {
    const vip = await customerOf('alice', '大客户');
    const plain = await customerOf('alice', '普通客户');
    await h.sim.control.editTagsInClient('alice', vip.ext, [vipTag], []);
    const carolsVip = await customerOf('carol', '一店客户');
    await h.sim.control.editTagsInClient('carol', carolsVip.ext, [vipTag], []);

    const job = await client.addMomentTask({
      text: { content: '春季新品，会员专享' },
      visible_range: { sender_list: { user_list: ['alice', 'nobody'], department_list: [2, 99] }, external_contact_list: { tag_list: [vipTag, 'etbogus'] } },
    });
    const result = await client.getMomentTaskResult(job.jobid);
    expect(result.result).toMatchObject({
      errcode: 0,
      invalid_sender_list: { user_list: ['nobody'], department_list: [99] },
      invalid_external_contact_list: { tag_list: ['etbogus'] },
    });
    const momentId = result.result!.moment_id!;
    // alice by name, carol through department 2's sub-department 3; bob is in neither.
    expect((await client.getMomentTask({ moment_id: momentId })).task_list).toEqual([
      { userid: 'alice', publish_status: 0 },
      { userid: 'carol', publish_status: 0 },
    ]);
    expect((await client.getMomentCustomerList({ moment_id: momentId, userid: 'alice' })).customer_list).toEqual([{ userid: 'alice', external_userid: vip.ext }]);
    expect((await client.getMomentSendResult({ moment_id: momentId, userid: 'alice' })).customer_list).toEqual([]);
    expect(await h.sim.control.listMomentFeed(vip.user.id)).toEqual([]);

    // alice publishes in the client.
    expect(await html(`/wecom?corp=${h.corp.corpId}&userid=alice`)).toContain('春季新品，会员专享');
    const pub = await fetch(`${h.simUrl}/wecom/moment/publish`, form({ corp: h.corp.corpId, userid: 'alice', momentId }));
    expect(decodeURIComponent(pub.headers.get('location') ?? '')).toContain('1 位客户可见');
    await expect(h.sim.control.publishMoment('alice', momentId)).rejects.toThrow(/already published/);
    expect((await client.getMomentSendResult({ moment_id: momentId, userid: 'alice' })).customer_list).toEqual([{ external_userid: vip.ext }]);
    expect((await client.getMomentSendResult({ moment_id: momentId, userid: 'carol' })).customer_list).toEqual([]);

    // The VIP sees it on the phone; the other customer does not, and cannot like it.
    const cookie = `sim_wechat_user=${vip.user.id}`;
    expect(await html('/phone', cookie)).toContain('春季新品，会员专享');
    expect(await html('/phone', `sim_wechat_user=${plain.user.id}`)).not.toContain('春季新品，会员专享');
    await expect(h.sim.control.likeMoment(plain.user.id, momentId, 'alice')).rejects.toThrow(/cannot see/);

    const t0 = Math.floor(h.clock.now / 1000);
    const liked = await fetch(`${h.simUrl}/phone/moment/like`, form({ corpId: h.corp.corpId, momentId, userid: 'alice' }, cookie));
    expect(decodeURIComponent(liked.headers.get('location') ?? '')).toContain('已赞');
    await h.sim.control.likeMoment(vip.user.id, momentId, 'alice'); // twice is still one like
    h.clock.now += 60_000;
    await fetch(`${h.simUrl}/phone/moment/comment`, form({ corpId: h.corp.corpId, momentId, userid: 'alice', text: '什么时候到货？' }, cookie));
    h.clock.now += 60_000;
    await fetch(`${h.simUrl}/wecom/moment/comment`, form({ corp: h.corp.corpId, userid: 'alice', momentId, text: '下周一到店' }));
    await h.sim.control.likeMoment('bob', momentId, 'alice');

    const comments = await client.getMomentComments(momentId, 'alice');
    expect(comments.like_list).toEqual([
      { external_userid: vip.ext, create_time: t0 },
      { userid: 'bob', create_time: t0 + 120 },
    ]);
    expect(comments.comment_list).toEqual([
      { external_userid: vip.ext, create_time: t0 + 60 },
      { userid: 'alice', create_time: t0 + 120 },
    ]);
    expect(await client.getMomentComments(momentId, 'carol')).toMatchObject({ comment_list: [], like_list: [] });

    // The phone shows the customer's own comment and the member's reply; the client shows everything.
    const feed = await h.sim.control.listMomentFeed(vip.user.id);
    expect(feed[0]).toMatchObject({ momentId, userid: 'alice', staffName: '王小美', liked: true, text: '春季新品，会员专享' });
    expect(feed[0].interactions.filter((x) => x.kind === 'comment').map((x) => [x.name, x.text])).toEqual([
      ['大客户', '什么时候到货？'],
      ['王小美', '下周一到店'],
    ]);
    const tasks = await h.sim.control.listMomentTasks(h.corp.corpId, 'alice');
    expect(tasks.find((x) => x.momentId === momentId)).toMatchObject({ publishStatus: 1, audience: 1 });

    // Unlike, then the customer deletes alice: the post leaves their feed.
    await fetch(`${h.simUrl}/phone/moment/like`, form({ corpId: h.corp.corpId, momentId, userid: 'alice', unlike: '1' }, cookie));
    expect((await client.getMomentComments(momentId, 'alice')).like_list).toEqual([{ userid: 'bob', create_time: t0 + 120 }]);
    await h.sim.control.customerDeletesStaff(vip.user.id, 'alice');
    expect(await h.sim.control.listMomentFeed(vip.user.id)).toEqual([]);

    // Cancelling stops carol's unpublished part; alice's post stays listed.
    await client.cancelMomentTask(momentId);
    await expect(h.sim.control.publishMoment('carol', momentId)).rejects.toThrow(/cancelled/);
    const now = Math.floor(h.clock.now / 1000);
    const list = await client.getMomentList({ start_time: now - 3 * 86_400, end_time: now });
    expect(list.moment_list.map((m) => m.moment_id)).toContain(momentId);
  });
});

describe('the control API over HTTP', () => {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${h.simUrl}/control${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const get = async (path: string): Promise<unknown> => (await fetch(`${h.simUrl}/control${path}`)).json();

  it('confirms some recipients, publishes, likes and comments as a customer, and lists tasks and the feed', async () => {
    h.clock.now += DAY;
    const [p, q] = await Promise.all([customerOf('bob', '接口甲'), customerOf('bob', '接口乙')]);
    const m = await send({ external_userid: [p.ext, q.ext], allow_select: true });
    const tasks = (await get(`/corps/${h.corp.corpId}/mass-send-tasks?userid=bob&pending=1`)) as { msgid: string }[];
    expect(tasks.map((t) => t.msgid)).toContain(m.msgid);
    expect((await post('/confirm-mass-send', { userid: 'bob', msgid: m.msgid, targets: 'x' })).status).toBe(400);
    const r = await post('/confirm-mass-send', { userid: 'bob', msgid: m.msgid, targets: [q.ext] });
    expect(r).toMatchObject({ status: 200, body: { sent: 1, unsent: 1 } });
    expect(await statusOf(m.msgid, 'bob')).toEqual({ [p.ext]: 0, [q.ext]: 1 });

    const job = await client.addMomentTask({ text: { content: '接口朋友圈' }, visible_range: { sender_list: { user_list: ['bob'] } } });
    const momentId = (await client.getMomentTaskResult(job.jobid)).result!.moment_id!;
    expect((await post('/publish-moment', { userid: 'bob', momentId })).body).toMatchObject({ audience: expect.any(Number) });
    expect((await post('/like-moment', { who: q.user.id, momentId, userid: 'bob' })).body).toMatchObject({ liked: true, likes: 1 });
    expect((await post('/comment-moment', { who: q.user.id, momentId, userid: 'bob', text: '好看' })).status).toBe(200);
    expect((await post('/comment-moment', { who: q.user.id, momentId, userid: 'bob', text: '' })).status).toBe(400);
    const feed = (await get(`/wechat-users/${q.user.id}/moments`)) as { momentId: string; interactions: { kind: string; text: string | null }[] }[];
    expect(feed[0]).toMatchObject({ momentId, interactions: [{ kind: 'like' }, { kind: 'comment', text: '好看' }] });
    const comments = await client.getMomentComments(momentId, 'bob');
    expect(comments.comment_list.map((c) => c.external_userid)).toEqual([q.ext]);
    const mtasks = (await get(`/corps/${h.corp.corpId}/moment-tasks?userid=bob`)) as { momentId: string; publishStatus: number }[];
    expect(mtasks.find((t) => t.momentId === momentId)?.publishStatus).toBe(1);
  });
});

describe('app messages in the WeCom client', () => {
  it('textcard, markdown and text appear in the member\'s app-message list; the card opens its url as the member', async () => {
    const url = `${h.baseUrl}/landing/task/42?from=card`;
    const sent = await client.messageSend({
      touser: 'bob',
      msgtype: 'textcard',
      textcard: { title: '待办：回访 3 位客户', description: '<div class="highlight">今天 18:00 前</div>', url, btntxt: '去处理' },
    });
    await client.messageSend({ touser: 'bob', msgtype: 'markdown', markdown: { content: '**日报** 已完成 <font color="info">5</font>' } });
    await client.messageSend({ touser: 'bob', msgtype: 'text', text: { content: '记得打卡' } });
    expect(sent.invaliduser ?? '').toBe('');
    const page = await html(`/wecom?corp=${h.corp.corpId}&userid=bob`);
    expect(page).toContain('待办：回访 3 位客户');
    expect(page).toContain('<div class="highlight">今天 18:00 前</div>');
    expect(page).toContain('<b>日报</b>');
    expect(page).toContain('记得打卡');
    const link = /href="([^"]*\/wecom\/app-messages\/\d+\/open\?[^"]*)"[^>]*>去处理</.exec(page)?.[1];
    expect(link).toBeDefined();
    const open = await fetch(link!.replace(/&amp;/g, '&'), { redirect: 'manual' });
    expect(open.status).toBe(302);
    // In the client's webview, where the page gets the JS bridge.
    expect(open.headers.get('location')).toBe(`${h.simUrl}/wecom/app?${new URLSearchParams({ corp: h.corp.corpId, userid: 'bob', url }).toString()}`);
    expect(open.headers.get('set-cookie')).toContain(`sim_wecom_member=${encodeURIComponent(`${h.corp.corpId}:bob`)}`);
    // Another member cannot open bob's card.
    const id = /app-messages\/(\d+)\/open/.exec(link!)![1];
    expect((await fetch(`${h.simUrl}/wecom/app-messages/${id}/open?corp=${h.corp.corpId}&userid=alice`, { redirect: 'manual' })).status).toBe(404);
  });

  it('enable_duplicate_check: the same message within the interval reaches a member once', async () => {
    const digest = { touser: 'carol', msgtype: 'text' as const, text: { content: '今日摘要：2 个待办' }, enable_duplicate_check: 1 as const, duplicate_check_interval: 600 };
    const mine = async () => (await h.sim.control.listStaffMessages(h.corp.corpId, 'carol')).filter((m) => JSON.stringify(m.payload).includes('今日摘要')).length;
    await client.messageSend(digest);
    await client.messageSend(digest);
    expect(await mine()).toBe(1);
    await client.messageSend({ ...digest, enable_duplicate_check: 0 });
    expect(await mine()).toBe(2);
    h.clock.now += 601_000;
    await client.messageSend(digest);
    expect(await mine()).toBe(3);
    expect((await h.api('message/send', { body: { ...digest, agentid: h.corp.agentId, duplicate_check_interval: 14_401 } })).errmsg).toContain('duplicate_check_interval');
  });
});
