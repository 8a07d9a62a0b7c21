// Playbooks' SQL: definitions and steps, enrolments (one live per customer and playbook: a partial unique index, and
// enrolments of one playbook serialised by an advisory lock), runs (one per step and target and occurrence: a unique
// index; claimed by a scheduler pass with SKIP LOCKED and a lease), mass sends, the event cursor, and the reads.
import type pg from 'pg';
import type { EnrolmentSource, GroupAudience, PlaybookExit, PlaybookTrigger, RunReason, RunStatus } from '@pond/contracts/playbooks';
import type { Scope } from '../../platform/auth';
import type { Cols, Row } from '../../platform/db/rows';
import { staffUseridVisibleSql } from '../../platform/resources';
import { Params } from '../../platform/sql';

export type Db = Pick<pg.PoolClient, 'query'>;
export type PlaybookRow = Row<'playbooks'>;
export type StepRow = Row<'playbook_steps'>;
export type RunRow = Row<'playbook_runs'>;

// ---- definitions ----

export interface PlaybookFields {
  kind: 'customer' | 'group'; name: string; description: string; trigger: PlaybookTrigger | null; audience: GroupAudience | null;
  exits: PlaybookExit[]; reentry: PlaybookRow['reentry']; quietAction: PlaybookRow['quiet_action'];
}

export async function insertPlaybook(db: Db, corpId: string, f: PlaybookFields, by: string | null): Promise<number> {
  const { rows: [r] } = await db.query<Cols<'playbooks', 'id'>>(
    `INSERT INTO playbooks (corp_id, kind, name, description, trigger, audience, exits, reentry, quiet_action, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [corpId, f.kind, f.name, f.description, f.trigger && JSON.stringify(f.trigger), f.audience && JSON.stringify(f.audience), JSON.stringify(f.exits), f.reentry, f.quietAction, by]);
  return r.id;
}

export async function updatePlaybook(db: Db, corpId: string, id: number, f: PlaybookFields): Promise<void> {
  await db.query(
    `UPDATE playbooks SET name = $3, description = $4, trigger = $5, audience = $6, exits = $7, reentry = $8, quiet_action = $9, updated_at = now()
      WHERE corp_id = $1 AND id = $2`,
    [corpId, id, f.name, f.description, f.trigger && JSON.stringify(f.trigger), f.audience && JSON.stringify(f.audience), JSON.stringify(f.exits), f.reentry, f.quietAction]);
}

export async function getPlaybook(db: Db, corpId: string, id: number, opts: { forUpdate?: boolean } = {}): Promise<PlaybookRow | null> {
  const { rows } = await db.query<PlaybookRow>(`SELECT * FROM playbooks WHERE corp_id = $1 AND id = $2${opts.forUpdate ? ' FOR UPDATE' : ''}`, [corpId, id]);
  return rows[0] ?? null;
}

export async function playbooksByIds(db: Db, ids: number[]): Promise<PlaybookRow[]> {
  const { rows } = await db.query<PlaybookRow>('SELECT * FROM playbooks WHERE id = ANY($1::bigint[])', [ids]);
  return rows;
}

/** Active playbooks of every corp (the trigger reader and the calendar). */
export async function activePlaybooks(db: Db, kind: 'customer' | 'group'): Promise<PlaybookRow[]> {
  const { rows } = await db.query<PlaybookRow>(`SELECT * FROM playbooks WHERE status = 'active' AND kind = $1 ORDER BY id`, [kind]);
  return rows;
}

export async function setStatus(db: Db, corpId: string, id: number, status: PlaybookRow['status'], activate: boolean): Promise<void> {
  await db.query(
    `UPDATE playbooks SET status = $3, activated_at = CASE WHEN $4 THEN now() ELSE activated_at END, updated_at = now() WHERE corp_id = $1 AND id = $2`,
    [corpId, id, status, activate]);
}

export async function setSegmentBaseline(db: Db, id: number, at: Date): Promise<void> {
  await db.query('UPDATE playbooks SET segment_baseline_at = $2 WHERE id = $1', [id, at]);
}

export async function stepsOf(db: Db, playbookIds: number[], opts: { withDeleted?: boolean } = {}): Promise<StepRow[]> {
  const { rows } = await db.query<StepRow>(
    `SELECT * FROM playbook_steps WHERE playbook_id = ANY($1::bigint[]) ${opts.withDeleted ? '' : 'AND deleted_at IS NULL'} ORDER BY playbook_id, position, id`, [playbookIds]);
  return rows;
}

export interface StepFields {
  id?: number; name: string; day: number | null; time: string | null; offsetMinutes: number | null;
  schedule: StepRow['schedule']; content: StepRow['content']; delivery: StepRow['delivery'];
}

/** Writes the steps in order: listed ids are updated, new ones inserted, the rest marked deleted. Returns the deleted ids. */
export async function saveSteps(db: Db, corpId: string, playbookId: number, steps: StepFields[]): Promise<number[]> {
  const keep: number[] = [];
  for (const [i, s] of steps.entries()) {
    const values = [corpId, playbookId, i, s.name, s.day, s.time, s.offsetMinutes, s.schedule && JSON.stringify(s.schedule), JSON.stringify(s.content), s.delivery];
    if (s.id) {
      await db.query(
        `UPDATE playbook_steps SET position = $3, name = $4, day = $5, time = $6, offset_minutes = $7, schedule = $8, content = $9, delivery = $10
          WHERE corp_id = $1 AND playbook_id = $2 AND id = $11 AND deleted_at IS NULL`, [...values, s.id]);
      keep.push(s.id);
    } else {
      const { rows: [r] } = await db.query<Cols<'playbook_steps', 'id'>>(
        `INSERT INTO playbook_steps (corp_id, playbook_id, position, name, day, time, offset_minutes, schedule, content, delivery)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, values);
      keep.push(r.id);
    }
  }
  const { rows } = await db.query<Cols<'playbook_steps', 'id'>>(
    `UPDATE playbook_steps SET deleted_at = now() WHERE playbook_id = $1 AND deleted_at IS NULL AND NOT (id = ANY($2::bigint[])) RETURNING id`, [playbookId, keep]);
  return rows.map((r) => r.id);
}

export async function liveStepIds(db: Db, corpId: string, playbookId: number): Promise<Set<number>> {
  const { rows } = await db.query<Cols<'playbook_steps', 'id'>>('SELECT id FROM playbook_steps WHERE corp_id = $1 AND playbook_id = $2 AND deleted_at IS NULL', [corpId, playbookId]);
  return new Set(rows.map((r) => r.id));
}

export interface EnrolmentCounts { active: number; completed: number; exited: number }

