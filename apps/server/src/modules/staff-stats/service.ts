// Staff daily stats and group health (issue 15, ADR 0027). A run per corp and day computes, in order: WeCom's group
// statistics by owner (stored in group_owner_stats by the groups module), the day's group rows from Pond's member rows,
// Pond's own figures of every staff member (one statement), then WeCom's behaviour figures one staff member at a time
// (get_user_behavior_data, one call each, under the corp's shared quota), keeping a cursor so a crashed run resumes
// after the last member done. Every write is an upsert: a re-run gives the same rows. When a day is done, silent and
// dying groups raise an alert (once per group, flag and week). Store managers get a weekly digest by app message.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { z } from 'zod';
import { WecomError } from '@pond/wecom';
import type {
  GroupFlag, GroupHealthPage, GroupHealthQuery, StaffMetric, StaffStatsPage, StaffStatsQuery, StatsSettings, StatsSettingsPatch,
} from '@pond/contracts/staff-stats';
import { BACKFILL_MAX_DAYS, STATS_MAX_DAYS } from '@pond/contracts/staff-stats';
import { corpScope, type Scope } from '../../platform/auth';
import { toCsv } from '../../platform/csv';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import { withTransaction } from '../../platform/db';
import { defineClock, EVERY_TEN_MINUTES, type Queue } from '../../platform/queue';
import { addDays, corpZone, dayIn } from '../../platform/time';
import { pullGroupStatsDay } from '../groups';
import type { CorpService } from '../org';
import type { TaskService } from '../tasks';
import * as repo from './repo';

/** Queries as the routes hand them over (coerced, defaults applied); jobs pass a part. */
type StaffQ = Partial<z.output<typeof StaffStatsQuery>>;
type GroupQ = Partial<z.output<typeof GroupHealthQuery>>;

const LEASE_MS = 180_000;
/** A run that failed this many times stops being retried (the console shows it; a backfill queues it again). */
const MAX_ATTEMPTS = 8;
/** One pass of the clock works this long at most; the next pass (or the one a backfill queues) continues. */
const PASS_BUDGET_MS = 8 * 60_000;

/** Unix seconds of 00:00 Beijing time of a date: WeCom's statistics count Beijing days (WECOM.md §13). */
const wecomDayStart = (day: string): number => Date.parse(`${day}T00:00:00+08:00`) / 1000;

export type BehaviorFetcher = (corpId: string, userid: string, day: string) => Promise<repo.BehaviorFigures | null>;

export interface StaffStatsDeps {
  pool: pg.Pool;
  corps: CorpService;
  tasks: Pick<TaskService, 'queueAppMessages' | 'flushAppMessages'>;
  queue?: Queue;
  log: Logger;
  publicUrl: () => string;
  /** Tests: stand in for WeCom's behaviour call (count calls, crash mid-run). */
  behavior?: BehaviorFetcher;
}

function period(q: { from?: string; to?: string }, tz: string, now = new Date()): { from: string; to: string } {
  const to = q.to ?? addDays(dayIn(now, tz), -1);
  const from = q.from ?? addDays(to, -6);
  if (from > to) throw AppError.validation('from', 'must not be after to');
  if (addDays(from, STATS_MAX_DAYS) <= to) throw AppError.validation('from', `the period is at most ${STATS_MAX_DAYS} days`);
  return { from, to };
}

const METRIC_COLUMN: Record<StaffMetric, keyof repo.SumsRow> = {
  added: 'added', deletedByCustomer: 'deleted_by_customer', deletedByStaff: 'deleted_by_staff', newContactCnt: 'new_contact_cnt', newApplyCnt: 'new_apply_cnt',
  chatCnt: 'chat_cnt', messageCnt: 'message_cnt', replyPercentage: 'reply_percentage', avgReplyTime: 'avg_reply_time', negativeFeedbackCnt: 'negative_feedback_cnt',
  groupsCreated: 'groups_created', groupsTotal: 'groups_total', groupMembers: 'group_members', groupNewMembers: 'group_new_members',
  groupMembersSpoke: 'group_members_spoke', tasksDone: 'tasks_done', tasksOverdue: 'tasks_overdue', broadcastsConfirmed: 'broadcasts_confirmed',
  momentsPosted: 'moments_posted', momentReach: 'moment_reach', orders: 'orders', gmv: 'gmv',
};

