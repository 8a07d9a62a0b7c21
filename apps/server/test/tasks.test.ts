// The staff task inbox: a task made by hand asks the budget first, reaches its owner as a WeCom app message when due,
// is theirs alone to see, sends its messages with placeholders filled, ends once however often it is marked done,
// becomes overdue and is escalated to the store manager, and the daily digest goes out once per day.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WecomError } from '@pond/wecom';
import { startTestPond, type TestPond } from './helpers';

let pond: TestPond;
let owner: string;
let customer: { external_userid: string; name: string };
let staffToken: string;
const q = async <T = any>(sql: string, values: unknown[] = []) => (await pond.app.pool.query(sql, values)).rows as T[];
const appMessages = async (userid: string) => (await pond.app.sim!.control.listStaffMessages(pond.corpId, userid)).filter((m: any) => m.kind === 'app');

beforeAll(async () => {
  pond = await startTestPond();
  [customer] = await q(`SELECT c.external_userid, c.name FROM customers c JOIN follows f USING (corp_id, external_userid)
                         JOIN staff s ON s.corp_id = f.corp_id AND s.userid = f.userid
                        WHERE c.corp_id = $1 AND f.status = 'active' AND s.store_id IS NOT NULL ORDER BY c.external_userid LIMIT 1`, [pond.corpId]);
  [{ userid: owner }] = await q(`SELECT f.userid FROM follows f WHERE f.corp_id = $1 AND f.external_userid = $2 AND f.status = 'active' LIMIT 1`, [pond.corpId, customer!.external_userid]);
  staffToken = (await pond.app.auth.createToken({ corpId: pond.corpId, name: 'task-staff', role: 'staff', staffUserid: owner } as never)).token;
  await q(`UPDATE follows SET remark = '王姐' WHERE corp_id = $1 AND external_userid = $2 AND userid = $3`, [pond.corpId, customer!.external_userid, owner]);
  await pond.api('PUT', '/api/governance/policy', { customerPerDay: 3, quietStart: null, quietEnd: null, minGapMinutes: 0, overdueAfterMinutes: 60, digestTime: '08:30' });
}, 120_000);
afterAll(async () => { await pond?.close(); });