export async function enrolmentCounts(db: Db, scope: Scope, playbookIds: number[]): Promise<Map<number, EnrolmentCounts>> {
  const p = new Params();
  const { rows } = await db.query<{ playbook_id: number; active: number; completed: number; exited: number }>(
    `SELECT e.playbook_id, count(*) FILTER (WHERE e.status = 'active')::int AS active, count(*) FILTER (WHERE e.status = 'completed')::int AS completed,
            count(*) FILTER (WHERE e.status = 'exited')::int AS exited
       FROM playbook_enrolments e
      WHERE e.corp_id = ${p.add(scope.corpId)} AND e.playbook_id = ANY(${p.add(playbookIds)}::bigint[]) AND ${staffUseridVisibleSql(scope, p, 'e.owner_userid', 'e.corp_id')}
      GROUP BY e.playbook_id`, p.values);
  return new Map(rows.map((r) => [r.playbook_id, { active: r.active, completed: r.completed, exited: r.exited }]));
}

export interface SummaryRow extends PlaybookRow { step_count: number; sent: number; delivered: number }

export async function listPlaybooks(db: Db, scope: Scope, f: { kind?: string; status?: string }): Promise<SummaryRow[]> {
  const p = new Params();
  const conds = [`pb.corp_id = ${p.add(scope.corpId)}`];
  if (f.kind) conds.push(`pb.kind = ${p.add(f.kind)}`);
  if (f.status) conds.push(`pb.status = ${p.add(f.status)}`);
  else conds.push(`pb.status <> 'archived'`);
  const visible = staffUseridVisibleSql(scope, p, 'r.owner_userid', 'r.corp_id');
  const { rows } = await db.query<SummaryRow>(
    `SELECT pb.*,
            (SELECT count(*)::int FROM playbook_steps s WHERE s.playbook_id = pb.id AND s.deleted_at IS NULL) AS step_count,
            coalesce(x.sent, 0) AS sent, coalesce(x.delivered, 0) AS delivered
       FROM playbooks pb
       LEFT JOIN LATERAL (
         SELECT count(*) FILTER (WHERE r.status = 'sent')::int AS sent,
                count(*) FILTER (WHERE r.task_id IS NOT NULL OR r.mass_send_id IS NOT NULL)::int AS delivered
           FROM playbook_runs r WHERE r.playbook_id = pb.id AND ${visible}) x ON true
      WHERE ${conds.join(' AND ')}
      ORDER BY (pb.status = 'active') DESC, pb.updated_at DESC, pb.id DESC LIMIT 500`, p.values);
  return rows;
}

// ---- enrolments ----

/** Enrolments of one playbook happen one statement at a time (re-entry rules read what the last one wrote). */
export async function lockPlaybookEnrolments(db: Db, playbookId: number): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('pond_playbook_enrol'), $1::int)`, [playbookId % 2_147_483_647]);
}

export interface Candidate { ext: string; owner: string | null; key: string | null; at: Date }
export interface CandidateState { ext: string; key: string | null; at: Date; owner: string | null; known: boolean; live: number | null; ever: boolean; seen: boolean }

/** What each candidate is now: a customer?, whose relation (the named staff member's if active, else the latest), already
 * live in the playbook, ever enrolled, this trigger already seen. */
export async function candidateStates(db: Db, corpId: string, playbookId: number, c: Candidate[]): Promise<CandidateState[]> {
  if (!c.length) return [];
  const { rows } = await db.query<CandidateState>(
    `WITH cand AS (SELECT DISTINCT ON (ext) ext, owner, key, at FROM unnest($3::text[], $4::text[], $5::text[], $6::timestamptz[]) AS t(ext, owner, key, at) ORDER BY ext, at)
     SELECT c.ext, c.key, c.at,
            coalesce((SELECT f.userid FROM follows f WHERE f.corp_id = $1 AND f.external_userid = c.ext AND f.userid = c.owner AND f.status = 'active'),
                     (SELECT f.userid FROM follows f WHERE f.corp_id = $1 AND f.external_userid = c.ext AND f.status = 'active'
                       ORDER BY f.added_at DESC NULLS LAST, f.userid LIMIT 1)) AS owner,
            EXISTS (SELECT 1 FROM customers cu WHERE cu.corp_id = $1 AND cu.external_userid = c.ext) AS known,
            (SELECT e.id FROM playbook_enrolments e WHERE e.playbook_id = $2 AND e.external_userid = c.ext AND e.status = 'active') AS live,
            EXISTS (SELECT 1 FROM playbook_enrolments e WHERE e.playbook_id = $2 AND e.external_userid = c.ext) AS ever,
            (c.key IS NOT NULL AND EXISTS (SELECT 1 FROM playbook_enrolments e WHERE e.playbook_id = $2 AND e.trigger_key = c.key)) AS seen
       FROM cand c`,
    [corpId, playbookId, c.map((x) => x.ext), c.map((x) => x.owner), c.map((x) => x.key), c.map((x) => x.at)]);
  return rows;
}

/** Inserts live enrolments (a conflict with a live one or a seen trigger inserts nothing) and their runs, one per live step. */
export async function insertEnrolments(db: Db, corpId: string, playbookId: number, source: EnrolmentSource, rows: { ext: string; owner: string; key: string | null; at: Date }[]): Promise<Cols<'playbook_enrolments', 'id' | 'external_userid' | 'owner_userid'>[]> {
  if (!rows.length) return [];
  const { rows: made } = await db.query<Cols<'playbook_enrolments', 'id' | 'external_userid' | 'owner_userid'>>(
    `INSERT INTO playbook_enrolments (corp_id, playbook_id, external_userid, owner_userid, source, trigger_key, enrolled_at)
     SELECT $1, $2, t.ext, t.owner, $3, t.key, t.at FROM unnest($4::text[], $5::text[], $6::text[], $7::timestamptz[]) AS t(ext, owner, key, at) ORDER BY t.ext
     ON CONFLICT DO NOTHING
     RETURNING id, external_userid, owner_userid`,
    [corpId, playbookId, source, rows.map((r) => r.ext), rows.map((r) => r.owner), rows.map((r) => r.key), rows.map((r) => r.at)]);
  if (made.length) await insertRunsFor(db, corpId, playbookId, made.map((m) => m.id));
  return made;
}

/** A customer step's due time in SQL (schedule.ts `customerStepDue`): `e` the enrolment, `s` the step, `c` the corp. */
const STEP_DUE_SQL = `CASE WHEN s.time IS NULL THEN e.enrolled_at + make_interval(days => coalesce(s.day, 0), mins => coalesce(s.offset_minutes, 0))
  ELSE GREATEST(e.enrolled_at, (date_trunc('day', e.enrolled_at AT TIME ZONE c.timezone) + make_interval(days => coalesce(s.day, 0)) + s.time::time) AT TIME ZONE c.timezone) END`;

/** Runs for every live step of the given enrolments that lack one. */
export async function insertRunsFor(db: Db, corpId: string, playbookId: number, enrolmentIds: number[]): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO playbook_runs (corp_id, playbook_id, step_id, enrolment_id, target_kind, target_id, occurrence, owner_userid, delivery, due_at)
     SELECT e.corp_id, e.playbook_id, s.id, e.id, 'customer', e.external_userid, e.id::text, e.owner_userid, s.delivery, ${STEP_DUE_SQL}
       FROM unnest($3::bigint[]) AS x(id) JOIN playbook_enrolments e ON e.id = x.id
       JOIN playbook_steps s ON s.playbook_id = e.playbook_id AND s.deleted_at IS NULL
       JOIN corps c ON c.id = e.corp_id
      WHERE e.corp_id = $1 AND e.playbook_id = $2 AND e.status = 'active'
     ON CONFLICT DO NOTHING`, [corpId, playbookId, enrolmentIds]);
  return rowCount ?? 0;
}

