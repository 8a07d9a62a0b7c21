// Playbooks (SOP) end to end through the simulator: a customer scans a live code and adds a staff member, the
// playbook enrols them, each step reaches the staff member as a task (done from the sidebar → sent) or a mass send
// (confirmed in the simulated WeCom client → sent, the phone receives it) until the last step; exits, re-entry and
// one live enrolment under concurrency; budget skips with their reasons; concurrent scheduler passes deliver once;
// a group playbook on its calendar; handovers move the work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimControl } from '@pond/wecom-sim';
import { WecomError } from '@pond/wecom';
import { startTestPond, waitFor, type TestPond } from './helpers';

let pond: TestPond;
let sim: SimControl;
let staff: string[];
let tagX: string;
let code: { id: number; url: string };
const sql = <T = any>(text: string, values: unknown[] = []) => pond.app.pool.query(text, values).then((r) => r.rows as T[]);
const minutes = (n: number) => n * 60_000;

async function settle() {
  await sim.waitForCallbacks(10_000);
  await pond.app.inbox.drain();
}

/** A customer who scans the code and adds its staff member; returns their external_userid. */
async function addThroughCode(nickname: string): Promise<string> {
  const u = await sim.createWechatUser({ nickname });
  const scan = await sim.scan(u.id, code.url);
  if (scan.kind !== 'contact') throw new Error(`scan: ${scan.kind}`);
  await settle();
  return scan.result.externalUserid;
}

const runsOf = (playbookId: number, ext?: string) => sql(
  `SELECT r.*, s.position FROM playbook_runs r JOIN playbook_steps s ON s.id = r.step_id WHERE r.playbook_id = $1 AND ($2::text IS NULL OR r.target_id = $2)
    ORDER BY r.enrolment_id, s.position`, [playbookId, ext ?? null]);

