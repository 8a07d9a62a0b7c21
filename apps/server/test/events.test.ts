// Each WeCom event type, produced the way WeCom produces it (the simulator acting as customers, staff
// and admins in their clients), processed by Pond into customers, follows, groups, tags and timeline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEventXml, sealEvent } from '@pond/wecom';
import type { SimControl } from '@pond/wecom-sim';
import { Priority } from '../src/platform/inbox';
import { startTestPond, waitFor, type TestPond } from './helpers';

let pond: TestPond;
let sim: SimControl;
let staffA: string;
let staffB: string;

beforeAll(async () => {
  pond = await startTestPond();
  sim = pond.app.sim!.control;
  const { rows } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user ORDER BY userid LIMIT 2`, [pond.corpId]);
  [staffA, staffB] = [rows[0].userid, rows[1].userid];
});
afterAll(async () => { await pond?.close(); });

/** Waits until the simulator delivered its callbacks and Pond processed them. */
async function settle() {
  await sim.waitForCallbacks(10_000);
  await pond.app.inbox.drain();
}
const timeline = async (ext: string) => (await pond.api('GET', `/api/customers/${ext}/timeline`)).body.items as any[];
const follow = async (ext: string, userid: string) =>
  (await pond.app.pool.query('SELECT * FROM follows WHERE corp_id = $1 AND external_userid = $2 AND userid = $3', [pond.corpId, ext, userid])).rows[0];

describe('change_external_contact', () => {
  it('add_external_contact stores the customer, the follow and the timeline entry', async () => {
    const u = await sim.createWechatUser({ nickname: '事件测试甲' });
    const r = await sim.addStaff(u.id, { corpId: pond.corpId, userid: staffA, state: 'evt' });
    await settle();
    const detail = await pond.api('GET', `/api/customers/${r.externalUserid}`);
    expect(detail.status).toBe(200);
    expect(detail.body.customer).toMatchObject({ name: '事件测试甲', unionid: u.unionid });
    expect(detail.body.follows[0]).toMatchObject({ userid: staffA, state: 'evt', status: 'active' });
    expect(detail.body.timeline.map((e: any) => e.type)).toContain('customer.added');
  });

  it('sends the welcome while the timeline is held (the nightly roll of segment windows), and stores the add after', async () => {
    await pond.api('POST', '/api/welcome-templates', { name: '默认', scope: 'default', text: '欢迎光临' });
    // The daily roll holds this lock exclusively while it rewrites the corp's windows; timeline inserts wait for it.
    const roll = await pond.app.pool.connect();
    await roll.query('BEGIN');
    await roll.query(`SELECT pg_advisory_xact_lock(hashtext('pond.event_windows'), hashtext($1))`, [pond.corpId]);
    try {
      // More adds, one after another, than there are urgent claim loops: none may be stuck behind the lock.
      for (let i = 0; i < 5; i++) {
        const u = await sim.createWechatUser({ nickname: `事件测试锁${i}` });
        const r = await sim.addStaff(u.id, { corpId: pond.corpId, userid: staffA });
        const msg = await waitFor(async () => (await sim.listInbox(u.id)).find((m: any) => JSON.stringify(m).includes('欢迎光临')), { message: `welcome ${i} while the roll holds the lock` });
        expect(msg).toBeTruthy();
        // The rest waits, requeued for the second step (the welcome can land a moment before the requeue is written).
        const row = await waitFor(async () => (await pond.app.pool.query(
          `SELECT status, priority FROM callback_inbox WHERE corp_id = $1 AND change_type = 'add_external_contact' AND xml LIKE '%' || $2 || '%'`,
          [pond.corpId, r.externalUserid])).rows.find((x) => x.priority === Priority.AddFacts), { message: `add ${i} requeued` });
        expect(row.status).toBe('pending');
        // Its timeline entry waits for the lock (the facts before it may already be written).
        const { rows: added } = await pond.app.pool.query(
          `SELECT 1 FROM customer_events WHERE corp_id = $1 AND external_userid = $2 AND type = 'customer.added'`, [pond.corpId, r.externalUserid]);
        expect(added).toHaveLength(0);
      }
    } finally {
      await roll.query('COMMIT');
      roll.release();
    }
    await settle();
    const { rows } = await pond.app.pool.query(`SELECT external_userid FROM welcome_sends WHERE corp_id = $1 AND status = 'sent'`, [pond.corpId]);
    const ext = rows.map((x) => x.external_userid);
    const added = await pond.app.pool.query(`SELECT external_userid FROM follows WHERE corp_id = $1 AND external_userid = ANY($2)`, [pond.corpId, ext]);
    expect(added.rowCount).toBe(ext.length);
    const events = await timeline(ext[ext.length - 1]);
    expect(events.find((e) => e.type === 'customer.added')?.data).toMatchObject({ welcome: 'sent' });
  });

  it('add_half_external_contact (verification on) records a half add', async () => {
    const u = await sim.createWechatUser({ nickname: '事件测试半' });
    const r = await sim.addStaff(u.id, { corpId: pond.corpId, userid: staffA, skipVerify: false });
    await settle();
    expect((await timeline(r.externalUserid)).map((e) => e.type)).toContain('customer.half_added');
  });

  it('edit_external_contact diffs tags and remark', async () => {
    const u = await sim.createWechatUser({ nickname: '事件测试乙' });
    const r = await sim.addStaff(u.id, { corpId: pond.corpId, userid: staffA });
    await settle();
    const { rows } = await pond.app.pool.query('SELECT id FROM tags WHERE corp_id = $1 AND deleted_at IS NULL LIMIT 2', [pond.corpId]);
    await sim.editTagsInClient(staffA, r.externalUserid, rows.map((t) => t.id), [], { corpId: pond.corpId });
    await settle();
    expect((await follow(r.externalUserid, staffA)).tag_ids.sort()).toEqual(rows.map((t) => t.id).sort());
    const tagEvent = (await timeline(r.externalUserid)).find((e) => e.type === 'tag.added');
    expect(tagEvent.data.tagIds.sort()).toEqual(rows.map((t) => t.id).sort());
    await sim.editRemarkInClient(staffA, r.externalUserid, { remark: '老客户' }, { corpId: pond.corpId });
    await settle();
    expect((await follow(r.externalUserid, staffA)).remark).toBe('老客户');
    expect((await timeline(r.externalUserid)).map((e) => e.type)).toContain('remark.changed');
  });

  it('del_follow_user and del_external_contact end the relation from either side', async () => {
    const u = await sim.createWechatUser({ nickname: '事件测试丙' });
    const r1 = await sim.addStaff(u.id, { corpId: pond.corpId, userid: staffA });
    await sim.addStaff(u.id, { corpId: pond.corpId, userid: staffB });
    await settle();
    await sim.customerDeletesStaff(u.id, staffA, { corpId: pond.corpId });
    await sim.staffDeletesCustomer(staffB, r1.externalUserid, { corpId: pond.corpId });
    await settle();
    expect((await follow(r1.externalUserid, staffA)).status).toBe('deleted_by_customer');
    expect((await follow(r1.externalUserid, staffB)).status).toBe('deleted_by_staff');
    const types = (await timeline(r1.externalUserid)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['customer.deleted_staff', 'customer.deleted_by_staff']));
    const c = await pond.app.pool.query('SELECT active_follow_count FROM customers WHERE corp_id = $1 AND external_userid = $2', [pond.corpId, r1.externalUserid]);
    expect(c.rows[0].active_follow_count).toBe(0);
  });

  it('transfer_fail lands on the timeline with its reason', async () => {
    const { rows } = await pond.app.pool.query(`SELECT external_userid, userid FROM follows WHERE corp_id = $1 AND status = 'active' LIMIT 1`, [pond.corpId]);
    const corp = (await pond.app.corps.get(pond.corpId))!;
    const xml = buildEventXml({ ToUserName: corp.id, FromUserName: 'sys', CreateTime: Math.floor(Date.now() / 1000), MsgType: 'event', Event: 'change_external_contact', ChangeType: 'transfer_fail', FailReason: 'customer_refused', UserID: rows[0].userid, ExternalUserID: rows[0].external_userid });
    const s = sealEvent({ token: corp.callbackToken, encodingAesKey: corp.callbackAesKey, receiveId: corp.id }, xml);
    await fetch(`${pond.baseUrl}/wecom/callback/${corp.id}?${new URLSearchParams(s.query)}`, { method: 'POST', body: s.body });
    await settle();
    const ev = (await timeline(rows[0].external_userid)).find((e) => e.type === 'follow.transfer_failed');
    expect(ev.data.reason).toBe('customer_refused');
  });
});

describe('change_external_chat', () => {
  it('create, add_member, del_member, change_name and dismiss keep groups, members and timelines right', async () => {
    const u = await sim.createWechatUser({ nickname: '群事件客户' });
    await sim.addStaff(u.id, { corpId: pond.corpId, userid: staffA });
    const g = await sim.createGroup({ corpId: pond.corpId, owner: staffA, name: '事件测试群', members: [staffB] });
    await settle();
    let res = await pond.api('GET', `/api/groups/${g.chatId}`);
    expect(res.body.group).toMatchObject({ name: '事件测试群', ownerUserid: staffA, memberCount: 2 });

    await sim.joinGroup(u.id, g.chatId, { scene: 3 });
    await settle();
    const ext = await sim.externalUseridOf(u.id, { corpId: pond.corpId });
    const joined = (await timeline(ext)).find((e) => e.type === 'group.joined');
    expect(joined).toMatchObject({ chatId: g.chatId });
    expect(joined.data.joinScene).toBe(3);

    await sim.leaveGroup(u.id, g.chatId);
    await sim.renameGroup(g.chatId, '改名后的群');
    await settle();
    res = await pond.api('GET', `/api/groups/${g.chatId}`);
    expect(res.body.group.name).toBe('改名后的群');
    expect(res.body.members.find((m: any) => m.memberId === ext).leftAt).not.toBeNull();
    expect((await timeline(ext)).map((e) => e.type)).toContain('group.left');

    await sim.dismissGroup(g.chatId);
    await settle();
    res = await pond.api('GET', `/api/groups/${g.chatId}`);
    expect(res.body.group.status).toBe('dismissed');
  });
});

describe('change_external_tag', () => {
  it('create, update and delete made in the admin console reach Pond', async () => {
    const created: any = await sim.adminCreateTagGroup(pond.corpId, { name: '后台标签组', tags: [{ name: '后台甲' }] });
    await settle();
    let tree = (await pond.api('GET', '/api/tags')).body.groups;
    const group = tree.find((g: any) => g.name === '后台标签组');
    expect(group.tags.map((t: any) => t.name)).toEqual(['后台甲']);
    await sim.adminEditTag(pond.corpId, group.tags[0].id, { name: '后台乙' });
    await settle();
    tree = (await pond.api('GET', '/api/tags')).body.groups;
    expect(tree.find((g: any) => g.id === group.id).tags[0].name).toBe('后台乙');
    await sim.adminDeleteTags(pond.corpId, { groupIds: [group.id] });
    await settle();
    tree = (await pond.api('GET', '/api/tags')).body.groups;
    expect(tree.find((g: any) => g.id === group.id)).toBeUndefined();
    expect(created).toBeTruthy();
  });
});
