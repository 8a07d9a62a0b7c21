// Handover (在职继承 / 离职继承): move a staff member's customers and groups to another member through
// WeCom's transfer APIs, within its limits (100 customers per call, 2 transfers per customer per 90
// days, 300 groups per owner per day, takeover after 24 h unless the customer refuses). Pond shows
// the limits up front, tracks every customer to its final result (transfer_result), and moves its own
// records — locks, attributions — to the new owner once a takeover is done.
import type pg from 'pg';
import { z } from 'zod';
import { HANDOVER_LIMITS as LIMITS, type HandoverInput, type HandoverItemStatus } from '@pond/contracts/handover';
import type { Scope } from '../../platform/auth';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import { defineJob, type Queue } from '../../platform/queue';
import type { CorpService } from '../org';
import { Params } from '../../platform/sql';
import { inSavedSegment } from '../segments';
import {
  failUnanswered, findHandoverJob, findHandoverJobById, handoverCandidates, handoverItems, insertHandoverJob, listHandoverJobs, moveCustomerRecords,
  openItemCount, ownedGroups, pendingTargets, setCustomerStarted, setGroupResult, setHandoverJobStatus, settleCustomer, staffStatuses,
  type HandoverItemRow, type HandoverJobRow,
} from './repo';

const POLL_SECONDS = 600;
/** transfer_result's status → the item's. */
const STATUS: Record<number, HandoverItemStatus> = { 1: 'done', 2: 'waiting', 3: 'refused', 4: 'limit', 5: 'failed' };

const jobOut = (j: HandoverJobRow) => ({
  id: j.id, kind: j.kind, handoverUserid: j.handover_userid, takeoverUserid: j.takeover_userid, message: j.message, status: j.status,
  counts: j.counts ?? {}, createdBy: j.created_by, createdAt: j.created_at, finishedAt: j.finished_at,
});
const itemOut = (i: HandoverItemRow) => ({ kind: i.kind, id: i.target_id, name: i.name, status: i.status, errcode: i.errcode, error: i.error, takeoverAt: i.takeover_at });

export class HandoverService {
  readonly runJob = defineJob({ name: 'handover.run', schema: z.object({ jobId: z.number().int() }), retryLimit: 10, retryDelaySeconds: 60, handler: async ({ jobId }) => this.run(jobId) });
  readonly pollJob = defineJob({ name: 'handover.poll', schema: z.object({ jobId: z.number().int() }), retryLimit: 5, retryDelaySeconds: 60, handler: async ({ jobId }) => { await this.poll(jobId); } });

  constructor(private pool: pg.Pool, private corps: CorpService, private queue: Queue, private log: Logger) {}

  private async checkStaff(corpId: string, input: HandoverInput) {
    if (input.handoverUserid === input.takeoverUserid) throw AppError.validation('takeoverUserid', 'must differ from handoverUserid');
    const rows = await staffStatuses(this.pool, corpId, [input.handoverUserid, input.takeoverUserid]);
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
    const rows = await handoverCandidates(this.pool, scope.corpId, input, inSegment, p);
    const customers = rows.map((r) => ({
      externalUserid: r.external_userid, name: r.name, transfers90d: r.transfers_90d,
      eligible: r.transfers_90d < LIMITS.transfersPer90Days,
      reason: r.transfers_90d < LIMITS.transfersPer90Days ? null : `已在90天内转接${r.transfers_90d}次 / transferred ${r.transfers_90d}× in 90 days (WeCom allows ${LIMITS.transfersPer90Days})`,
    }));
    const groups = input.includeGroups ? await ownedGroups(this.pool, scope.corpId, input.handoverUserid) : [];
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
    const jobId = await insertHandoverJob(this.pool, scope.corpId, { ...input, createdBy }, preview.customers, preview.groups.map((g) => g.chatId));
    await this.queue.send(this.runJob, { jobId }, { singletonKey: `handover:${jobId}` });
    return this.get(scope.corpId, jobId);
  }