/** After the steps changed: pending runs follow their step's timing and delivery, live enrolments get runs for new steps. */
export async function resyncCustomerRuns(db: Db, corpId: string, playbookId: number): Promise<void> {
  await db.query(
    `UPDATE playbook_runs r SET due_at = ${STEP_DUE_SQL}, delivery = s.delivery, updated_at = now()
       FROM playbook_enrolments e, playbook_steps s, corps c
      WHERE r.corp_id = $1 AND r.playbook_id = $2 AND r.status = 'pending' AND e.id = r.enrolment_id AND s.id = r.step_id AND c.id = r.corp_id`,
    [corpId, playbookId]);
  const { rows } = await db.query<Cols<'playbook_enrolments', 'id'>>(`SELECT id FROM playbook_enrolments WHERE corp_id = $1 AND playbook_id = $2 AND status = 'active'`, [corpId, playbookId]);
  for (let i = 0; i < rows.length; i += 10_000) await insertRunsFor(db, corpId, playbookId, rows.slice(i, i + 10_000).map((r) => r.id));
}

/** Group runs waiting for a step whose delivery changed follow it. */
export async function resyncGroupRuns(db: Db, corpId: string, playbookId: number): Promise<void> {
  await db.query(`UPDATE playbook_runs r SET delivery = s.delivery FROM playbook_steps s WHERE r.corp_id = $1 AND r.playbook_id = $2 AND r.status = 'pending' AND s.id = r.step_id`,
    [corpId, playbookId]);
  // Occurrences of a changed calendar are made again by the next pass; the waiting ones of the old calendar go.
  await db.query(`DELETE FROM playbook_runs WHERE corp_id = $1 AND playbook_id = $2 AND status = 'pending' AND target_kind = 'group'`, [corpId, playbookId]);
}

/** Ends open runs: skipped with the reason. Returns their ledger ids (to release) and enrolments. */
export async function skipOpenRuns(db: Db, where: { enrolmentIds?: number[]; stepIds?: number[]; playbookId?: number }, reason: RunReason): Promise<Cols<'playbook_runs', 'id' | 'ledger_id'>[]> {
  const p = new Params();
  const conds = [`status IN ('pending', 'planned')`];
  if (where.enrolmentIds) conds.push(`enrolment_id = ANY(${p.add(where.enrolmentIds)}::bigint[])`);
  if (where.stepIds) conds.push(`step_id = ANY(${p.add(where.stepIds)}::bigint[])`);
  if (where.playbookId) conds.push(`playbook_id = ${p.add(where.playbookId)}`);
  const { rows } = await db.query<Cols<'playbook_runs', 'id' | 'ledger_id'>>(
    `UPDATE playbook_runs SET status = 'skipped', reason = ${p.add(reason)}, claim = NULL, claimed_until = NULL, updated_at = now()
      WHERE ${conds.join(' AND ')} RETURNING id, ledger_id`, p.values);
  return rows;
}

export async function exitEnrolments(db: Db, ids: number[], reason: string, at: Date): Promise<Cols<'playbook_enrolments', 'id' | 'corp_id' | 'playbook_id'>[]> {
  if (!ids.length) return [];
  const { rows } = await db.query<Cols<'playbook_enrolments', 'id' | 'corp_id' | 'playbook_id'>>(
    `UPDATE playbook_enrolments SET status = 'exited', exit_reason = $2, ended_at = $3 WHERE id = ANY($1::bigint[]) AND status = 'active'
     RETURNING id, corp_id, playbook_id`, [ids, reason, at]);
  return rows;
}

/** Live enrolments of these customers in other playbooks that end when the customer enrols elsewhere. */
export async function enrolledElsewhereExits(db: Db, corpId: string, playbookId: number, exts: string[]): Promise<number[]> {
  if (!exts.length) return [];
  // Only playbooks that say so are looked at (usually none): their live enrolments of these customers.
  const { rows } = await db.query<Cols<'playbook_enrolments', 'id'>>(
    `SELECT e.id FROM playbooks pb JOIN playbook_enrolments e ON e.playbook_id = pb.id AND e.status = 'active'
       JOIN unnest($3::text[]) AS u(ext) ON u.ext = e.external_userid
      WHERE pb.corp_id = $1 AND pb.id <> $2 AND pb.status <> 'archived' AND e.corp_id = $1
        AND EXISTS (SELECT 1 FROM jsonb_array_elements(pb.exits) x WHERE x->>'type' = 'enrolled_elsewhere'
                     AND (jsonb_array_length(coalesce(x->'playbookIds', '[]'::jsonb)) = 0 OR x->'playbookIds' @> to_jsonb($2::bigint)))`,
    [corpId, playbookId, exts]);
  return rows.map((r) => r.id);
}

export async function activeEnrolmentIds(db: Db, corpId: string, playbookId: number, exts: string[] | null): Promise<number[]> {
  const { rows } = await db.query<Cols<'playbook_enrolments', 'id'>>(
    `SELECT id FROM playbook_enrolments WHERE corp_id = $1 AND playbook_id = $2 AND status = 'active' AND ($3::text[] IS NULL OR external_userid = ANY($3::text[]))`,
    [corpId, playbookId, exts]);
  return rows.map((r) => r.id);
}

export type LiveEnrolment = Cols<'playbook_enrolments', 'id' | 'corp_id' | 'playbook_id' | 'external_userid' | 'owner_userid' | 'enrolled_at' | 'trigger_key'> & { exits: PlaybookExit[] };

/** Live enrolments of these customers (of active or paused playbooks), with their playbook's exits. */
export async function liveEnrolmentsOf(db: Db, corpId: string, exts: string[]): Promise<LiveEnrolment[]> {
  if (!exts.length) return [];
  const { rows } = await db.query<LiveEnrolment>(
    `SELECT e.id, e.corp_id, e.playbook_id, e.external_userid, e.owner_userid, e.enrolled_at, e.trigger_key, pb.exits
       FROM playbook_enrolments e JOIN playbooks pb ON pb.id = e.playbook_id
      WHERE e.corp_id = $1 AND e.external_userid = ANY($2::text[]) AND e.status = 'active'`, [corpId, exts]);
  return rows;
}

/** Live enrolments whose owner's relation was handed over: the owner becomes the customer's newest active relation, and
 * the enrolment's runs not yet delivered follow. Returns what moved. */
