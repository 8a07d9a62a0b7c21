// The staff task inbox. Every action Pond asks of a staff member is a task: a 1:1 send (from a playbook step or by
// hand), confirming a mass send, posting a moment. Staff are told by a WeCom app message (a textcard opening the task
// page inside WeCom) when a task falls due, by a daily digest at the corp's time, and see a customer's or group's
// tasks in the chat sidebar, where one tap sends the task's messages and marks it done. Tasks left pending past the
// corp's grace become overdue and are escalated to the owner's store managers. A task's send spends the contact
// budget through its ledger row: done settles it as sent, skipped or cancelled releases it.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { ChatMessage, Content } from '@pond/contracts/content';
import type { TaskOutput as Task, TaskBoard, TaskBoardQuery, TaskCreateInput, TaskDoneVia, TaskListQuery, TaskSource } from '@pond/contracts/tasks';
import type { Scope } from '../../platform/auth';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import { defineClock, EVERY_MINUTE } from '../../platform/queue';
import { addDays, corpZone, dayIn, formatDateTime, zonedTime } from '../../platform/time';
import type { CorpService } from '../org';
import type { GovernanceService } from '../governance';
import type { Row } from '../../platform/db/rows';
import { validateContentAt } from '../welcome';
import * as repo from './repo';
import { WecomError } from '@pond/wecom';
import { withTransaction } from '../../platform/db';

/** WeCom's duplicate check window for task cards (its maximum, 4 hours). */
const APP_MESSAGE_DEDUPE_S = 14_400;
/** A sender holds a queued card this long (longer than a call's time budget); one that died gives it up then. */
const APP_MESSAGE_LEASE_MS = 2 * 60_000;
/** A card not through by then is given up: a later try could fall outside the duplicate check and show twice. */
const APP_MESSAGE_GIVE_UP_MS = APP_MESSAGE_DEDUPE_S * 1000 - 30 * 60_000;

export type NewTask = repo.NewTask;
/** Told when a task of its source ends (done, skipped, cancelled), after the task row changed. */
export type TaskEndListener = (task: Row<'staff_tasks'>, status: 'done' | 'skipped' | 'cancelled') => Promise<void>;

const FILL = /\{(nickname|staff|store)\}/g;

/** A task's content as the JS-SDK's sendChatMessage calls, in order: the text, then each attachment. */
export function chatMessages(content: Content, vars: { nickname: string; staff: string; store: string }, covers: ReadonlyMap<string, string> = new Map()): ChatMessage[] {
  const out: ChatMessage[] = [];
  const text = content.text.replace(FILL, (_, k: 'nickname' | 'staff' | 'store') => vars[k]).trim();
  if (text) out.push({ msgtype: 'text', text: { content: text } });
  for (const a of content.attachments) {
    if (a.msgtype === 'image' && a.image?.media_id) out.push({ msgtype: 'image', image: { mediaid: a.image.media_id } });
    else if (a.msgtype === 'image' && a.image?.pic_url) out.push({ msgtype: 'news', news: { link: a.image.pic_url, title: '图片 Image', desc: '', imgUrl: a.image.pic_url } });
    else if (a.msgtype === 'link' && a.link) out.push({ msgtype: 'news', news: { link: a.link.url, title: a.link.title, desc: a.link.desc ?? '', imgUrl: a.link.picurl ?? '' } });
    else if (a.msgtype === 'miniprogram' && a.miniprogram) out.push({ msgtype: 'miniprogram', miniprogram: { appid: a.miniprogram.appid, title: a.miniprogram.title, imgUrl: covers.get(a.miniprogram.pic_media_id) ?? '', page: a.miniprogram.page } });
    else if (a.msgtype === 'video' && a.video) out.push({ msgtype: 'video', video: { mediaid: a.video.media_id } });
    else if (a.msgtype === 'file' && a.file) out.push({ msgtype: 'file', file: { mediaid: a.file.media_id } });
  }
  return out;
}

export function toTask(r: repo.TaskRow): Task {
  return {
    id: r.id, kind: r.kind, status: r.status, dueAt: r.due_at, ownerUserid: r.owner_userid, ownerName: r.owner_name ?? r.owner_userid,
    target: { kind: r.target_kind, externalUserid: r.external_userid, chatId: r.chat_id, name: r.target_name },
    text: r.content.text, attachmentCount: r.content.attachments.length,
    source: { kind: r.source_kind, id: r.source_id, name: r.source_name },
    doneAt: r.done_at, doneVia: r.done_via, skipReason: r.skip_reason, createdAt: r.created_at,
  };
}

