// Handover (在职继承 / 离职继承): move a staff member's customers and groups to another member through
// WeCom's transfer APIs, within its limits (100 customers per call, 2 transfers per customer per 90
// days, 300 groups per owner per day, takeover after 24 h unless the customer refuses). Pond shows
// the limits up front, tracks every customer to its final result (transfer_result), and moves its own
// records — locks, attributions — to the new owner once a takeover is done.
import type pg from 'pg';
import { z } from 'zod';
import type { Scope } from '../../platform/auth';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import { defineJob, type Queue } from '../../platform/queue';
import type { CorpService } from '../org';
import { Params } from '../../platform/sql';
import { inSavedSegment } from '../segments';

export const LIMITS = { customersPerCall: 100, transfersPer90Days: 2, groupsPerDay: 300, takeoverHours: 24, messageMax: 200 };
const POLL_SECONDS = 600;
const STATUS = { 1: 'done', 2: 'waiting', 3: 'refused', 4: 'limit', 5: 'failed' } as Record<number, string>;

export interface HandoverInput {
  kind: 'onjob' | 'resigned';
  handoverUserid: string;
  takeoverUserid: string;
  message?: string;
  externalUserids?: string[];
  tagIds?: string[];
  /** A saved customer segment: only its members (evaluated now, within the caller's scope). */
  segmentId?: number;
  includeGroups?: boolean;
}

export class HandoverService {
  readonly runJob = defineJob({ name: 'handover.run', schema: z.object({ jobId: z.number().int() }), retryLimit: 10, retryDelaySeconds: 60, handler: async ({ jobId }) => this.run(jobId) });
  readonly pollJob = defineJob({ name: 'handover.poll', schema: z.object({ jobId: z.number().int() }), retryLimit: 5, retryDelaySeconds: 60, handler: async ({ jobId }) => { await this.poll(jobId); } });

  constructor(private pool: pg.Pool, private corps: CorpService, private queue: Queue, private log: Logger) {}

  private async checkStaff(corpId: string, input: HandoverInput) {
    if (input.handoverUserid === input.takeoverUserid) throw AppError.validation('takeoverUserid', 'must differ from handoverUserid');
    const { rows } = await this.pool.query('SELECT userid, status, is_follow_user FROM staff WHERE corp_id = $1 AND userid = ANY($2)', [corpId, [input.handoverUserid, input.takeoverUserid]]);
    const from = rows.find((r) => r.userid === input.handoverUserid);
    const to = rows.find((r) => r.userid === input.takeoverUserid);
    if (!from) throw AppError.validation('handoverUserid', `no staff member ${input.handoverUserid}`);
    if (!to) throw AppError.validation('takeoverUserid', `no staff member ${input.takeoverUserid}`);
    if (input.kind === 'resigned' && from.status !== 5) throw AppError.validation('kind', `${input.handoverUserid} has not left; use an on-job handover`);
    if (input.kind === 'onjob' && from.status === 5) throw AppError.validation('kind', `${input.handoverUserid} has left; use a resigned handover`);
    if (to.status !== 1 || !to.is_follow_user) throw AppError.validation('takeoverUserid', `${input.takeoverUserid} must be active with customer contact enabled`);
  }

