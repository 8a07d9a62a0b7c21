// The WeCom API surface: tokens and their errors, the per-call gate (60020, 48002, 45009),
// the demo seed, and the customer/tag reads and writes Pond's full sync relies on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Answer, type Harness } from './test-helpers';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await h.sim.control.seedDemo({ corpId: h.corp.corpId });
});

afterAll(async () => {
  await h?.close();
});

describe('gettoken and token errors', () => {
  it('issues a token valid 7200 s and rejects bad corp ids and secrets', async () => {
    const ok = await h.api('gettoken', { token: null, query: { corpid: h.corp.corpId, corpsecret: h.corp.secret } });
    expect(ok).toMatchObject({ errcode: 0, errmsg: 'ok', expires_in: 7200 });
    expect(ok.access_token).toMatch(/^[A-Za-z0-9_-]{64,}$/);

    expect((await h.api('gettoken', { token: null, query: { corpid: 'nope', corpsecret: 'x' } })).errcode).toBe(40013);
    expect((await h.api('gettoken', { token: null, query: { corpid: h.corp.corpId, corpsecret: 'wrong' } })).errcode).toBe(40001);
    expect((await h.api('gettoken', { token: null, query: { corpsecret: 'x' } })).errcode).toBe(41002);
  });

  it('answers 41001, 40014 and 42001 so clients know to refresh', async () => {
    expect((await h.api('getcallbackip', { token: null })).errcode).toBe(41001);
    expect((await h.api('getcallbackip', { token: 'not-a-token' })).errcode).toBe(40014);

    const { access_token } = await h.api('gettoken', { token: null, query: { corpid: h.corp.corpId, corpsecret: h.corp.secret } });
    expect((await h.api('getcallbackip', { token: access_token })).errcode).toBe(0);
    h.clock.now += 7200_000;
    const expired = await h.api('getcallbackip', { token: access_token });
    expect(expired.errcode).toBe(42001);
    expect(expired.errmsg).toContain('access_token expired');
    expect(expired.errmsg).toContain('from ip: 127.0.0.1');
    h.clock.now -= 7200_000;
  });

  it('lets the control API expire or revoke live tokens', async () => {
    const { access_token } = await h.api('gettoken', { token: null, query: { corpid: h.corp.corpId, corpsecret: h.corp.secret } });
    expect(await h.sim.control.expireTokens(h.corp.corpId, { errcode: 40014 })).toBeGreaterThan(0);
    expect((await h.api('getcallbackip', { token: access_token })).errcode).toBe(40014);
    const fresh = await h.api('gettoken', { token: null, query: { corpid: h.corp.corpId, corpsecret: h.corp.secret } });
    await h.sim.control.expireTokens(h.corp.corpId);
    expect((await h.api('getcallbackip', { token: fresh.access_token })).errcode).toBe(42001);
  });
});