export class TaskService {
  private readonly listeners = new Map<TaskSource, TaskEndListener[]>();

  /** Every minute: tell staff about tasks that fell due, mark overdue ones and escalate them, send the daily digests. */
  readonly tickJob = defineClock('tasks.tick', EVERY_MINUTE, () => this.tick(new Date()));

  constructor(
    private readonly pool: pg.Pool,
    private readonly corps: CorpService,
    private readonly governance: GovernanceService,
    private readonly log: Logger,
    private readonly publicUrl: () => string,
  ) {}

  onEnd(source: TaskSource, fn: TaskEndListener): void {
    this.listeners.set(source, [...(this.listeners.get(source) ?? []), fn]);
  }

  /** Makes tasks (idempotent by dedupe key); returns their ids in order. */
  create(corpId: string, tasks: NewTask[], db: Pick<pg.PoolClient, 'query'> = this.pool): Promise<number[]> {
    return repo.insertTasks(db, corpId, tasks);
  }

  /** A task made by hand: the owner sends `content` to a customer or group; the contact budget is asked first. */
  async createManual(corpId: string, input: TaskCreateInput, by: string): Promise<Task> {
    if (!!input.externalUserid === !!input.chatId) throw AppError.validation('externalUserid', 'name exactly one target: externalUserid or chatId');
    const content = validateContentAt(input.content, 'content');
    const dueAt = input.dueAt ? new Date(input.dueAt) : new Date();
    const targetKind = input.externalUserid ? 'customer' as const : 'group' as const;
    const targetId = (input.externalUserid ?? input.chatId)!;
    // The budget first: the task is made with its outcome (planned and moved out of quiet hours, or skipped and why),
    // so no pending task exists that the budget did not allow.
    const [plan] = await this.governance.plan({
      corpId, targetKind, channel: 'task', via: 'chat', sourceKind: 'task', sourceId: null, content, at: dueAt,
      targets: [{ targetId, staffUserid: input.ownerUserid, ref: randomUUID() }],
    });
    const skipped = plan?.status === 'skipped';
    const [id] = await this.create(corpId, [{
      kind: 'send', ownerUserid: input.ownerUserid, dueAt: plan && !skipped ? plan.at : dueAt, targetKind, externalUserid: input.externalUserid ?? null,
      chatId: input.chatId ?? null, content, sourceKind: 'manual', sourceName: '手动任务 Manual', createdBy: by,
      ledgerId: skipped ? null : plan?.ledgerId ?? null, skipReason: skipped ? plan.reason ?? 'budget' : null,
    }]);
    if (plan?.ledgerId && !skipped) await repo.linkLedger(this.pool, corpId, plan.ledgerId, id);
    return this.get(corpId, id);
  }

  async get(corpId: string, id: number): Promise<Task> {
    const row = await repo.getTask(this.pool, corpId, id);
    if (!row) throw AppError.notFound(`task ${id}`);
    return toTask(row);
  }

  async list(scope: Scope, q: TaskListQuery & { limit: number; offset: number }): Promise<{ items: Task[]; total: number }> {
    const { rows, total } = await repo.listTasks(this.pool, scope, {
      ...q, open: q.open === undefined ? undefined : q.open === 'true', sourceId: q.sourceId === undefined ? undefined : Number(q.sourceId),
    });
    return { items: rows.map(toTask), total };
  }

  /** The task's messages for sendChatMessage, placeholders filled for its target. */
  async messages(corpId: string, id: number): Promise<ChatMessage[]> {
    const row = await repo.getTask(this.pool, corpId, id);
    if (!row) throw AppError.notFound(`task ${id}`);
    const vars = await repo.placeholderValues(this.pool, corpId, row.owner_userid, row.external_userid);
    // A mini-program card shows its cover by URL in the JS-SDK: the media library's picture of that media id.
    const covers = await repo.coverUrls(this.pool, corpId, row.content.attachments.flatMap((a) => (a.miniprogram ? [a.miniprogram.pic_media_id] : [])));
    return chatMessages(row.content, vars, covers);
  }

  /**
   * Done by a person (idempotent: a second call answers the task as it is). Its ledger row is settled as sent. A mass
   * send to confirm or a moment to post is done when Pond reads WeCom's confirmation, not on anyone's word (409).
   */
  async done(corpId: string, id: number, via: TaskDoneVia): Promise<Task> {
    const t = await this.get(corpId, id);
    if ((t.kind === 'confirm_mass' || t.kind === 'post_moment') && via !== 'wecom' && (t.status === 'pending' || t.status === 'overdue')) {
      throw new AppError('conflict', t.kind === 'confirm_mass'
        ? '确认群发后自动完成：请在企业微信群发助手中发送 (done by itself once the mass send is confirmed in WeCom)'
        : '发表朋友圈后自动完成：请在企业微信客户朋友圈中发表 (done by itself once the moment is posted in WeCom)');
    }
    const ended = await repo.endTask(this.pool, corpId, id, 'done', { via });
    if (ended) await this.afterEnd(ended, 'done');
    return this.get(corpId, id);
  }

