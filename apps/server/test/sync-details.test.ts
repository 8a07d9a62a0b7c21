// The full sync's details stage: batch/get_by_user omits personal tags (个人标签), so the full sync
// reads every customer with externalcontact/get and stores it as a callback would. Covers the demo
// corp (its seed gives some relations personal tags), details Pond never heard of, per-customer
// errors, resuming after a crash, and the nightly reconcile leaving the stage out.
import { WecomError } from '@pond/wecom';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestPond, type TestPond } from './helpers';

let pond: TestPond;
let simSchema: string;

beforeAll(async () => { pond = await startTestPond(); simSchema = pond.app.sim!.schema; });
afterAll(async () => { await pond?.close(); });

type Patch = (ext: string, cursor: string | undefined) => void;
let unpatch: (() => void) | undefined;
afterEach(() => { unpatch?.(); unpatch = undefined; });

/** Runs `before` ahead of every externalcontact/get the corp's client makes (record calls, inject errors). */
async function patchGet(before: Patch) {
  const client = await pond.app.corps.client(pond.corpId);
  const orig = client.getExternalContact;
  client.getExternalContact = function (this: typeof client, ext: string, cursor?: string, opts?: { noWait?: boolean }) {
    before(ext, cursor);
    return orig.call(this, ext, cursor, opts);
  };
  unpatch = () => { client.getExternalContact = orig; };
}

/** A run row without a queued job, so only this test executes it (a queued job would resume it too). */
async function newFullRun(): Promise<number> {
  const { rows } = await pond.app.pool.query(
    `INSERT INTO sync_runs (corp_id, kind, status, triggered_by, progress) VALUES ($1,'full','queued','test',$2) RETURNING id`,
    [pond.corpId, JSON.stringify({ departments: { done: 0, total: null }, staff: { done: 0, total: null }, customers: { done: 0, total: null },
      tags: { done: 0, total: null }, groups: { done: 0, total: null }, details: { done: 0, total: null } })]);
  return rows[0].id;
}

const runRow = async (id: number) => (await pond.app.pool.query('SELECT * FROM sync_runs WHERE id = $1', [id])).rows[0];

/** Pond's personal tags per relation `ext|userid`, active relations only. */
async function pondPersonal(): Promise<Map<string, string[]>> {
  const { rows } = await pond.app.pool.query(
    `SELECT external_userid, userid, personal_tags FROM follows WHERE corp_id = $1 AND status = 'active'`, [pond.corpId]);
  return new Map(rows.map((r) => [`${r.external_userid}|${r.userid}`, r.personal_tags]));
}

/** Sets a relation's details in the simulator's tables directly: no callback, as if set before Pond was connected. */
async function setInSim(ext: string, userid: string, patch: { personalTags?: string[]; remark?: string }) {
  await pond.app.pool.query(
    `UPDATE ${simSchema}.follows SET personal_tags = coalesce($4, personal_tags), remark = coalesce($5, remark)
     WHERE corp_id = $1 AND userid = $2 AND external_userid = $3`,
    [pond.corpId, userid, ext, patch.personalTags ?? null, patch.remark ?? null]);
}

async function someRelations(n: number): Promise<{ ext: string; userid: string }[]> {
  const { rows } = await pond.app.pool.query(
    `SELECT external_userid AS ext, userid FROM follows WHERE corp_id = $1 AND status = 'active' AND personal_tags = '{}'
     ORDER BY external_userid, userid LIMIT $2`, [pond.corpId, n]);
  return rows;
}