export async function followHandovers(db: Db, corpId: string | null, exts: string[] | null): Promise<{ id: number; playbook_id: number; corp_id: string; old: string; new: string }[]> {
  const { rows } = await db.query<{ id: number; playbook_id: number; corp_id: string; old: string; new: string }>(
    `WITH moved AS (
       SELECT e.id, e.owner_userid AS old,
              (SELECT f2.userid FROM follows f2 WHERE f2.corp_id = e.corp_id AND f2.external_userid = e.external_userid AND f2.status = 'active' AND f2.userid <> e.owner_userid
                ORDER BY f2.added_at DESC NULLS LAST, f2.userid LIMIT 1) AS new
         FROM playbook_enrolments e JOIN follows f ON f.corp_id = e.corp_id AND f.external_userid = e.external_userid AND f.userid = e.owner_userid
        WHERE e.status = 'active' AND f.status = 'transferred' AND ($1::text IS NULL OR e.corp_id = $1) AND ($2::text[] IS NULL OR e.external_userid = ANY($2::text[]))
        FOR UPDATE OF e
     ), upd AS (
       UPDATE playbook_enrolments e SET owner_userid = m.new FROM moved m WHERE e.id = m.id AND m.new IS NOT NULL
       RETURNING e.id, e.playbook_id, e.corp_id, m.old, m.new
     ), runs AS (
       UPDATE playbook_runs r SET owner_userid = u.new, updated_at = now() FROM upd u WHERE r.enrolment_id = u.id AND r.status IN ('pending', 'planned')
     )
     SELECT * FROM upd`, [corpId, exts]);
  return rows;
}

// ---- triggers: the event cursor ----

export type EventRow = Cols<'customer_events', 'id' | 'corp_id' | 'external_userid' | 'type' | 'userid' | 'chat_id' | 'occurred_at' | 'data' | 'created_at'>;

export const TRIGGER_EVENT_TYPES = ['customer.added', 'tag.added', 'order.paid', 'group.joined', 'customer.deleted_staff', 'customer.deleted_by_staff', 'follow.transferred'];

export async function getCursor(db: Db, name: string): Promise<Row<'playbook_cursors'> | null> {
  const { rows } = await db.query<Row<'playbook_cursors'>>('SELECT * FROM playbook_cursors WHERE name = $1', [name]);
  return rows[0] ?? null;
}

/** The cursor starts at the newest event when the first playbook is activated (earlier events enrol nobody). */
export async function ensureCursor(db: Db, name: string, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO playbook_cursors (name, last_id, history) SELECT $1, m, jsonb_build_array(jsonb_build_object('at', $2::bigint, 'id', m))
       FROM (SELECT coalesce(max(id), 0) AS m FROM customer_events) x ON CONFLICT DO NOTHING`, [name, at.getTime()]);
}

export async function saveCursor(db: Db, name: string, lastId: number, history: { at: number; id: number }[]): Promise<void> {
  await db.query('UPDATE playbook_cursors SET last_id = $2, history = $3, updated_at = now() WHERE name = $1', [name, lastId, JSON.stringify(history)]);
}

/** Lock the reader for the transaction: one pass at a time across processes (a second waits, then re-reads its window). */
export async function lockReader(db: Db): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('pond_playbook_events'))`);
}

export async function eventsAfter(db: Db, fromId: number, limit: number): Promise<EventRow[]> {
  const { rows } = await db.query<EventRow>(
    `SELECT id, corp_id, external_userid, type, userid, chat_id, occurred_at, data, created_at FROM customer_events
      WHERE id > $1 AND type = ANY($2::text[]) ORDER BY id LIMIT $3`, [fromId, TRIGGER_EVENT_TYPES, limit]);
  return rows;
}

export async function maxEventId(db: Db): Promise<number> {
  const { rows: [r] } = await db.query<{ m: number }>('SELECT coalesce(max(id), 0)::bigint AS m FROM customer_events');
  return Number(r.m);
}

// ---- periodic triggers ----

/** Members of a segment now (the condition from the segments module) against the last snapshot: who entered. */
export async function segmentEntrants(db: Db, playbookId: number, corpId: string, condition: string, values: unknown[]): Promise<string[]> {
  const p = values.length;
  const { rows } = await db.query<{ ext: string }>(
    `SELECT c.external_userid AS ext FROM customers c WHERE c.corp_id = $${p + 1} AND ${condition}
        AND NOT EXISTS (SELECT 1 FROM playbook_segment_members m WHERE m.playbook_id = $${p + 2} AND m.external_userid = c.external_userid)`,
    [...values, corpId, playbookId]);
  return rows.map((r) => r.ext);
}

/** The snapshot becomes the segment's members now. */
export async function replaceSegmentSnapshot(db: Db, playbookId: number, corpId: string, condition: string, values: unknown[]): Promise<void> {
  const p = values.length;
  await db.query(
    `DELETE FROM playbook_segment_members m WHERE m.playbook_id = $${p + 2}
        AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.corp_id = $${p + 1} AND c.external_userid = m.external_userid AND ${condition})`,
    [...values, corpId, playbookId]);
  await db.query(
    `INSERT INTO playbook_segment_members (playbook_id, external_userid) SELECT $${p + 2}, c.external_userid FROM customers c WHERE c.corp_id = $${p + 1} AND ${condition}
     ON CONFLICT DO NOTHING`, [...values, corpId, playbookId]);
}

/** Customers whose last order (or add, without orders) lies `days` ago, the moment they lapsed after `since`. */
export async function lapsedCustomers(db: Db, corpId: string, playbookId: number, days: number, since: Date, now: Date): Promise<{ ext: string; key: string }[]> {
  const { rows } = await db.query<{ ext: string; key: string }>(
    `SELECT c.external_userid AS ext, 'lapse:' || c.external_userid || ':' || floor(extract(epoch FROM coalesce(c.last_order_at, c.first_added_at)))::bigint AS key
       FROM customers c
      WHERE c.corp_id = $1 AND c.active_follow_count > 0
        AND coalesce(c.last_order_at, c.first_added_at) + make_interval(days => $3) <= $5
        AND coalesce(c.last_order_at, c.first_added_at) + make_interval(days => $3) >= $4
        AND NOT EXISTS (SELECT 1 FROM playbook_enrolments e WHERE e.playbook_id = $2
                         AND e.trigger_key = 'lapse:' || c.external_userid || ':' || floor(extract(epoch FROM coalesce(c.last_order_at, c.first_added_at)))::bigint)`,
    [corpId, playbookId, days, since, now]);
  return rows;
}

/** Customers whose date attribute (YYYY-MM-DD, YYYY/MM/DD or MM-DD) falls on month-day `md` ('MM-DD'; also '02-29' when `leapToo`). */
export async function dateMatches(db: Db, corpId: string, key: string, mds: string[]): Promise<string[]> {
  const { rows } = await db.query<{ ext: string }>(
    `SELECT a.external_userid AS ext FROM customer_attributes a
      WHERE a.corp_id = $1 AND a.key = $2 AND right(replace(trim(a.value), '/', '-'), 5) = ANY($3::text[])
        AND replace(trim(a.value), '/', '-') ~ '^([0-9]{4}-)?[0-9]{2}-[0-9]{2}$'`, [corpId, key, mds]);
  return rows.map((r) => r.ext);
}

