// Auto-tag rules run on events (an add through a code or channel, a group join, a count of events)
// and as a backfill over customers who already qualify.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimControl } from '@pond/wecom-sim';
import { startTestPond, waitFor, type TestPond } from './helpers';

let pond: TestPond;
let sim: SimControl;
let staff: string[];
let tagA: string;
let tagB: string;
beforeAll(async () => {
  pond = await startTestPond();
  sim = pond.app.sim!.control;
  staff = (await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid`, [pond.corpId])).rows.map((r) => r.userid);
  const g = await pond.api('POST', '/api/tag-groups', { name: '自动标签', tags: [{ name: '门店来源' }, { name: '入群用户' }] });
  [tagA, tagB] = g.body.tags.map((t: any) => t.id);
});
afterAll(async () => { await pond?.close(); });
const settle = async () => { await sim.waitForCallbacks(10_000); await pond.app.inbox.drain(); };
const tagsOf = async (ext: string, userid: string) =>
  (await pond.app.pool.query('SELECT tag_ids FROM follows WHERE corp_id = $1 AND external_userid = $2 AND userid = $3', [pond.corpId, ext, userid])).rows[0].tag_ids as string[];

describe('auto-tag rules', () => {
  it('validates kind-specific params, naming the field', async () => {
    const bad = await pond.api('POST', '/api/auto-tag-rules', { name: 'x', kind: 'behaviour', params: { eventType: 'group.joined', min: 0, days: 30 }, tagIds: [tagA] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('params.min');
  });

  it('tags a customer who adds through a channel, in WeCom and Pond', async () => {
    const r = await pond.api('POST', '/api/auto-tag-rules', { name: '门店渠道', kind: 'channel', params: { channels: ['门店'] }, tagIds: [tagA] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const code = (await pond.api('POST', '/api/live-codes', { kind: 'staff', name: '收银台', channel: '门店', pool: [{ userid: staff[0] }] })).body;
    const u = await sim.createWechatUser({ nickname: '规则客户' });
    const s = await sim.scan(u.id, code.url);
    if (s.kind !== 'contact') throw new Error('not a contact QR');
    await settle();
    expect(await tagsOf(s.result.externalUserid, staff[0])).toContain(tagA);
    expect((await sim.getFollow(pond.corpId, staff[0], s.result.externalUserid))!.tagIds).toContain(tagA);
  });

  it('tags customers who join a group', async () => {
    await pond.api('POST', '/api/auto-tag-rules', { name: '入群', kind: 'group', params: { chatIds: [] }, tagIds: [tagB] });
    const u = await sim.createWechatUser({ nickname: '入群客户' });
    const add = await sim.addStaff(u.id, { corpId: pond.corpId, userid: staff[1] });
    const g = await sim.createGroup({ corpId: pond.corpId, owner: staff[1], name: '规则群' });
    await settle();
    await sim.joinGroup(u.id, g.chatId, { scene: 3 });
    await settle();
    expect(await tagsOf(add.externalUserid, staff[1])).toContain(tagB);
  });

  it('backfills everyone who already qualifies as a bulk job', async () => {
    const r = await pond.api('POST', '/api/auto-tag-rules', { name: '老群友', kind: 'group', params: { chatIds: [] }, tagIds: [tagA], enabled: false });
    const job = await pond.api('POST', `/api/auto-tag-rules/${r.body.id}/backfill`);
    expect(job.status, JSON.stringify(job.body)).toBe(200);
    expect(job.body.total).toBeGreaterThan(0);
    const done = await waitFor(async () => {
      const j = (await pond.api('GET', `/api/bulk-tag-jobs/${job.body.id}`)).body;
      return j.status === 'done' ? j : null;
    }, { timeoutMs: 30_000 });
    expect(done.done + done.failed).toBe(job.body.total);
    const { rows } = await pond.app.pool.query(
      `SELECT count(*)::int AS n FROM follows f WHERE f.corp_id = $1 AND f.status = 'active' AND NOT (f.tag_ids @> ARRAY[$2])
         AND f.external_userid IN (SELECT member_id FROM group_members WHERE corp_id = $1 AND type = 2 AND left_at IS NULL)`, [pond.corpId, tagA]);
    expect(rows[0].n).toBe(0);
  });
});
