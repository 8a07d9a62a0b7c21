// Broadcasts (群发). A broadcast's audience is resolved in one query (customers: the staff member who sends to each is
// their most recently added active relation, so a customer who follows three staff gets one copy; groups: the owner),
// planned through the contact budget (every skipped target keeps its reason), split into one add_msg_template per
// sender and ≤ 10,000 customers (≤ 2,000 groups), and issued exactly once per send: a send is claimed before the call,
// and one left mid-call by a process that died is matched against WeCom's own list before it is issued again.
// Staff confirm in WeCom (a confirm task reaches them too); results are polled, reminders sent at the operator's
// offsets (WeCom allows 3 per 24 h), unconfirmed sends escalated, and mass sends made in WeCom itself read back so
// they count against the budget.
import type pg from 'pg';
import { z } from 'zod';
import { WecomError, type WecomClient } from '@pond/wecom';
import type {
  Audience, BroadcastInput, BroadcastKind, BroadcastListQuery, BroadcastOutput, BroadcastPatch, BroadcastPreviewInput, BroadcastSendRowOutput,
  BroadcastTargetStatus,
} from '@pond/contracts/broadcasts';
import type { Content } from '@pond/contracts/content';
import type { Principal } from '../../platform/auth';
import { corpScope, principalKey } from '../../platform/auth';
import { mapLimit } from '../../platform/concurrency';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import { defineClock, defineJob, EVERY_MINUTE, type Queue } from '../../platform/queue';
import { Params } from '../../platform/sql';
import { withTransaction } from '../../platform/db';
import type { CorpService } from '../org';
import type { GovernanceService, PlanTarget } from '../governance';
import type { TaskService } from '../tasks';
import { toWecomAttachments, validateContentAt } from '../welcome';
import { inSavedSegment } from '../segments';
import { inSavedGroupSegment } from '../group-segments';
import * as repo from './repo';
import { findMassSend } from './adopt';
import type { Row } from '../../platform/db/rows';

/** WeCom's limits per add_msg_template call. */
export const MAX_CUSTOMERS_PER_CALL = 10_000;
export const MAX_GROUPS_PER_CALL = 2_000;
/** A send left "issuing" this long is a process that died mid-call. */
const STALE_ISSUING_MS = 2 * 60_000;
const POLL_EVERY_MS = 60_000;
const UNCONFIRMED_DAYS = 7;
const PLACEHOLDER = /\{(nickname|staff|store|channel)\}/;

type Out = BroadcastOutput;

export class BroadcastService {
  /** Plans and issues one broadcast (queued when it is sent, or at its schedule). */
  readonly runJob = defineJob({
    name: 'broadcasts.run',
    schema: z.object({ corpId: z.string(), id: z.number() }),
    retryLimit: 5,
    retryDelaySeconds: 15,
    handler: async ({ corpId, id }) => { await this.run(corpId, id); },
  });

  /** Every minute: due schedules, sends left pending, results, reminders, escalation, and WeCom's own sends read back. */
  readonly tickJob = defineClock('broadcasts.tick', EVERY_MINUTE, () => this.tick(new Date()));

