// Mass messages (confirmation in the client, monthly cap), moments, transfers (delay, refusal,
// 2 per 90 days, resigned members and their groups), behaviour data, app messages and media.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Answer, type Harness } from './test-helpers';

let h: Harness;
const DAY = 86_400_000;

beforeAll(async () => {
  h = await startHarness();
  await h.sim.control.upsertDepartments(h.corp.corpId, [{ id: 1, name: '测试企业', parentid: 0 }]);
  await h.sim.control.upsertStaff(h.corp.corpId, [
    { userid: 'alice', name: '王小美' },
    { userid: 'bob', name: '李大壮' },
    { userid: 'carol', name: '赵小丽' },
  ]);
});

afterAll(async () => {
  await h?.close();
});

async function customerOf(userid: string, nickname = '客户') {
  const u = await h.sim.control.createWechatUser({ nickname });
  const r = await h.sim.control.addStaff(u.id, { userid });
  return { user: u, ext: r.externalUserid };
}

describe('mass messages', () => {
  it('go out only when the member confirms, and respect the per-customer monthly cap', async () => {
    await h.sim.control.upsertCorp({ corpId: h.corp.corpId, massMsgMonthlyCap: 1 });
    const a = await customerOf('alice', '甲');
    const b = await customerOf('alice', '乙');
    const first = await h.api('externalcontact/add_msg_template', { body: { external_userid: [a.ext], sender: 'alice', text: { content: '第一条' } } });
    expect(first).toMatchObject({ errcode: 0, fail_list: [], msgid: expect.any(String) });
    expect(await h.sim.control.listInbox(a.user.id)).toHaveLength(0);
    expect((await h.api('externalcontact/get_groupmsg_task', { body: { msgid: first.msgid } })).task_list).toEqual([{ userid: 'alice', status: 0 }]);
    expect(await h.sim.control.confirmMassSend('alice', first.msgid)).toMatchObject({ sent: 1, overCap: 0 });

    const second = await h.api('externalcontact/add_msg_template', {
      body: { external_userid: [a.ext, b.ext, 'wmnotacustomer'], text: { content: '第二条' }, attachments: [{ msgtype: 'link', link: { title: '活动', url: 'https://e.com' } }] },
    });
    expect(second.fail_list).toEqual(['wmnotacustomer']);
    expect(await h.sim.control.confirmMassSend('alice', second.msgid)).toMatchObject({ sent: 1, overCap: 1 });
    const results = await h.api('externalcontact/get_groupmsg_send_result', { body: { msgid: second.msgid, userid: 'alice' } });
    const status = Object.fromEntries(results.send_list.map((r) => [r.external_userid, r.status]));
    expect(status).toEqual({ [a.ext]: 3, [b.ext]: 1 });
    expect((await h.sim.control.listInbox(b.user.id)).map((m) => [m.kind, m.payload.msgtype])).toEqual([
      ['mass', 'link'],
      ['mass', 'text'],
    ]);
    const list = await h.api('externalcontact/get_groupmsg_list_v2', {
      body: { chat_type: 'single', start_time: Math.floor(h.clock.now / 1000) - 60, end_time: Math.floor(h.clock.now / 1000) + 60 },
    });
    expect(list.group_msg_list.map((m) => m.msgid).sort()).toEqual([first.msgid, second.msgid].sort());
    for (let i = 0; i < 3; i++) expect((await h.api('externalcontact/remind_groupmsg_send', { body: { msgid: second.msgid } })).errcode).toBe(0);
    expect((await h.api('externalcontact/remind_groupmsg_send', { body: { msgid: second.msgid } })).errcode).toBe(45009);
    await h.sim.control.upsertCorp({ corpId: h.corp.corpId, massMsgMonthlyCap: null });
  });

  it('group mass messages need a sender and reach the group members', async () => {
    const a = await customerOf('bob', '丙');
    const g = await h.sim.control.createGroup({ owner: 'bob', name: '群发测试群', members: [a.user.id] });
    expect((await h.api('externalcontact/add_msg_template', { body: { chat_type: 'group', text: { content: 'x' } } })).errcode).toBe(40058);
    const r = await h.api('externalcontact/add_msg_template', { body: { chat_type: 'group', sender: 'bob', text: { content: '群公告' } } });
    expect(await h.sim.control.confirmMassSend('bob', r.msgid)).toMatchObject({ sent: 1 });
    const inbox = await h.sim.control.listInbox(a.user.id);
    expect(inbox[0]).toMatchObject({ kind: 'mass', from: { chatId: g.chatId, groupName: '群发测试群' } });
  });
});

