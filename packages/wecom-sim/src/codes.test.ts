// Contact ways (channel live codes) and join ways (group codes): validation, the QR pages, and
// what a scan does — staff picked in turn, state carried through, groups closing to QR joins
// at 200 members and the join way moving on or creating the next group.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QR_JOIN_CAP } from './groups';
import type { ScanResult } from './control';
import { startHarness, waitFor, type Harness } from './test-helpers';

let h: Harness;

/** What a scan of a contact way did (fails the test when the URL was something else). */
function added(r: ScanResult) {
  if (r.kind !== 'contact') throw new Error(`expected a contact-way scan, got ${r.kind}`);
  return r.result;
}

/** What a scan of a join way did. */
function joined(r: ScanResult) {
  if (r.kind !== 'join') throw new Error(`expected a join-way scan, got ${r.kind}`);
  return r.result;
}

beforeAll(async () => {
  h = await startHarness({ callbackConcurrency: 16 });
  await h.sim.control.upsertDepartments(h.corp.corpId, [
    { id: 1, name: '测试企业', parentid: 0 },
    { id: 2, name: '门店', parentid: 1 },
  ]);
  await h.sim.control.upsertStaff(h.corp.corpId, [
    { userid: 'alice', name: '王小美', department: [2] },
    { userid: 'bob', name: '李大壮', department: [2] },
    { userid: 'carol', name: '赵小丽', department: [1] },
  ]);
});

afterAll(async () => {
  await h?.close();
});

async function customers(n: number) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await h.sim.control.createWechatUser({ nickname: `客户${i}` }));
  return out;
}

describe('contact ways', () => {
  it('rejects a state over 30 characters with 40058 naming the field', async () => {
    const r = await h.api('externalcontact/add_contact_way', { body: { type: 1, scene: 2, user: ['alice'], state: 's'.repeat(31) } });
    expect(r.errcode).toBe(40058);
    expect(r.errmsg).toContain('state');
    const ok = await h.api('externalcontact/add_contact_way', { body: { type: 1, scene: 2, user: ['alice'], state: 's'.repeat(30) } });
    expect(ok.errcode).toBe(0);
    expect((await h.api('externalcontact/add_contact_way', { body: { type: 1, scene: 2, user: ['alice', 'bob'] } })).errcode).toBe(40058);
    expect((await h.api('externalcontact/add_contact_way', { body: { type: 1, scene: 2, user: ['nobody'] } })).errcode).toBe(60111);
    expect((await h.api('externalcontact/add_contact_way', { body: { scene: 2, user: ['alice'] } })).errmsg).toContain('type');
  });

  it('returns a QR URL whose page adds the staff member with the way\'s state', async () => {
    const add = await h.api('externalcontact/add_contact_way', { body: { type: 1, scene: 2, user: ['alice'], state: 'parcel_card', remark: '包裹卡' } });
    expect(add.qr_code).toBe(`${h.simUrl}/qr/contact/${add.config_id}`);
    const got = await h.api('externalcontact/get_contact_way', { body: { config_id: add.config_id } });
    expect(got.contact_way).toMatchObject({ type: 1, scene: 2, user: ['alice'], state: 'parcel_card', skip_verify: true, qr_code: add.qr_code });

    // The QR URL is an image for <img> and a page for a browser.
    const qr = add.qr_code!;
    const img = await fetch(qr);
    expect(img.headers.get('content-type')).toBe('image/png');
    const [user] = await customers(1);
    const page = await fetch(`${qr}?as=${user.id}`, { headers: { accept: 'text/html' } });
    const html = await page.text();
    expect(html).toContain('王小美');
    expect(html).toContain('<svg');
    expect(html).toContain(`name="as" value="${user.id}"`);

    const post = await fetch(qr, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `as=${user.id}`, redirect: 'manual' });
    expect(post.status).toBe(303);
    expect(decodeURIComponent(post.headers.get('location')!)).toContain('已添加 alice');
    const ext = await h.sim.control.externalUseridOf(user.id);
    const ev = await waitFor(() => h.receiver.events.find((e) => e.ExternalUserID === ext), 3000, 'add via QR');
    expect(ev).toMatchObject({ ChangeType: 'add_external_contact', UserID: 'alice', State: 'parcel_card' });
    expect(await h.sim.control.getFollow(h.corp.corpId, 'alice', ext)).toMatchObject({ addWay: 1, state: 'parcel_card' });
  });

  it('type 2 hands scans to its members in turn, and a returning customer to the same member', async () => {
    const add = await h.api('externalcontact/add_contact_way', { body: { type: 2, scene: 2, user: ['alice', 'bob'], party: [1] } });
    const people = await customers(4);
    const picked = [];
    for (const p of people) picked.push(added(await h.sim.control.scan(p.id, add.qr_code!)));
    expect(picked.map((r) => r.userid)).toEqual(['alice', 'bob', 'carol', 'alice']);
    const again = added(await h.sim.control.scan(people[1].id, add.qr_code!));
    expect(again).toMatchObject({ userid: 'bob', status: 'already_added' });
  });

  it('lists, updates and deletes; a deleted way no longer adds anyone', async () => {
    const add = await h.api('externalcontact/add_contact_way', { body: { type: 1, scene: 2, user: ['bob'] } });
    const list = await h.api('externalcontact/list_contact_way', { body: { limit: 1000 } });
    expect(list.contact_way.map((c) => c.config_id)).toContain(add.config_id);
    expect((await h.api('externalcontact/update_contact_way', { body: { config_id: add.config_id, state: 'x'.repeat(31) } })).errcode).toBe(40058);
    expect((await h.api('externalcontact/update_contact_way', { body: { config_id: add.config_id, state: 'renamed', user: ['carol'] } })).errcode).toBe(0);
    expect((await h.api('externalcontact/get_contact_way', { body: { config_id: add.config_id } })).contact_way).toMatchObject({ state: 'renamed', user: ['carol'] });
    expect((await h.api('externalcontact/del_contact_way', { body: { config_id: add.config_id } })).errcode).toBe(0);
    const [p] = await customers(1);
    await expect(h.sim.control.scan(p.id, add.qr_code!)).rejects.toThrow(/no longer valid/);
  });
});