// ---- group calendar ----

/** Groups a group playbook targets now: active, with an owner, of a listed tier or label, or listed. */
export function audienceSql(a: GroupAudience, p: Params, alias = 'g'): string {
  const ors: string[] = [];
  if (a.tiers.length) ors.push(`${alias}.tier = ANY(${p.add(a.tiers)}::text[])`);
  if (a.labels.length) ors.push(`${alias}.labels && ${p.add(a.labels)}::text[]`);
  if (a.chatIds.length) ors.push(`${alias}.chat_id = ANY(${p.add(a.chatIds)}::text[])`);
  return `${alias}.status = 'active' AND ${alias}.owner_userid IS NOT NULL AND (${ors.length ? ors.join(' OR ') : 'false'})`;
}

/** Runs for every targeted group at each occurrence (ids, days and instants in parallel). */
export async function insertGroupRuns(db: Db, pb: PlaybookRow, occ: { stepId: number; day: string; at: Date; delivery: string }[]): Promise<number> {
  if (!occ.length || !pb.audience) return 0;
  const p = new Params();
  const corp = p.add(pb.corp_id);
  const cond = audienceSql(pb.audience, p);
  const { rowCount } = await db.query(
    `INSERT INTO playbook_runs (corp_id, playbook_id, step_id, target_kind, target_id, occurrence, owner_userid, delivery, due_at)
     SELECT ${corp}, ${p.add(pb.id)}, o.step_id, 'group', g.chat_id, o.day, g.owner_userid, o.delivery, o.at
       FROM unnest(${p.add(occ.map((o) => o.stepId))}::bigint[], ${p.add(occ.map((o) => o.day))}::text[], ${p.add(occ.map((o) => o.at))}::timestamptz[],
                   ${p.add(occ.map((o) => o.delivery))}::text[]) AS o(step_id, day, at, delivery)
       CROSS JOIN groups g
      WHERE g.corp_id = ${corp} AND ${cond}
     ON CONFLICT DO NOTHING`, p.values);
  return rowCount ?? 0;
}

export type GroupTarget = Cols<'groups', 'chat_id' | 'name' | 'owner_userid'> & { owner_name: string | null };

export async function targetGroups(db: Db, pb: PlaybookRow, limit: number): Promise<GroupTarget[]> {
  if (!pb.audience) return [];
  const p = new Params();
  const { rows } = await db.query<GroupTarget>(
    `SELECT g.chat_id, g.name, g.owner_userid, s.name AS owner_name FROM groups g LEFT JOIN staff s ON s.corp_id = g.corp_id AND s.userid = g.owner_userid
      WHERE g.corp_id = ${p.add(pb.corp_id)} AND ${audienceSql(pb.audience, p)} ORDER BY g.chat_id LIMIT ${p.add(limit)}`, p.values);
  return rows;
}

// ---- the scheduler ----

/** Claims due runs of active playbooks: pending ones due by `now`, and planned mass sends whose time came. */
export async function claimDue(db: Db, now: Date, token: string, limit: number, leaseMs: number): Promise<RunRow[]> {
  const { rows } = await db.query<RunRow>(
    `UPDATE playbook_runs r SET claim = $2, claimed_until = $3
       FROM (SELECT x.id FROM playbook_runs x
              WHERE ((x.status = 'pending' AND x.due_at <= $1) OR (x.status = 'planned' AND x.delivery = 'mass' AND x.send_at <= $1))
                AND (x.claimed_until IS NULL OR x.claimed_until < $1)
                AND EXISTS (SELECT 1 FROM playbooks pb WHERE pb.id = x.playbook_id AND pb.status = 'active')
              -- A step's runs of one sender and minute together: their mass send is one call.
              ORDER BY date_trunc('minute', CASE WHEN x.status = 'planned' THEN x.send_at ELSE x.due_at END), x.step_id, x.owner_userid, x.id
              LIMIT $4 FOR UPDATE OF x SKIP LOCKED) d
      WHERE r.id = d.id
     RETURNING r.*`, [now, token, new Date(now.getTime() + leaseMs), limit]);
  return rows;
}

export interface RunContext {
  id: number;
  enrolment_active: boolean | null;
  owner: string | null;
  reachable: boolean;
  group_tier: string | null;
  group_labels: string[] | null;
}

/** For claimed runs: whether the enrolment is live, who sends now (the enrolment's owner, the group's owner) and whether
 * the target is reachable (an active relation with that staff member; an active group). */
export async function runContexts(db: Db, ids: number[]): Promise<RunContext[]> {
  const { rows } = await db.query<RunContext>(
    `SELECT r.id, (e.status = 'active') AS enrolment_active,
            CASE WHEN r.target_kind = 'customer' THEN e.owner_userid ELSE g.owner_userid END AS owner,
            CASE WHEN r.target_kind = 'customer'
                 THEN EXISTS (SELECT 1 FROM follows f WHERE f.corp_id = r.corp_id AND f.external_userid = r.target_id AND f.userid = e.owner_userid AND f.status = 'active')
                 ELSE coalesce(g.status = 'active' AND g.owner_userid IS NOT NULL, false) END AS reachable,
            g.tier AS group_tier, g.labels AS group_labels
       FROM playbook_runs r
       LEFT JOIN playbook_enrolments e ON e.id = r.enrolment_id
       LEFT JOIN groups g ON r.target_kind = 'group' AND g.corp_id = r.corp_id AND g.chat_id = r.target_id
      WHERE r.id = ANY($1::bigint[])`, [ids]);
  return rows;
}

export interface RunUpdate { id: number; status: RunStatus; reason?: RunReason | null; ledgerId?: number | null; sendAt?: Date | null; taskId?: number | null; owner?: string | null; massSendId?: number | null }

/** Moves claimed runs on (only runs this pass still holds and that are still open). Returns the ids moved. */
export async function applyRunUpdates(db: Db, token: string, u: RunUpdate[]): Promise<number[]> {
  if (!u.length) return [];
  const { rows } = await db.query<{ id: number }>(
    `UPDATE playbook_runs r SET status = v.status, reason = v.reason, ledger_id = coalesce(v.lid, r.ledger_id), send_at = coalesce(v.send_at, r.send_at),
            task_id = coalesce(v.tid, r.task_id), owner_userid = coalesce(v.owner, r.owner_userid), mass_send_id = coalesce(v.mid, r.mass_send_id), updated_at = now()
       FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::timestamptz[], $7::bigint[], $8::text[], $9::bigint[])
            AS v(id, status, reason, lid, send_at, tid, owner, mid)
      WHERE r.id = v.id AND r.claim = $1 AND r.status IN ('pending', 'planned')
     RETURNING r.id`,
    [token, u.map((x) => x.id), u.map((x) => x.status), u.map((x) => x.reason ?? null), u.map((x) => x.ledgerId ?? null), u.map((x) => x.sendAt ?? null),
      u.map((x) => x.taskId ?? null), u.map((x) => x.owner ?? null), u.map((x) => x.massSendId ?? null)]);
  return rows.map((r) => r.id);
}