const CSV_COLUMNS: { key: string; header: string }[] = [
  { key: 'key', header: 'ID' }, { key: 'name', header: '名称 name' }, { key: 'storeName', header: '门店 store' }, { key: 'days', header: '天数 days' },
  { key: 'added', header: '新增客户 added' }, { key: 'deletedByCustomer', header: '被客户删除 deleted by customer' },
  { key: 'deletedByStaff', header: '删除客户 deleted by staff' }, { key: 'newContactCnt', header: '企微新增 new contacts (WeCom)' },
  { key: 'newApplyCnt', header: '主动申请 friend requests' }, { key: 'chatCnt', header: '聊天数 chats' }, { key: 'messageCnt', header: '发送消息 messages' },
  { key: 'replyPercentage', header: '回复率% reply rate' }, { key: 'avgReplyTime', header: '平均首次回复(分) avg reply minutes' },
  { key: 'negativeFeedbackCnt', header: '删除/拉黑 negative feedback' }, { key: 'groupsCreated', header: '新建群 groups created' },
  { key: 'groupsTotal', header: '群总数 groups' }, { key: 'groupMembers', header: '群成员 group members' }, { key: 'groupNewMembers', header: '新入群 new members' },
  { key: 'groupMembersSpoke', header: '发言成员 members who spoke' }, { key: 'tasksDone', header: '完成任务 tasks done' },
  { key: 'tasksOverdue', header: '逾期任务 tasks overdue' }, { key: 'broadcastsConfirmed', header: '确认群发 broadcasts confirmed' },
  { key: 'momentsPosted', header: '发表朋友圈 moments posted' }, { key: 'momentReach', header: '朋友圈触达 moment reach' },
  { key: 'orders', header: '订单 orders' }, { key: 'gmv', header: 'GMV (元 yuan)' },
];

const round = (n: number | null, digits = 2) => (n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits);

export function figuresOf(r: repo.SumsRow) {
  return {
    added: r.added, deletedByCustomer: r.deleted_by_customer, deletedByStaff: r.deleted_by_staff, newContactCnt: r.new_contact_cnt, newApplyCnt: r.new_apply_cnt,
    chatCnt: r.chat_cnt, messageCnt: r.message_cnt, replyPercentage: round(r.reply_percentage), avgReplyTime: round(r.avg_reply_time, 1),
    negativeFeedbackCnt: r.negative_feedback_cnt, groupsCreated: r.groups_created, groupsTotal: r.groups_total, groupMembers: r.group_members,
    groupNewMembers: r.group_new_members, groupMembersSpoke: r.group_members_spoke, tasksDone: r.tasks_done, tasksOverdue: r.tasks_overdue,
    broadcastsConfirmed: r.broadcasts_confirmed, momentsPosted: r.moments_posted, momentReach: r.moment_reach, orders: r.orders, gmv: round(r.gmv) ?? 0,
  };
}

/** The silent / dying rules (ADR 0027) on one group's row. */
export function flagsOf(r: repo.GroupHealthRowSql, s: Pick<StatsSettings, 'shrinkPercent'>): GroupFlag[] {
  const flags: GroupFlag[] = [];
  if (r.last_msg_at !== null) {
    // The archive holds this group's messages: silent when none was sent in the window and nobody joined.
    if (r.window_msgs === 0 && r.window_joins === 0) flags.push('silent');
  } else if (r.stats_days > 0 && r.owner_msg_days === 0 && r.window_joins === 0) {
    // Only WeCom's owner statistics: the owner's groups were reported in the window, none had a message, nobody joined this one.
    flags.push('silent');
  }
  // Dying: at least shrinkPercent fewer members than shrinkDays ago, with more leaves than joins since.
  const base = r.members_shrink_base;
  if (base !== null && base > 0 && r.members <= base * (1 - s.shrinkPercent / 100) && r.window_leaves > 0) flags.push('dying');
  return flags;
}

const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

export class StaffStatsService {
  /** Every 10 minutes: make each corp's nightly run once its local time passes, work open runs, send weekly digests. */
  readonly tickJob = defineClock('staffStats.tick', EVERY_TEN_MINUTES, () => this.tick(new Date()), { expireInMinutes: 15 });

  private readonly pool: pg.Pool;

  constructor(private readonly deps: StaffStatsDeps) {
    this.pool = deps.pool;
  }

  async tick(now: Date): Promise<{ runs: number; digests: number }> {
    await repo.ensureNightlyRuns(this.pool, now);
    const runs = await this.workRuns(Date.now() + PASS_BUDGET_MS);
    const digests = await this.sendDigests(now);
    return { runs, digests };
  }