describe('the per-call gate', () => {
  let token: string;
  beforeAll(async () => {
    token = (await h.api('gettoken', { token: null, query: { corpid: h.corp.corpId, corpsecret: h.corp.secret } })).access_token;
  });

  it('returns 60020 for an untrusted caller IP, but still issues tokens', async () => {
    await h.sim.control.upsertCorp({ corpId: h.corp.corpId, trustedIps: ['10.1.2.3'] });
    const r = await h.api('externalcontact/get_follow_user_list', { token });
    expect(r.errcode).toBe(60020);
    expect(r.errmsg).toContain('not allow to access from your ip');
    expect((await h.api('gettoken', { token: null, query: { corpid: h.corp.corpId, corpsecret: h.corp.secret } })).errcode).toBe(0);
    await h.sim.control.upsertCorp({ corpId: h.corp.corpId, trustedIps: null });
    expect((await h.api('externalcontact/get_follow_user_list', { token })).errcode).toBe(0);
  });

  it('returns 48002 for an API the app may not call', async () => {
    await h.sim.control.upsertCorp({ corpId: h.corp.corpId, forbiddenApis: ['externalcontact/*'] });
    expect((await h.api('externalcontact/get_follow_user_list', { token })).errcode).toBe(48002);
    expect((await h.api('user/get', { token, query: { userid: 'wangli' } })).errcode).toBe(0);
    await h.sim.control.upsertCorp({ corpId: h.corp.corpId, forbiddenApis: [] });
  });

  it('returns 45009 past the configured calls per minute, and recovers the next minute', async () => {
    await h.sim.control.upsertCorp({ corpId: h.corp.corpId, rateLimits: { 'externalcontact/get_follow_user_list': 2 } });
    h.clock.now = Math.ceil(h.clock.now / 60_000) * 60_000 + 1000;
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await h.api('externalcontact/get_follow_user_list', { token })).errcode);
    expect(codes).toEqual([0, 0, 45009]);
    expect((await h.api('user/get', { token, query: { userid: 'wangli' } })).errcode).toBe(0); // other APIs unaffected
    h.clock.now += 60_000;
    expect((await h.api('externalcontact/get_follow_user_list', { token })).errcode).toBe(0);
    await h.sim.control.upsertCorp({ corpId: h.corp.corpId, rateLimits: {} });
  });

  it('answers 47001 to a body that is not JSON', async () => {
    const res = await fetch(`${h.simUrl}/cgi-bin/externalcontact/mark_tag?access_token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{oops',
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Answer<'externalcontact/mark_tag'>).errcode).toBe(47001);
  });
});

describe('demo corp', () => {
  it('is seeded deterministically and idempotently', async () => {
    const again = await h.sim.control.seedDemo({ corpId: h.corp.corpId });
    expect(again).toMatchObject({ departments: 5, staff: 10, customers: 200, groups: 10, tagGroups: 3, tags: 15 });
    expect(again.follows).toBeGreaterThan(200);
    const groups = await h.sim.control.listGroups(h.corp.corpId);
    for (const g of groups) {
      const full = await h.sim.control.getGroup(g.chatId);
      const customers = full!.members.filter((m) => m.type === 2).length;
      expect(customers).toBeGreaterThanOrEqual(5);
      expect(customers).toBeLessThanOrEqual(60);
    }
    const departments = await h.api('department/list');
    expect(departments.department.map((d) => d.name)).toEqual(expect.arrayContaining(['总部', '静安店', '徐汇店']));
    const users = await h.api('user/list', { query: { department_id: '1', fetch_child: '1' } });
    expect(users.userlist).toHaveLength(10);
    expect(users.userlist[0]).toMatchObject({ userid: expect.any(String), name: expect.any(String), avatar: expect.stringMatching(/^data:image\/svg/) });
  });
});

describe('customers', () => {
  it('pages batch/get_by_user with a cursor and limit ≤ 100', async () => {
    const staff = (await h.api('externalcontact/get_follow_user_list')).follow_user;
    expect(staff).toHaveLength(10);
    const seen = new Set<string>();
    let cursor = '';
    let pages = 0;
    do {
      const r = await h.api('externalcontact/batch/get_by_user', { body: { userid_list: staff, cursor, limit: 100 } });
      expect(r.errcode).toBe(0);
      expect(r.external_contact_list.length).toBeLessThanOrEqual(100);
      for (const item of r.external_contact_list) {
        expect(item.external_contact.external_userid).toMatch(/^wm[A-Za-z0-9_-]{30}$/);
        expect(item.follow_info).toMatchObject({ userid: expect.any(String), createtime: expect.any(Number), tag_id: expect.any(Array) });
        seen.add(`${item.follow_info.userid}|${item.external_contact.external_userid}`);
      }
      cursor = r.next_cursor ?? '';
      pages++;
    } while (cursor);
    const state = await h.sim.control.getState(h.corp.corpId);
    expect(seen.size).toBe(state.follows);
    expect(pages).toBe(Math.ceil(state.follows / 100));
    expect((await h.api('externalcontact/batch/get_by_user', { body: { userid_list: staff, limit: 101 } })).errcode).toBe(40058);
  });

  it('returns the customer with every follow user and their corp tags', async () => {
    const ids = (await h.api('externalcontact/list', { query: { userid: 'zhangwei' } })).external_userid;
    expect(ids.length).toBeGreaterThan(0);
    const r = await h.api('externalcontact/get', { query: { external_userid: ids[0] } });
    expect(r.external_contact).toMatchObject({ external_userid: ids[0], type: 1, name: expect.any(String), unionid: expect.stringMatching(/^o/) });
    const follow = r.follow_user.find((f) => f.userid === 'zhangwei');
    expect(follow?.tags?.[0]).toMatchObject({ group_name: expect.any(String), tag_name: expect.any(String), type: 1, tag_id: expect.stringMatching(/^et/) });
    expect((await h.api('externalcontact/get', { query: { external_userid: 'wmnobody' } })).errcode).toBe(40096);
  });

  it('mark_tag and remark change the relationship without any callback', async () => {
    const before = h.receiver.deliveries;
    const [level] = (await h.api('externalcontact/get_corp_tag_list', { body: {} })).tag_group;
    const ext = (await h.api('externalcontact/list', { query: { userid: 'liufang' } })).external_userid[0];
    const tagId = level.tag[level.tag.length - 1].id;
    expect((await h.api('externalcontact/mark_tag', { body: { userid: 'liufang', external_userid: ext, add_tag: [tagId] } })).errcode).toBe(0);
    expect((await h.api('externalcontact/remark', { body: { userid: 'liufang', external_userid: ext, remark: '新备注' } })).errcode).toBe(0);
    expect((await h.api('externalcontact/mark_tag', { body: { userid: 'liufang', external_userid: ext, add_tag: ['etnope'] } })).errcode).toBe(40068);
    expect((await h.api('externalcontact/mark_tag', { body: { userid: 'nobody', external_userid: ext, add_tag: [tagId] } })).errcode).toBe(84061);
    expect((await h.api('externalcontact/remark', { body: { userid: 'liufang', external_userid: ext, remark: 'x'.repeat(21) } })).errcode).toBe(40058);
    const f = await h.sim.control.getFollow(h.corp.corpId, 'liufang', ext);
    expect(f).toMatchObject({ remark: '新备注' });
    expect(f!.tagIds).toContain(tagId);
    await h.sim.control.waitForCallbacks();
    expect(h.receiver.deliveries).toBe(before);
    expect(await h.sim.control.listCallbacks(h.corp.corpId, { changeType: 'edit_external_contact' })).toHaveLength(0);

    // The same change made in the WeCom client does fire edit_external_contact.
    await h.sim.control.editTagsInClient('liufang', ext, [], [tagId]);
    await h.sim.control.waitForCallbacks();
    expect(h.receiver.events.at(-1)).toMatchObject({ ChangeType: 'edit_external_contact', UserID: 'liufang', ExternalUserID: ext });
  });

  it('tag CRUD through the API fires nothing; the same in the admin console fires change_external_tag', async () => {
    const before = h.receiver.deliveries;
    const added = await h.api('externalcontact/add_corp_tag', { body: { group_name: '测试组', tag: [{ name: 'A' }, { name: 'B', order: 5 }] } });
    expect(added.errcode).toBe(0);
    expect(added.tag_group).toMatchObject({ group_name: '测试组', tag: [{ name: 'B' }, { name: 'A' }] });
    expect((await h.api('externalcontact/add_corp_tag', { body: { group_id: added.tag_group.group_id, tag: [{ name: 'A' }] } })).errcode).toBe(40071);
    expect((await h.api('externalcontact/add_corp_tag', { body: { group_name: 'x', tag: [{ name: 'y'.repeat(31) }] } })).errcode).toBe(40058);
    expect((await h.api('externalcontact/edit_corp_tag', { body: { id: added.tag_group.tag[0].id, name: 'B2' } })).errcode).toBe(0);
    expect((await h.api('externalcontact/del_corp_tag', { body: { group_id: [added.tag_group.group_id] } })).errcode).toBe(0);
    const byId = await h.api('externalcontact/get_corp_tag_list', { body: { group_id: [added.tag_group.group_id] } });
    expect(byId.tag_group[0]).toMatchObject({ deleted: true });
    await h.sim.control.waitForCallbacks();
    expect(h.receiver.deliveries).toBe(before);

    const g = await h.sim.control.adminCreateTagGroup(h.corp.corpId, { name: '控制台组', tags: [{ name: '甲' }] });
    await h.sim.control.adminEditTag(h.corp.corpId, g.tag[0].id, { name: '乙' });
    await h.sim.control.adminDeleteTags(h.corp.corpId, { tagIds: [g.tag[0].id] });
    await h.sim.control.waitForCallbacks();
    const tagEvents = h.receiver.events.filter((e) => e.Event === 'change_external_tag').map((e) => [e.ChangeType, e.TagType, e.Id]);
    expect(tagEvents).toEqual([
      ['create', 'tag_group', g.group_id],
      ['create', 'tag', g.tag[0].id],
      ['update', 'tag', g.tag[0].id],
      ['delete', 'tag_group', g.group_id],
    ]);
  });
});

describe('groups', () => {
  it('lists with status/owner filters and cursor, and returns members with names', async () => {
    const first = await h.api('externalcontact/groupchat/list', { body: { limit: 4 } });
    expect(first.group_chat_list).toHaveLength(4);
    const second = await h.api('externalcontact/groupchat/list', { body: { limit: 100, cursor: first.next_cursor } });
    expect(second.group_chat_list).toHaveLength(6);
    expect(second.next_cursor).toBe('');
    const mine = await h.api('externalcontact/groupchat/list', { body: { limit: 100, owner_filter: { userid_list: ['wangli'] } } });
    expect(mine.group_chat_list).toHaveLength(2);
    expect((await h.api('externalcontact/groupchat/list', { body: {} })).errcode).toBe(40058);

    const g = await h.api('externalcontact/groupchat/get', { body: { chat_id: mine.group_chat_list[0].chat_id, need_name: 1 } });
    expect(g.group_chat).toMatchObject({ owner: 'wangli', member_version: expect.any(String) });
    const customer = g.group_chat.member_list.find((m) => m.type === 2);
    expect(customer).toMatchObject({ userid: expect.stringMatching(/^wm/), join_time: expect.any(Number), join_scene: expect.any(Number), name: expect.any(String), unionid: expect.any(String) });
    const noName = await h.api('externalcontact/groupchat/get', { body: { chat_id: mine.group_chat_list[0].chat_id } });
    expect(noName.group_chat.member_list[0].name).toBeUndefined();
  });
});