export async function releaseClaims(db: Db, token: string): Promise<void> {
  await db.query('UPDATE playbook_runs SET claim = NULL, claimed_until = NULL WHERE claim = $1', [token]);
}

/** A run's task ended: done → sent (late after its time plus the corp's grace), skipped or cancelled → skipped. */
export async function settleRunOfTask(db: Db, corpId: string, runId: number, taskId: number, status: 'done' | 'skipped' | 'cancelled', at: Date): Promise<Cols<'playbook_runs', 'id' | 'enrolment_id'> | null> {
  const { rows } = await db.query<Cols<'playbook_runs', 'id' | 'enrolment_id'>>(
    `UPDATE playbook_runs r SET status = CASE WHEN $4 = 'done' THEN 'sent' ELSE 'skipped' END,
            reason = CASE WHEN $4 = 'done' THEN NULL WHEN $4 = 'skipped' THEN 'staff_skipped'
                          ELSE coalesce(r.reason, CASE WHEN EXISTS (SELECT 1 FROM playbook_enrolments e WHERE e.id = r.enrolment_id AND e.status = 'exited')
                                                       THEN 'exited' ELSE 'cancelled' END) END,
            sent_at = CASE WHEN $4 = 'done' THEN $5::timestamptz END,
            late = $4 = 'done' AND $5::timestamptz > coalesce(r.send_at, r.due_at)
                   + make_interval(mins => coalesce((SELECT cp.overdue_after_minutes FROM contact_policies cp WHERE cp.corp_id = r.corp_id), 120)),
            task_id = $3, claim = NULL, claimed_until = NULL, updated_at = now()
      WHERE r.corp_id = $1 AND r.id = $2 AND r.status IN ('pending', 'planned', 'task_created')
     RETURNING r.id, r.enrolment_id`, [corpId, runId, taskId, status, at]);
  return rows[0] ?? null;
}

/** Enrolments all of whose runs are over: completed. */
export async function completeEnrolments(db: Db, ids: number[], at: Date): Promise<number> {
  if (!ids.length) return 0;
  const { rowCount } = await db.query(
    `UPDATE playbook_enrolments e SET status = 'completed', ended_at = $2
      WHERE e.id = ANY($1::bigint[]) AND e.status = 'active'
        AND NOT EXISTS (SELECT 1 FROM playbook_runs r WHERE r.enrolment_id = e.id AND r.status IN ('pending', 'planned', 'task_created'))`, [ids, at]);
  return rowCount ?? 0;
}

/** Names for placeholders: each staff member's name and store, each customer's name (the sender's remark first). */
export async function senderNames(db: Db, corpId: string, userids: string[]): Promise<Map<string, { staff: string; store: string }>> {
  const { rows } = await db.query<{ userid: string; name: string; store: string | null }>(
    `SELECT s.userid, s.name, st.name AS store FROM staff s LEFT JOIN stores st ON st.id = s.store_id WHERE s.corp_id = $1 AND s.userid = ANY($2::text[])`, [corpId, userids]);
  return new Map(rows.map((r) => [r.userid, { staff: r.name, store: r.store ?? '' }]));
}

export async function customerNicknames(db: Db, corpId: string, pairs: { ext: string; userid: string }[]): Promise<Map<string, string>> {
  if (!pairs.length) return new Map();
  const { rows } = await db.query<{ ext: string; name: string }>(
    `SELECT t.ext, coalesce(nullif(f.remark, ''), c.name, '') AS name FROM unnest($2::text[], $3::text[]) AS t(ext, userid)
       LEFT JOIN customers c ON c.corp_id = $1 AND c.external_userid = t.ext
       LEFT JOIN follows f ON f.corp_id = $1 AND f.external_userid = t.ext AND f.userid = t.userid`,
    [corpId, pairs.map((x) => x.ext), pairs.map((x) => x.userid)]);
  return new Map(rows.map((r) => [r.ext, r.name]));
}

// ---- mass sends ----