  async skip(corpId: string, id: number, reason: string): Promise<Task> {
    const ended = await repo.endTask(this.pool, corpId, id, 'skipped', { reason });
    if (!ended) {
      const t = await this.get(corpId, id);
      if (t.status !== 'skipped') throw new AppError('conflict', `task ${id} is ${t.status}: only an open task can be skipped`);
      return t;
    }
    await this.afterEnd(ended, 'skipped');
    return this.get(corpId, id);
  }

  /** Ends the open tasks of a source (a send confirmed in WeCom: done; a cancelled broadcast or an exited enrolment: cancelled). */
  async endOfSource(corpId: string, sourceKind: TaskSource, sourceId: number, status: 'done' | 'cancelled', opts: { via?: TaskDoneVia; ownerUserid?: string; dedupePrefix?: string } = {}): Promise<number> {
    const rows = await repo.endTasksOfSource(this.pool, corpId, sourceKind, sourceId, status, opts.via ?? null, opts);
    for (const r of rows) await this.afterEnd(r, status);
    return rows.length;
  }

  /** Open tasks of a source move to another staff member (a customer handed over): not yet done, so theirs to do now. */
  reassign(corpId: string, sourceKind: TaskSource, sourceId: number, dedupePrefix: string, ownerUserid: string): Promise<number> {
    return repo.reassignTasksOfSource(this.pool, corpId, sourceKind, sourceId, dedupePrefix, ownerUserid);
  }

  private async afterEnd(task: Row<'staff_tasks'>, status: 'done' | 'skipped' | 'cancelled'): Promise<void> {
    if (task.ledger_id) await this.governance.settle(task.corp_id, [task.ledger_id], status === 'done' ? 'sent' : 'released');
    for (const fn of this.listeners.get(task.source_kind) ?? []) await fn(task, status);
  }

  async board(scope: Scope, q: TaskBoardQuery): Promise<TaskBoard> {
    const tz = await corpZone(this.pool, scope.corpId);
    const today = dayIn(new Date(), tz);
    const from = q.from ?? addDays(today, -6);
    const to = q.to ?? today;
    if (to < from) throw AppError.validation('to', 'must not be before from');
    if (addDays(from, 92) < to) throw AppError.validation('to', 'at most 92 days after from');
    const rows = await repo.board(this.pool, scope, zonedTime(from, '00:00', tz), zonedTime(addDays(to, 1), '00:00', tz));
    const rate = (done: number, due: number) => (due ? Math.round((done / due) * 1000) / 1000 : 0);
    const stores = new Map<string, TaskBoard['stores'][number]>();
    const total = { due: 0, done: 0, overdue: 0, skipped: 0, pending: 0, completion: 0 };
    for (const r of rows) {
      const key = String(r.store_id);
      const s = stores.get(key) ?? { storeId: r.store_id, storeName: r.store_name, due: 0, done: 0, overdue: 0, skipped: 0, pending: 0, completion: 0 };
      for (const k of ['due', 'done', 'overdue', 'skipped', 'pending'] as const) { s[k] += r[k]; total[k] += r[k]; }
      stores.set(key, s);
    }
    for (const s of stores.values()) s.completion = rate(s.done, s.due);
    total.completion = rate(total.done, total.due);
    return {
      from, to,
      staff: rows.map((r) => ({ userid: r.userid, name: r.name, storeId: r.store_id, storeName: r.store_name, due: r.due, done: r.done, overdue: r.overdue, skipped: r.skipped, pending: r.pending, completion: rate(r.done, r.due) })),
      stores: [...stores.values()].sort((a, b) => b.due - a.due),
      total,
    };
  }

  /** One pass of the inbox's clock (the job runs it every minute; tests call it with their own time). */
  async tick(now: Date): Promise<{ notified: number; overdue: number; digests: number }> {
    const notified = await this.notifyDue(now);
    const overdue = await this.escalateOverdue(now);
    const digests = await this.sendDigests(now);
    return { notified, overdue, digests };
  }

  private taskUrl(corpId: string, id?: number): string {
    const u = new URL(`/tasks/${encodeURIComponent(corpId)}`, this.publicUrl());
    if (id) u.searchParams.set('task', String(id));
    return u.toString();
  }