  /** What a handover would move, with WeCom's limits applied per customer. */
  async preview(scope: Scope, input: HandoverInput) {
    await this.checkStaff(scope.corpId, input);
    const p = new Params();
    const inSegment = input.segmentId != null ? await inSavedSegment(this.pool, scope, input.segmentId, p, 'f.external_userid', 'segmentId') : 'true';
    const { rows } = await this.pool.query(
      `SELECT f.external_userid, c.name, f.tag_ids,
              (SELECT count(*)::int FROM handover_items i JOIN handover_jobs j ON j.id = i.job_id
               WHERE j.corp_id = f.corp_id AND i.kind = 'customer' AND i.target_id = f.external_userid
                 AND i.status IN ('waiting','done') AND j.created_at > now() - interval '90 days') AS transfers_90d
       FROM follows f LEFT JOIN customers c ON c.corp_id = f.corp_id AND c.external_userid = f.external_userid
       WHERE f.corp_id = ${p.add(scope.corpId)} AND f.userid = ${p.add(input.handoverUserid)} AND f.status = 'active'
         AND (${p.add(input.externalUserids ?? null)}::text[] IS NULL OR f.external_userid = ANY(${p.add(input.externalUserids ?? null)}::text[]))
         AND (${p.add(input.tagIds ?? null)}::text[] IS NULL OR f.tag_ids && ${p.add(input.tagIds ?? null)}::text[])
         AND ${inSegment}
         AND NOT EXISTS (SELECT 1 FROM follows t WHERE t.corp_id = f.corp_id AND t.external_userid = f.external_userid AND t.userid = ${p.add(input.takeoverUserid)} AND t.status = 'active')
       ORDER BY c.name`, p.values);
    const customers = rows.map((r) => ({
      externalUserid: r.external_userid, name: r.name, transfers90d: r.transfers_90d,
      eligible: r.transfers_90d < LIMITS.transfersPer90Days,
      reason: r.transfers_90d < LIMITS.transfersPer90Days ? null : `已在90天内转接${r.transfers_90d}次 / transferred ${r.transfers_90d}× in 90 days (WeCom allows ${LIMITS.transfersPer90Days})`,
    }));
    const { rows: groups } = input.includeGroups
      ? await this.pool.query(`SELECT chat_id, name, member_count FROM groups WHERE corp_id = $1 AND owner_userid = $2 AND status = 'active' ORDER BY name`, [scope.corpId, input.handoverUserid])
      : { rows: [] as any[] };
    return {
      customers, groups: groups.map((g) => ({ chatId: g.chat_id, name: g.name, memberCount: g.member_count })),
      limits: LIMITS,
      notes: [
        `每次最多 ${LIMITS.customersPerCall} 位客户，Pond 自动分批 / at most ${LIMITS.customersPerCall} customers per call; Pond batches`,
        `客户在 ${LIMITS.takeoverHours} 小时后自动接替，可拒绝 / takeover after ${LIMITS.takeoverHours} h unless the customer refuses`,
        `每位客户 90 天内最多转接 ${LIMITS.transfersPer90Days} 次 / ${LIMITS.transfersPer90Days} transfers per customer per 90 days`,
        `每位原群主每天最多转移 ${LIMITS.groupsPerDay} 个群 / ${LIMITS.groupsPerDay} groups per original owner per day`,
      ],
    };
  }

  async create(scope: Scope, input: HandoverInput, createdBy: string) {
    const preview = await this.preview(scope, input);
    const eligible = preview.customers.filter((c) => c.eligible);
    if (eligible.length === 0 && preview.groups.length === 0) throw AppError.validation('externalUserids', 'nothing to hand over (no eligible customers or groups)');
    const { rows: [job] } = await this.pool.query(
      `INSERT INTO handover_jobs (corp_id, kind, handover_userid, takeover_userid, message, created_by) VALUES ($1,$2,$3,$4,$5,$6) RETURNING *`,
      [scope.corpId, input.kind, input.handoverUserid, input.takeoverUserid, input.message ?? null, createdBy]);
    await this.pool.query(
      `INSERT INTO handover_items (job_id, kind, target_id, status, error)
       SELECT $1, 'customer', x.id, CASE WHEN x.ok THEN 'pending' ELSE 'skipped' END, x.reason FROM unnest($2::text[], $3::boolean[], $4::text[]) AS x(id, ok, reason)`,
      [job.id, preview.customers.map((c) => c.externalUserid), preview.customers.map((c) => c.eligible), preview.customers.map((c) => c.reason)]);
    if (preview.groups.length) {
      await this.pool.query(`INSERT INTO handover_items (job_id, kind, target_id) SELECT $1, 'group', unnest($2::text[])`, [job.id, preview.groups.map((g) => g.chatId)]);
    }
    await this.queue.send(this.runJob, { jobId: job.id }, { singletonKey: `handover:${job.id}` });
    return this.get(scope.corpId, job.id);
  }