export async function insertMassSends(db: Db, m: { corpId: string; playbookId: number; stepId: number; sender: string; chatType: 'single' | 'group'; count: number }[]): Promise<number[]> {
  if (!m.length) return [];
  const { rows } = await db.query<{ id: number; ord: number }>(
    `INSERT INTO playbook_mass_sends (corp_id, playbook_id, step_id, sender_userid, chat_type, status, target_count)
     SELECT t.corp, t.pb, t.step, t.sender, t.ct, 'issuing', t.n
       FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::int[]) WITH ORDINALITY AS t(corp, pb, step, sender, ct, n, ord) ORDER BY t.ord
     RETURNING id`,
    [m.map((x) => x.corpId), m.map((x) => x.playbookId), m.map((x) => x.stepId), m.map((x) => x.sender), m.map((x) => x.chatType), m.map((x) => x.count)]);
  // Ids of a bigserial follow the insert order.
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/** Records the outcome of each add_msg_template of a pass at once. */
export async function finishMassSends(db: Db, f: { id: number; status: 'issued' | 'failed'; msgid?: string | null; error?: string | null }[], at: Date): Promise<void> {
  if (!f.length) return;
  await db.query(
    `UPDATE playbook_mass_sends m SET status = v.status, msgid = v.msgid, error = v.error, issued_at = CASE WHEN v.status = 'issued' THEN $5::timestamptz END
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS v(id, status, msgid, error) WHERE m.id = v.id`,
    [f.map((x) => x.id), f.map((x) => x.status), f.map((x) => x.msgid ?? null), f.map((x) => x.error ?? null), at]);
}

export async function finishMassSend(db: Db, id: number, f: { status: 'issued' | 'failed' | 'done'; msgid?: string | null; error?: string | null; at: Date }): Promise<void> {
  await db.query(
    `UPDATE playbook_mass_sends SET status = $2, msgid = coalesce($3, msgid), error = $4, issued_at = CASE WHEN $2 = 'issued' THEN $5 ELSE issued_at END,
            polled_at = CASE WHEN $2 = 'done' THEN $5 ELSE polled_at END WHERE id = $1`,
    [id, f.status, f.msgid ?? null, f.error ?? null, f.at]);
}

/** Issued mass sends to read back (not polled in the last minute), oldest first. */
export async function massSendsToPoll(db: Db, now: Date, limit: number): Promise<Row<'playbook_mass_sends'>[]> {
  const { rows } = await db.query<Row<'playbook_mass_sends'>>(
    `UPDATE playbook_mass_sends SET polled_at = $1 WHERE id IN (
       SELECT id FROM playbook_mass_sends WHERE status = 'issued' AND (polled_at IS NULL OR polled_at <= $1::timestamptz - interval '50 seconds')
        ORDER BY issued_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING *`, [now, limit]);
  return rows;
}

/** Settles the runs of a mass send from WeCom's per-target results; returns the runs settled with their ledger ids. */
export async function settleMassRuns(db: Db, massSendId: number, results: { target: string; status: RunStatus; reason: RunReason | null; at: Date | null }[]): Promise<Cols<'playbook_runs', 'id' | 'ledger_id' | 'enrolment_id' | 'status' | 'sent_at'>[]> {
  if (!results.length) return [];
  const { rows } = await db.query<Cols<'playbook_runs', 'id' | 'ledger_id' | 'enrolment_id' | 'status' | 'sent_at'>>(
    `UPDATE playbook_runs r SET status = v.status, reason = v.reason, sent_at = v.at,
            late = v.status = 'sent' AND v.at > coalesce(r.send_at, r.due_at)
                   + make_interval(mins => coalesce((SELECT cp.overdue_after_minutes FROM contact_policies cp WHERE cp.corp_id = r.corp_id), 120)),
            updated_at = now()
       FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS v(target, status, reason, at)
      WHERE r.mass_send_id = $1 AND r.target_id = v.target AND r.status = 'task_created'
     RETURNING r.id, r.ledger_id, r.enrolment_id, r.status, r.sent_at`,
    [massSendId, results.map((x) => x.target), results.map((x) => x.status), results.map((x) => x.reason), results.map((x) => x.at)]);
  return rows;
}

export async function openMassRunTargets(db: Db, massSendId: number): Promise<string[]> {
  const { rows } = await db.query<{ target_id: string }>(`SELECT target_id FROM playbook_runs WHERE mass_send_id = $1 AND status = 'task_created'`, [massSendId]);
  return rows.map((r) => r.target_id);
}

// ---- reads ----

function scopeRuns(scope: Scope, p: Params, alias = 'r'): string {
  return staffUseridVisibleSql(scope, p, `${alias}.owner_userid`, `${alias}.corp_id`);
}

export interface FunnelRow {
  step_id: number; position: number; name: string; delivery: StepRow['delivery']; deleted: boolean;
  total: number; pending: number; planned: number; task_created: number; sent: number; late: number; skipped: number; failed: number; open: number;
}

export async function stepFunnel(db: Db, scope: Scope, playbookId: number): Promise<FunnelRow[]> {
  const p = new Params();
  const { rows } = await db.query<FunnelRow>(
    `SELECT s.id AS step_id, s.position, s.name, s.delivery, s.deleted_at IS NOT NULL AS deleted,
            count(r.id)::int AS total,
            count(*) FILTER (WHERE r.status = 'pending')::int AS pending,
            count(*) FILTER (WHERE r.ledger_id IS NOT NULL AND r.status <> 'pending')::int AS planned,
            count(*) FILTER (WHERE r.task_id IS NOT NULL OR r.mass_send_id IS NOT NULL)::int AS task_created,
            count(*) FILTER (WHERE r.status = 'sent')::int AS sent,
            count(*) FILTER (WHERE r.status = 'sent' AND r.late)::int AS late,
            count(*) FILTER (WHERE r.status = 'skipped')::int AS skipped,
            count(*) FILTER (WHERE r.status = 'failed')::int AS failed,
            count(*) FILTER (WHERE r.status IN ('planned', 'task_created'))::int AS open
       FROM playbook_steps s
       LEFT JOIN playbook_runs r ON r.step_id = s.id AND ${scopeRuns(scope, p)}
      WHERE s.corp_id = ${p.add(scope.corpId)} AND s.playbook_id = ${p.add(playbookId)}
      GROUP BY s.id HAVING s.deleted_at IS NULL OR count(r.id) > 0
      ORDER BY s.deleted_at NULLS FIRST, s.position, s.id`, p.values);
  return rows;
}

export async function stepReasons(db: Db, scope: Scope, playbookId: number): Promise<{ step_id: number; reason: RunReason; count: number }[]> {
  const p = new Params();
  const { rows } = await db.query<{ step_id: number; reason: RunReason; count: number }>(
    `SELECT r.step_id, r.reason, count(*)::int AS count FROM playbook_runs r
      WHERE r.corp_id = ${p.add(scope.corpId)} AND r.playbook_id = ${p.add(playbookId)} AND r.status IN ('skipped', 'failed') AND r.reason IS NOT NULL AND ${scopeRuns(scope, p)}
      GROUP BY r.step_id, r.reason ORDER BY count(*) DESC`, p.values);
  return rows;
}

export interface StaffRow { userid: string; name: string | null; reached: number; sent: number; late: number; open: number; skipped: number; failed: number }

export async function staffCompletion(db: Db, scope: Scope, playbookId: number): Promise<StaffRow[]> {
  const p = new Params();
  const { rows } = await db.query<StaffRow>(
    `SELECT r.owner_userid AS userid, s.name,
            count(*)::int AS reached,
            count(*) FILTER (WHERE r.status = 'sent')::int AS sent,
            count(*) FILTER (WHERE r.status = 'sent' AND r.late)::int AS late,
            count(*) FILTER (WHERE r.status = 'task_created')::int AS open,
            count(*) FILTER (WHERE r.status = 'skipped')::int AS skipped,
            count(*) FILTER (WHERE r.status = 'failed')::int AS failed
       FROM playbook_runs r LEFT JOIN staff s ON s.corp_id = r.corp_id AND s.userid = r.owner_userid
      WHERE r.corp_id = ${p.add(scope.corpId)} AND r.playbook_id = ${p.add(playbookId)} AND (r.task_id IS NOT NULL OR r.mass_send_id IS NOT NULL)
        AND r.owner_userid IS NOT NULL AND ${scopeRuns(scope, p)}
      GROUP BY r.owner_userid, s.name ORDER BY count(*) DESC, r.owner_userid`, p.values);
  return rows;
}

export interface RunListRow extends RunRow { step_name: string; target_name: string | null; owner_name: string | null }

const TARGET_NAME = `CASE r.target_kind WHEN 'customer' THEN (SELECT coalesce(nullif(f.remark, ''), c.name) FROM customers c
    LEFT JOIN follows f ON f.corp_id = c.corp_id AND f.external_userid = c.external_userid AND f.userid = r.owner_userid
   WHERE c.corp_id = r.corp_id AND c.external_userid = r.target_id LIMIT 1)
  ELSE (SELECT g.name FROM groups g WHERE g.corp_id = r.corp_id AND g.chat_id = r.target_id) END`;

export async function listRuns(db: Db, scope: Scope, playbookId: number, f: { status?: RunStatus; stepId?: number; limit: number; offset: number; dueOrder?: boolean }): Promise<{ rows: RunListRow[]; total: number }> {
  const p = new Params();
  const conds = [`r.corp_id = ${p.add(scope.corpId)}`, `r.playbook_id = ${p.add(playbookId)}`, scopeRuns(scope, p)];
  if (f.status) conds.push(`r.status = ${p.add(f.status)}`);
  if (f.stepId) conds.push(`r.step_id = ${p.add(f.stepId)}`);
  const where = conds.join(' AND ');
  const whereParams = p.values.length;
  const order = f.dueOrder ? 'r.due_at, r.id' : 'r.updated_at DESC, r.id DESC';
  const { rows } = await db.query<RunListRow>(
    `SELECT r.*, s.name AS step_name, ${TARGET_NAME} AS target_name, st.name AS owner_name
       FROM playbook_runs r JOIN playbook_steps s ON s.id = r.step_id LEFT JOIN staff st ON st.corp_id = r.corp_id AND st.userid = r.owner_userid
      WHERE ${where} ORDER BY ${order} LIMIT ${p.add(f.limit)} OFFSET ${p.add(f.offset)}`, p.values);
  const { rows: [n] } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM playbook_runs r WHERE ${where}`, p.values.slice(0, whereParams));
  return { rows, total: n?.n ?? 0 };
}

export interface EnrolmentListRow extends Row<'playbook_enrolments'> { customer_name: string | null; owner_name: string | null; sent: number; steps: number }

export async function listEnrolments(db: Db, scope: Scope, playbookId: number, f: { status?: string; limit: number; offset: number }): Promise<{ rows: EnrolmentListRow[]; total: number }> {
  const p = new Params();
  const conds = [`e.corp_id = ${p.add(scope.corpId)}`, `e.playbook_id = ${p.add(playbookId)}`, staffUseridVisibleSql(scope, p, 'e.owner_userid', 'e.corp_id')];
  if (f.status) conds.push(`e.status = ${p.add(f.status)}`);
  const where = conds.join(' AND ');
  const whereParams = p.values.length;
  const { rows } = await db.query<EnrolmentListRow>(
    `SELECT e.*, c.name AS customer_name, st.name AS owner_name,
            (SELECT count(*) FILTER (WHERE r.status = 'sent')::int FROM playbook_runs r WHERE r.enrolment_id = e.id) AS sent,
            (SELECT count(*)::int FROM playbook_runs r WHERE r.enrolment_id = e.id) AS steps
       FROM playbook_enrolments e LEFT JOIN customers c ON c.corp_id = e.corp_id AND c.external_userid = e.external_userid
       LEFT JOIN staff st ON st.corp_id = e.corp_id AND st.userid = e.owner_userid
      WHERE ${where} ORDER BY e.enrolled_at DESC, e.id DESC LIMIT ${p.add(f.limit)} OFFSET ${p.add(f.offset)}`, p.values);
  const { rows: [n] } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM playbook_enrolments e WHERE ${where}`, p.values.slice(0, whereParams));
  return { rows, total: n?.n ?? 0 };
}