describe('moments', () => {
  it('take attachment media only and track publishing', async () => {
    const form = new FormData();
    form.append('media', new Blob([Buffer.from('\x89PNG fake image bytes')], { type: 'image/png' }), 'a.png');
    const token = await h.token();
    const temp = (await (await fetch(`${h.simUrl}/cgi-bin/media/upload?access_token=${token}&type=image`, { method: 'POST', body: form })).json()) as Answer<'media/upload'>;
    expect(temp).toMatchObject({ errcode: 0, type: 'image', media_id: expect.any(String) });
    const att = (await (
      await fetch(`${h.simUrl}/cgi-bin/media/upload_attachment?access_token=${token}&media_type=image&attachment_type=1`, { method: 'POST', body: form })
    ).json()) as Answer<'media/upload_attachment'>;
    const got = await fetch(`${h.simUrl}/cgi-bin/media/get?access_token=${token}&media_id=${temp.media_id}`);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await got.arrayBuffer()).toString()).toBe('\x89PNG fake image bytes');
    const img = (await (await fetch(`${h.simUrl}/cgi-bin/media/uploadimg?access_token=${token}`, { method: 'POST', body: form })).json()) as Answer<'media/uploadimg'>;
    expect((await fetch(img.url)).status).toBe(200);

    const wrong = await h.api('externalcontact/add_moment_task', { body: { text: { content: 'hi' }, attachments: [{ msgtype: 'image', image: { media_id: temp.media_id } }] } });
    expect(wrong.errcode).toBe(40007);
    const ok = await h.api('externalcontact/add_moment_task', {
      body: { text: { content: '新品上市' }, attachments: [{ msgtype: 'image', image: { media_id: att.media_id } }], visible_range: { sender_list: { user_list: ['alice'] } } },
    });
    const job = await h.api('externalcontact/get_moment_task_result', { query: { jobid: ok.jobid } });
    expect(job).toMatchObject({ status: 3, type: 'add_moment_task', result: { errcode: 0, moment_id: expect.any(String) } });
    const momentId = job.result!.moment_id!;
    expect((await h.api('externalcontact/get_moment_task', { body: { moment_id: momentId } })).task_list).toEqual([{ userid: 'alice', publish_status: 0 }]);
    await h.sim.control.publishMoment('alice', momentId);
    expect((await h.api('externalcontact/get_moment_task', { body: { moment_id: momentId } })).task_list).toEqual([{ userid: 'alice', publish_status: 1 }]);
    const seen = await h.api('externalcontact/get_moment_send_result', { body: { moment_id: momentId, userid: 'alice' } });
    expect(seen.customer_list.length).toBeGreaterThan(0);
  });
});