  /** Starts the transfers in WeCom, 100 customers (or groups) per call. */
  async run(jobId: number): Promise<void> {
    const { rows: [job] } = await this.pool.query('SELECT * FROM handover_jobs WHERE id = $1', [jobId]);
    if (!job || job.status === 'done') return;
    const client = await this.corps.client(job.corp_id);
    for (;;) {
      const { rows } = await this.pool.query(`SELECT target_id FROM handover_items WHERE job_id = $1 AND kind = 'customer' AND status = 'pending' LIMIT ${LIMITS.customersPerCall}`, [jobId]);
      if (rows.length === 0) break;
      const ids = rows.map((r) => r.target_id as string);
      const res = job.kind === 'onjob'
        ? await client.transferCustomer({ handover_userid: job.handover_userid, takeover_userid: job.takeover_userid, external_userid: ids, ...(job.message ? { transfer_success_msg: job.message } : {}) })
        : await client.resignedTransferCustomer({ handover_userid: job.handover_userid, takeover_userid: job.takeover_userid, external_userid: ids });
      for (const c of res.customer ?? []) {
        await this.pool.query(
          `UPDATE handover_items SET status = $3, errcode = $4 WHERE job_id = $1 AND kind = 'customer' AND target_id = $2 AND status = 'pending'`,
          [jobId, c.external_userid, c.errcode === 0 ? 'waiting' : c.errcode === 40128 ? 'limit' : 'failed', c.errcode || null]);
      }
      // Anything WeCom did not mention failed to start.
      await this.pool.query(`UPDATE handover_items SET status = 'failed', error = 'not in WeCom''s answer' WHERE job_id = $1 AND kind = 'customer' AND status = 'pending' AND target_id = ANY($2)`, [jobId, ids]);
    }
    const { rows: groups } = await this.pool.query(`SELECT target_id FROM handover_items WHERE job_id = $1 AND kind = 'group' AND status = 'pending'`, [jobId]);
    for (let i = 0; i < groups.length; i += 100) {
      const ids = groups.slice(i, i + 100).map((g) => g.target_id as string);
      const res = job.kind === 'onjob'
        ? await client.groupchatOnjobTransfer({ chat_id_list: ids, new_owner: job.takeover_userid })
        : await client.groupchatTransfer({ chat_id_list: ids, new_owner: job.takeover_userid });
      const failed = new Map((res.failed_chat_list ?? []).map((f) => [f.chat_id, f]));
      for (const id of ids) {
        const f = failed.get(id);
        await this.pool.query(`UPDATE handover_items SET status = $3, errcode = $4, error = $5, takeover_at = CASE WHEN $3 = 'done' THEN now() END WHERE job_id = $1 AND kind = 'group' AND target_id = $2`,
          [jobId, id, f ? 'failed' : 'done', f?.errcode ?? null, f?.errmsg ?? null]);
        if (!f) await this.pool.query(`UPDATE groups SET owner_userid = $3, updated_at = now() WHERE corp_id = $1 AND chat_id = $2`, [job.corp_id, id, job.takeover_userid]);
      }
    }
    await this.settle(jobId);
  }

  /** Reads transfer_result and applies final results; while customers wait, checks again later. */
  async poll(jobId: number): Promise<void> {
    const { rows: [job] } = await this.pool.query('SELECT * FROM handover_jobs WHERE id = $1', [jobId]);
    if (!job || job.status === 'done') return;
    const client = await this.corps.client(job.corp_id);
    const req = { handover_userid: job.handover_userid, takeover_userid: job.takeover_userid };
    let cursor: string | undefined;
    do {
      const page = job.kind === 'onjob' ? await client.transferResult({ ...req, cursor }) : await client.resignedTransferResult({ ...req, cursor });
      for (const c of page.customer ?? []) {
        const status = STATUS[c.status] ?? 'failed';
        const { rowCount } = await this.pool.query(
          `UPDATE handover_items SET status = $3, takeover_at = $4 WHERE job_id = $1 AND kind = 'customer' AND target_id = $2 AND status = 'waiting' AND $3 <> 'waiting'`,
          [jobId, c.external_userid, status, c.takeover_time ? new Date(c.takeover_time * 1000) : null]);
        if (rowCount && status === 'done') await this.moveRecords(job.corp_id, c.external_userid, job.handover_userid, job.takeover_userid);
      }
      cursor = page.next_cursor || undefined;
    } while (cursor);
    await this.settle(jobId);
  }