describe('groups and join ways', () => {
  let full: string;
  let open: string;

  beforeAll(async () => {
    // A group at the QR cap (owner + 199 customers) and one with room.
    const people = await customers(QR_JOIN_CAP - 1 + 3);
    const g1 = await h.sim.control.createGroup({ owner: 'alice', name: '福利1群', members: people.slice(0, QR_JOIN_CAP - 1).map((p) => p.id) });
    const g2 = await h.sim.control.createGroup({ owner: 'bob', name: '福利2群', members: people.slice(QR_JOIN_CAP - 1).map((p) => p.id) });
    full = g1.chatId;
    open = g2.chatId;
    expect((await h.sim.control.getGroup(full))!.members).toHaveLength(QR_JOIN_CAP);
    await h.sim.control.waitForCallbacks();
  });

  it('closes a group to QR joins at 200 members; invitations still work', async () => {
    const [p, q] = await customers(2);
    await expect(h.sim.control.joinGroup(p.id, full, { scene: 3 })).rejects.toThrow(/only join by invitation/);
    const r = await h.sim.control.joinGroup(q.id, full, { scene: 1, invitor: 'alice' });
    expect(r.status).toBe('joined');
    await h.sim.control.leaveGroup(q.id, full);
    await h.sim.control.waitForCallbacks();
    const ext = await h.sim.control.externalUseridOf(q.id);
    const evs = h.receiver.events.filter((e) => e.Event === 'change_external_chat' && (e.MemChangeList as string[] | undefined)?.includes(ext));
    expect(evs.map((e) => [e.UpdateDetail, e.JoinScene ?? e.QuitScene, e.MemChangeCnt])).toEqual([
      ['add_member', '0', '1'],
      ['del_member', '0', '1'],
    ]);
    expect(evs[1].LastMemVer).toBe(evs[0].CurMemVer);
  });

  it('validates join ways: ≤ 5 chat ids, state ≤ 30', async () => {
    expect((await h.api('externalcontact/groupchat/add_join_way', { body: { scene: 2, chat_id_list: Array(6).fill(open) } })).errcode).toBe(40058);
    expect((await h.api('externalcontact/groupchat/add_join_way', { body: { scene: 2, chat_id_list: [open], state: 'x'.repeat(31) } })).errmsg).toContain('state');
    expect((await h.api('externalcontact/groupchat/add_join_way', { body: { scene: 2, chat_id_list: ['wrnope'] } })).errcode).toBe(40050);
  });

  it('moves past a full group to the next one, with the way\'s state on the member', async () => {
    const add = await h.api('externalcontact/groupchat/add_join_way', { body: { scene: 2, chat_id_list: [full, open], state: 'gc_spring' } });
    const way = await h.api('externalcontact/groupchat/get_join_way', { body: { config_id: add.config_id } });
    expect(way.join_way).toMatchObject({ chat_id_list: [full, open], auto_create_room: 1, qr_code: `${h.simUrl}/qr/join/${add.config_id}` });
    const [p] = await customers(1);
    const r = await h.sim.control.scan(p.id, way.join_way.qr_code!);
    expect(r).toMatchObject({ kind: 'join', result: { chatId: open, status: 'joined', createdGroup: false } });
    const g = await h.api('externalcontact/groupchat/get', { body: { chat_id: open } });
    const me = g.group_chat.member_list.find((m) => m.userid === joined(r).memberId);
    expect(me).toMatchObject({ type: 2, join_scene: 3, state: 'gc_spring' });
    expect(me?.invitor).toBeUndefined();
  });

  it('creates the next group when every listed group is full, owned by the first group\'s owner, and appends it', async () => {
    const add = await h.api('externalcontact/groupchat/add_join_way', {
      body: { scene: 2, chat_id_list: [full], auto_create_room: 1, room_base_name: '春季福利群', room_base_id: 5 },
    });
    const before = h.receiver.events.length;
    const [p, q] = await customers(2);
    const r = await h.sim.control.joinGroup(p.id, null, { viaConfigId: add.config_id });
    expect(r.createdGroup).toBe(true);
    const created = await h.api('externalcontact/groupchat/get', { body: { chat_id: r.chatId, need_name: 1 } });
    expect(created.group_chat).toMatchObject({ name: '春季福利群5', owner: 'alice' });
    expect(created.group_chat.member_list.map((m) => m.type).sort()).toEqual([1, 2]);
    const way = await h.api('externalcontact/groupchat/get_join_way', { body: { config_id: add.config_id } });
    expect(way.join_way.chat_id_list).toEqual([full, r.chatId]);
    // The next scan goes to the new group, which still has room.
    const r2 = await h.sim.control.joinGroup(q.id, null, { viaConfigId: add.config_id });
    expect(r2).toMatchObject({ chatId: r.chatId, createdGroup: false });
    await h.sim.control.waitForCallbacks();
    const evs = h.receiver.events.slice(before).filter((e) => e.ChatId === r.chatId);
    expect(evs.map((e) => [e.ChangeType, e.UpdateDetail ?? '', e.JoinScene ?? ''])).toEqual([
      ['create', '', ''],
      ['update', 'add_member', '3'],
      ['update', 'add_member', '3'],
    ]);
  });

  it('without auto_create_room, a code whose groups are all full says so', async () => {
    const add = await h.api('externalcontact/groupchat/add_join_way', { body: { scene: 2, chat_id_list: [full], auto_create_room: 0 } });
    const [p] = await customers(1);
    await expect(h.sim.control.joinGroup(p.id, null, { viaConfigId: add.config_id })).rejects.toThrow(/full/);
  });

  it('fires change_name, change_owner, change_notice and dismiss from the client', async () => {
    const g = await h.sim.control.createGroup({ owner: 'bob', name: '临时群' });
    await h.sim.control.renameGroup(g.chatId, '改名群');
    await h.sim.control.changeOwner(g.chatId, 'carol');
    await h.sim.control.changeGroupNotice(g.chatId, '公告');
    await h.sim.control.dismissGroup(g.chatId);
    await h.sim.control.waitForCallbacks();
    const evs = h.receiver.events.filter((e) => e.ChatId === g.chatId).map((e) => e.UpdateDetail ?? e.ChangeType);
    expect(evs).toEqual(['create', 'change_name', 'change_owner', 'change_notice', 'dismiss']);
    expect((await h.api('externalcontact/groupchat/get', { body: { chat_id: g.chatId } })).errcode).toBe(40050);
  });
});