describe('transfers', () => {
  it('take over after 24 h: del_external_contact DELETE_BY_TRANSFER and add_external_contact for the new member', async () => {
    const c = await customerOf('alice', '转接客户');
    await h.sim.control.waitForCallbacks();
    const before = h.receiver.events.length;
    const r = await h.api('externalcontact/transfer_customer', {
      body: { handover_userid: 'alice', takeover_userid: 'bob', external_userid: [c.ext, 'wmnobody'], transfer_success_msg: '您好，我是新的顾问' },
    });
    expect(r.customer).toEqual([
      { external_userid: c.ext, errcode: 0 },
      { external_userid: 'wmnobody', errcode: 84061 },
    ]);
    let result = await h.api('externalcontact/transfer_result', { body: { handover_userid: 'alice', takeover_userid: 'bob' } });
    expect(result.customer[0]).toMatchObject({ external_userid: c.ext, status: 2, takeover_time: Math.floor((h.clock.now + DAY) / 1000) });
    expect((await h.sim.control.advanceTime(DAY - 1000)).transfersCompleted).toBe(0);
    expect((await h.sim.control.advanceTime(1000)).transfersCompleted).toBe(1);
    result = await h.api('externalcontact/transfer_result', { body: { handover_userid: 'alice', takeover_userid: 'bob' } });
    expect(result.customer[0].status).toBe(1);
    await h.sim.control.waitForCallbacks();
    const evs = h.receiver.events.slice(before).filter((e) => e.ExternalUserID === c.ext);
    expect(evs.map((e) => [e.ChangeType, e.UserID, e.Source ?? ''])).toEqual([
      ['add_external_contact', 'bob', ''],
      ['del_external_contact', 'alice', 'DELETE_BY_TRANSFER'],
    ]);
    expect((await h.sim.control.listInbox(c.user.id))[0].payload).toMatchObject({ text: { content: '您好，我是新的顾问' } });
    const followers = (await h.api('externalcontact/get', { query: { external_userid: c.ext } })).follow_user.map((f) => f.userid);
    expect(followers).toEqual(['bob']);

    // A second transfer is allowed, a third within 90 days is not.
    expect((await h.api('externalcontact/transfer_customer', { body: { handover_userid: 'bob', takeover_userid: 'carol', external_userid: [c.ext] } })).customer[0].errcode).toBe(0);
    await h.sim.control.advanceTime(DAY);
    expect((await h.api('externalcontact/transfer_customer', { body: { handover_userid: 'carol', takeover_userid: 'alice', external_userid: [c.ext] } })).customer[0].errcode).toBe(40128);
  });

  it('a customer can refuse: transfer_fail with customer_refused', async () => {
    const c = await customerOf('alice', '拒绝客户');
    await h.api('externalcontact/transfer_customer', { body: { handover_userid: 'alice', takeover_userid: 'carol', external_userid: [c.ext] } });
    await h.sim.control.refuseTransfer(c.ext);
    await h.sim.control.waitForCallbacks();
    expect(h.receiver.events.at(-1)).toMatchObject({ ChangeType: 'transfer_fail', UserID: 'carol', ExternalUserID: c.ext, FailReason: 'customer_refused' });
    const result = await h.api('externalcontact/transfer_result', { body: { handover_userid: 'alice', takeover_userid: 'carol' } });
    expect(result.customer.find((x) => x.external_userid === c.ext)?.status).toBe(3);
    expect(await h.sim.control.getFollow(h.corp.corpId, 'alice', c.ext)).toMatchObject({ status: 'active' });
  });

  it('resigned members: unassigned customers, resigned transfer, and group takeover', async () => {
    await h.sim.control.upsertStaff(h.corp.corpId, { userid: 'dave', name: '离职员工' });
    const c = await customerOf('dave', '离职客户');
    const g = await h.sim.control.createGroup({ owner: 'dave', name: '离职群', members: [c.user.id] });
    expect((await h.api('externalcontact/groupchat/transfer', { body: { chat_id_list: [g.chatId], new_owner: 'bob' } })).failed_chat_list?.[0]?.errcode).toBe(90500);
    expect((await h.api('externalcontact/resigned/transfer_customer', { body: { handover_userid: 'dave', takeover_userid: 'bob', external_userid: [c.ext] } })).errcode).toBe(40097);
    await h.sim.control.resignStaff('dave');
    expect((await h.api('externalcontact/groupchat/list', { body: { limit: 10, status_filter: 1 } })).group_chat_list).toEqual([{ chat_id: g.chatId, status: 1 }]);
    const unassigned = await h.api('externalcontact/get_unassigned_list', { body: { page_size: 100 } });
    expect(unassigned.info).toEqual([{ handover_userid: 'dave', external_userid: c.ext, dimission_time: expect.any(Number) }]);
    expect(unassigned.is_last).toBe(true);
    const t = await h.api('externalcontact/resigned/transfer_customer', { body: { handover_userid: 'dave', takeover_userid: 'bob', external_userid: [c.ext] } });
    expect(t.customer[0].errcode).toBe(0);
    expect((await h.api('externalcontact/groupchat/transfer', { body: { chat_id_list: [g.chatId], new_owner: 'bob' } })).failed_chat_list).toEqual([]);
    expect((await h.api('externalcontact/groupchat/get', { body: { chat_id: g.chatId } })).group_chat.owner).toBe('bob');
    await h.sim.control.advanceTime(DAY);
    expect((await h.api('externalcontact/resigned/transfer_result', { body: { handover_userid: 'dave', takeover_userid: 'bob' } })).customer[0].status).toBe(1);
    expect((await h.api('user/get', { query: { userid: 'dave' } })).errcode).toBe(60111);
  });

  it('on-job group transfer: at most twice per group in 90 days', async () => {
    const g = await h.sim.control.createGroup({ owner: 'alice', name: '在职群' });
    const move = (to: string) => h.api('externalcontact/groupchat/onjob_transfer', { body: { chat_id_list: [g.chatId], new_owner: to } });
    expect((await move('bob')).failed_chat_list).toEqual([]);
    expect((await move('carol')).failed_chat_list).toEqual([]);
    expect((await move('alice')).failed_chat_list?.[0]?.errcode).toBe(90507);
  });
});