  /** Works open runs until none is left (or the budget is spent). Returns the runs finished. */
  async workRuns(until = Number.POSITIVE_INFINITY): Promise<number> {
    let n = 0;
    while (Date.now() < until) {
      const run = await repo.claimRun(this.pool, randomUUID(), LEASE_MS);
      if (!run) break;
      if (await this.runDay(run)) n++;
    }
    return n;
  }

  /** One corp day, from where it stopped. Returns whether it finished. */
  async runDay(run: repo.RunRow): Promise<boolean> {
    const { corp_id: corpId, day, timezone: tz } = run;
    const lease = { corp_id: corpId, day, lease: run.lease! };
    try {
      if (!run.groups_done) {
        await this.pullGroupStats(corpId, day);
        await repo.upsertGroupDay(this.pool, corpId, day, tz);
        await repo.upsertPondFigures(this.pool, corpId, day, tz);
        if (!await repo.advanceRun(this.pool, lease, { groupsDone: true, leaseMs: LEASE_MS })) return false;
      }
      for (const userid of await repo.staffOfDay(this.pool, corpId, day, tz, run.cursor)) {
        await this.behaviorOf(corpId, userid, day);
        if (!await repo.advanceRun(this.pool, lease, { cursor: userid, leaseMs: LEASE_MS })) return false;
      }
      await repo.finishRun(this.pool, lease, 'done', null);
      await this.raiseAlerts(corpId, day);
      return true;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.deps.log.warn({ err, corpId, day }, 'staff stats: run stopped; it resumes from its cursor');
      await repo.finishRun(this.pool, lease, run.attempts >= MAX_ATTEMPTS ? 'failed' : 'pending', message.slice(0, 500));
      return false;
    }
  }

  private async pullGroupStats(corpId: string, day: string): Promise<void> {
    try {
      await pullGroupStatsDay(this.pool, await this.deps.corps.client(corpId), corpId, day);
    } catch (err) {
      // A refusal (beyond WeCom's 180 days, no permission) leaves the owners' figures at zero; busy or unreachable retries.
      if (!(err instanceof WecomError && err.kind === 'api' && !err.isBusy && !err.isTokenError)) throw err;
      this.deps.log.warn({ err, corpId, day }, 'staff stats: group statistics refused');
    }
  }

  private async behaviorOf(corpId: string, userid: string, day: string): Promise<void> {
    try {
      const d = this.deps.behavior
        ? await this.deps.behavior(corpId, userid, day)
        : await this.fetchBehavior(corpId, userid, day);
      await repo.setBehavior(this.pool, corpId, userid, day, d, null);
    } catch (err) {
      // WeCom refuses this member (not licensed, no customer contact, out of range): record why and go on.
      if (!(err instanceof WecomError && err.kind === 'api' && !err.isBusy && !err.isTokenError)) throw err;
      await repo.setBehavior(this.pool, corpId, userid, day, null, `${err.errcode}`);
    }
  }

  private async fetchBehavior(corpId: string, userid: string, day: string): Promise<repo.BehaviorFigures | null> {
    const client = await this.deps.corps.client(corpId);
    const start = wecomDayStart(day);
    const res = await client.getUserBehaviorData({ userid: [userid], start_time: start, end_time: start });
    return (res.behavior_data ?? []).find((b) => b.stat_time === start) ?? res.behavior_data?.[0] ?? null;
  }

  /** Runs for the last `days` corp days (to yesterday), and the clock started now. */
  async backfill(corpId: string, days: number, by: string): Promise<{ from: string; to: string; queued: number }> {
    if (!Number.isInteger(days) || days < 1 || days > BACKFILL_MAX_DAYS) throw AppError.validation('days', `must be 1–${BACKFILL_MAX_DAYS}`);
    const tz = await corpZone(this.pool, corpId);
    const to = addDays(dayIn(new Date(), tz), -1);
    const list = Array.from({ length: days }, (_, i) => addDays(to, -i));
    const queued = await repo.queueRuns(this.pool, corpId, list, by);
    await this.deps.queue?.send(this.tickJob, {}, { singletonKey: 'backfill' });
    return { from: list[list.length - 1], to, queued };
  }

  async runs(corpId: string) {
    return (await repo.listRuns(this.pool, corpId)).map((r) => ({
      day: r.day, status: r.status, staffDone: r.staff_done, attempts: r.attempts, error: r.error, finishedAt: r.finished_at?.toISOString() ?? null,
    }));
  }

  // ---- reads ----