  private lastReadBack = new Map<string, number>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly corps: CorpService,
    private readonly governance: GovernanceService,
    private readonly tasks: TaskService,
    private readonly queue: Queue,
    private readonly log: Logger,
  ) {}

  private content(input: BroadcastInput['content']): Content {
    const content = validateContentAt(input, 'content');
    if (PLACEHOLDER.test(content.text)) {
      throw AppError.validation('content.text', 'a mass send is the same message for everyone: placeholders such as {nickname} are not filled in broadcasts');
    }
    return content;
  }

  private checkAudience(kind: BroadcastKind, a: Audience): void {
    const customerOnly = ['tagIds', 'segmentId', 'externalUserids', 'excludeTagIds', 'excludeSegmentId'] as const;
    const groupOnly = ['tiers', 'groupLabels', 'groupSegmentId', 'chatIds', 'excludeChatIds'] as const;
    for (const k of kind === 'customer' ? groupOnly : customerOnly) {
      const v = a[k];
      if (v !== undefined && (!Array.isArray(v) || v.length)) throw AppError.validation(`audience.${k}`, `is for ${kind === 'customer' ? 'group' : 'customer'} broadcasts`);
    }
  }

  private scheduled(at: string | null | undefined): Date | null {
    if (!at) return null;
    const d = new Date(at);
    if (d.getTime() < Date.now() - 60_000) throw AppError.validation('scheduledAt', 'must not be in the past');
    if (d.getTime() > Date.now() + 90 * 86_400_000) throw AppError.validation('scheduledAt', 'must be within 90 days');
    return d;
  }

  async create(p: Principal, input: BroadcastInput): Promise<Out> {
    this.checkAudience(input.kind, input.audience);
    const id = await repo.insertBroadcast(this.pool, p.corpId, {
      kind: input.kind, name: input.name.trim(), content: this.content(input.content), audience: input.audience, scheduledAt: this.scheduled(input.scheduledAt),
      remindAfter: [...new Set(input.remindAfter ?? [60, 240])].sort((a, b) => a - b), createdBy: p.name, createdByKey: principalKey(p),
    });
    return this.get(p.corpId, id);
  }

  async update(corpId: string, id: number, patch: BroadcastPatch): Promise<Out> {
    const current = await this.get(corpId, id);
    if (patch.audience) this.checkAudience(current.kind, patch.audience);
    const ok = await repo.updateBroadcast(this.pool, corpId, id, {
      name: patch.name?.trim(), content: patch.content ? this.content(patch.content) : undefined, audience: patch.audience,
      scheduledAt: patch.scheduledAt === undefined ? undefined : this.scheduled(patch.scheduledAt),
      remindAfter: patch.remindAfter ? [...new Set(patch.remindAfter)].sort((a, b) => a - b) : undefined,
    });
    if (!ok) throw new AppError('conflict', `broadcast ${id} is ${current.status}: only a draft can be edited`);
    return this.get(corpId, id);
  }

  async remove(corpId: string, id: number): Promise<void> {
    const current = await this.get(corpId, id);
    if (!(await repo.deleteDraft(this.pool, corpId, id))) throw new AppError('conflict', `broadcast ${id} is ${current.status}: only a draft can be deleted (cancel it instead)`);
  }

  async get(corpId: string, id: number): Promise<Out> {
    const row = await repo.getBroadcast(this.pool, corpId, id);
    if (!row) throw AppError.notFound(`broadcast ${id}`);
    return toBroadcast(row);
  }

  /** The broadcast with each sender's send. */
  async detail(corpId: string, id: number): Promise<Out & { sends: BroadcastSendRowOutput[] }> {
    return { ...(await this.get(corpId, id)), sends: (await repo.sendsOf(this.pool, id)).map(toSendRow) };
  }

  async list(corpId: string, q: BroadcastListQuery & { limit: number; offset: number }) {
    const { rows, total } = await repo.listBroadcasts(this.pool, corpId, q);
    return { items: rows.map(toBroadcast), total };
  }

  async targets(corpId: string, id: number, q: { status?: BroadcastTargetStatus; limit: number; offset: number }) {
    const b = await this.get(corpId, id);
    const { rows, total } = await repo.targetPage(this.pool, id, b.kind, q);
    return { total, items: rows.map((r) => ({ targetId: r.target_id, name: r.name ?? r.target_id, senderUserid: r.sender_userid, status: r.status, reason: r.reason, sentAt: r.sent_at })) };
  }

  /** The audience's targets and senders (and those without a sender: no active relation with an active staff member). */
  private async audienceOf(corpId: string, kind: BroadcastKind, a: Audience): Promise<{ target_id: string; sender: string | null }[]> {
    const p = new Params();
    const scope = corpScope(corpId);
    const sql = kind === 'customer'
      ? await repo.customerAudienceSql(corpId, a, p, (id, field) => inSavedSegment(this.pool, scope, id, p, 'c.external_userid', field))
      : await repo.groupAudienceSql(corpId, a, p, (id, field) => inSavedGroupSegment(this.pool, scope, id, p, 'g.chat_id', field));
    return repo.audience(this.pool, sql, p.values);
  }

  private planTargets(rows: { target_id: string; sender: string | null }[]): PlanTarget[] {
    return rows.map((r) => ({ targetId: r.target_id, staffUserid: r.sender, ...(r.sender ? {} : { reason: 'no_relation' as const }) }));
  }

  /** Who would receive it and who would be skipped, and why — nothing is written. */
  async preview(corpId: string, input: BroadcastPreviewInput) {
    this.checkAudience(input.kind, input.audience);
    const content = input.content ? this.content(input.content) : { text: '', attachments: [] };
    const at = this.scheduled(input.scheduledAt) ?? new Date();
    const rows = await this.audienceOf(corpId, input.kind, input.audience);
    const preview = await this.governance.preview({
      corpId, targetKind: input.kind, channel: 'broadcast', via: 'mass', sourceKind: 'broadcast', sourceId: null, content, at, targets: this.planTargets(rows),
      override: input.override ? { by: 'preview', reason: input.override.reason } : null,
    }, (ids) => repo.targetNames(this.pool, corpId, input.kind, ids));
    const senders = new Set(rows.map((r) => r.sender).filter(Boolean));
    const per = input.kind === 'customer' ? MAX_CUSTOMERS_PER_CALL : MAX_GROUPS_PER_CALL;
    const bySender = new Map<string, number>();
    for (const r of rows) if (r.sender) bySender.set(r.sender, (bySender.get(r.sender) ?? 0) + 1);
    const calls = [...bySender.values()].reduce((n, c) => n + Math.ceil(c / per), 0);
    return { ...preview, senders: senders.size, calls };
  }

  /** Sends now or at its schedule. An override of the budget needs the admin role and a reason (audited with the request). */
  async send(p: Principal, id: number, override?: { reason: string }): Promise<Out> {
    const b = await this.get(p.corpId, id);
    if (override && p.role !== 'admin') throw AppError.forbidden('only an admin may override the contact budget');
    if (b.status !== 'draft') throw new AppError('conflict', `broadcast ${id} is ${b.status}: only a draft can be sent`);
    const future = b.scheduledAt && b.scheduledAt.getTime() > Date.now() + 30_000;
    const ok = await repo.setStatus(this.pool, p.corpId, id, ['draft'], future ? 'scheduled' : 'planning', { override: override ? { by: p.name, reason: override.reason } : null });
    if (!ok) throw new AppError('conflict', `broadcast ${id} was sent by someone else meanwhile`);
    await this.queue.send(this.runJob, { corpId: p.corpId, id }, { singletonKey: `broadcast:${id}`, ...(future ? { startAfter: b.scheduledAt! } : {}) });
    return this.get(p.corpId, id);
  }

  /** Plans (idempotent: a rerun after a crash plans nothing twice) and issues every send. */
  async run(corpId: string, id: number, phases?: Record<string, number>): Promise<void> {
    let t = Date.now();
    const phase = (name: string) => { if (phases) phases[name] = (phases[name] ?? 0) + Date.now() - t; t = Date.now(); };
    const row = await repo.getBroadcastRow(this.pool, corpId, id);
    if (!row) return;
    if (row.status === 'scheduled') {
      if (row.scheduled_at && row.scheduled_at.getTime() > Date.now() + 30_000) return; // rescheduled: its own job comes later
      if (!(await repo.setStatus(this.pool, corpId, id, ['scheduled'], 'planning'))) return;
    } else if (row.status !== 'planning' && row.status !== 'sending') {
      return;
    }
    if (row.status !== 'sending') {
      t = Date.now();
      const rows = await this.audienceOf(corpId, row.kind, row.audience);
      phase('audience_ms');
      const at = row.scheduled_at && row.scheduled_at > new Date() ? row.scheduled_at : new Date();
      const outcomes = await this.governance.plan({
        corpId, targetKind: row.kind, channel: 'broadcast', via: 'mass', sourceKind: 'broadcast', sourceId: id, content: row.content, at,
        targets: this.planTargets(rows), override: row.override_by ? { by: row.override_by, reason: row.override_reason ?? '' } : null,
      }, { phases });
      phase('governance_ms');
      const sender = new Map(rows.map((r) => [r.target_id, r.sender]));
      const size = row.kind === 'customer' ? MAX_CUSTOMERS_PER_CALL : MAX_GROUPS_PER_CALL;
      if (!(await repo.hasTargets(this.pool, id))) {
        // The first plan: every target written once, with its send (≤ size targets per sender and chunk), in one transaction.
        const perSender = new Map<string, number>();
        const chunks = outcomes.map((o) => {
          const s = sender.get(o.targetId);
          if (o.status === 'skipped' || !s) return null;
          const k = perSender.get(s) ?? 0;
          perSender.set(s, k + 1);
          return Math.floor(k / size);
        });
        await withTransaction(this.pool, (db) => repo.insertPlanned(db, corpId, id, {
          ids: outcomes.map((o) => o.targetId), senders: outcomes.map((o) => sender.get(o.targetId) ?? null),
          statuses: outcomes.map((o) => (o.status === 'skipped' ? 'skipped' : 'planned')), reasons: outcomes.map((o) => o.reason), ledgerIds: outcomes.map((o) => o.ledgerId), chunks,
        }));
        phase('targets_ms');
      } else {
        // A later plan (the audience grew while quiet hours deferred it): new targets, then new chunks after the sender's last.
        for (let i = 0; i < outcomes.length; i += 10_000) {
          const part = outcomes.slice(i, i + 10_000);
          await repo.insertTargets(this.pool, corpId, id, {
            ids: part.map((o) => o.targetId), senders: part.map((o) => sender.get(o.targetId) ?? null),
            statuses: part.map((o) => (o.status === 'skipped' ? 'skipped' : 'planned')), reasons: part.map((o) => o.reason), ledgerIds: part.map((o) => o.ledgerId),
          });
        }
        phase('targets_ms');
        await repo.createSends(this.pool, corpId, id, size);
        phase('sends_ms');
      }
      const planned = outcomes.filter((o) => o.status === 'planned');
      await this.pool.query('UPDATE broadcasts SET audience_count = $2, planned_count = $3, skipped_count = $4 WHERE id = $1',
        [id, outcomes.length, planned.length, outcomes.length - planned.length]);
      // Quiet hours moved the send: issue it when they end.
      const sendAt = planned.length ? Math.min(...planned.slice(0, 1000).map((o) => o.at.getTime())) : Date.now();
      if (sendAt > Date.now() + 30_000) {
        await this.pool.query(`UPDATE broadcasts SET status = 'scheduled', scheduled_at = $2, updated_at = now() WHERE id = $1 AND status = 'planning'`, [id, new Date(sendAt)]);
        await this.queue.send(this.runJob, { corpId, id }, { singletonKey: `broadcast:${id}:${sendAt}`, startAfter: new Date(sendAt) });
        return;
      }
      if (!(await repo.setStatus(this.pool, corpId, id, ['planning', 'scheduled'], 'sending', { sentAt: true }))) return;
      if (!planned.length) await repo.finishDone(this.pool, id);
    }
    await this.dispatch(corpId, id);
  }

  /** Issues every pending send of a broadcast (8 at a time). */
  async dispatch(corpId: string, id: number | null): Promise<number> {
    const pending = await repo.pendingSendIds(this.pool, id, STALE_ISSUING_MS);
    let issued = 0;
    await mapLimit(pending, 8, async (s) => { if (await this.issue(s.corp_id, s.broadcast_id, s.id)) issued++; });
    if (id !== null) await repo.finishDone(this.pool, id);
    return issued;
  }

  /** One add_msg_template, exactly once: claimed first; a stale claim is settled from WeCom's list before calling again. */
  async issue(corpId: string, broadcastId: number, sendId: number): Promise<boolean> {
    const send = await repo.claimSend(this.pool, sendId, STALE_ISSUING_MS);
    if (!send) return false;
    const b = await repo.getBroadcastRow(this.pool, corpId, broadcastId);
    if (!b || b.status !== 'sending') {
      await this.pool.query(`UPDATE broadcast_sends SET status = 'pending' WHERE id = $1 AND status = 'issuing'`, [sendId]);
      return false;
    }
    const client = await this.corps.client(corpId);
    // A claim taken over from a process that died mid-call: WeCom may have made the mass send already.
    if (send.reclaimed && (await this.adoptIssued(client, corpId, b, send, send.prev_issuing_at ?? send.issuing_at ?? new Date()))) return true;
    const ids = await repo.targetIdsOfSend(this.pool, sendId);
    if (!ids.length) {
      await repo.markSendFailed(this.pool, sendId, null, 'no recipients left');
      return false;
    }
    try {
      const res = await client.addMsgTemplate({
        chat_type: b.kind === 'customer' ? 'single' : 'group',
        ...(b.kind === 'customer' ? { external_userid: ids } : { chat_id_list: ids }),
        sender: send.sender_userid,
        ...(b.content.text ? { text: { content: b.content.text } } : {}),
        ...(b.content.attachments.length ? { attachments: toWecomAttachments(b.content.attachments) } : {}),
      });
      if (!(await repo.markIssued(this.pool, sendId, res.msgid))) {
        // Cancelled while the call was in flight: withdraw what WeCom made; nobody is asked to confirm it.
        await client.cancelGroupmsgSend(res.msgid).catch((err: unknown) => this.log.warn({ err, sendId }, 'broadcasts: withdrawing a send cancelled in flight failed'));
        return false;
      }
      const failed = (res.fail_list ?? []).filter((x) => ids.includes(x));
      if (failed.length) await this.governance.settle(corpId, await repo.setTargets(this.pool, broadcastId, failed, 'not_friend', null), 'released');
      await this.confirmTask(corpId, b, send.id, send.sender_userid);
      return true;
    } catch (err) {
      if (err instanceof WecomError && err.kind === 'api') {
        // WeCom refused the call (an errcode): nothing was created; the targets are released.
        await repo.markSendFailed(this.pool, sendId, err.errcode, `${err.api}: ${err.errmsg}`);
        await this.governance.settle(corpId, await repo.closeTargets(this.pool, broadcastId, sendId, 'unsent'), 'released');
        return false;
      }
      // No answer: it may or may not exist in WeCom. Left issuing; the next pass settles it from WeCom's list.
      this.log.warn({ err, corpId, sendId }, 'broadcasts: add_msg_template got no answer; will be settled from get_groupmsg_list_v2');
      throw err;
    }
  }

  /** The sender's task to confirm the mass send in WeCom (once per send). */
  private async confirmTask(corpId: string, b: Row<'broadcasts'>, sendId: number, sender: string): Promise<void> {
    await this.tasks.create(corpId, [{
      kind: 'confirm_mass', ownerUserid: sender, dueAt: new Date(), targetKind: 'none', content: b.content, sourceKind: 'broadcast',
      sourceId: b.id, sourceName: b.name, dedupeKey: `bsend:${sendId}`,
    }]);
  }

  private async adoptIssued(client: WecomClient, corpId: string, b: Row<'broadcasts'>, send: { id: number; sender_userid: string }, claimedAt: Date): Promise<boolean> {
    const msgid = await findMassSend(this.pool, client, corpId, {
      chatType: b.kind === 'customer' ? 'single' : 'group', sender: send.sender_userid, text: b.content.text,
      attachmentTypes: b.content.attachments.map((a) => a.msgtype), since: claimedAt,
    });
    if (!msgid) return false;
    if (await repo.markIssued(this.pool, send.id, msgid)) await this.confirmTask(corpId, b, send.id, send.sender_userid);
    return true;
  }

  /** Reads WeCom's results for issued sends: confirmed or not, and per target sent / not a friend / over WeCom's cap. */
  async poll(limit = 200): Promise<number> {
    const sends = await repo.sendsToPoll(this.pool, POLL_EVERY_MS, limit);
    await mapLimit(sends, 8, async (s) => {
      try { await this.pollOne(s); } catch (err) { this.log.warn({ err, sendId: s.id }, 'broadcasts: poll failed'); }
    });
    return sends.length;
  }

  private async pollOne(s: { id: number; corp_id: string; broadcast_id: number; msgid: string | null; sender_userid: string; issued_at: Date | null; reminders: number; escalated_at: Date | null }): Promise<void> {
    const client = await this.corps.client(s.corp_id);
    let confirmed = false;
    let sendTime: Date | null = null;
    for await (const t of client.iterateGroupmsgTask(s.msgid!)) {
      if (t.userid === s.sender_userid && t.status === 2) { confirmed = true; sendTime = t.send_time ? new Date(t.send_time * 1000) : null; }
    }
    const b = await repo.getBroadcastRow(this.pool, s.corp_id, s.broadcast_id);
    if (!b) return;
    if (!confirmed) {
      await this.remindOrEscalate(client, b, s);
      return;
    }
    const by: Record<'sent' | 'not_friend' | 'over_cap' | 'unsent', { ids: string[]; at: (Date | null)[] }> = { sent: { ids: [], at: [] }, not_friend: { ids: [], at: [] }, over_cap: { ids: [], at: [] }, unsent: { ids: [], at: [] } };
    for await (const r of client.iterateGroupmsgSendResult(s.msgid!, s.sender_userid)) {
      const id = r.external_userid ?? r.chat_id;
      if (!id) continue;
      const k = r.status === 1 ? 'sent' : r.status === 2 ? 'not_friend' : r.status === 3 ? 'over_cap' : 'unsent';
      by[k].ids.push(id);
      by[k].at.push(r.send_time ? new Date(r.send_time * 1000) : sendTime);
    }
    if (b.origin === 'wecom') {
      // Not planned by Pond: what WeCom delivered is recorded against the budget now.
      await this.pool.query(
        `INSERT INTO broadcast_targets (corp_id, broadcast_id, target_id, sender_userid, send_id, status, sent_at)
         SELECT $1, $2, x.id, $3, $4, 'sent', x.at FROM unnest($5::text[], $6::timestamptz[]) AS x(id, at) ON CONFLICT DO NOTHING`,
        [s.corp_id, b.id, s.sender_userid, s.id, by.sent.ids, by.sent.at]);
      await this.governance.recordSent({ corpId: s.corp_id, targetKind: b.kind, channel: 'wecom', via: 'mass', sourceKind: 'broadcast', sourceId: b.id, staffUserid: s.sender_userid, content: b.content, targets: by.sent.ids.map((id, i) => ({ targetId: id, at: by.sent.at[i] ?? new Date() })) });
    } else {
      const sentLedger = await repo.setTargets(this.pool, b.id, by.sent.ids, 'sent', by.sent.at);
      // The ledger's time becomes when WeCom delivered it.
      await this.governance.settle(s.corp_id, sentLedger, 'sent', by.sent.at.find((x) => x) ?? new Date());
      await this.governance.settle(s.corp_id, await repo.setTargets(this.pool, b.id, by.not_friend.ids, 'not_friend', null), 'released');
      await this.governance.settle(s.corp_id, await repo.setTargets(this.pool, b.id, by.over_cap.ids, 'over_cap', null), 'released');
      await repo.setTargets(this.pool, b.id, by.unsent.ids, 'unsent', null);
    }
    if (await repo.markConfirmed(this.pool, s.id, { sent: by.sent.ids.length, notFriend: by.not_friend.ids.length, overCap: by.over_cap.ids.length }, sendTime)) {
      // Whatever the staff member left unsent will not go out from this send: its budget is freed.
      if (b.origin === 'pond') await this.governance.settle(s.corp_id, await repo.closeTargets(this.pool, b.id, s.id, 'unsent'), 'released');
      await this.tasks.endOfSource(s.corp_id, 'broadcast', b.id, 'done', { via: 'wecom', ownerUserid: s.sender_userid, dedupePrefix: `bsend:${s.id}` });
    }
    await repo.finishDone(this.pool, b.id);
  }

  private async remindOrEscalate(client: WecomClient, b: Row<'broadcasts'>, s: { id: number; corp_id: string; msgid: string | null; sender_userid: string; issued_at: Date | null; reminders: number; escalated_at: Date | null }): Promise<void> {
    if (!s.issued_at) return;
    const next = b.remind_after[s.reminders];
    const since = (Date.now() - s.issued_at.getTime()) / 60_000;
    if (next !== undefined && since >= next && s.reminders < 3) {
      if (await repo.recordReminder(this.pool, s.id, s.reminders)) {
        try { await client.remindGroupmsgSend(s.msgid!); } catch (err) { this.log.warn({ err, sendId: s.id }, 'broadcasts: remind failed'); }
      }
      return;
    }
    const last = b.remind_after[b.remind_after.length - 1] ?? 60;
    if (next === undefined && since >= last + 60 && !s.escalated_at && (await repo.markEscalated(this.pool, s.id))) {
      await this.pool.query(
        `INSERT INTO alerts (corp_id, kind, message, data, dedupe_key) VALUES ($1, 'broadcast_unconfirmed', $2, $3, $4) ON CONFLICT DO NOTHING`,
        [s.corp_id, `群发「${b.name}」员工 ${s.sender_userid} 未确认发送 / ${s.sender_userid} has not confirmed broadcast "${b.name}"`, JSON.stringify({ broadcastId: b.id, userid: s.sender_userid }), `broadcast_unconfirmed:${s.id}`]);
    }
  }

  /** Cancels: unconfirmed sends are cancelled in WeCom, nothing more goes out, planned budget is released. */
  async cancel(corpId: string, id: number): Promise<Out> {
    const b = await this.get(corpId, id);
    if (!(await repo.setStatus(this.pool, corpId, id, ['draft', 'scheduled', 'planning', 'sending'], 'cancelled'))) {
      throw new AppError('conflict', `broadcast ${id} is ${b.status}: it cannot be cancelled`);
    }
    const open = await repo.openSendsOf(this.pool, id);
    const client = open.some((s) => s.msgid) ? await this.corps.client(corpId) : null;
    for (const s of open) {
      if (s.msgid && client) {
        try { await client.cancelGroupmsgSend(s.msgid); } catch (err) { this.log.warn({ err, sendId: s.id }, 'broadcasts: cancel in WeCom failed'); }
      }
    }
    await repo.cancelSends(this.pool, id);
    await this.governance.settle(corpId, await repo.closeTargets(this.pool, id, null, 'cancelled'), 'released');
    await this.tasks.endOfSource(corpId, 'broadcast', id, 'cancelled');
    return this.get(corpId, id);
  }

  /** Reminds every unconfirmed sender now (counts against WeCom's 3 per 24 h). */
  async remindNow(corpId: string, id: number): Promise<number> {
    await this.get(corpId, id);
    const open = (await repo.openSendsOf(this.pool, id)).filter((s) => s.status === 'issued' && s.msgid);
    if (!open.length) return 0;
    const client = await this.corps.client(corpId);
    let n = 0;
    for (const s of open) {
      if (s.reminders >= 3) continue;
      if (!(await repo.recordReminder(this.pool, s.id, s.reminders))) continue;
      try {
        await client.remindGroupmsgSend(s.msgid!);
        n++;
      } catch (err) {
        // WeCom refused (its 3 a day were spent): not counted, the others are still reminded.
        await repo.unrecordReminder(this.pool, s.id);
        this.log.warn({ err, sendId: s.id }, 'broadcasts: remind refused');
      }
    }
    return n;
  }

  /** Mass sends made in WeCom itself (not by Pond) in the last day: read back so they count against the budget. */
  async readBack(corpId: string, sinceMs = 86_400_000, settleMs = 2 * STALE_ISSUING_MS): Promise<number> {
    const client = await this.corps.client(corpId);
    const end = Math.floor(Date.now() / 1000);
    const start = end - Math.floor(sinceMs / 1000);
    let n = 0;
    // A send of Pond's own whose msgid is not recorded yet (its call in flight, or its process gone) must not be taken for
    // WeCom's: nothing is read back while one is issuing, nor anything younger than a stale claim.
    if (await repo.anyIssuing(this.pool, corpId)) return 0;
    const settled = Math.floor((Date.now() - settleMs) / 1000);
    for (const chatType of ['single', 'group'] as const) {
      for await (const m of client.iterateGroupmsgListV2({ chat_type: chatType, start_time: start, end_time: end, filter_type: 2 })) {
        if (Number(m.create_time) > settled) continue;
        // Pond's own are known by msgid.
        if (await repo.readBackExists(this.pool, corpId, m.msgid)) continue;
        const senders: string[] = [];
        for await (const t of client.iterateGroupmsgTask(m.msgid)) senders.push(t.userid);
        if (!senders.length) continue;
        const content: Content = { text: m.text?.content ?? '', attachments: [] };
        const at = new Date(Number(m.create_time) * 1000);
        // The broadcast and its sends together: a read-back interrupted half way leaves nothing to read back twice.
        const made = await withTransaction(this.pool, async (db) => {
          const id = await repo.insertReadBack(db, corpId, chatType === 'single' ? 'customer' : 'group', m.msgid, content, at, m.creator ?? null);
          if (id) for (const u of senders) await repo.insertReadBackSend(db, corpId, id, u, m.msgid, at);
          return id;
        });
        if (made) n++;
      }
    }
    return n;
  }

  /** One pass of the broadcasts' clock (the job runs it every minute; tests call it). */
  async tick(now: Date): Promise<void> {
    for (const b of await repo.dueScheduled(this.pool, now)) {
      await this.queue.send(this.runJob, { corpId: b.corp_id, id: b.id }, { singletonKey: `broadcast:${b.id}` });
    }
    await this.dispatch('', null).catch((err: unknown) => this.log.warn({ err }, 'broadcasts: dispatch failed'));
    await this.poll();
    for (const s of await repo.staleUnconfirmed(this.pool, new Date(now.getTime() - UNCONFIRMED_DAYS * 86_400_000))) {
      await this.governance.settle(s.corp_id, await repo.closeTargets(this.pool, s.broadcast_id, s.id, 'unsent'), 'released');
      await repo.finishDone(this.pool, s.broadcast_id);
    }
    for (const corpId of await repo.corpsWithBroadcasts(this.pool)) {
      const last = this.lastReadBack.get(corpId) ?? 0;
      if (now.getTime() - last < 10 * 60_000) continue;
      this.lastReadBack.set(corpId, now.getTime());
      await this.readBack(corpId).catch((err: unknown) => this.log.warn({ err, corpId }, 'broadcasts: read-back failed'));
    }
  }
}