  /** Pond's own records follow the customer: locks and attributions now point at the new owner. */
  private async moveRecords(corpId: string, ext: string, from: string, to: string): Promise<void> {
    await this.pool.query(`UPDATE code_locks SET userid = $4 WHERE corp_id = $1 AND external_userid = $2 AND userid = $3`, [corpId, ext, from, to]);
    await this.pool.query(`UPDATE attributions SET userid = $4 WHERE corp_id = $1 AND external_userid = $2 AND userid = $3 AND deleted_at IS NULL`, [corpId, ext, from, to]);
  }

  private async settle(jobId: number): Promise<void> {
    const { rows: [n] } = await this.pool.query(`SELECT count(*) FILTER (WHERE status IN ('pending','waiting'))::int AS open FROM handover_items WHERE job_id = $1`, [jobId]);
    if (n.open === 0) {
      await this.pool.query(`UPDATE handover_jobs SET status = 'done', finished_at = now() WHERE id = $1`, [jobId]);
    } else {
      await this.pool.query(`UPDATE handover_jobs SET status = 'waiting' WHERE id = $1`, [jobId]);
      await this.queue.send(this.pollJob, { jobId }, { startAfter: POLL_SECONDS, singletonKey: `handover-poll:${jobId}`, singletonSeconds: POLL_SECONDS });
    }
  }

  async list(corpId: string) {
    const { rows } = await this.pool.query(
      `SELECT j.*, (SELECT json_object_agg(status, n) FROM (SELECT status, count(*)::int AS n FROM handover_items WHERE job_id = j.id GROUP BY status) s) AS counts
       FROM handover_jobs j WHERE j.corp_id = $1 ORDER BY j.id DESC LIMIT 50`, [corpId]);
    return rows.map((j) => this.jobOut(j));
  }

  async get(corpId: string, id: number) {
    const { rows: [j] } = await this.pool.query(
      `SELECT j.*, (SELECT json_object_agg(status, n) FROM (SELECT status, count(*)::int AS n FROM handover_items WHERE job_id = j.id GROUP BY status) s) AS counts
       FROM handover_jobs j WHERE j.corp_id = $1 AND j.id = $2`, [corpId, id]);
    if (!j) throw AppError.notFound(`handover ${id}`);
    const { rows: items } = await this.pool.query(
      `SELECT i.*, coalesce(c.name, g.name) AS name FROM handover_items i
       LEFT JOIN customers c ON i.kind = 'customer' AND c.corp_id = $2 AND c.external_userid = i.target_id
       LEFT JOIN groups g ON i.kind = 'group' AND g.corp_id = $2 AND g.chat_id = i.target_id
       WHERE i.job_id = $1 ORDER BY i.kind, i.status, name`, [id, corpId]);
    return { ...this.jobOut(j), items: items.map((i) => ({ kind: i.kind, id: i.target_id, name: i.name, status: i.status, errcode: i.errcode, error: i.error, takeoverAt: i.takeover_at })) };
  }

  private jobOut(j: any) {
    return { id: j.id, kind: j.kind, handoverUserid: j.handover_userid, takeoverUserid: j.takeover_userid, message: j.message, status: j.status, counts: j.counts ?? {}, createdBy: j.created_by, createdAt: j.created_at, finishedAt: j.finished_at };
  }

  /** Customers of staff who left that nobody has taken over yet (get_unassigned_list). */
  async unassigned(corpId: string) {
    const client = await this.corps.client(corpId);
    const out: { handoverUserid: string; externalUserid: string; dimissionTime: number }[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.getUnassignedList({ cursor, page_size: 1000 });
      for (const i of page.info ?? []) out.push({ handoverUserid: i.handover_userid, externalUserid: i.external_userid, dimissionTime: i.dimission_time });
      cursor = page.is_last ? undefined : page.next_cursor || undefined;
    } while (cursor && out.length < 100_000);
    return out;
  }
}
