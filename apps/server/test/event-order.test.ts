// Events of one customer or group apply in WeCom's order (ADR 0013), whatever order Pond handles them in: a delete
// handled before its add (WeCom's retry of the add came later, another worker took the delete, the add's second step
// waited for its retry) stays the latest state; a late delete does not end a later re-add; a group's dismiss is not
// undone by an earlier update's re-read, nor a tag's deletion; the nightly reconcile does not undo a newer event.
// Timelines keep every event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEventXml, sealEvent } from '@pond/wecom';
import type { SimControl } from '@pond/wecom-sim';
import { groupEventHandlers } from '../src/modules/groups/events';
import { tagEventHandlers } from '../src/modules/tags/events';
import type { GroupChatRecord } from '../src/modules/groups/repo';
import { startTestPond, waitFor, type TestPond } from './helpers';

let pond: TestPond;
let sim: SimControl;
let staff: string[];
/** While set, the second step of every add fails (the welcome step is not affected): it is retried later. */
let failAddFacts = false;

beforeAll(async () => {
  pond = await startTestPond({
    hooks: {
      async addedOutcomes() {
        if (failAddFacts) throw new Error('injected: the add\'s second step fails this time');
        return new Map();
      },
    },
  });
  sim = pond.app.sim!.control;
  staff = (await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid`, [pond.corpId])).rows.map((r) => r.userid);
});
afterAll(async () => { await pond?.close(); });

const follow = async (ext: string, userid: string) =>
  (await pond.app.pool.query('SELECT * FROM follows WHERE corp_id = $1 AND external_userid = $2 AND userid = $3', [pond.corpId, ext, userid])).rows[0];
const timelineTypes = async (ext: string) =>
  (await pond.app.pool.query('SELECT type FROM customer_events WHERE corp_id = $1 AND external_userid = $2 ORDER BY occurred_at, id', [pond.corpId, ext])).rows.map((r) => r.type);
const inboxRow = async (changeType: string, ext: string) => (await pond.app.pool.query(
  `SELECT * FROM callback_inbox WHERE corp_id = $1 AND change_type = $2 AND xml LIKE '%' || $3 || '%'`, [pond.corpId, changeType, ext])).rows[0];

/** Delivers one event as WeCom does (encrypted, signed) and waits until Pond has handled it and its follow-ups. */
async function deliver(fields: Record<string, string | number>) {
  const c = (await pond.app.corps.get(pond.corpId))!;
  const xml = buildEventXml({ ToUserName: pond.corpId, FromUserName: 'sys', MsgType: 'event', ...fields });
  const sealed = sealEvent({ token: c.callbackToken, encodingAesKey: c.callbackAesKey, receiveId: pond.corpId }, xml);
  const res = await fetch(`${pond.baseUrl}/wecom/callback/${pond.corpId}?${new URLSearchParams(sealed.query)}`, { method: 'POST', body: sealed.body });
  expect(res.status).toBe(200);
  await pond.app.inbox.drain();
}
const contact = (changeType: string, ext: string, userid: string, createTime: number) =>
  ({ Event: 'change_external_contact', ChangeType: changeType, ExternalUserID: ext, UserID: userid, CreateTime: createTime });

describe('events of one customer apply in WeCom\'s order', () => {
  it('a delete handled before its add stays the latest state; the add is on the timeline, not on the relation', async () => {
    // A demo customer and a staff member they have no relation with (in the simulator too).
    const { rows: [c] } = await pond.app.pool.query(
      `SELECT c.external_userid FROM customers c WHERE c.corp_id = $1 AND NOT EXISTS (
         SELECT 1 FROM follows f WHERE f.corp_id = c.corp_id AND f.external_userid = c.external_userid AND f.userid = $2) LIMIT 1`, [pond.corpId, staff[0]]);
    const ext = c.external_userid as string;
    const t = Math.floor(Date.now() / 1000);
    // WeCom's delivery of the add failed and its retry came after the delete.
    await deliver(contact('del_external_contact', ext, staff[0], t + 5));
    await deliver(contact('add_external_contact', ext, staff[0], t));
    expect(await follow(ext, staff[0])).toMatchObject({ status: 'deleted_by_staff', added_at: new Date(t * 1000) });
    expect(await timelineTypes(ext)).toEqual(expect.arrayContaining(['customer.added', 'customer.deleted_by_staff']));
    // Its code's tags and remark are not applied to a relation that is gone (the enrich is told so).
    const enrich = await inboxRow('contact', ext);
    expect(enrich.xml).toContain('<ApplyCode><![CDATA[0]]></ApplyCode>');
    expect(enrich.status).toBe('done');
  });

  it('a delete handled after a later re-add does not end it', async () => {
    // A relation active in WeCom (the simulator) and in Pond: the customer deleted the member and added them again.
    const { rows: [f] } = await pond.app.pool.query(
      `SELECT external_userid, userid FROM follows WHERE corp_id = $1 AND status = 'active' ORDER BY external_userid DESC LIMIT 1`, [pond.corpId]);
    const t = Math.floor(Date.now() / 1000);
    await deliver(contact('add_external_contact', f.external_userid, f.userid, t + 10));
    // The delete before that re-add reaches Pond only now.
    await deliver(contact('del_follow_user', f.external_userid, f.userid, t + 5));
    expect(await follow(f.external_userid, f.userid)).toMatchObject({ status: 'active', deleted_at: null });
    expect((await timelineTypes(f.external_userid)).slice(-2)).toEqual(['customer.deleted_staff', 'customer.added']);
  });

  it('an add whose second step fails and is retried after the delete does not revive the relation', async () => {
    const u = await sim.createWechatUser({ nickname: '重试顺序' });
    failAddFacts = true;
    let ext: string;
    try {
      ext = (await sim.addStaff(u.id, { corpId: pond.corpId, userid: staff[2] })).externalUserid;
      // The welcome step ran; the second step failed and waits for its retry.
      const failed = await waitFor(async () => {
        const r = await inboxRow('add_external_contact', ext);
        return r?.error && r.status === 'pending' ? r : null;
      }, { message: 'the add\'s second step failed once' });
      expect(new Date(failed.run_after).getTime()).toBeGreaterThan(Date.now());
      // Meanwhile the staff member deletes the customer, and that is handled.
      await sim.staffDeletesCustomer(staff[2], ext, { corpId: pond.corpId });
      await waitFor(async () => (await inboxRow('del_external_contact', ext))?.status === 'done', { message: 'delete handled' });
      expect(await follow(ext, staff[2])).toMatchObject({ status: 'deleted_by_staff' });
    } finally {
      failAddFacts = false;
    }
    // The retry applies the add's facts after the delete: the relation stays deleted, as in WeCom.
    await waitFor(async () => (await inboxRow('add_external_contact', ext))?.status === 'done', { timeoutMs: 20_000, message: 'the add retried' });
    await pond.app.inbox.drain();
    expect(await follow(ext, staff[2])).toMatchObject({ status: 'deleted_by_staff' });
    expect((await sim.getFollow(pond.corpId, staff[2], ext))?.status).not.toBe('active');
    const { rows: [cust] } = await pond.app.pool.query('SELECT active_follow_count FROM customers WHERE corp_id = $1 AND external_userid = $2', [pond.corpId, ext]);
    expect(cust.active_follow_count).toBe(0);
    expect((await timelineTypes(ext)).sort()).toEqual(['customer.added', 'customer.deleted_by_staff']);
  });

  it('the reconcile does not undo a delete newer than its read, and corrects one older than it', async () => {
    // Two relations active in WeCom; Pond handled a delete of each that WeCom's state does not show.
    const { rows } = await pond.app.pool.query(
      `SELECT external_userid, userid FROM follows WHERE corp_id = $1 AND status = 'active' ORDER BY external_userid LIMIT 2`, [pond.corpId]);
    const [fresh, old] = rows as { external_userid: string; userid: string }[];
    const now = Math.floor(Date.now() / 1000);
    // A delete from just now (WeCom's state is newer than any read the sync is about to make: a read before it) …
    await deliver(contact('del_follow_user', fresh.external_userid, fresh.userid, now));
    // … and one from two minutes ago, which WeCom's current state already contradicts (the customer added them again
    // and that add's callback was lost).
    await deliver(contact('del_follow_user', old.external_userid, old.userid, now - 120));
    const run = await pond.app.sync.start(pond.corpId, 'reconcile', 'test');
    await pond.app.sync.execute(run.id);
    expect(await follow(fresh.external_userid, fresh.userid)).toMatchObject({ status: 'deleted_by_customer' });
    expect(await follow(old.external_userid, old.userid)).toMatchObject({ status: 'active', deleted_at: null });
  });
});

describe('events of one group apply in WeCom\'s order', () => {
  const chatId = `wrOrder${Date.now()}`;
  const snapshot = (members: string[]): GroupChatRecord => ({
    chat_id: chatId, name: '顺序群', owner: 'owner1', member_list: [
      { userid: 'owner1', type: 1, join_time: 1 }, ...members.map((m) => ({ userid: m, type: 2, join_time: 2, join_scene: 3 })),
    ],
  });
  const ctx = (changeType: string, inboxId: number, at: number, extra: Record<string, string> = {}) => ({
    corpId: pond.corpId, inboxId, at: new Date(at * 1000), ev: { Event: 'change_external_chat', ChangeType: changeType, ChatId: chatId, ...extra },
  });
  const group = async () => (await pond.app.pool.query('SELECT status FROM groups WHERE corp_id = $1 AND chat_id = $2', [pond.corpId, chatId])).rows[0];
  const members = async () => (await pond.app.pool.query(
    'SELECT member_id FROM group_members WHERE corp_id = $1 AND chat_id = $2 AND left_at IS NULL ORDER BY member_id', [pond.corpId, chatId])).rows.map((r) => r.member_id);
  const joins = async (ext: string) => (await pond.app.pool.query(
    `SELECT count(*)::int AS n FROM customer_events WHERE corp_id = $1 AND external_userid = $2 AND type = 'group.joined' AND chat_id = $3`, [pond.corpId, ext, chatId])).rows[0].n;

  it('two workers reading the group at once record a member\'s join once', async () => {
    // groupchat/get answers each worker with the group as it was when that worker read it; both reads wait for each other.
    let reads = 0;
    let bothRead!: () => void;
    const gate = new Promise<void>((r) => { bothRead = r; });
    let answer = snapshot(['wmA']);
    let paired = false;
    const corps = {
      async client() {
        return {
          async groupchatGet() {
            const seen = answer;
            if (paired) {
              if (++reads === 2) bothRead();
              await gate;
            }
            return { group_chat: seen };
          },
        };
      },
    };
    const handlers = groupEventHandlers({ pool: pond.app.pool, corps });
    const t = Math.floor(Date.now() / 1000);
    await handlers['change_external_chat/create'](ctx('create', 9_100_001, t - 10));
    answer = snapshot(['wmA', 'wmB']);
    paired = true;
    // wmB joins; WeCom sends two updates (the join, a rename) and two workers handle them at the same time.
    await Promise.all([
      handlers['change_external_chat/update'](ctx('update', 9_100_002, t - 5, { UpdateDetail: 'add_member' })),
      handlers['change_external_chat/update'](ctx('update', 9_100_003, t - 4, { UpdateDetail: 'change_name' })),
    ]);
    expect(await members()).toEqual(['owner1', 'wmA', 'wmB']);
    expect(await joins('wmB')).toBe(1);
  });

  it('a dismiss is not undone by the re-read of an earlier update that is written after it', async () => {
    const t = Math.floor(Date.now() / 1000);
    const handlers = groupEventHandlers({
      pool: pond.app.pool, corps: { async client() { return { async groupchatGet() { return { group_chat: snapshot(['wmA', 'wmB']) }; } }; } },
    });
    await handlers['change_external_chat/update'](ctx('update', 9_100_006, t - 3, { UpdateDetail: 'change_notice' }));
    expect(await group()).toMatchObject({ status: 'active' });
    // An update whose read came before the dismiss, written after the dismiss was handled.
    const stale = snapshot(['wmA', 'wmB']);
    let release!: () => void;
    const readBeforeDismiss = new Promise<void>((r) => { release = r; });
    const slow = groupEventHandlers({
      pool: pond.app.pool,
      corps: { async client() { return { async groupchatGet() { await readBeforeDismiss; return { group_chat: stale }; } }; } },
    });
    const late = slow['change_external_chat/update'](ctx('update', 9_100_004, t - 2, { UpdateDetail: 'del_member' }));
    await handlers['change_external_chat/dismiss'](ctx('dismiss', 9_100_005, t));
    release();
    await late;
    expect(await group()).toMatchObject({ status: 'dismissed' });
    expect(await members()).toEqual([]);
    // The dismiss put every member's leave on the timeline, once.
    const { rows: [left] } = await pond.app.pool.query(
      `SELECT count(*)::int AS n FROM customer_events WHERE corp_id = $1 AND chat_id = $2 AND type = 'group.left'`, [pond.corpId, chatId]);
    expect(left.n).toBe(2);
  });
});

describe('a corp tag\'s deletion', () => {
  it('is not undone by the re-read of an earlier update that is written after it', async () => {
    const id = `etOrder${Date.now()}`;
    const groupId = `etOrderGroup${Date.now()}`;
    const record = { group_id: groupId, group_name: '顺序', tag: [{ id, name: '旧名' }] };
    let release!: () => void;
    const readBeforeDelete = new Promise<void>((r) => { release = r; });
    let slow = false;
    const handlers = tagEventHandlers({
      pool: pond.app.pool,
      corps: { async client() { return { async getCorpTagList() { if (slow) await readBeforeDelete; return { tag_group: [record] }; } }; } },
    });
    const tagEvent = (changeType: string, inboxId: number) => ({
      corpId: pond.corpId, inboxId, at: new Date(), ev: { Event: 'change_external_tag', ChangeType: changeType, Id: id, TagType: 'tag' },
    });
    await handlers['change_external_tag/*'](tagEvent('create', 9_200_001));
    slow = true;
    const update = handlers['change_external_tag/*'](tagEvent('update', 9_200_002));
    await handlers['change_external_tag/*'](tagEvent('delete', 9_200_003));
    release();
    await update;
    const { rows: [tag] } = await pond.app.pool.query('SELECT deleted_at FROM tags WHERE corp_id = $1 AND id = $2', [pond.corpId, id]);
    expect(tag.deleted_at).not.toBeNull();
  });
});