  /**
   * A textcard to members, sent for the outbox (flushAppMessages) only. WeCom's duplicate check is on (the same card to the same member within 4 hours reaches them
   * once), so a card retried after a failure whose first try did get through is not shown twice. Returns whether to
   * try again later: WeCom busy, or no answer; a refusal (an errcode: the member can't receive it) is final.
   */
  private async appMessage(corpId: string, touser: string[], title: string, description: string, url: string): Promise<'sent' | 'retry' | 'failed'> {
    if (!touser.length) return 'sent';
    try {
      const client = await this.corps.client(corpId);
      for (let i = 0; i < touser.length; i += 1000) {
        await client.messageSend({
          touser: touser.slice(i, i + 1000).join('|'), msgtype: 'textcard', textcard: { title, description, url, btntxt: '查看' },
          enable_duplicate_check: 1, duplicate_check_interval: APP_MESSAGE_DEDUPE_S,
        }, { noWait: true });
      }
      return 'sent';
    } catch (err) {
      // A reminder that could not go out is logged; the task stays in the inbox, the sidebar and the digest.
      const final = err instanceof WecomError && err.kind === 'api' && !err.isBusy && !err.isTokenError;
      this.log.warn({ err, corpId, final }, 'tasks: app message failed');
      return final ? 'failed' : 'retry';
    }
  }

  /**
   * Every card Pond sends to staff goes through the app-message outbox: queued (in the caller's transaction when one is
   * given, so that the card and what it reports commit together; a key queued before is left as it is), then sent by
   * `flushAppMessages` — at once by the caller after its commit, or by the inbox's next minutely pass.
   */
  async queueAppMessages(corpId: string, list: repo.QueuedAppMessage[], opts: { db?: Pick<pg.PoolClient, 'query'>; now?: Date } = {}): Promise<void> {
    await repo.queueAppMessages(opts.db ?? this.pool, corpId, opts.now ?? new Date(), list);
  }

  /**
   * Tells each owner about tasks that fell due: the tasks are claimed and their cards queued in one transaction (one
   * card per owner per pass), then sent until WeCom has them (flushAppMessages).
   */
  async notifyDue(now: Date): Promise<number> {
    let n = 0;
    for (;;) {
      const claimed = await withTransaction(this.pool, async (db) => {
        const rows = await repo.claimToNotify(db, now, 2000);
        const byOwner = new Map<string, typeof rows>();
        for (const t of rows) {
          const key = `${t.corp_id}\u0000${t.owner_userid}`;
          byOwner.set(key, [...(byOwner.get(key) ?? []), t]);
        }
        for (const tasks of byOwner.values()) {
          const first = tasks[0];
          const tz = await corpZone(db, first.corp_id);
          const title = tasks.length === 1 ? `新任务 New task：${first.source_name || kindLabel(first.kind)}` : `${tasks.length} 个新任务 New tasks`;
          const desc = tasks.length === 1
            ? `${kindLabel(first.kind)} · 截止 Due ${formatDateTime(first.due_at, tz)}`
            : `${[...new Set(tasks.map((t) => t.source_name || kindLabel(t.kind)))].slice(0, 3).join('、')} · ${formatDateTime(first.due_at, tz)}`;
          await repo.queueAppMessages(db, first.corp_id, now, [{
            key: `task:${first.id}`, touser: first.owner_userid, title, description: desc, url: this.taskUrl(first.corp_id, tasks.length === 1 ? first.id : undefined),
          }]);
        }
        return rows.length;
      });
      n += claimed;
      if (claimed < 2000) break;
    }
    await this.flushAppMessages(now);
    return n;
  }

  /**
   * Sends queued app messages (exactly once as staff see them): each is claimed with a lease and marked sent only after
   * WeCom answered. A failure that may pass (WeCom busy, no answer, a timeout after WeCom had it) is tried again later
   * with the same card, which WeCom's duplicate check shows once; a refusal is final; a card still not through when the
   * check's window is about to close is given up rather than risk showing it twice.
   */
  async flushAppMessages(now: Date): Promise<{ sent: number; retry: number; failed: number }> {
    const out = { sent: 0, retry: 0, failed: 0 };
    for (;;) {
      const rows = await repo.claimAppMessages(this.pool, now, APP_MESSAGE_LEASE_MS, 200);
      for (const m of rows) {
        if (now.getTime() - m.created_at.getTime() > APP_MESSAGE_GIVE_UP_MS) {
          await repo.finishAppMessage(this.pool, m.id, m.attempts, { status: 'failed', error: 'not through within WeCom\'s duplicate-check window' });
          out.failed++;
          continue;
        }
        const r = await this.appMessage(m.corp_id, [m.touser], m.title, m.description, m.url);
        const backoff = Math.min(30_000 * 2 ** (m.attempts - 1), 30 * 60_000);
        await repo.finishAppMessage(this.pool, m.id, m.attempts, r === 'sent' ? { status: 'sent' }
          : r === 'failed' ? { status: 'failed', error: 'refused by WeCom' } : { status: 'pending', nextAt: new Date(now.getTime() + backoff), error: 'no answer or busy; tried again' });
        out[r]++;
      }
      if (rows.length < 200) break;
    }
    return out;
  }