describe('staff tasks', () => {
  it('made by hand: budget first, app message when due, its owner sees it, placeholders filled, done once', async () => {
    const made = await pond.api('POST', '/api/tasks', { ownerUserid: owner, externalUserid: customer.external_userid, content: { text: '{nickname}您好，我是{staff}，您的会员卡已升级' } });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    expect(made.body).toMatchObject({ kind: 'send', status: 'pending', ownerUserid: owner, target: { kind: 'customer', externalUserid: customer.external_userid } });
    const id = made.body.id as number;
    const [ledger] = await q(`SELECT l.status FROM contact_ledger l JOIN staff_tasks t ON t.ledger_id = l.id WHERE t.id = $1`, [id]);
    expect(ledger?.status).toBe('planned');

    const about = async () => (await appMessages(owner)).filter((m: any) => JSON.stringify(m).includes(`/tasks/${pond.corpId}?task=${id}`));
    expect(await about()).toHaveLength(0);
    const tick = await pond.app.tasks.tick(new Date());
    expect(tick.notified).toBeGreaterThanOrEqual(1);
    expect(await about()).toHaveLength(1);
    // Told once.
    await Promise.all([pond.app.tasks.tick(new Date()), pond.app.tasks.tick(new Date())]);
    expect(await about()).toHaveLength(1);

    const mine = await pond.api('GET', `/api/tasks?externalUserid=${customer.external_userid}&open=true`, undefined, { token: staffToken });
    expect(mine.body.items.map((t: any) => t.id)).toContain(id);
    const otherOwner = (await q<{ userid: string }>(`SELECT userid FROM staff WHERE corp_id = $1 AND userid <> $2 AND status = 1 LIMIT 1`, [pond.corpId, owner]))[0].userid;
    const theirs = await pond.api('POST', '/api/tasks', { ownerUserid: otherOwner, externalUserid: customer.external_userid, content: { text: '另一位同事的任务' } });
    expect((await pond.api('GET', `/api/tasks/${theirs.body.id}`, undefined, { token: staffToken })).status).toBe(404);

    const messages = await pond.api('GET', `/api/tasks/${id}/messages`, undefined, { token: staffToken });
    const staffName = (await q<{ name: string }>(`SELECT name FROM staff WHERE corp_id = $1 AND userid = $2`, [pond.corpId, owner]))[0].name;
    expect(messages.body.items).toEqual([{ msgtype: 'text', text: { content: `王姐您好，我是${staffName}，您的会员卡已升级` } }]);

    const done = await Promise.all(Array.from({ length: 6 }, () => pond.api('POST', `/api/tasks/${id}/done`, { via: 'sidebar' }, { token: staffToken })));
    expect(done.every((r) => r.status === 200 && r.body.status === 'done' && r.body.doneVia === 'sidebar')).toBe(true);
    const events = await q(`SELECT 1 FROM customer_events WHERE corp_id = $1 AND external_userid = $2 AND type = 'contact.received'`, [pond.corpId, customer.external_userid]);
    expect(events).toHaveLength(1);
    const [settled] = await q(`SELECT l.status FROM contact_ledger l JOIN staff_tasks t ON t.ledger_id = l.id WHERE t.id = $1`, [id]);
    expect(settled?.status).toBe('sent');
    // A done task cannot be skipped.
    expect((await pond.api('POST', `/api/tasks/${id}/skip`, { reason: 'x' })).status).toBe(409);
    // Skipping the other releases its budget.
    const skipped = await pond.api('POST', `/api/tasks/${theirs.body.id}/skip`, { reason: '客户在外地' });
    expect(skipped.body).toMatchObject({ status: 'skipped', skipReason: '客户在外地' });
  });

  it('tells the owner again when WeCom was busy, and once only (WeCom\'s duplicate check covers a retry that did get through)', async () => {
    const sim = pond.app.sim!.control;
    const made = await pond.api('POST', '/api/tasks', { ownerUserid: owner, externalUserid: customer.external_userid, content: { text: '忙时提醒' } });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    const id = made.body.id as number;
    const about = async () => (await appMessages(owner)).filter((m: any) => JSON.stringify(m).includes(`/tasks/${pond.corpId}?task=${id}`));
    // WeCom refuses message/send for now (rate limited): nobody is told, and the card waits to be tried again.
    await sim.upsertCorp({ corpId: pond.corpId, rateLimits: { 'message/send': 0 } });
    const now = new Date();
    await pond.app.tasks.tick(now);
    expect(await about()).toHaveLength(0);
    expect(await q(`SELECT status, attempts FROM app_messages WHERE corp_id = $1 AND dedupe_key = $2`, [pond.corpId, `task:${id}`])).toEqual([{ status: 'pending', attempts: 1 }]);
    // WeCom is back: the next pass after the back-off tells them, once, however many passes follow.
    await sim.upsertCorp({ corpId: pond.corpId, rateLimits: {} });
    const later = new Date(now.getTime() + 60_000);
    await pond.app.tasks.tick(later);
    await Promise.all([pond.app.tasks.tick(later), pond.app.tasks.tick(later)]);
    expect(await about()).toHaveLength(1);
    expect((await q(`SELECT status FROM app_messages WHERE corp_id = $1 AND dedupe_key = $2`, [pond.corpId, `task:${id}`]))[0].status).toBe('sent');
    await pond.api('POST', `/api/tasks/${id}/skip`, { reason: '测试结束' });
  });

  it('a card WeCom delivered but whose answer was lost (a timeout) is sent again and shown once; a sender that died mid-call is taken over', async () => {
    const made = await pond.api('POST', '/api/tasks', { ownerUserid: owner, externalUserid: customer.external_userid, content: { text: '超时提醒' } });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    const id = made.body.id as number;
    const about = async () => (await appMessages(owner)).filter((m: any) => JSON.stringify(m).includes(`/tasks/${pond.corpId}?task=${id}`));
    const client = await pond.app.corps.client(pond.corpId);
    const original = client.messageSend.bind(client);
    let lost = 0;
    // The simulator delivers the card; its answer never reaches Pond.
    client.messageSend = async (req, opts) => {
      const res = await original(req, opts);
      if (JSON.stringify(req).includes(`task=${id}`) && lost++ === 0) throw new WecomError({ api: 'message/send', errcode: -1, errmsg: 'timeout', kind: 'network' });
      return res;
    };
    const now = new Date();
    try {
      await pond.app.tasks.tick(now);
      expect(lost).toBe(1);
      expect(await about()).toHaveLength(1);
      expect(await q(`SELECT status, attempts FROM app_messages WHERE corp_id = $1 AND dedupe_key = $2`, [pond.corpId, `task:${id}`])).toEqual([{ status: 'pending', attempts: 1 }]);
      // Tried again after the back-off (by two passes at once): WeCom's duplicate check keeps it one card; Pond records it sent.
      const later = new Date(now.getTime() + 60_000);
      await Promise.all([pond.app.tasks.tick(later), pond.app.tasks.tick(later)]);
      expect(lost).toBe(2);
      expect(await about()).toHaveLength(1);
      expect(await q(`SELECT status, attempts FROM app_messages WHERE corp_id = $1 AND dedupe_key = $2`, [pond.corpId, `task:${id}`])).toEqual([{ status: 'sent', attempts: 2 }]);
    } finally {
      client.messageSend = original;
    }
    // A sender that died holding a claim (queued, claimed, never answered): the next pass after its lease sends it, once.
    const digest = `digest:2099-01-01:${owner}`;
    await q(`INSERT INTO app_messages (corp_id, dedupe_key, touser, title, description, url, attempts, claimed_until)
             VALUES ($1, $2, $3, '今日任务 Today''s tasks 2099-01-01', '待完成 1', 'http://127.0.0.1/t', 1, $4)`, [pond.corpId, digest, owner, new Date(now.getTime() + 120_000)]);
    const digestCards = async () => (await appMessages(owner)).filter((m: any) => JSON.stringify(m).includes('2099-01-01'));
    await pond.app.tasks.flushAppMessages(new Date(now.getTime() + 60_000));
    expect(await digestCards()).toHaveLength(0);
    await pond.app.tasks.flushAppMessages(new Date(now.getTime() + 180_000));
    await pond.app.tasks.flushAppMessages(new Date(now.getTime() + 240_000));
    expect(await digestCards()).toHaveLength(1);
    expect((await q(`SELECT status FROM app_messages WHERE corp_id = $1 AND dedupe_key = $2`, [pond.corpId, digest]))[0].status).toBe('sent');
    await pond.api('POST', `/api/tasks/${id}/skip`, { reason: '测试结束' });
  });

  it('refuses a task without exactly one target, and one the budget will not allow is made skipped with the reason', async () => {
    const none = await pond.api('POST', '/api/tasks', { ownerUserid: owner, content: { text: 'x' } });
    expect(none.status).toBe(400);
    expect(none.body.error.field).toBe('externalUserid');
    const empty = await pond.api('POST', '/api/tasks', { ownerUserid: owner, externalUserid: customer.external_userid, content: { text: '' } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.field).toBe('content.text');
    await pond.api('PUT', '/api/governance/policy', { customerPerDay: 1 });
    const over = await pond.api('POST', '/api/tasks', { ownerUserid: owner, externalUserid: customer.external_userid, content: { text: '今天第二条' } });
    expect(over.body).toMatchObject({ status: 'skipped', skipReason: 'cap_day' });
  });

  it('overdue tasks are escalated once to the store manager; the digest goes out once a day; the board counts', async () => {
    const storeId = (await q<{ store_id: number }>(`SELECT store_id FROM staff WHERE corp_id = $1 AND userid = $2`, [pond.corpId, owner]))[0].store_id;
    const manager = (await q<{ userid: string }>(`SELECT userid FROM staff WHERE corp_id = $1 AND userid <> $2 AND status = 1 ORDER BY userid DESC LIMIT 1`, [pond.corpId, owner]))[0].userid;
    const user = await pond.api('POST', '/api/users', { username: 'task-manager', displayName: '店长', role: 'store_manager', storeIds: [storeId], staffUserid: manager });
    expect(user.status, JSON.stringify(user.body)).toBe(200);
    await q(`UPDATE memberships SET status = 'active' WHERE corp_id = $1 AND staff_userid = $2`, [pond.corpId, manager]);
    const [{ id }] = await q(`INSERT INTO staff_tasks (corp_id, kind, owner_userid, due_at, target_kind, external_userid, content, source_kind, source_name)
                              VALUES ($1, 'send', $2, now() - interval '3 hours', 'customer', $3, '{"text":"逾期任务","attachments":[]}', 'manual', '手动') RETURNING id`,
      [pond.corpId, owner, customer.external_userid]);
    const before = (await appMessages(manager)).length;
    const t1 = await pond.app.tasks.tick(new Date());
    expect(t1.overdue).toBe(1);
    expect((await pond.api('GET', `/api/tasks/${id}`)).body.status).toBe('overdue');
    const got = await appMessages(manager);
    expect(got.length).toBe(before + 1);
    expect(JSON.stringify(got[0])).toContain('逾期');
    expect((await pond.app.tasks.tick(new Date())).overdue).toBe(0);
    expect((await q(`SELECT 1 FROM alerts WHERE corp_id = $1 AND kind = 'tasks_overdue'`, [pond.corpId])).length).toBe(1);

    // The digest: after 08:30 in the corp's zone, once.
    const morning = new Date(Date.UTC(2027, 0, 4, 1, 0)); // 09:00 in Shanghai
    const d1 = await pond.app.tasks.sendDigests(morning);
    expect(d1).toBeGreaterThanOrEqual(1);
    expect(await pond.app.tasks.sendDigests(new Date(morning.getTime() + 3_600_000))).toBe(0);
    expect(await pond.app.tasks.sendDigests(new Date(Date.UTC(2027, 0, 4, 23, 0)))).toBe(0); // 07:00 on the 5th: before 08:30
    expect(await pond.app.tasks.sendDigests(new Date(Date.UTC(2027, 0, 5, 1, 0)))).toBeGreaterThanOrEqual(1);

    const board = await pond.api('GET', '/api/tasks/board');
    expect(board.status, JSON.stringify(board.body)).toBe(200);
    const row = board.body.staff.find((r: any) => r.userid === owner);
    expect(row).toMatchObject({ done: 1, overdue: 1 });
    expect(row.completion).toBeCloseTo(row.done / row.due, 3);
    expect(board.body.total.due).toBeGreaterThanOrEqual(row.due);
  });
});
