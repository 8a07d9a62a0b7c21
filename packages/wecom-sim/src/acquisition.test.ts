// Customer acquisition links (获客助手): the API (range checked against the corp's limit, get/update/list/delete),
// the link's page on the phone, "start the chat" adding a member of the range with State = customer_channel cut to
// 64 bytes (in add_external_contact and follow_user.state), the quota spent per new customer with balance_low and
// balance_exhausted once each, link_unavailable / delete_link from WeCom's side, and the call log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { truncateBytes } from './acquisition';
import { startHarness, waitFor, type Harness } from './test-helpers';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ callbackConcurrency: 16 });
  await h.sim.control.upsertDepartments(h.corp.corpId, [{ id: 1, name: '测试企业', parentid: 0 }, { id: 2, name: '门店', parentid: 1 }]);
  await h.sim.control.upsertStaff(h.corp.corpId, [
    { userid: 'alice', name: '王小美', department: [2] },
    { userid: 'bob', name: '李大壮', department: [2] },
    { userid: 'carol', name: '赵小丽', department: [1] },
  ]);
});
afterAll(async () => { await h?.close(); });

const events = (changeType: string) => h.receiver.events.filter((e) => e.ChangeType === changeType);

describe('acquisition links', () => {
  it('creates a link whose range is checked: members who exist and have customer contact, within the corp\'s limit', async () => {
    expect((await h.api('externalcontact/customer_acquisition/create_link', { body: { link_name: 'x', range: {} } })).errmsg).toContain('range');
    expect((await h.api('externalcontact/customer_acquisition/create_link', { body: { link_name: 'x', range: { user_list: ['nobody'] } } })).errcode).toBe(60111);
    expect((await h.api('externalcontact/customer_acquisition/create_link', { body: { range: { user_list: ['alice'] } } })).errmsg).toContain('link_name');
    await h.sim.control.setAcquisitionQuota(h.corp.corpId, { rangeMax: 2 });
    const over = await h.api('externalcontact/customer_acquisition/create_link', { body: { link_name: 'x', range: { user_list: ['alice', 'bob', 'carol'] } } });
    expect(over.errcode).toBe(40058);
    expect(over.errmsg).toContain('at most 2');
    // A department counts its members.
    expect((await h.api('externalcontact/customer_acquisition/create_link', { body: { link_name: 'x', range: { user_list: ['carol'], department_list: [2] } } })).errcode).toBe(40058);
    await h.sim.control.setAcquisitionQuota(h.corp.corpId, { rangeMax: 100 });

    const made = await h.api('externalcontact/customer_acquisition/create_link', { body: { link_name: '获客', range: { user_list: ['alice', 'bob'] }, skip_verify: true } });
    expect(made.errcode).toBe(0);
    expect(made.link.url).toBe(`${h.simUrl}/ca/${made.link.link_id}`);
    const got = await h.api('externalcontact/customer_acquisition/get', { body: { link_id: made.link.link_id } });
    expect(got.range).toEqual({ user_list: ['alice', 'bob'], department_list: [] });
    expect(got.link).toMatchObject({ link_name: '获客', skip_verify: true });
    expect((await h.api('externalcontact/customer_acquisition/update_link', { body: { link_id: made.link.link_id, range: { user_list: ['bob'] } } })).errcode).toBe(0);
    expect((await h.api('externalcontact/customer_acquisition/get', { body: { link_id: made.link.link_id } })).range.user_list).toEqual(['bob']);
    expect((await h.api('externalcontact/customer_acquisition/list_link', { body: { limit: 100 } })).link_id_list).toContain(made.link.link_id);
    expect((await h.api('externalcontact/customer_acquisition/delete_link', { body: { link_id: made.link.link_id } })).errcode).toBe(0);
    expect((await h.api('externalcontact/customer_acquisition/get', { body: { link_id: made.link.link_id } })).errcode).toBe(40058);
    expect((await h.api('externalcontact/customer_acquisition/list_link', { body: {} })).link_id_list).not.toContain(made.link.link_id);
    // An API delete fires no callback.
    expect(events('delete_link')).toHaveLength(0);
  });

  it('the link\'s page starts the chat: a member of the range adds the customer with State = customer_channel (64 bytes), spending the quota once', async () => {
    await h.sim.control.setAcquisitionQuota(h.corp.corpId, { total: 3, lowAt: 1 });
    const { link } = await h.api('externalcontact/customer_acquisition/create_link', { body: { link_name: '门店获客', range: { user_list: ['alice', 'bob'] } } });
    const u = await h.sim.control.createWechatUser({ nickname: '链接客户' });
    const page = await (await fetch(`${link.url}?customer_channel=pc_abc.123&as=${u.id}`, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('王小美');
    expect(page).toContain('name="customer_channel" value="pc_abc.123"');

    // Through the phone's scan (a landing page that redirects to the link works the same way: see the server's tests).
    const long = `${'渠'.repeat(30)}`; // 90 bytes: cut to 21 characters (63 bytes)
    const r = await h.sim.control.scan(u.id, `${link.url}?customer_channel=${encodeURIComponent(long)}`);
    if (r.kind !== 'link') throw new Error(`expected a link, got ${r.kind}`);
    expect(r.result.status).toBe('added');
    expect(r.result.state).toBe(truncateBytes(long, 64));
    expect(Buffer.byteLength(r.result.state)).toBe(63);
    const ev = await waitFor(() => events('add_external_contact').find((e) => e.ExternalUserID === r.result.externalUserid), 5000, 'add event');
    expect(ev.State).toBe(r.result.state);
    expect(ev.UserID).toBe('alice');
    const contact = await h.api('externalcontact/get', { query: { external_userid: r.result.externalUserid } });
    expect(contact.follow_user[0]).toMatchObject({ userid: 'alice', state: r.result.state, add_way: 16 });
    expect((await h.sim.control.getAcquisitionQuota(h.corp.corpId)).balance).toBe(2);
    const listed = await h.api('externalcontact/customer_acquisition/customer', { body: { link_id: link.link_id } });
    expect(listed.customer_list).toEqual([{ external_userid: r.result.externalUserid, userid: 'alice', chat_status: 0, state: r.result.state }]);

    // Again: the same member answers, nothing more is spent. The next customer goes to bob and the balance reaches the low mark.
    expect((await h.sim.control.startAcquisitionChat(u.id, link.link_id, { customerChannel: 'again' })).status).toBe('already_added');
    const v = await h.sim.control.createWechatUser({ nickname: '第二位' });
    expect((await h.sim.control.startAcquisitionChat(v.id, link.link_id, { customerChannel: 'x' })).userid).toBe('bob');
    expect((await h.sim.control.getAcquisitionQuota(h.corp.corpId)).balance).toBe(1);
    await waitFor(() => events('balance_low').length === 1, 5000, 'balance_low');
    const w = await h.sim.control.createWechatUser({ nickname: '第三位' });
    await h.sim.control.startAcquisitionChat(w.id, link.link_id, {});
    await waitFor(() => events('balance_exhausted').length === 1, 5000, 'balance_exhausted');
    expect(events('balance_low')).toHaveLength(1);
    expect(events('balance_exhausted')[0].LinkId).toBeUndefined();
    // Used up: a new customer cannot add through any link.
    const x = await h.sim.control.createWechatUser({ nickname: '第四位' });
    await expect(h.sim.control.startAcquisitionChat(x.id, link.link_id, {})).rejects.toThrow(/quota/);
    expect((await h.api('externalcontact/customer_acquisition_quota')).balance).toBe(0);
    const stat = await h.api('externalcontact/customer_acquisition/statistic', { body: { link_id: link.link_id, start_time: 0, end_time: Math.floor(Date.now() / 1000) + 60 } });
    expect(stat.new_customer_cnt).toBe(3);
    expect(stat.click_link_customer_cnt).toBeGreaterThanOrEqual(3);
  });

  it('WeCom\'s side: a link made unusable (link_unavailable) or deleted in the console (delete_link) says so with its LinkId', async () => {
    await h.sim.control.setAcquisitionQuota(h.corp.corpId, { total: 100 });
    const { link } = await h.api('externalcontact/customer_acquisition/create_link', { body: { link_name: '停用', range: { user_list: ['carol'] } } });
    await h.sim.control.setAcquisitionLinkUnavailable(h.corp.corpId, link.link_id);
    await waitFor(() => events('link_unavailable').find((e) => e.LinkId === link.link_id), 5000, 'link_unavailable');
    const u = await h.sim.control.createWechatUser({ nickname: '停用客户' });
    await expect(h.sim.control.startAcquisitionChat(u.id, link.link_id, {})).rejects.toThrow(/unavailable/);
    await h.sim.control.deleteAcquisitionLinkInConsole(h.corp.corpId, link.link_id);
    await waitFor(() => events('delete_link').find((e) => e.LinkId === link.link_id), 5000, 'delete_link');
    expect((await h.sim.control.getAcquisitionLink(h.corp.corpId, link.link_id))?.deleted).toBe(true);
  });

  it('logs every API call with its arguments and errcode (no access token)', async () => {
    const mark = h.sim.control.lastApiCallSeq();
    await h.api('externalcontact/customer_acquisition/get', { body: { link_id: 'cawcde0000000000000000' } });
    const calls = h.sim.control.listApiCalls(h.corp.corpId, { afterSeq: mark });
    expect(calls.map((c) => [c.api, c.errcode])).toEqual([['externalcontact/customer_acquisition/get', 40058]]);
    expect(calls[0].args).toContain('cawcde0000000000000000');
    expect(calls[0].args).not.toContain('access_token');
  });
});
