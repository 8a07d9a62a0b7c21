// Bulk tagging a filtered list through WeCom in the background: progress, result report, failures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPond, waitFor, type TestPond } from './helpers';

let pond: TestPond;
beforeAll(async () => { pond = await startTestPond(); });
afterAll(async () => { await pond?.close(); });

describe('bulk tag jobs', () => {
  it('tags every relation of a filtered list in WeCom and Pond, with progress', async () => {
    const groups = (await pond.api('GET', '/api/tags')).body.groups;
    const filterTag = groups[0].tags.find((t: any) => t.customerCount > 0);
    const newTag = (await pond.api('POST', '/api/tag-groups', { name: '批量测试', tags: [{ name: '618活动' }] })).body.tags[0];
    const job = await pond.api('POST', '/api/bulk-tag-jobs', { action: 'add', tagIds: [newTag.id], filter: { tagIds: [filterTag.id] } });
    expect(job.status, JSON.stringify(job.body)).toBe(200);
    expect(job.body.total).toBeGreaterThan(0);
    const done = await waitFor(async () => {
      const j = (await pond.api('GET', `/api/bulk-tag-jobs/${job.body.id}`)).body;
      return j.status === 'done' ? j : null;
    }, { timeoutMs: 30_000 });
    expect(done).toMatchObject({ done: job.body.total, failed: 0 });
    const { rows } = await pond.app.pool.query(`SELECT external_userid, userid FROM follows WHERE corp_id = $1 AND status = 'active' AND tag_ids @> ARRAY[$2]`, [pond.corpId, filterTag.id]);
    for (const r of rows.slice(0, 5)) {
      const remote = await pond.app.sim!.control.getFollow(pond.corpId, r.userid, r.external_userid);
      expect(remote!.tagIds).toContain(newTag.id);
    }
    const tagged = await pond.api('GET', `/api/customers?tagIds=${newTag.id}&pageSize=1`);
    expect(tagged.body.total).toBeGreaterThan(0);
  });

  it("tags a saved segment's members: every active relation of each member, nobody else", async () => {
    const seg = await pond.api('POST', '/api/segments', { name: '男性客户', rule: { op: 'and', conditions: [{ type: 'gender', values: [1] }] } });
    expect(seg.status, JSON.stringify(seg.body)).toBe(200);
    const newTag = (await pond.api('POST', '/api/tag-groups', { name: '分层批量', tags: [{ name: '男士专享' }] })).body.tags[0];
    const job = await pond.api('POST', '/api/bulk-tag-jobs', { action: 'add', tagIds: [newTag.id], filter: { segmentId: seg.body.id } });
    expect(job.status, JSON.stringify(job.body)).toBe(200);
    const { rows: want } = await pond.app.pool.query(
      `SELECT f.external_userid, f.userid FROM follows f JOIN customers c USING (corp_id, external_userid)
       WHERE f.corp_id = $1 AND f.status = 'active' AND c.gender = 1`, [pond.corpId]);
    expect(job.body.total).toBe(want.length);
    await waitFor(async () => (await pond.api('GET', `/api/bulk-tag-jobs/${job.body.id}`)).body.status === 'done', { timeoutMs: 30_000 });
    const { rows: got } = await pond.app.pool.query(
      `SELECT DISTINCT f.external_userid FROM follows f WHERE f.corp_id = $1 AND f.status = 'active' AND f.tag_ids @> ARRAY[$2]`, [pond.corpId, newTag.id]);
    expect(got.map((r) => r.external_userid).sort()).toEqual([...new Set(want.map((r) => r.external_userid))].sort());
    const bad = await pond.api('POST', '/api/bulk-tag-jobs', { action: 'add', tagIds: [newTag.id], filter: { segmentId: 987654 } });
    expect(bad.body.error.field).toBe('filter.segmentId');
  });

  it('records per-relation failures in the report and finishes the rest', async () => {
    const tag = (await pond.api('GET', '/api/tags')).body.groups[0].tags[0];
    const { rows } = await pond.app.pool.query(`SELECT external_userid FROM follows WHERE corp_id = $1 AND status = 'active' LIMIT 3`, [pond.corpId]);
    await pond.app.sim!.control.upsertCorp({ corpId: pond.corpId, forbiddenApis: ['externalcontact/mark_tag'] });
    const job = await pond.api('POST', '/api/bulk-tag-jobs', { action: 'remove', tagIds: [tag.id], externalUserids: rows.map((r) => r.external_userid) });
    const done = await waitFor(async () => {
      const j = (await pond.api('GET', `/api/bulk-tag-jobs/${job.body.id}`)).body;
      return j.status === 'done' ? j : null;
    }, { timeoutMs: 30_000 });
    await pond.app.sim!.control.upsertCorp({ corpId: pond.corpId, forbiddenApis: [] });
    expect(done.failed).toBe(job.body.total);
    expect(done.failures[0].error).toMatch(/^48002/);
  });

  it('names bad input', async () => {
    const res = await pond.api('POST', '/api/bulk-tag-jobs', { action: 'add', tagIds: ['nope'], filter: {} });
    expect(res.body.error.field).toBe('tagIds.0');
    const noSource = await pond.api('POST', '/api/bulk-tag-jobs', { action: 'add', tagIds: [(await pond.api('GET', '/api/tags')).body.groups[0].tags[0].id] });
    expect(noSource.body.error.field).toBe('source');
  });
});