export async function staffExists(db: Db, corpId: string, userid: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM staff WHERE corp_id = $1 AND userid = $2', [corpId, userid]);
  return rows.length > 0;
}

export async function segmentExists(db: Db, corpId: string, id: number): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM segments WHERE corp_id = $1 AND id = $2 AND deleted_at IS NULL', [corpId, id]);
  return rows.length > 0;
}

export async function otherPlaybookIds(db: Db, corpId: string, ids: number[]): Promise<Set<number>> {
  const { rows } = await db.query<Cols<'playbooks', 'id'>>('SELECT id FROM playbooks WHERE corp_id = $1 AND id = ANY($2::bigint[])', [corpId, ids]);
  return new Set(rows.map((r) => r.id));
}

export async function enrolmentPlaybooks(db: Db, ids: number[]): Promise<Cols<'playbook_enrolments', 'id' | 'playbook_id'>[]> {
  const { rows } = await db.query<Cols<'playbook_enrolments', 'id' | 'playbook_id'>>('SELECT id, playbook_id FROM playbook_enrolments WHERE id = ANY($1::bigint[])', [ids]);
  return rows;
}

/** Which of these staff members the scope sees. */
export async function visibleStaff(db: Db, scope: Scope, userids: string[]): Promise<Set<string>> {
  const p = new Params();
  const { rows } = await db.query<Cols<'staff', 'userid'>>(
    `SELECT s.userid FROM staff s WHERE s.corp_id = ${p.add(scope.corpId)} AND s.userid = ANY(${p.add(userids)}::text[]) AND ${staffUseridVisibleSql(scope, p, 's.userid', 's.corp_id')}`, p.values);
  return new Set(rows.map((r) => r.userid));
}

export async function ledgersOfRuns(db: Db, runIds: number[]): Promise<{ corp_id: string; ledger_id: number }[]> {
  const { rows } = await db.query<{ corp_id: string; ledger_id: number }>(
    'SELECT corp_id, ledger_id FROM playbook_runs WHERE id = ANY($1::bigint[]) AND ledger_id IS NOT NULL', [runIds]);
  return rows;
}

export async function enrolmentsOfRuns(db: Db, runIds: number[]): Promise<number[]> {
  const { rows } = await db.query<{ enrolment_id: number }>(
    'SELECT DISTINCT enrolment_id FROM playbook_runs WHERE id = ANY($1::bigint[]) AND enrolment_id IS NOT NULL', [runIds]);
  return rows.map((r) => r.enrolment_id);
}

/** Mass sends whose pass died during add_msg_template (left issuing): settled by the caller from WeCom's list. */
export async function staleIssuing(db: Db, before: Date, limit: number): Promise<Row<'playbook_mass_sends'>[]> {
  const { rows } = await db.query<Row<'playbook_mass_sends'>>(
    `SELECT * FROM playbook_mass_sends WHERE status = 'issuing' AND created_at < $1 ORDER BY id LIMIT $2`, [before, limit]);
  return rows;
}

/** Settles a stale issuing mass send: adopted (WeCom made it: its msgid) or failed. False when another pass settled it first. */
export async function settleStaleIssuing(db: Db, id: number, to: { msgid: string; at: Date } | { error: string }): Promise<boolean> {
  const { rowCount } = 'msgid' in to
    ? await db.query(`UPDATE playbook_mass_sends SET status = 'issued', msgid = $2, issued_at = $3 WHERE id = $1 AND status = 'issuing'`, [id, to.msgid, to.at])
    : await db.query(`UPDATE playbook_mass_sends SET status = 'failed', error = $2 WHERE id = $1 AND status = 'issuing'`, [id, to.error]);
  return (rowCount ?? 0) > 0;
}

/** Which of these runs ended without being sent (skipped, failed). */
export async function endedRuns(db: Db, ids: number[]): Promise<Set<number>> {
  const { rows } = await db.query<{ id: number }>(`SELECT id FROM playbook_runs WHERE id = ANY($1::bigint[]) AND status IN ('skipped', 'failed')`, [ids]);
  return new Set(rows.map((r) => r.id));
}