  async staffStats(scope: Scope, q: StaffQ): Promise<StaffStatsPage> {
    const tz = await corpZone(this.pool, scope.corpId);
    const { from, to } = period(q, tz);
    const p = { from, to, storeId: q.storeId, departmentId: q.departmentId };
    const groupBy = q.groupBy ?? 'staff';
    const metric = q.metric ?? 'added';
    const [rows, totals, daily, state] = await Promise.all([
      repo.staffRollup(this.pool, scope, p, groupBy), repo.staffTotals(this.pool, scope, p), repo.staffDaily(this.pool, scope, p), repo.runState(this.pool, scope.corpId),
    ]);
    const col = METRIC_COLUMN[metric];
    rows.sort((a, b) => (Number(b[col] ?? -1) - Number(a[col] ?? -1)) || a.key.localeCompare(b.key));
    return {
      from, to, groupBy, metric,
      rows: rows.slice(0, q.limit ?? 200).map((r) => ({ key: r.key, name: r.name, storeId: r.store_id, storeName: r.store_name, days: r.days, ...figuresOf(r) })),
      totals: figuresOf(totals),
      daily: daily.map((d) => ({ day: d.day, added: d.added, deleted: d.deleted, chatCnt: d.chat_cnt, messageCnt: d.message_cnt, orders: d.orders, gmv: round(d.gmv) ?? 0 })),
      through: state.through, running: state.running,
    };
  }

  /** The rows of `staffStats` (up to 1000) as CSV, headers in both languages. */
  async exportCsv(scope: Scope, q: StaffQ): Promise<{ filename: string; csv: string }> {
    const page = await this.staffStats(scope, { ...q, limit: 1000 });
    const csv = toCsv(CSV_COLUMNS, page.rows.map((r) => ({ ...r })), await corpZone(this.pool, scope.corpId));
    return { filename: `staff-stats-${page.groupBy}-${page.from}-${page.to}.csv`, csv };
  }

  async groupHealth(scope: Scope, q: GroupQ): Promise<GroupHealthPage> {
    const tz = await corpZone(this.pool, scope.corpId);
    const { from, to } = period(q, tz);
    const s = await repo.getSettings(this.pool, scope.corpId);
    const [rows, activity] = await Promise.all([
      repo.groupHealth(this.pool, scope, { from, to, tz, storeId: q.storeId, tier: q.tier, chatId: q.chatId, silentDays: s.silentDays, shrinkDays: s.shrinkDays, limit: 100_000 }),
      repo.ownerActivity(this.pool, scope, { from, to }),
    ]);
    const days = daysBetween(from, to) + 1;
    const groups = rows.map((r) => {
      const archived = r.last_msg_at !== null;
      // With the archive, the group's own last message; else a message in any of the owner's groups.
      const lastMsg = archived ? dayIn(r.last_msg_at!, tz) : r.last_owner_msg;
      const lastSign = [r.last_join, lastMsg].filter((x): x is string => !!x).sort().pop() ?? null;
      return {
        chatId: r.chat_id, name: r.name, tier: r.tier, ownerUserid: r.owner_userid, ownerName: r.owner_name, storeId: r.store_id,
        membersStart: r.members_start, members: r.members, joins: r.joins, leaves: r.leaves,
        churn: r.members_start > 0 ? round(r.leaves / r.members_start, 4) : null, growth: r.members - r.members_start,
        quietDays: lastSign ? Math.max(0, daysBetween(lastSign, to)) : null,
        flags: flagsOf(r, s),
        activitySource: archived ? 'archive' as const : r.stats_days > 0 ? 'owner' as const : null,
        lastMessageAt: r.last_msg_at?.toISOString() ?? null,
        messages: archived ? r.msgs : null,
        messagesPerDay: archived ? round(r.msgs / days) : null,
        speakers: archived ? r.speakers : null,
      };
    });
    const tiers = new Map<string | null, GroupHealthPage['tiers'][number]>();
    for (const g of groups) {
      const t = tiers.get(g.tier) ?? { tier: g.tier, groups: 0, membersStart: 0, members: 0, joins: 0, leaves: 0, churn: null, growth: 0, silent: 0, dying: 0 };
      t.groups++; t.membersStart += g.membersStart; t.members += g.members; t.joins += g.joins; t.leaves += g.leaves; t.growth += g.growth;
      if (g.flags.includes('silent')) t.silent++;
      if (g.flags.includes('dying')) t.dying++;
      tiers.set(g.tier, t);
    }
    for (const t of tiers.values()) t.churn = t.membersStart > 0 ? round(t.leaves / t.membersStart, 4) : null;
    const listed = groups.filter((g) => !q.flag || g.flags.includes(q.flag))
      .sort((a, b) => b.flags.length - a.flags.length || (b.quietDays ?? 0) - (a.quietDays ?? 0) || a.chatId.localeCompare(b.chatId))
      .slice(0, q.limit ?? 200);
    return {
      from, to, groups: listed,
      tiers: [...tiers.values()].sort((a, b) => (a.tier ?? '').localeCompare(b.tier ?? '')),
      activity: activity.map((a) => ({ day: a.day, chatTotal: a.chat_total, chatHasMsg: a.chat_has_msg, memberTotal: a.member_total, memberHasMsg: a.member_has_msg, msgTotal: a.msg_total })),
      settings: { silentDays: s.silentDays, shrinkDays: s.shrinkDays, shrinkPercent: s.shrinkPercent },
    };
  }

