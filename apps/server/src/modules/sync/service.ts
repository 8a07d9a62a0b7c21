// Full sync on connect and the nightly reconcile: departments, staff, follow users, customers and
// follow relations (batch/get_by_user), corp tags, groups and members, the group statistics, and (full
// sync only) each customer's details (externalcontact/get: personal tags). Each stage saves its cursor
// after every page, so a run that dies resumes where it stopped; progress is visible in the console.
import { WecomError, type ExternalContact, type User } from '@pond/wecom';
import type pg from 'pg';
import { z } from 'zod';
import type { CorpService } from '../org';
import type { Logger } from '../../platform/log';
import { dailyAt, defineClock, defineJob, type Queue } from '../../platform/queue';
import { AppError } from '../../platform/errors';
import type { Cols } from '../../platform/db/rows';
import {
  addedKey, appendTimeline, LOCKED_FIRST, lockCustomersInOrder, notNewer, refreshFollowCounts, storeContactDetails, syncVersion, upsertCustomers, upsertFollows,
} from '../customers';
import { withTransaction } from '../../platform/db';
import { mapLimit } from '../../platform/concurrency';
import { saveTagGroups } from '../tags';
import { daysToPull, pullGroupStatsDay, saveGroup } from '../groups';
import { matchWaitingOrders } from '../commerce';

export const STAGES = ['departments', 'staff', 'customers', 'tags', 'groups', 'groupStats', 'details'] as const;
type Stage = (typeof STAGES)[number];
/**
 * The nightly reconcile skips `details`: it costs one externalcontact/get per customer (WeCom allows
 * ~10 000 calls/min per corp per API, so ~10 min per 100k customers, every night), and callbacks keep
 * the details of relations Pond already knows up to date. `details` goes last so that tags and groups
 * are there before the long per-customer walk.
 */
export const stagesFor = (kind: 'full' | 'reconcile'): readonly Stage[] => (kind === 'full' ? STAGES : STAGES.filter((s) => s !== 'details'));

/** Customers read at once in the details stage; the corp's client queues them under the shared quota anyway. */
const DETAILS_CONCURRENCY = 8;
const DETAILS_PAGE = 100;
/** Errors that are WeCom's answer about the whole corp or app, not one customer: they stop the run (it retries and resumes). */
const CORP_WIDE_ERRCODES = new Set([48002, 60020, 60011, 41001]);

/** A stage's progress (shown in Settings). `errors`: WeCom errcodes of the items that failed, with counts. */
interface StageProgress { done: number; total: number | null; failed?: number; errors?: Record<string, number> }

/** Where each stage of a run is (`sync_runs.cursor`): a resumed run continues from there. */
interface SyncCursor {
  /** When the run first started (ISO): its sweeps remove what it did not see since. Set before the first stage. */
  startedAt?: string;
  /** Chunk of 100 staff and WeCom's cursor within it. */
  customers?: { chunk: number; cursor: string };
  groups?: { chunk: number; cursor: string };
  /** The last customer read (keyset), and the errcodes counted so far. */
  details?: { after: string; errors?: Record<string, number> };
}

type RunRow = Cols<'sync_runs', 'id' | 'corp_id' | 'kind' | 'status' | 'stage' | 'error' | 'triggered_by' | 'started_at' | 'finished_at' | 'created_at'> & {
  progress: Record<string, StageProgress>; cursor: SyncCursor;
};