describe('statistics and app messages', () => {
  it('get_user_behavior_data counts adds, chats and replies per day', async () => {
    const c = await customerOf('carol', '统计客户');
    await h.sim.control.sendMessage(c.user.id, 'carol', '你好');
    h.clock.now += 120_000;
    await h.sim.control.staffSendMessage('carol', c.ext, '您好！');
    const day = Math.floor(h.sim.control.now() / 1000);
    const r = await h.api('externalcontact/get_user_behavior_data', { body: { userid: ['carol'], start_time: day, end_time: day } });
    expect(r.behavior_data).toHaveLength(1);
    expect(r.behavior_data[0]).toMatchObject({ new_contact_cnt: expect.any(Number), chat_cnt: 1, message_cnt: 1, reply_percentage: 100, avg_reply_time: 2 });
    expect(r.behavior_data[0].new_contact_cnt).toBeGreaterThanOrEqual(1);
    expect((await h.api('externalcontact/get_user_behavior_data', { body: { userid: ['carol'], start_time: day - 40 * 86400, end_time: day } })).errcode).toBe(40058);
  });

  it('group statistics count members\' lines, speakers and joins, by owner and by day', async () => {
    const a = await h.sim.control.createWechatUser({ nickname: '群友甲' });
    const b = await h.sim.control.createWechatUser({ nickname: '群友乙' });
    await h.sim.control.upsertStaff(h.corp.corpId, [{ userid: 'erin', name: '钱群主' }]);
    const g = await h.sim.control.createGroup({ owner: 'erin', name: '统计群', members: [a.id, b.id] });
    await h.sim.control.sayInGroup(a.id, g.chatId, '大家好');
    await h.sim.control.sayInGroup(a.id, g.chatId, '有人吗');
    await h.sim.control.sayInGroup('erin', g.chatId, '欢迎');
    await expect(h.sim.control.sayInGroup('bob', g.chatId, '我不在群里')).rejects.toThrow(/not in group/);
    const day = Math.floor(h.sim.control.now() / 1000);
    const byOwner = await h.api('externalcontact/groupchat/statistic', { body: { day_begin_time: day, owner_filter: { userid_list: ['erin'] } } });
    expect(byOwner.items).toEqual([{ owner: 'erin', data: expect.objectContaining({ chat_total: 1, chat_has_msg: 1, msg_total: 3, member_has_msg: 2, new_member_cnt: 3, member_total: 3 }) }]);
    const byDay = await h.api('externalcontact/groupchat/statistic_group_by_day', { body: { day_begin_time: day - 86_400, day_end_time: day, owner_filter: { userid_list: ['erin'] } } });
    expect(byDay.items.map((i) => i.data.msg_total)).toEqual([0, 3]);
  });

  it('message/send stores app messages for staff and reports invalid users', async () => {
    const r = await h.api('message/send', { body: { touser: 'alice|ghost', msgtype: 'text', agentid: 1000002, text: { content: 'SOP 提醒' } } });
    expect(r).toMatchObject({ errcode: 0, invaliduser: 'ghost', msgid: expect.any(String) });
    expect((await h.sim.control.listStaffMessages(h.corp.corpId, 'alice'))[0]).toMatchObject({ kind: 'app', payload: { text: { content: 'SOP 提醒' } } });
    expect((await h.api('message/send', { body: { touser: 'alice', msgtype: 'text', agentid: 1, text: { content: 'x' } } })).errcode).toBe(40056);
  });

  it('tickets for the JS-SDK', async () => {
    expect(await h.api('get_jsapi_ticket')).toMatchObject({ errcode: 0, ticket: expect.any(String), expires_in: 7200 });
    expect(await h.api('ticket/get', { query: { type: 'agent_config' } })).toMatchObject({ errcode: 0, expires_in: 7200 });
  });
});