  settings(corpId: string): Promise<StatsSettings> {
    return repo.getSettings(this.pool, corpId);
  }

  async updateSettings(corpId: string, patch: StatsSettingsPatch): Promise<StatsSettings> {
    const cur = await repo.getSettings(this.pool, corpId);
    return repo.putSettings(this.pool, corpId, { ...cur, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) });
  }

  /** Alerts for the silent and dying groups of a finished day: once per group, flag and week (the alert's dedupe key). */
  async raiseAlerts(corpId: string, day: string): Promise<number> {
    const page = await this.groupHealth(corpScope(corpId), { from: day, to: day, limit: 1000 });
    const week = weekOf(day);
    let n = 0;
    for (const g of page.groups) {
      for (const flag of g.flags) {
        const message = flag === 'silent'
          ? `群「${g.name}」已沉默 ${g.quietDays ?? page.settings.silentDays} 天 / Group "${g.name}" has been silent for ${g.quietDays ?? page.settings.silentDays} days`
          : `群「${g.name}」正在流失成员（${page.settings.shrinkDays} 天内减少 ${page.settings.shrinkPercent}% 以上）/ Group "${g.name}" is shrinking`;
        if (await repo.insertAlert(this.pool, corpId, `group_${flag}`, message, { chatId: g.chatId, flag, day }, `group_health:${flag}:${g.chatId}:${week}`)) n++;
      }
    }
    return n;
  }

  // ---- weekly digest ----

  /**
   * Each store manager's digest of last week, once per manager and week: claimed and its card queued in the app-message
   * outbox in one transaction (clocks that run at once wait on the claim and find it taken), then sent by the outbox.
   */
  async sendDigests(now: Date): Promise<number> {
    let n = 0;
    for (const { corp_id: corpId, week } of await repo.corpsDueForDigest(this.pool, now)) {
      n += await withTransaction(this.pool, async (db) => {
        const claimed = await repo.claimDigests(db, corpId, week);
        for (const m of claimed) {
          const from = addDays(week, -7);
          const to = addDays(week, -1);
          const scope: Scope = { corpId, storeIds: m.store_ids, staffUserid: null, principalKey: 'system' };
          const [t, health] = await Promise.all([
            repo.staffTotals(this.pool, scope, { from, to }),
            this.groupHealth(scope, { from, to, limit: 1000 }),
          ]);
          const silent = health.groups.filter((g) => g.flags.includes('silent')).length;
          const dying = health.groups.filter((g) => g.flags.includes('dying')).length;
          const url = new URL('/stats/staff', this.deps.publicUrl());
          url.searchParams.set('from', from);
          url.searchParams.set('to', to);
          const desc = `${from} ~ ${to}<br>新增客户 Added ${t.added} · 流失 Lost ${t.deleted_by_customer + t.deleted_by_staff}<br>`
            + `聊天 Chats ${t.chat_cnt} · 订单 Orders ${t.orders} · GMV ¥${(round(t.gmv) ?? 0).toFixed(2)}<br>沉默群 Silent groups ${silent} · 流失群 Dying ${dying}`;
          await this.deps.tasks.queueAppMessages(corpId, [{
            key: `store_digest:${week}:${m.manager_userid}`, touser: m.manager_userid, title: `门店周报 Weekly store report ${from}`, description: desc, url: url.toString(),
          }], { db, now });
          await repo.settleDigest(db, corpId, m.manager_userid, week, 'queued');
        }
        return claimed.length;
      });
    }
    if (n) await this.deps.tasks.flushAppMessages(now);
    return n;
  }
}

/** The Monday (YYYY-MM-DD) of the ISO week of a day. */
export function weekOf(day: string): string {
  const dow = new Date(`${day}T00:00:00Z`).getUTCDay() || 7;
  return addDays(day, 1 - dow);
}