function toSendRow(s: Awaited<ReturnType<typeof repo.sendsOf>>[number]): BroadcastSendRowOutput {
  return {
    id: s.id, senderUserid: s.sender_userid, senderName: s.sender_name ?? s.sender_userid, chunk: s.chunk, msgid: s.msgid, status: s.status,
    targetCount: s.target_count, sentCount: s.sent_count, notFriendCount: s.not_friend_count, overCapCount: s.over_cap_count, reminders: s.reminders,
    issuedAt: s.issued_at, confirmedAt: s.confirmed_at, error: s.error,
  };
}

function toBroadcast(r: repo.BroadcastRow): BroadcastOutput {
  return {
    id: r.id, kind: r.kind, origin: r.origin, name: r.name, content: r.content, audience: r.audience, scheduledAt: r.scheduled_at, remindAfter: r.remind_after,
    status: r.status, override: r.override_by ? { by: r.override_by, reason: r.override_reason ?? '' } : null,
    audienceCount: r.audience_count, plannedCount: r.planned_count, skippedCount: r.skipped_count,
    results: { sent: r.sent, unsent: r.unsent, notFriend: r.not_friend, overCap: r.over_cap, senders: r.senders, confirmedSenders: r.confirmed_senders },
    sentAt: r.sent_at, error: r.error, createdBy: r.created_by, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}