describe('full sync: customer details', () => {
  it("the demo corp's first full sync brings the seeded personal tags", async () => {
    const { rows: sim } = await pond.app.pool.query(
      `SELECT external_userid, userid, personal_tags FROM ${simSchema}.follows WHERE corp_id = $1 AND personal_tags <> '{}'`, [pond.corpId]);
    expect(sim.length).toBeGreaterThan(0);
    const mine = await pondPersonal();
    for (const f of sim) {
      if (mine.has(`${f.external_userid}|${f.userid}`)) expect(mine.get(`${f.external_userid}|${f.userid}`)).toEqual(f.personal_tags);
    }
    const { rows: [{ n }] } = await pond.app.pool.query(
      `SELECT count(*)::int AS n FROM follows WHERE corp_id = $1 AND personal_tags <> '{}'`, [pond.corpId]);
    expect(n).toBeGreaterThan(0);
    const { rows: [first] } = await pond.app.pool.query(
      `SELECT progress FROM sync_runs WHERE corp_id = $1 AND kind = 'full' AND status = 'done' ORDER BY id LIMIT 1`, [pond.corpId]);
    expect(first.progress.details.total).toBeGreaterThan(0);
    expect(first.progress.details).toEqual({ done: first.progress.details.total, total: first.progress.details.total, failed: 0 });
  });

  it('reads details Pond never heard about, and counts customers WeCom refuses without stopping', async () => {
    const [a, b, gone] = await someRelations(3);
    await setInSim(a.ext, a.userid, { personalTags: ['老客户', '从未同步'], remark: '同步前的备注' });
    await setInSim(b.ext, b.userid, { personalTags: ['只在客户端'] });
    await patchGet((ext) => {
      if (ext === gone.ext) throw new WecomError({ api: 'externalcontact/get', errcode: 84061, errmsg: 'not external contact' });
    });
    const before = await pondPersonal();
    expect(before.get(`${a.ext}|${a.userid}`)).toEqual([]);

    const run = await pond.app.sync.start(pond.corpId, 'full', 'test');
    await pond.app.sync.execute(run.id);

    const after = await pondPersonal();
    expect(after.get(`${a.ext}|${a.userid}`)).toEqual(['老客户', '从未同步']);
    expect(after.get(`${b.ext}|${b.userid}`)).toEqual(['只在客户端']);
    const { rows: [f] } = await pond.app.pool.query(
      `SELECT remark FROM follows WHERE corp_id = $1 AND external_userid = $2 AND userid = $3`, [pond.corpId, a.ext, a.userid]);
    expect(f.remark).toBe('同步前的备注');
    const done = await runRow(run.id);
    expect(done.status).toBe('done');
    expect(done.progress.details).toMatchObject({ failed: 1, errors: { 84061: 1 } });
    expect(done.progress.details.done).toBe(done.progress.details.total);
    expect(done.cursor.details.errors).toEqual({ 84061: 1 });
  });

  it('resumes after a crash from the last customer done', async () => {
    const rels = await someRelations(400);
    const exts = [...new Set(rels.map((r) => r.ext))];
    expect(exts.length).toBeGreaterThan(150);
    const early = rels.find((r) => r.ext === exts[5])!; // in the first page (100 customers)
    const late = rels.find((r) => r.ext === exts[exts.length - 5])!;
    await setInSim(early.ext, early.userid, { personalTags: ['早'] });
    await setInSim(late.ext, late.userid, { personalTags: ['晚'] });

    let calls = 0;
    const seen: string[] = [];
    await patchGet((ext) => {
      seen.push(ext);
      if (++calls === 130) throw new WecomError({ api: 'externalcontact/get', errcode: -1, errmsg: 'network down', kind: 'network' });
    });
    const id = await newFullRun();
    await expect(pond.app.sync.execute(id)).rejects.toThrow(/network down/);
    const crashed = await runRow(id);
    expect(crashed.stage).toBe('details');
    expect(crashed.progress.details.done).toBe(100);
    const after = crashed.cursor.details.after as string;
    expect(after).not.toBe('');
    expect((await pondPersonal()).get(`${early.ext}|${early.userid}`)).toEqual(['早']);

    seen.length = 0;
    await pond.app.sync.execute(id);
    const resumed = await runRow(id);
    expect(resumed.status).toBe('done');
    // Only customers after the cursor were read again (the earlier stages are done already).
    expect(seen.length).toBeGreaterThan(0);
    const { rows: [{ n }] } = await pond.app.pool.query('SELECT count(*)::int AS n FROM unnest($1::text[]) AS x WHERE x <= $2', [seen, after]);
    expect(n).toBe(0);
    expect(resumed.progress.details.done).toBe(resumed.progress.details.total);
    expect((await pondPersonal()).get(`${late.ext}|${late.userid}`)).toEqual(['晚']);
  });

  it('the nightly reconcile leaves the stage out', async () => {
    const [r] = await someRelations(1);
    await setInSim(r.ext, r.userid, { personalTags: ['夜里不读'] });
    let calls = 0;
    await patchGet(() => { calls++; });
    const run = await pond.app.sync.start(pond.corpId, 'reconcile', 'test');
    expect(Object.keys(run.progress)).not.toContain('details');
    await pond.app.sync.execute(run.id);
    expect(calls).toBe(0);
    expect((await pondPersonal()).get(`${r.ext}|${r.userid}`)).toEqual([]);
  });
});