async function createPlaybook(body: Record<string, unknown>): Promise<any> {
  const res = await pond.api('POST', '/api/playbooks', body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const act = await pond.api('POST', `/api/playbooks/${res.body.id}/activate`);
  expect(act.status, JSON.stringify(act.body)).toBe(200);
  return act.body;
}

beforeAll(async () => {
  pond = await startTestPond();
  sim = pond.app.sim!.control;
  staff = (await sql(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid`, [pond.corpId])).map((r) => r.userid);
  tagX = (await pond.api('GET', '/api/tags')).body.groups[0].tags[0].id;
  // A budget that lets every step through unless a test says otherwise.
  const policy = await pond.api('PUT', '/api/governance/policy', { customerPerDay: 50, customerPerWeek: 200, customerPerMonth: 500, groupPerDay: 50, groupPerWeek: 200, minGapMinutes: 0, dedupeDays: 0, quietStart: null, quietEnd: null });
  expect(policy.status, JSON.stringify(policy.body)).toBe(200);
  const c = await pond.api('POST', '/api/live-codes', { kind: 'staff', name: 'SOP 渠道码', channel: 'SOP渠道', pool: [{ userid: staff[0] }] });
  expect(c.status, JSON.stringify(c.body)).toBe(200);
  code = c.body;
}, 180_000);
afterAll(async () => { await pond?.close(); });

describe('the builder', () => {
  it('refuses bad playbooks naming the field', async () => {
    const step = { day: 0, offsetMinutes: 5, content: { text: 'hi' } };
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'customer', name: 'x', steps: [step] }, 'trigger'],
      [{ kind: 'customer', name: 'x', trigger: { type: 'tagged', tagIds: ['nope'] }, steps: [step] }, 'trigger.tagIds.0'],
      [{ kind: 'customer', name: 'x', trigger: { type: 'manual' }, steps: [{ offsetMinutes: 5, content: { text: 'hi' } }] }, 'steps.0.day'],
      [{ kind: 'customer', name: 'x', trigger: { type: 'manual' }, steps: [{ ...step, content: { text: '' } }] }, 'steps.0.content.text'],
      [{ kind: 'customer', name: 'x', trigger: { type: 'manual' }, steps: [{ ...step, time: '25:00' }] }, 'steps.0.time'],
      [{ kind: 'customer', name: 'x', trigger: { type: 'manual' }, steps: [] }, 'steps'],
      [{ kind: 'group', name: 'x', audience: { tiers: [] }, steps: [{ schedule: { repeat: 'daily', time: '08:00' }, content: { text: 'hi' } }] }, 'audience'],
      [{ kind: 'group', name: 'x', audience: { tiers: ['VIP'] }, steps: [{ schedule: { repeat: 'weekly', time: '08:00' }, content: { text: 'hi' } }] }, 'steps.0.schedule.weekdays'],
    ];
    for (const [body, field] of cases) {
      const res = await pond.api('POST', '/api/playbooks', body);
      expect(res.status, `${field}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
  });

  it('previews when the steps would go out, in the corp time zone', async () => {
    const res = await pond.api('POST', '/api/playbooks/schedule-preview', {
      kind: 'customer', from: '2030-03-04T10:00:00+08:00',
      steps: [{ day: 0, offsetMinutes: 10 }, { day: 1, time: '20:00' }, { day: 3, time: '12:00' }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items.map((i: any) => i.at)).toEqual(['2030-03-04T02:10:00.000Z', '2030-03-05T12:00:00.000Z', '2030-03-07T04:00:00.000Z']);
    const g = await pond.api('POST', '/api/playbooks/schedule-preview', {
      kind: 'group', from: '2030-03-04T09:00:00+08:00', limit: 4,
      steps: [{ schedule: { repeat: 'weekly', weekdays: [1, 3], time: '08:00' } }, { schedule: { repeat: 'monthly', monthDays: [5], time: '12:00' } }],
    });
    // 2030-03-04 is a Monday (08:00 already passed at 09:00): Wed 6th, Tue 5th noon (monthly), Mon 11th, Wed 13th.
    expect(g.body.items.map((i: any) => [i.stepIndex, i.at])).toEqual([
      [1, '2030-03-05T04:00:00.000Z'], [0, '2030-03-06T00:00:00.000Z'], [0, '2030-03-11T00:00:00.000Z'], [0, '2030-03-13T00:00:00.000Z'],
    ]);
  });
});

describe('a customer playbook from the add to the last step', () => {
  let pb: any;
  let ext: string;

  it('enrols the customer who adds through the code and makes the first task', async () => {
    pb = await createPlaybook({
      kind: 'customer', name: '新客 7 天', trigger: { type: 'added', codeIds: [code.id] }, exits: [{ type: 'tag_added', tagIds: [tagX] }], reentry: 'after_end',
      steps: [
        { name: '欢迎', day: 0, offsetMinutes: 10, delivery: 'task', content: { text: '你好 {nickname}，我是{staff}' } },
        { name: '第二天', day: 1, time: '20:00', delivery: 'mass', content: { text: '第二天的好物推荐，{staff} 为你挑选' } },
        { name: '优惠', day: 3, time: '12:00', delivery: 'task', content: { text: '专属优惠券已到' } },
      ],
    });
    expect(pb.status).toBe('active');
    ext = await addThroughCode('剧本客户甲');
    const r = await pond.app.playbooks.tick(new Date(Date.now() + minutes(11)));
    expect(r.events).toBeGreaterThan(0);
    const [en] = await sql(`SELECT * FROM playbook_enrolments WHERE playbook_id = $1 AND external_userid = $2`, [pb.id, ext]);
    expect(en).toMatchObject({ status: 'active', owner_userid: staff[0], source: 'trigger' });
    const runs = await runsOf(pb.id, ext);
    expect(runs.map((x) => x.status)).toEqual(['task_created', 'pending', 'pending']);
    // Day 1 at 20:00 and day 3 at 12:00 in Asia/Shanghai.
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', dateStyle: 'short' });
    const local = (d: Date) => `${day.format(d)} ${new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d)}`;
    expect(local(runs[1].due_at).slice(11)).toBe('20:00');
    expect(local(runs[2].due_at).slice(11)).toBe('12:00');
    const tasks = await pond.api('GET', `/api/tasks?sourceKind=playbook&externalUserid=${ext}`);
    expect(tasks.status, JSON.stringify(tasks.body)).toBe(200);
    expect(tasks.body.items).toHaveLength(1);
    expect(tasks.body.items[0]).toMatchObject({ status: 'pending', ownerUserid: staff[0], text: '你好 {nickname}，我是{staff}', source: { kind: 'playbook', id: pb.id } });
    expect(runs[0].task_id).toBe(tasks.body.items[0].id);
  });

  it('marks the run sent when the task is done from the sidebar, and the send lands on the timeline', async () => {
    const [run] = await runsOf(pb.id, ext);
    const done = await pond.api('POST', `/api/tasks/${run.task_id}/done`, { via: 'sidebar' });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const [after] = await runsOf(pb.id, ext);
    expect(after).toMatchObject({ status: 'sent', late: false });
    expect(after.sent_at).toBeTruthy();
    const [ledger] = await sql(`SELECT status FROM contact_ledger WHERE id = $1`, [after.ledger_id]);
    expect(ledger.status).toBe('sent');
    const timeline = await sql(`SELECT data FROM customer_events WHERE corp_id = $1 AND external_userid = $2 AND type = 'contact.received'`, [pond.corpId, ext]);
    expect(timeline.map((t) => t.data.ledgerId)).toEqual([after.ledger_id]);
  });

  it('issues the mass send at its time; confirmed in WeCom, the customer receives it and the run is sent', async () => {
    const [, second] = await runsOf(pb.id, ext);
    const at = new Date(second.due_at.getTime() + minutes(1));
    await pond.app.playbooks.tick(at);
    const [send] = await sql(`SELECT * FROM playbook_mass_sends WHERE playbook_id = $1 AND step_id = $2`, [pb.id, second.step_id]);
    expect(send).toMatchObject({ status: 'issued', sender_userid: staff[0], chat_type: 'single', target_count: 1 });
    expect((await runsOf(pb.id, ext))[1]).toMatchObject({ status: 'task_created', mass_send_id: send.id });
    // The staff member is asked to confirm it (a task), then confirms in the WeCom client.
    const confirm = await sql(`SELECT status, kind FROM staff_tasks WHERE corp_id = $1 AND dedupe_key = $2`, [pond.corpId, `playbook:mass:${send.id}:`]);
    expect(confirm).toEqual([{ status: 'pending', kind: 'confirm_mass' }]);
    const result = await sim.confirmMassSend(staff[0], send.msgid);
    expect(result.sent).toBe(1);
    await pond.app.playbooks.tick(new Date(at.getTime() + minutes(2)));
    const run = (await runsOf(pb.id, ext))[1];
    expect(run).toMatchObject({ status: 'sent', late: false });
    expect((await sql(`SELECT status FROM staff_tasks WHERE corp_id = $1 AND dedupe_key = $2`, [pond.corpId, `playbook:mass:${send.id}:`]))[0].status).toBe('done');
    const wechat = await sql(`SELECT wechat_user_id FROM wecom_sim.customers WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, ext]);
    const inbox = await sim.listInbox(wechat[0].wechat_user_id);
    const staffName = (await sql(`SELECT name FROM staff WHERE corp_id = $1 AND userid = $2`, [pond.corpId, staff[0]]))[0].name;
    expect(JSON.stringify(inbox)).toContain(`第二天的好物推荐，${staffName} 为你挑选`);
  });

  it('delivers the last step; done late, it counts as late; the enrolment completes; the funnel shows it', async () => {
    const third = (await runsOf(pb.id, ext))[2];
    await pond.app.playbooks.tick(new Date(third.due_at.getTime() + minutes(1)));
    const run = (await runsOf(pb.id, ext))[2];
    expect(run.status).toBe('task_created');
    // Done three hours after its time: past the corp's grace (120 minutes).
    await sql(`UPDATE playbook_runs SET send_at = now() - interval '3 hours' WHERE id = $1`, [run.id]);
    expect((await pond.api('POST', `/api/tasks/${run.task_id}/done`, { via: 'sidebar' })).status).toBe(200);
    expect((await runsOf(pb.id, ext))[2]).toMatchObject({ status: 'sent', late: true });
    const [en] = await sql(`SELECT status FROM playbook_enrolments WHERE playbook_id = $1 AND external_userid = $2`, [pb.id, ext]);
    expect(en.status).toBe('completed');
    const stats = await pond.api('GET', `/api/playbooks/${pb.id}/stats`);
    expect(stats.status, JSON.stringify(stats.body)).toBe(200);
    expect(stats.body.steps.map((s: any) => [s.name, s.total, s.taskCreated, s.sent, s.late])).toEqual([['欢迎', 1, 1, 1, 0], ['第二天', 1, 1, 1, 0], ['优惠', 1, 1, 1, 1]]);
    expect(stats.body.staff).toEqual([expect.objectContaining({ userid: staff[0], reached: 3, sent: 3, late: 1, completion: 1 })]);
    expect(stats.body.enrolments).toEqual({ active: 0, completed: 1, exited: 0 });
    const sent = await pond.api('GET', `/api/playbooks/${pb.id}/runs?status=sent&limit=2`);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.total).toBe(3);
    expect(sent.body.items).toHaveLength(2);
    const enrolments = await pond.api('GET', `/api/playbooks/${pb.id}/enrolments`);
    expect(enrolments.body.items).toEqual([expect.objectContaining({ externalUserid: ext, status: 'completed', sent: 3, steps: 3, source: 'trigger' })]);
  });

  it('exits a customer tagged X: waiting steps skipped, the open task cancelled; re-entry after the end', async () => {
    const ext2 = await addThroughCode('剧本客户乙');
    await pond.app.playbooks.tick(new Date(Date.now() + minutes(11)));
    const before = await runsOf(pb.id, ext2);
    expect(before.map((r) => r.status)).toEqual(['task_created', 'pending', 'pending']);
    await sim.editTagsInClient(staff[0], ext2, [tagX], []);
    await settle();
    await pond.app.playbooks.tick(new Date(Date.now() + minutes(12)));
    const [en] = await sql(`SELECT status, exit_reason FROM playbook_enrolments WHERE playbook_id = $1 AND external_userid = $2`, [pb.id, ext2]);
    expect(en).toEqual({ status: 'exited', exit_reason: 'tag_added' });
    const after = await runsOf(pb.id, ext2);
    expect(after.map((r) => [r.status, r.reason])).toEqual([['skipped', 'exited'], ['skipped', 'exited'], ['skipped', 'exited']]);
    expect((await sql(`SELECT status FROM staff_tasks WHERE id = $1`, [before[0].task_id]))[0].status).toBe('cancelled');
    // after_end: enrolled again by hand, with fresh runs; a second enrolment while live is refused.
    const again = await pond.api('POST', `/api/playbooks/${pb.id}/enrolments`, { externalUserids: [ext2, 'wm_nobody_here'] });
    expect(again.body).toEqual({ enrolled: 1, skippedCount: 1, skipped: [{ externalUserid: 'wm_nobody_here', reason: 'not_found' }] });
    const twice = await pond.api('POST', `/api/playbooks/${pb.id}/enrolments`, { csv: `external_userid\n${ext2}\n` });
    expect(twice.body).toMatchObject({ enrolled: 0, skipped: [{ externalUserid: ext2, reason: 'already_enrolled' }] });
    expect((await runsOf(pb.id, ext2)).filter((r) => r.status === 'pending')).toHaveLength(3);
  });
});

describe('enrolment rules', () => {
  it('one live enrolment per customer and playbook, however many enrol at once; never / always re-entry', async () => {
    const exts = (await sql(`SELECT DISTINCT external_userid FROM follows WHERE corp_id = $1 AND status = 'active' ORDER BY external_userid LIMIT 3`, [pond.corpId])).map((r) => r.external_userid);
    const once = await createPlaybook({ kind: 'customer', name: '只一次', trigger: { type: 'manual' }, reentry: 'never', steps: [{ day: 2, time: '10:00', content: { text: '一次' } }] });
    const results = await Promise.all(Array.from({ length: 8 }, () => pond.api('POST', `/api/playbooks/${once.id}/enrolments`, { externalUserids: exts })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.reduce((n, r) => n + r.body.enrolled, 0)).toBe(3);
    expect(await sql(`SELECT external_userid, count(*)::int AS n FROM playbook_enrolments WHERE playbook_id = $1 GROUP BY 1 ORDER BY 1`, [once.id]))
      .toEqual(exts.map((e) => ({ external_userid: e, n: 1 })));
    // The partial unique index holds even for a writer that skips the service.
    await expect(sql(`INSERT INTO playbook_enrolments (corp_id, playbook_id, external_userid, owner_userid, source, enrolled_at) VALUES ($1, $2, $3, 'x', 'manual', now())`,
      [pond.corpId, once.id, exts[0]])).rejects.toThrow(/playbook_enrolments_live_uq/);
    expect((await pond.api('POST', `/api/playbooks/${once.id}/exit`, { externalUserids: [exts[0]] })).body).toEqual({ exited: 1 });
    const no = await pond.api('POST', `/api/playbooks/${once.id}/enrolments`, { externalUserids: [exts[0]] });
    expect(no.body.skipped).toEqual([{ externalUserid: exts[0], reason: 'not_again' }]);

    const always = await createPlaybook({ kind: 'customer', name: '每次', trigger: { type: 'manual' }, reentry: 'always', steps: [{ day: 2, time: '10:00', content: { text: '每次' } }] });
    await pond.api('POST', `/api/playbooks/${always.id}/enrolments`, { externalUserids: [exts[1]] });
    const restart = await pond.api('POST', `/api/playbooks/${always.id}/enrolments`, { externalUserids: [exts[1]] });
    expect(restart.body.enrolled).toBe(1);
    expect(await sql(`SELECT status, exit_reason FROM playbook_enrolments WHERE playbook_id = $1 ORDER BY id`, [always.id]))
      .toEqual([{ status: 'exited', exit_reason: 'reentered' }, { status: 'active', exit_reason: null }]);
  });

  it('enrolling elsewhere exits a playbook that says so', async () => {
    const [ext] = (await sql(`SELECT external_userid FROM follows WHERE corp_id = $1 AND status = 'active' ORDER BY external_userid DESC LIMIT 1`, [pond.corpId])).map((r) => r.external_userid);
    const a = await createPlaybook({ kind: 'customer', name: '培育', trigger: { type: 'manual' }, exits: [{ type: 'enrolled_elsewhere' }], steps: [{ day: 5, time: '10:00', content: { text: 'a' } }] });
    const b = await createPlaybook({ kind: 'customer', name: '成交', trigger: { type: 'manual' }, steps: [{ day: 5, time: '11:00', content: { text: 'b' } }] });
    await pond.api('POST', `/api/playbooks/${a.id}/enrolments`, { externalUserids: [ext] });
    await pond.api('POST', `/api/playbooks/${b.id}/enrolments`, { externalUserids: [ext] });
    expect(await sql(`SELECT playbook_id, status, exit_reason FROM playbook_enrolments WHERE external_userid = $1 AND playbook_id = ANY($2::bigint[]) ORDER BY playbook_id`, [ext, [a.id, b.id]]))
      .toEqual([{ playbook_id: a.id, status: 'exited', exit_reason: 'enrolled_elsewhere' }, { playbook_id: b.id, status: 'active', exit_reason: null }]);
  });
});

describe('the contact budget and the scheduler', () => {
  it('records why a step was skipped: over the daily cap, in quiet hours', async () => {
    // A customer nobody has contacted yet (the budget is per customer).
    const [ext] = (await sql(`SELECT f.external_userid FROM follows f WHERE f.corp_id = $1 AND f.status = 'active'
                                AND NOT EXISTS (SELECT 1 FROM contact_ledger l WHERE l.corp_id = f.corp_id AND l.target_id = f.external_userid)
                              ORDER BY f.external_userid LIMIT 1`, [pond.corpId])).map((r) => r.external_userid);
    await pond.api('PUT', '/api/governance/policy', { customerPerDay: 1 });
    try {
      const pb = await createPlaybook({
        kind: 'customer', name: '预算', trigger: { type: 'manual' }, steps: [
          { name: 'a', day: 0, offsetMinutes: 0, content: { text: '预算一' } }, { name: 'b', day: 0, offsetMinutes: 30, content: { text: '预算二' } },
        ],
      });
      await pond.api('POST', `/api/playbooks/${pb.id}/enrolments`, { externalUserids: [ext] });
      await pond.app.playbooks.scheduler.deliverDue(new Date(Date.now() + minutes(31)));
      expect((await runsOf(pb.id)).map((r) => [r.status, r.reason]), JSON.stringify(await sql('SELECT source_kind, source_id, status, reason, at FROM contact_ledger WHERE target_id = $1 ORDER BY id', [ext]))).toEqual([['task_created', null], ['skipped', 'cap_day']]);
      const stats = (await pond.api('GET', `/api/playbooks/${pb.id}/stats`)).body;
      expect(stats.steps[1].reasons).toEqual([{ reason: 'cap_day', count: 1 }]);

      await pond.api('PUT', '/api/governance/policy', { customerPerDay: 50, quietStart: '00:00', quietEnd: '23:59' });
      const quiet = await createPlaybook({ kind: 'customer', name: '夜间', trigger: { type: 'manual' }, quietAction: 'skip', steps: [{ day: 0, offsetMinutes: 0, content: { text: '夜间' } }] });
      await pond.api('POST', `/api/playbooks/${quiet.id}/enrolments`, { externalUserids: [ext] });
      await pond.app.playbooks.scheduler.deliverDue(new Date(Date.now() + minutes(1)));
      expect((await runsOf(quiet.id)).map((r) => [r.status, r.reason])).toEqual([['skipped', 'quiet_hours']]);
      const [en] = await sql(`SELECT status FROM playbook_enrolments WHERE playbook_id = $1`, [quiet.id]);
      expect(en.status).toBe('completed');
    } finally {
      await pond.api('PUT', '/api/governance/policy', { customerPerDay: 50, quietStart: null, quietEnd: null });
    }
  });

  it('concurrent scheduler passes deliver each step once', async () => {
    const exts = (await sql(`SELECT DISTINCT external_userid FROM follows WHERE corp_id = $1 AND status = 'active' ORDER BY external_userid`, [pond.corpId])).map((r) => r.external_userid);
    expect(exts.length).toBeGreaterThan(20);
    const pb = await createPlaybook({ kind: 'customer', name: '并发', trigger: { type: 'manual' }, steps: [
      { name: 'a', day: 0, offsetMinutes: 1, content: { text: '并发一' } }, { name: 'b', day: 0, offsetMinutes: 2, delivery: 'mass', content: { text: '并发二 {staff}' } },
    ] });
    const enrolled = await pond.api('POST', `/api/playbooks/${pb.id}/enrolments`, { externalUserids: exts });
    expect(enrolled.body.enrolled).toBe(exts.length);
    const at = new Date(Date.now() + minutes(3));
    await Promise.all(Array.from({ length: 6 }, () => pond.app.playbooks.scheduler.deliverDue(at, { batch: 7 })));
    const runs = await runsOf(pb.id);
    expect(runs).toHaveLength(exts.length * 2);
    expect(runs.filter((r) => r.status !== 'task_created')).toEqual([]);
    const tasks = await sql(`SELECT count(*)::int AS n, count(DISTINCT dedupe_key)::int AS keys, count(*) FILTER (WHERE status <> 'pending')::int AS ended
                              FROM staff_tasks WHERE corp_id = $1 AND source_kind = 'playbook' AND source_id = $2 AND kind = 'send'`, [pond.corpId, pb.id]);
    expect(tasks[0]).toEqual({ n: exts.length, keys: exts.length, ended: 0 });
    const ledger = await sql(`SELECT count(*)::int AS n FROM contact_ledger WHERE corp_id = $1 AND source_kind = 'playbook' AND source_id = $2`, [pond.corpId, pb.id]);
    expect(ledger[0].n).toBe(exts.length * 2);
    // Every customer is in exactly one mass send, and one add_msg_template went out per sender (batched: no {nickname}).
    const mass = await sql(`SELECT sender_userid, count(*)::int AS sends, sum(target_count)::int AS targets FROM playbook_mass_sends WHERE playbook_id = $1 GROUP BY 1`, [pb.id]);
    expect(mass.reduce((n, m) => n + m.targets, 0)).toBe(exts.length);
    const owners = new Set(runs.map((r) => r.owner_userid));
    expect(mass.length).toBe(owners.size);
    const simSends = await sql(`SELECT count(*)::int AS n FROM wecom_sim.mass_sends WHERE corp_id = $1 AND body::text LIKE '%并发二%'`, [pond.corpId]);
    // Concurrent passes each issue their own batch: at most one call per pass and sender, never a customer twice.
    expect(simSends[0].n).toBe(mass.reduce((n, m) => n + m.sends, 0));
    const perCustomer = await sql(`SELECT target, count(*)::int AS n FROM wecom_sim.mass_send_results r JOIN wecom_sim.mass_sends m ON m.corp_id = r.corp_id AND m.msgid = r.msgid
                                    WHERE r.corp_id = $1 AND m.body::text LIKE '%并发二%' GROUP BY target HAVING count(*) > 1`, [pond.corpId]);
    expect(perCustomer).toEqual([]);
  });

  it('a step due with the budget held by another pass is not delivered twice after the lease runs out', async () => {
    // Runs claimed by a pass that died: their lease runs out, the next pass takes them.
    const [ext] = (await sql(`SELECT external_userid FROM follows WHERE corp_id = $1 AND status = 'active' ORDER BY external_userid OFFSET 7 LIMIT 1`, [pond.corpId])).map((r) => r.external_userid);
    const pb = await createPlaybook({ kind: 'customer', name: '租约', trigger: { type: 'manual' }, steps: [{ day: 0, offsetMinutes: 1, content: { text: '租约' } }] });
    await pond.api('POST', `/api/playbooks/${pb.id}/enrolments`, { externalUserids: [ext] });
    const now = new Date(Date.now() + minutes(2));
    await sql(`UPDATE playbook_runs SET claim = 'dead-pass', claimed_until = $2 WHERE playbook_id = $1`, [pb.id, new Date(now.getTime() + minutes(5))]);
    expect((await pond.app.playbooks.scheduler.deliverDue(now)).claimed).toBe(0);
    await pond.app.playbooks.scheduler.deliverDue(new Date(now.getTime() + minutes(6)));
    await pond.app.playbooks.scheduler.deliverDue(new Date(now.getTime() + minutes(7)));
    expect((await runsOf(pb.id)).map((r) => r.status)).toEqual(['task_created']);
    expect((await sql(`SELECT count(*)::int AS n FROM staff_tasks WHERE source_kind = 'playbook' AND source_id = $1`, [pb.id]))[0].n).toBe(1);
  });
});

describe('handover', () => {
  it('moves a live enrolment and its open tasks to the staff member who took the customer over', async () => {
    const [f] = await sql(`SELECT external_userid, userid FROM follows f WHERE corp_id = $1 AND status = 'active'
                             AND NOT EXISTS (SELECT 1 FROM follows g WHERE g.corp_id = f.corp_id AND g.external_userid = f.external_userid AND g.userid <> f.userid)
                           ORDER BY external_userid LIMIT 1`, [pond.corpId]);
    const other = staff.find((s) => s !== f.userid)!;
    const pb = await createPlaybook({ kind: 'customer', name: '交接', trigger: { type: 'manual' }, steps: [
      { day: 0, offsetMinutes: 0, content: { text: '交接一' } }, { day: 2, time: '10:00', content: { text: '交接二' } },
    ] });
    await pond.api('POST', `/api/playbooks/${pb.id}/enrolments`, { externalUserids: [f.external_userid] });
    await pond.app.playbooks.scheduler.deliverDue(new Date(Date.now() + minutes(1)));
    const [first] = await runsOf(pb.id);
    // WeCom hands the customer over: the old relation is transferred, a new one begins.
    await sql(`UPDATE follows SET status = 'transferred' WHERE corp_id = $1 AND external_userid = $2 AND userid = $3`, [pond.corpId, f.external_userid, f.userid]);
    await sql(`INSERT INTO follows (corp_id, external_userid, userid, status, added_at) VALUES ($1, $2, $3, 'active', now())`, [pond.corpId, f.external_userid, other]);
    expect(await pond.app.playbooks.triggers.followHandovers(pond.corpId, [f.external_userid])).toBeGreaterThanOrEqual(1);
    expect((await sql(`SELECT owner_userid FROM playbook_enrolments WHERE playbook_id = $1`, [pb.id]))[0].owner_userid).toBe(other);
    expect((await sql(`SELECT owner_userid, status FROM staff_tasks WHERE id = $1`, [first.task_id]))[0]).toEqual({ owner_userid: other, status: 'pending' });
    expect((await runsOf(pb.id))[1].owner_userid).toBe(other);
  });
});

describe('a group playbook on its calendar', () => {
  it('makes runs for the groups of the tier, sends tasks to the owner and a group mass send', async () => {
    const groups = await sql(`SELECT chat_id, owner_userid FROM groups WHERE corp_id = $1 AND status = 'active' AND owner_userid IS NOT NULL ORDER BY chat_id LIMIT 3`, [pond.corpId]);
    expect(groups).toHaveLength(3);
    for (const g of groups.slice(0, 2)) expect((await pond.api('PATCH', `/api/groups/${g.chat_id}`, { tier: 'SOPVIP' })).status).toBe(200);
    const tz = 'Asia/Shanghai';
    const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(new Date(Date.now() + 86_400_000));
    const pb = await createPlaybook({
      kind: 'group', name: '群日历', audience: { tiers: ['SOPVIP'] }, steps: [
        { name: '早安', schedule: { repeat: 'daily', time: '08:00' }, delivery: 'task', content: { text: '早安，今日好物' } },
        { name: '午间秒杀', schedule: { repeat: 'dates', dates: [tomorrow], time: '12:00' }, delivery: 'mass', content: { text: '午间秒杀开始' } },
      ],
    });
    const at8 = new Date(`${tomorrow}T08:00:00+08:00`);
    const at12 = new Date(`${tomorrow}T12:00:00+08:00`);
    await pond.app.playbooks.periodic(new Date(at8.getTime() - minutes(60)));
    const runs = await sql(`SELECT target_id, occurrence, due_at, status, delivery FROM playbook_runs WHERE playbook_id = $1 AND occurrence = $2 ORDER BY due_at, target_id`, [pb.id, tomorrow]);
    expect(runs.map((r) => [r.target_id, r.due_at.toISOString(), r.delivery])).toEqual([
      [groups[0].chat_id, at8.toISOString(), 'task'], [groups[1].chat_id, at8.toISOString(), 'task'],
      [groups[0].chat_id, at12.toISOString(), 'mass'], [groups[1].chat_id, at12.toISOString(), 'mass'],
    ]);
    const upcoming = await pond.api('GET', `/api/playbooks/${pb.id}/upcoming?limit=3`);
    expect(upcoming.status, JSON.stringify(upcoming.body)).toBe(200);
    expect(upcoming.body.items).toHaveLength(3);
    await pond.app.playbooks.tick(new Date(at8.getTime() + minutes(1)));
    // Tomorrow's 08:00 tasks (when the test runs before 08:00 in Shanghai, today's 08:00 runs are due too and delivered late).
    const tasks = await sql(`SELECT chat_id, owner_userid, target_kind FROM staff_tasks WHERE source_kind = 'playbook' AND source_id = $1 AND kind = 'send' AND due_at >= $2 ORDER BY chat_id`, [pb.id, at8]);
    expect(tasks).toEqual(groups.slice(0, 2).map((g) => ({ chat_id: g.chat_id, owner_userid: g.owner_userid, target_kind: 'group' })));
    await pond.app.playbooks.tick(new Date(at12.getTime() + minutes(1)));
    const sends = await sql(`SELECT * FROM playbook_mass_sends WHERE playbook_id = $1 ORDER BY sender_userid`, [pb.id]);
    expect(sends.every((s) => s.chat_type === 'group' && s.status === 'issued')).toBe(true);
    expect(sends.reduce((n, s) => n + s.target_count, 0)).toBe(2);
    for (const s of sends) await sim.confirmMassSend(s.sender_userid, s.msgid);
    await pond.app.playbooks.tick(new Date(at12.getTime() + minutes(3)));
    const massRuns = await sql(`SELECT status FROM playbook_runs WHERE playbook_id = $1 AND delivery = 'mass' AND occurrence = $2`, [pb.id, tomorrow]);
    expect(massRuns.map((r) => r.status)).toEqual(['sent', 'sent']);
    const ledger = await sql(`SELECT target_kind, status FROM contact_ledger WHERE source_kind = 'playbook' AND source_id = $1 ORDER BY id`, [pb.id]);
    expect(ledger.every((l) => l.target_kind === 'group')).toBe(true);
    expect(ledger.filter((l) => l.status === 'sent')).toHaveLength(2);
    // The third group, not in the tier, got nothing.
    expect((await sql(`SELECT count(*)::int AS n FROM playbook_runs WHERE playbook_id = $1 AND target_id = $2`, [pb.id, groups[2].chat_id]))[0].n).toBe(0);
  });
});

describe('periodic triggers', () => {
  it('enrols customers whose birthday is today (corp time zone), once a year', async () => {
    const exts = (await sql(`SELECT DISTINCT external_userid FROM follows WHERE corp_id = $1 AND status = 'active' ORDER BY external_userid LIMIT 2`, [pond.corpId])).map((r) => r.external_userid);
    const now = new Date('2031-07-15T10:00:00+08:00');
    await sql(`INSERT INTO customer_attributes (corp_id, external_userid, key, value) VALUES ($1, $2, 'birthday', '1990-07-15'), ($1, $3, 'birthday', '07-16')`, [pond.corpId, exts[0], exts[1]]);
    const pb = await createPlaybook({ kind: 'customer', name: '生日', trigger: { type: 'date', key: 'birthday' }, reentry: 'after_end', steps: [{ day: 0, offsetMinutes: 0, content: { text: '生日快乐' } }] });
    await pond.app.playbooks.triggers.periodic(now);
    await pond.app.playbooks.triggers.periodic(now);
    expect(await sql(`SELECT external_userid FROM playbook_enrolments WHERE playbook_id = $1`, [pb.id])).toEqual([{ external_userid: exts[0] }]);
  });
});

describe('the event reader', () => {
  it('sees an event whose transaction took its id before a later event and committed after the pass; handles a re-read event once', async () => {
    const [ext] = (await sql(`SELECT f.external_userid FROM follows f WHERE f.corp_id = $1 AND f.status = 'active' ORDER BY f.external_userid DESC OFFSET 3 LIMIT 1`, [pond.corpId])).map((r) => r.external_userid);
    const [tag, other] = (await pond.api('GET', '/api/tags')).body.groups[0].tags.slice(1, 3).map((x: any) => x.id);
    const pb = await createPlaybook({ kind: 'customer', name: '迟到事件', trigger: { type: 'tagged', tagIds: [tag] }, steps: [{ day: 3, time: '10:00', content: { text: '迟到' } }] });
    const insertTag = (id: string | null, tagId: string) => sql(
      `INSERT INTO customer_events (id, corp_id, external_userid, type, userid, occurred_at, data)
       SELECT coalesce($1::bigint, nextval('customer_events_id_seq')), $2, $3, 'tag.added', userid, now(), $4 FROM follows WHERE corp_id = $2 AND external_userid = $3 AND status = 'active' LIMIT 1`,
      [id, pond.corpId, ext, JSON.stringify({ tagIds: [tagId] })]);
    // A transaction takes an id; another event after it commits first; a pass reads past it.
    const [{ id: late }] = await sql(`SELECT nextval('customer_events_id_seq')::text AS id`);
    await insertTag(null, other);
    const now = new Date();
    // A pass of the background job may hold the reader: each of these waits for a pass of its own.
    const pass = (at: Date) => waitFor(async () => (await pond.app.playbooks.triggers.readEvents(at)).ran, { timeoutMs: 60_000 });
    await pass(now);
    const [cursor] = await sql(`SELECT last_id FROM playbook_cursors WHERE name = 'events'`);
    expect(Number(cursor.last_id)).toBeGreaterThan(Number(late));
    // Now the first transaction commits: the next passes still see it, and enrol once.
    await insertTag(late, tag);
    await pass(new Date(now.getTime() + 20_000));
    await pass(new Date(now.getTime() + 40_000));
    expect(await sql(`SELECT external_userid, trigger_key FROM playbook_enrolments WHERE playbook_id = $1`, [pb.id])).toEqual([{ external_userid: ext, trigger_key: `ev:${late}` }]);
  });
});

describe('a mass send interrupted mid-call', () => {
  it('is adopted from WeCom’s own list when WeCom made it, and failed when it did not — never sent twice', async () => {
    const pb = await createPlaybook({
      kind: 'customer', name: '中断群发', trigger: { type: 'added', codeIds: [code.id] }, reentry: 'never',
      steps: [{ name: '点名群发', day: 0, offsetMinutes: 1, delivery: 'mass', content: { text: '{nickname}，你的专属福利到了' } }],
    });
    const ext = await addThroughCode('中断客户');
    const at = new Date(Date.now() + minutes(2));
    await pond.app.playbooks.tick(at);
    const [send] = await sql(`SELECT * FROM playbook_mass_sends WHERE playbook_id = $1`, [pb.id]);
    expect(send).toMatchObject({ status: 'issued', chat_type: 'single', target_count: 1 });
    const before = (await sql(`SELECT count(*)::int AS n FROM wecom_sim.mass_sends WHERE corp_id = $1`, [pond.corpId]))[0].n;
    // The crash: WeCom made the mass send, Pond never recorded the answer (left issuing, long enough to be stale).
    await sql(`UPDATE playbook_mass_sends SET status = 'issuing', msgid = NULL, issued_at = NULL, created_at = now() - interval '11 minutes' WHERE id = $1`, [send.id]);
    await pond.app.playbooks.tick(new Date(at.getTime() + minutes(1)));
    const [adopted] = await sql(`SELECT status, msgid FROM playbook_mass_sends WHERE id = $1`, [send.id]);
    expect(adopted).toEqual({ status: 'issued', msgid: send.msgid });
    expect((await sql(`SELECT count(*)::int AS n FROM wecom_sim.mass_sends WHERE corp_id = $1`, [pond.corpId]))[0].n).toBe(before);
    const [run] = await runsOf(pb.id, ext);
    expect(run.status).toBe('task_created');
    // The staff member confirms in WeCom: the run is sent, as if nothing had happened.
    expect((await sim.confirmMassSend(staff[0], send.msgid)).sent).toBe(1);
    await pond.app.playbooks.tick(new Date(at.getTime() + minutes(3)));
    expect((await runsOf(pb.id, ext))[0].status).toBe('sent');

    // A second one WeCom never made (its msgid belongs to the adopted send already): failed, the run released, no new call.
    await sql(`INSERT INTO playbook_mass_sends (corp_id, playbook_id, step_id, sender_userid, chat_type, status, target_count, created_at)
               VALUES ($1, $2, $3, $4, 'single', 'issuing', 0, now() - interval '11 minutes')`, [pond.corpId, pb.id, send.step_id, staff[0]]);
    await pond.app.playbooks.tick(new Date(at.getTime() + minutes(4)));
    const [orphan] = await sql(`SELECT status, msgid, error FROM playbook_mass_sends WHERE playbook_id = $1 AND id <> $2`, [pb.id, send.id]);
    expect(orphan).toMatchObject({ status: 'failed', msgid: null });
    expect(orphan.error).toContain('not found in WeCom');
    expect((await sql(`SELECT count(*)::int AS n FROM wecom_sim.mass_sends WHERE corp_id = $1`, [pond.corpId]))[0].n).toBe(before);
  }, 60_000);

  it('a call that WeCom performed but whose answer never came (a timeout) stays issuing, is adopted once stale, and is delivered once', async () => {
    const pb = await createPlaybook({
      kind: 'customer', name: '超时群发', trigger: { type: 'added', codeIds: [code.id] }, reentry: 'never',
      steps: [{ name: '超时步骤', day: 0, offsetMinutes: 1, delivery: 'mass', content: { text: '超时群发：本周新品试饮' } }],
    });
    const ext = await addThroughCode('超时客户');
    const simSends = async () => sql<{ msgid: string }>(`SELECT msgid FROM wecom_sim.mass_sends WHERE corp_id = $1 AND body::text LIKE '%超时群发：本周新品试饮%'`, [pond.corpId]);
    const client = await pond.app.corps.client(pond.corpId);
    const original = client.addMsgTemplate.bind(client);
    // The simulator performs the call; the answer is lost on the way back.
    client.addMsgTemplate = async (req) => {
      const res = await original(req);
      if (req.text?.content.startsWith('超时群发')) throw new WecomError({ api: 'externalcontact/add_msg_template', errcode: -1, errmsg: 'timeout', kind: 'network' });
      return res;
    };
    const at = new Date(Date.now() + minutes(2));
    try {
      await pond.app.playbooks.tick(at);
    } finally {
      client.addMsgTemplate = original;
    }
    const made = await simSends();
    expect(made).toHaveLength(1);
    const [send] = await sql(`SELECT * FROM playbook_mass_sends WHERE playbook_id = $1`, [pb.id]);
    expect(send).toMatchObject({ status: 'issuing', msgid: null });
    const [run] = await runsOf(pb.id, ext);
    expect(run.status).toBe('task_created');
    // Its budget stays reserved: the message may well go out.
    const [ledger] = await sql(`SELECT status FROM contact_ledger WHERE id = $1`, [run.ledger_id]);
    expect(ledger.status).toBe('planned');
    // Not stale yet: nothing is decided, nothing called again.
    await pond.app.playbooks.tick(new Date(at.getTime() + minutes(5)));
    expect((await sql(`SELECT status FROM playbook_mass_sends WHERE id = $1`, [send.id]))[0].status).toBe('issuing');
    // Stale: found in WeCom's list (same sender, content and window) and adopted; the sender is asked to confirm it.
    await pond.app.playbooks.tick(new Date(at.getTime() + minutes(12)));
    expect((await sql(`SELECT status, msgid FROM playbook_mass_sends WHERE id = $1`, [send.id]))[0]).toEqual({ status: 'issued', msgid: made[0].msgid });
    expect(await simSends()).toHaveLength(1);
    expect(await sql(`SELECT status, kind FROM staff_tasks WHERE corp_id = $1 AND dedupe_key = $2`, [pond.corpId, `playbook:mass:${send.id}:`]))
      .toEqual([{ status: 'pending', kind: 'confirm_mass' }]);
    // The staff member confirms in WeCom: the run is sent, the customer's phone and timeline have it once.
    expect((await sim.confirmMassSend(staff[0], made[0].msgid)).sent).toBe(1);
    await pond.app.playbooks.tick(new Date(at.getTime() + minutes(14)));
    expect((await runsOf(pb.id, ext))[0].status).toBe('sent');
    expect((await sql(`SELECT status FROM contact_ledger WHERE id = $1`, [run.ledger_id]))[0].status).toBe('sent');
    expect(await sql(`SELECT 1 FROM customer_events WHERE corp_id = $1 AND external_userid = $2 AND type = 'contact.received' AND data->>'ledgerId' = $3`,
      [pond.corpId, ext, String(run.ledger_id)])).toHaveLength(1);
    const [wechat] = await sql(`SELECT wechat_user_id FROM wecom_sim.customers WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, ext]);
    const inbox = await sim.listInbox(wechat.wechat_user_id);
    expect(JSON.stringify(inbox).split('超时群发：本周新品试饮').length - 1).toBe(1);
  }, 90_000);
});