  /** Marks tasks overdue past the corp's grace and tells the owner's store managers (an app message and a console alert). */
  async escalateOverdue(now: Date): Promise<number> {
    const n = await withTransaction(this.pool, async (db) => {
      const rows = await repo.markOverdue(db, now);
      const byCorp = new Map<string, typeof rows>();
      for (const r of rows) byCorp.set(r.corp_id, [...(byCorp.get(r.corp_id) ?? []), r]);
      for (const [corpId, tasks] of byCorp) await this.tellManagers(db, corpId, tasks, now);
      return rows.length;
    });
    if (n) await this.flushAppMessages(now);
    return n;
  }

  /**
   * Escalates open tasks now, before the corp's grace has passed (a source with its own clock: an unanswered customer
   * question). Marks them overdue (once: tasks already escalated are left alone) and tells the owners' store managers.
   */
  async escalateNow(corpId: string, ids: number[], now: Date): Promise<number> {
    const n = await withTransaction(this.pool, async (db) => {
      const rows = await repo.markOverdueNow(db, corpId, ids, now);
      if (rows.length) await this.tellManagers(db, corpId, rows, now);
      return rows.length;
    });
    if (n) await this.flushAppMessages(now);
    return n;
  }

  /** Queues the managers' cards and the console alert, in the transaction that escalated the tasks. */
  private async tellManagers(db: pg.PoolClient, corpId: string, tasks: { id: number; owner_userid: string }[], now: Date): Promise<void> {
    const owners = [...new Set(tasks.map((t) => t.owner_userid))];
    const managers = await repo.managersOf(db, corpId, owners);
    const byManager = new Map<string, string[]>();
    for (const m of managers) byManager.set(m.manager, [...(byManager.get(m.manager) ?? []), m.owner]);
    const first = Math.min(...tasks.map((t) => t.id));
    await repo.queueAppMessages(db, corpId, now, [...byManager].map(([manager, mine]) => {
      const count = tasks.filter((t) => mine.includes(t.owner_userid)).length;
      return {
        key: `overdue:${manager}:${first}`, touser: manager, title: `${count} 个任务已逾期 Overdue tasks`,
        description: `${mine.slice(0, 5).join('、')} 有任务逾期未完成 · ${count} task(s) overdue`, url: this.taskUrl(corpId),
      };
    }));
    await repo.insertAlert(db, corpId, 'tasks_overdue', `${tasks.length} 个员工任务逾期 / ${tasks.length} staff task(s) overdue`,
      { owners, count: tasks.length }, `tasks_overdue:${dayIn(now, 'UTC')}:${tasks[0].id}`);
  }

  /** The daily digest: once per corp and local day, after the corp's digest time, to every owner with open tasks. */
  async sendDigests(now: Date): Promise<number> {
    const n = await withTransaction(this.pool, async (db) => {
      let queued = 0;
      for (const { corp_id: corpId, day } of await repo.claimDigests(db, now)) {
        const counts = await repo.openCountsByOwner(db, corpId, now);
        await repo.queueAppMessages(db, corpId, now, counts.map((c) => ({
          key: `digest:${day}:${c.owner_userid}`, touser: c.owner_userid, title: `今日任务 Today's tasks ${day}`,
          description: `待完成 ${c.due_today} · 已逾期 ${c.overdue} / ${c.due_today} open, ${c.overdue} overdue`, url: this.taskUrl(corpId),
        })));
        await repo.setDigestCount(db, corpId, day, counts.length);
        queued += counts.length;
      }
      return queued;
    });
    if (n) await this.flushAppMessages(now);
    return n;
  }
}

function kindLabel(kind: string): string {
  return kind === 'confirm_mass' ? '确认群发 Confirm a mass send' : kind === 'post_moment' ? '发表朋友圈 Post a moment' : kind === 'review' ? '处理 Review' : '发送消息 Send a message';
}