  /** Starts the transfers in WeCom, 100 customers (or groups) per call. */
  async run(jobId: number): Promise<void> {
    const job = await findHandoverJobById(this.pool, jobId);
    if (!job || job.status === 'done') return;
    const client = await this.corps.client(job.corp_id);
    for (;;) {
      const ids = await pendingTargets(this.pool, jobId, 'customer', LIMITS.customersPerCall);
      if (ids.length === 0) break;
      const res = job.kind === 'onjob'
        ? await client.transferCustomer({ handover_userid: job.handover_userid, takeover_userid: job.takeover_userid, external_userid: ids, ...(job.message ? { transfer_success_msg: job.message } : {}) })
        : await client.resignedTransferCustomer({ handover_userid: job.handover_userid, takeover_userid: job.takeover_userid, external_userid: ids });
      for (const c of res.customer ?? []) {
        await setCustomerStarted(this.pool, jobId, c.external_userid, c.errcode === 0 ? 'waiting' : c.errcode === 40128 ? 'limit' : 'failed', c.errcode || null);
      }
      // Anything WeCom did not mention failed to start.
      await failUnanswered(this.pool, jobId, ids);
    }
    const groups = await pendingTargets(this.pool, jobId, 'group');
    for (let i = 0; i < groups.length; i += 100) {
      const ids = groups.slice(i, i + 100);
      const res = job.kind === 'onjob'
        ? await client.groupchatOnjobTransfer({ chat_id_list: ids, new_owner: job.takeover_userid })
        : await client.groupchatTransfer({ chat_id_list: ids, new_owner: job.takeover_userid });
      const failed = new Map((res.failed_chat_list ?? []).map((f) => [f.chat_id, f]));
      for (const id of ids) {
        const f = failed.get(id);
        await setGroupResult(this.pool, job, id, f ? { errcode: f.errcode ?? null, errmsg: f.errmsg ?? null } : null);
      }
    }
    await this.settle(jobId);
  }

  /** Reads transfer_result and applies final results; while customers wait, checks again later. */
  async poll(jobId: number): Promise<void> {
    const job = await findHandoverJobById(this.pool, jobId);
    if (!job || job.status === 'done') return;
    const client = await this.corps.client(job.corp_id);
    const req = { handover_userid: job.handover_userid, takeover_userid: job.takeover_userid };
    let cursor: string | undefined;
    do {
      const page = job.kind === 'onjob' ? await client.transferResult({ ...req, cursor }) : await client.resignedTransferResult({ ...req, cursor });
      for (const c of page.customer ?? []) {
        const status = STATUS[c.status] ?? 'failed';
        const settled = await settleCustomer(this.pool, jobId, c.external_userid, status, c.takeover_time ? new Date(c.takeover_time * 1000) : null);
        if (settled && status === 'done') await moveCustomerRecords(this.pool, job.corp_id, c.external_userid, job.handover_userid, job.takeover_userid);
      }
      cursor = page.next_cursor || undefined;
    } while (cursor);
    await this.settle(jobId);
  }

  private async settle(jobId: number): Promise<void> {
    if ((await openItemCount(this.pool, jobId)) === 0) {
      await setHandoverJobStatus(this.pool, jobId, 'done');
    } else {
      await setHandoverJobStatus(this.pool, jobId, 'waiting');
      await this.queue.send(this.pollJob, { jobId }, { startAfter: POLL_SECONDS, singletonKey: `handover-poll:${jobId}`, singletonSeconds: POLL_SECONDS });
    }
  }

  async list(corpId: string) {
    return (await listHandoverJobs(this.pool, corpId)).map(jobOut);
  }

  async get(corpId: string, id: number) {
    const j = await findHandoverJob(this.pool, corpId, id);
    if (!j) throw AppError.notFound(`handover ${id}`);
    return { ...jobOut(j), items: (await handoverItems(this.pool, corpId, id)).map(itemOut) };
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