const chunk = <T,>(xs: T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/** A run as the API shows it. */
function runView(r: Pick<RunRow, 'id' | 'kind' | 'status' | 'stage' | 'progress' | 'error' | 'triggered_by' | 'started_at' | 'finished_at' | 'created_at'>) {
  return {
    id: r.id, kind: r.kind, status: r.status, stage: r.stage, progress: r.progress, error: r.error,
    triggeredBy: r.triggered_by, startedAt: r.started_at, finishedAt: r.finished_at, createdAt: r.created_at,
  };
}

export class SyncService {
  readonly job = defineJob({
    name: 'sync.run',
    schema: z.object({ runId: z.number().int() }),
    retryLimit: 5,
    retryDelaySeconds: 30,
    expireInMinutes: 240,
    handler: async ({ runId }) => this.execute(runId),
  });
  readonly nightlyJob = defineClock('sync.nightly', dailyAt(3, 0), async () => {
      for (const c of await this.corps.list()) await this.start(c.id, 'reconcile', 'schedule');
    });

  constructor(private pool: pg.Pool, private corps: CorpService, private queue: Queue, private log: Logger) {}

  /** Queues a run unless one is already queued or running for this corp. */
  async start(corpId: string, kind: 'full' | 'reconcile', triggeredBy: string): Promise<RunRow> {
    const { rows: open } = await this.pool.query<RunRow>(
      `SELECT * FROM sync_runs WHERE corp_id = $1 AND status IN ('queued','running') ORDER BY id DESC LIMIT 1`, [corpId]);
    if (open[0]) return open[0];
    const { rows } = await this.pool.query<RunRow>(
      `INSERT INTO sync_runs (corp_id, kind, status, triggered_by, progress) VALUES ($1,$2,'queued',$3,$4) RETURNING *`,
      [corpId, kind, triggeredBy, JSON.stringify(Object.fromEntries(stagesFor(kind).map((s) => [s, { done: 0, total: null }])))]);
    await this.queue.send(this.job, { runId: rows[0].id }, { singletonKey: `sync:${corpId}` });
    return rows[0];
  }

  async list(corpId: string, limit = 20) {
    const { rows } = await this.pool.query<Cols<'sync_runs', 'id' | 'kind' | 'status' | 'stage' | 'error' | 'triggered_by' | 'started_at' | 'finished_at' | 'created_at'> & {
      progress: Record<string, StageProgress>;
    }>(
      `SELECT id, kind, status, stage, progress, error, triggered_by, started_at, finished_at, created_at
       FROM sync_runs WHERE corp_id = $1 ORDER BY id DESC LIMIT $2`, [corpId, limit]);
    return rows.map(runView);
  }

  /** start, answered as the API shows a run (the list's shape; the stages' cursor stays inside). */
  async startView(corpId: string, kind: 'full' | 'reconcile', triggeredBy: string) {
    return runView(await this.start(corpId, kind, triggeredBy));
  }

  private async save(run: RunRow, patch: Partial<Pick<RunRow, 'stage' | 'status'>> & { error?: string | null }) {
    await this.pool.query(
      `UPDATE sync_runs SET stage = $2, status = $3, progress = $4, cursor = $5, error = $6,
         started_at = coalesce(started_at, now()),
         finished_at = CASE WHEN $3 IN ('done','failed') THEN now() ELSE NULL END
       WHERE id = $1`,
      [run.id, patch.stage ?? run.stage, patch.status ?? run.status, JSON.stringify(run.progress), JSON.stringify(run.cursor), patch.error ?? null]);
    if (patch.stage !== undefined) run.stage = patch.stage;
    if (patch.status !== undefined) run.status = patch.status;
  }

  /** Runs (or resumes) one sync run to completion. Exposed for the CLI and tests. */
  async execute(runId: number): Promise<void> {
    // One executor per run: the queued job and an inline caller (first start) must not run it twice.
    const lock = await this.pool.connect();
    try {
      await lock.query('SELECT pg_advisory_lock(hashtext($1))', [`sync-run:${runId}`]);
      await this.executeLocked(runId);
    } finally {
      await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [`sync-run:${runId}`]).catch(() => undefined);
      lock.release();
    }
  }

  private async executeLocked(runId: number): Promise<void> {
    const { rows } = await this.pool.query<RunRow>('SELECT * FROM sync_runs WHERE id = $1', [runId]);
    const run: RunRow | undefined = rows[0];
    if (!run) throw AppError.notFound(`sync run ${runId}`);
    if (run.status === 'done') return;
    if (!run.started_at) await this.pool.query('UPDATE sync_runs SET started_at = now() WHERE id = $1', [runId]);
    const startedAt = run.started_at ?? new Date();
    run.cursor.startedAt ??= startedAt.toISOString();
    await this.save(run, { status: 'running' });
    try {
      const stages = stagesFor(run.kind);
      const from = run.stage ? stages.indexOf(run.stage as Stage) : 0;
      for (const stage of stages.slice(Math.max(0, from))) {
        run.progress[stage] ??= { done: 0, total: null }; // a run queued before this stage existed
        await this.save(run, { stage });
        await this[stage](run);
      }
      await this.save(run, { status: 'done', stage: null });
      this.log.info({ corpId: run.corp_id, runId }, 'sync finished');
    } catch (err) {
      await this.save(run, { status: 'running', error: String((err as { message?: unknown } | null)?.message ?? err) });
      throw err; // pg-boss retries; the cursor makes the retry resume
    } finally {
      await this.pool.query(
        `UPDATE sync_runs SET status = 'failed', finished_at = now() WHERE id = $1 AND status = 'running' AND error IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM pgboss.job WHERE name = 'sync.run' AND data->>'runId' = $1::text AND state IN ('retry','created'))`,
        [runId]).catch(() => undefined);
    }
  }

  private async departments(run: RunRow) {
    const client = await this.corps.client(run.corp_id);
    const res = await client.departmentList();
    const deps = res.department ?? [];
    await this.pool.query(
      `INSERT INTO departments (corp_id, id, name, parent_id, "order", removed_at, updated_at)
       SELECT $1, r.id, r.name, r.parentid, coalesce(r."order", 0), NULL, now()
       FROM jsonb_to_recordset($2::jsonb) AS r(id int, name text, parentid int, "order" bigint)
       ON CONFLICT (corp_id, id) DO UPDATE SET name = EXCLUDED.name, parent_id = EXCLUDED.parent_id, "order" = EXCLUDED."order", removed_at = NULL, updated_at = now()`,
      [run.corp_id, JSON.stringify(deps)]);
    await this.pool.query(
      `UPDATE departments SET removed_at = now() WHERE corp_id = $1 AND removed_at IS NULL AND NOT (id = ANY($2))`,
      [run.corp_id, deps.map((d) => d.id)]);
    run.progress.departments = { done: deps.length, total: deps.length };
  }

  private async staff(run: RunRow) {
    const client = await this.corps.client(run.corp_id);
    const { rows: roots } = await this.pool.query<Cols<'departments', 'id'>>(
      `SELECT id FROM departments d WHERE corp_id = $1 AND removed_at IS NULL
       AND (parent_id IS NULL OR parent_id = 0 OR NOT EXISTS (SELECT 1 FROM departments p WHERE p.corp_id = d.corp_id AND p.id = d.parent_id))`, [run.corp_id]);
    const users = new Map<string, User>();
    for (const r of roots) for (const u of (await client.userList(r.id, true)).userlist ?? []) users.set(u.userid, u);
    const follow = new Set<string>((await client.getFollowUserList()).follow_user ?? []);
    const list = [...users.values()];
    await this.pool.query(
      `INSERT INTO staff (corp_id, userid, name, avatar, mobile, gender, position, department_ids, main_department, status, is_follow_user, store_id, resigned_at, updated_at)
       SELECT $1, r.userid, r.name, r.avatar, r.mobile, r.gender::smallint, r.position,
              coalesce(ARRAY(SELECT jsonb_array_elements_text(r.department)::int), '{}'), r.main_department, coalesce(r.status, 1),
              r.userid = ANY($3),
              (SELECT s.id FROM stores s WHERE s.corp_id = $1 AND s.archived_at IS NULL
                 AND s.department_id = ANY(ARRAY(SELECT jsonb_array_elements_text(r.department)::int))
                 ORDER BY (s.department_id = r.main_department) DESC LIMIT 1),
              NULL, now()
       FROM jsonb_to_recordset($2::jsonb) AS r(userid text, name text, avatar text, mobile text, gender text, position text,
            department jsonb, main_department int, status smallint)
       ON CONFLICT (corp_id, userid) DO UPDATE SET name = EXCLUDED.name, avatar = EXCLUDED.avatar, mobile = EXCLUDED.mobile,
         gender = EXCLUDED.gender, position = EXCLUDED.position, department_ids = EXCLUDED.department_ids,
         main_department = EXCLUDED.main_department, status = EXCLUDED.status, is_follow_user = EXCLUDED.is_follow_user,
         store_id = coalesce(EXCLUDED.store_id, staff.store_id), resigned_at = NULL, updated_at = now()`,
      [run.corp_id, JSON.stringify(list), [...follow]]);
    // Members WeCom no longer lists have left the corp (离职): their customers await handover.
    await this.pool.query(
      `UPDATE staff SET status = 5, resigned_at = coalesce(resigned_at, now()), is_follow_user = false, updated_at = now()
       WHERE corp_id = $1 AND status <> 5 AND NOT (userid = ANY($2))`, [run.corp_id, list.map((u) => u.userid)]);
    run.progress.staff = { done: list.length, total: list.length };
  }

  private async customers(run: RunRow) {
    const client = await this.corps.client(run.corp_id);
    const { rows } = await this.pool.query<Cols<'staff', 'userid'>>(
      `SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user ORDER BY userid`, [run.corp_id]);
    const chunks = chunk(rows.map((r) => r.userid), 100);
    const c = (run.cursor.customers ??= { chunk: 0, cursor: '' });
    run.progress.customers.total = null;
    for (; c.chunk < chunks.length; c.chunk++, c.cursor = '') {
      do {
        // What the page shows is WeCom's state as of this read: a relation with a newer event stored keeps that (ADR 0013).
        const readAt = new Date();
        const version = syncVersion(readAt);
        const page = await client.batchGetByUser({ userid_list: chunks[c.chunk], cursor: c.cursor || undefined, limit: 100 });
        const list = page.external_contact_list ?? [];
        const contacts = new Map<string, ExternalContact>();
        for (const item of list) contacts.set(item.external_contact.external_userid, item.external_contact);
        await upsertCustomers(this.pool, run.corp_id, [...contacts.values()]);
        // follow_info carries corp/strategy tag ids only, so personal tags stored from events stay as they are.
        const prev = await upsertFollows(this.pool, run.corp_id, list.map((item) => ({
          externalUserid: item.external_contact.external_userid, follow: item.follow_info, version, readAt,
        })));
        // First sight of a relation: put its add on the timeline at WeCom's createtime.
        await appendTimeline(this.pool, run.corp_id, list
          .filter((item) => !prev.has(`${item.external_contact.external_userid}|${item.follow_info.userid}`) && item.follow_info.createtime)
          .map((item) => {
            const f = item.follow_info;
            const ext = item.external_contact.external_userid;
            return {
              externalUserid: ext, type: 'customer.added', userid: f.userid, occurredAt: new Date(f.createtime * 1000),
              data: { state: f.state || null, addWay: f.add_way ?? null, source: 'sync' }, dedupeKey: addedKey(ext, f.userid, f.createtime),
            };
          }));
        await refreshFollowCounts(this.pool, run.corp_id, [...contacts.keys()]);
        await matchWaitingOrders(this.pool, run.corp_id, [...contacts.keys()]);
        run.progress.customers.done += list.length;
        c.cursor = page.next_cursor ?? '';
        await this.save(run, {});
      } while (c.cursor);
    }
    // Sweep: active relations this run did not see are gone (deletes whose callbacks we missed) — as of the run's start,
    // so not a relation whose add was handled since. (The follows trigger rewrites each relation's customer: those
    // customers are locked in key order first.)
    const swept = syncVersion(new Date(run.cursor.startedAt!));
    const { rows: gone } = await this.pool.query<Cols<'follows', 'external_userid'>>(
      `${lockCustomersInOrder(`SELECT f.external_userid FROM follows f WHERE f.corp_id = $1 AND f.status = 'active' AND f.updated_at < $2`)}
       UPDATE follows SET status = 'removed', deleted_at = now(), event_at = $3, event_inbox = 0, updated_at = now()
       WHERE corp_id = $1 AND status = 'active' AND updated_at < $2 AND ${notNewer('follows', '$3', '0')} AND ${LOCKED_FIRST} RETURNING external_userid`,
      [run.corp_id, run.cursor.startedAt, swept.at]);
    await refreshFollowCounts(this.pool, run.corp_id, [...new Set(gone.map((g) => g.external_userid))]);
    run.progress.customers.total = run.progress.customers.done;
  }

  private async tags(run: RunRow) {
    const client = await this.corps.client(run.corp_id);
    const res = await client.getCorpTagList({});
    const groups = res.tag_group ?? [];
    await saveTagGroups(this.pool, run.corp_id, groups, { full: true });
    const n = groups.reduce((a, g) => a + (g.tag?.length ?? 0), 0);
    run.progress.tags = { done: n, total: n };
  }

  private async groups(run: RunRow) {
    const client = await this.corps.client(run.corp_id);
    const { rows } = await this.pool.query<Cols<'staff', 'userid'>>(
      `SELECT userid FROM staff WHERE corp_id = $1 AND (is_follow_user OR status = 5) ORDER BY userid`, [run.corp_id]);
    const chunks = chunk(rows.map((r) => r.userid), 100);
    const c = (run.cursor.groups ??= { chunk: 0, cursor: '' });
    for (; c.chunk < chunks.length; c.chunk++, c.cursor = '') {
      do {
        const page = await client.groupchatList({ status_filter: 0, owner_filter: { userid_list: chunks[c.chunk] }, cursor: c.cursor || undefined, limit: 1000 });
        for (const item of page.group_chat_list ?? []) {
          const version = syncVersion(new Date());
          const g = await client.groupchatGet(item.chat_id, 1);
          await withTransaction(this.pool, (db) => saveGroup(db, run.corp_id, g.group_chat, version, item.status));
          run.progress.groups.done++;
        }
        c.cursor = page.next_cursor ?? '';
        await this.save(run, {});
      } while (c.cursor);
    }
    const swept = syncVersion(new Date(run.cursor.startedAt!));
    await this.pool.query(
      `UPDATE groups SET status = 'dismissed', dismissed_at = now(), event_at = $3, event_inbox = 0
       WHERE corp_id = $1 AND status = 'active' AND updated_at < $2 AND ${notNewer('groups', '$3', '0')}`,
      [run.corp_id, run.cursor.startedAt, swept.at]);
    run.progress.groups.total = run.progress.groups.done;
  }

  /**
   * Full sync only (see stagesFor). batch/get_by_user leaves out personal tags (个人标签), so relations
   * that existed before Pond was connected would only get them when the member next edits the customer.
   * Reads every customer with a relation via externalcontact/get (all follower pages) and stores it as
   * the callback enrich does. Keyset by external_userid; the last one done is the cursor. Errors about
   * one customer (84061 no relation any more, 40096 invalid id…) are counted in progress.failed.
   */
  private async details(run: RunRow) {
    const client = await this.corps.client(run.corp_id);
    const c = (run.cursor.details ??= { after: '' });
    const p = run.progress.details;
    p.failed ??= 0;
    const errors: Record<string, number> = (c.errors ??= {});
    const { rows: left } = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM customers WHERE corp_id = $1 AND active_follow_count > 0 AND external_userid > $2`,
      [run.corp_id, c.after]);
    p.total = p.done + left[0].n;
    await this.save(run, {});
    for (;;) {
      const { rows } = await this.pool.query<Cols<'customers', 'external_userid'>>(
        `SELECT external_userid FROM customers WHERE corp_id = $1 AND active_follow_count > 0 AND external_userid > $2
         ORDER BY external_userid LIMIT $3`, [run.corp_id, c.after, DETAILS_PAGE]);
      if (rows.length === 0) break;
      const ids = rows.map((r) => r.external_userid);
      const readAt = new Date();
      const version = syncVersion(readAt);
      let stop = false; // after a fatal error the rest of the page is not read (the retry reads it)
      const fetched = await mapLimit(ids, DETAILS_CONCURRENCY, async (ext) => {
        if (stop) return null;
        try {
          const res = await client.getExternalContactAllFollowers(ext);
          return { externalUserid: ext, contact: res.external_contact, follows: (res.follow_user ?? []) };
        } catch (err) {
          if (!(err instanceof WecomError) || err.kind !== 'api' || err.isTokenError || err.isBusy || CORP_WIDE_ERRCODES.has(err.errcode)) {
            stop = true;
            throw err;
          }
          return err;
        }
      });
      const ok = fetched.filter((f): f is NonNullable<Exclude<typeof f, WecomError>> => !!f && !(f instanceof WecomError));
      const failed = fetched.filter((f): f is WecomError => f instanceof WecomError);
      // A whole page refused with something other than "no relation" is not about its customers: stop
      // (the error shows on the run; the retry resumes here) rather than count every customer as failed.
      if (failed.length === ids.length && ids.length >= 10 && !failed.some((e) => e.errcode === 84061)) throw failed[0];
      await storeContactDetails(this.pool, run.corp_id, ok.map((o) => ({ ...o, version, readAt })));
      await matchWaitingOrders(this.pool, run.corp_id, ok.map((o) => o.externalUserid));
      for (const e of failed) errors[e.errcode] = (errors[e.errcode] ?? 0) + 1;
      if (failed.length) p.errors = { ...errors };
      p.done += ids.length;
      p.failed += failed.length;
      c.after = ids[ids.length - 1]!;
      await this.save(run, {});
    }
    if (p.failed) this.log.warn({ corpId: run.corp_id, runId: run.id, failed: p.failed, errors }, 'sync: some customers could not be read');
    p.total = p.done;
  }

  /** Group statistics per owner and day (groupchat/statistic), from the last stored day to yesterday. */
  private async groupStats(run: RunRow) {
    const client = await this.corps.client(run.corp_id);
    const days = await daysToPull(this.pool, run.corp_id);
    run.progress.groupStats = { done: 0, total: days.length };
    for (const day of days) {
      await pullGroupStatsDay(this.pool, client, run.corp_id, day);
      run.progress.groupStats.done++;
      await this.save(run, {});
    }
  }
}
