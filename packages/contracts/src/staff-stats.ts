// Measure (issue 15, ADR 0027): staff daily stats (WeCom's behaviour and group figures with Pond's own counts, per staff
// member and corp day), rolled up by store and department, the leaderboard, group health (members, joins, leaves, churn,
// growth per group and tier; silent and dying groups), the corp's thresholds and the weekly digest to store managers.
import { z } from 'zod';
import { ChatId, Day, Int4, Int4Param } from './common';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:mm (00:00–23:59)');

/** The figures of a staff member's day, in the order the console shows them. */
export const STAFF_METRICS = [
  'added', 'deletedByCustomer', 'deletedByStaff', 'newContactCnt', 'newApplyCnt', 'chatCnt', 'messageCnt', 'replyPercentage', 'avgReplyTime',
  'negativeFeedbackCnt', 'groupsCreated', 'groupsTotal', 'groupMembers', 'groupNewMembers', 'groupMembersSpoke', 'tasksDone', 'tasksOverdue',
  'broadcastsConfirmed', 'momentsPosted', 'momentReach', 'orders', 'gmv',
] as const;
export type StaffMetric = (typeof STAFF_METRICS)[number];

/** Longest period one query covers (WeCom keeps 180 days; a year of Pond's own figures). */
export const STATS_MAX_DAYS = 366;
/** The backfill goes back at most as far as WeCom keeps behaviour data. */
export const BACKFILL_MAX_DAYS = 180;

export const StatsPeriodQuery = z.object({
  /** First corp day (YYYY-MM-DD); default 7 days before `to`. */
  from: Day.optional(),
  /** Last corp day; default yesterday. */
  to: Day.optional(),
  storeId: Int4Param(1).optional(),
  departmentId: Int4Param(1).optional(),
});
export type StatsPeriodQuery = z.input<typeof StatsPeriodQuery>;

export const StaffStatsQuery = StatsPeriodQuery.extend({
  /** Per staff member (default), or rolled up per store or department. */
  groupBy: z.enum(['staff', 'store', 'department'], { error: 'must be staff, store or department' }).default('staff'),
  /** The leaderboard's order (descending). */
  metric: z.enum(STAFF_METRICS, { error: `must be one of ${STAFF_METRICS.join(', ')}` }).default('added'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type StaffStatsQuery = z.input<typeof StaffStatsQuery>;

const figures = {
  added: z.number(), deletedByCustomer: z.number(), deletedByStaff: z.number(),
  newContactCnt: z.number(), newApplyCnt: z.number(), chatCnt: z.number(), messageCnt: z.number(),
  /** Percent (0–100) of customer-started chats replied the same day, weighted by days with chats; null without any. */
  replyPercentage: z.number().nullable(),
  /** Minutes, averaged over the days WeCom reported one; null without any. */
  avgReplyTime: z.number().nullable(),
  negativeFeedbackCnt: z.number(),
  groupsCreated: z.number(),
  /** Groups and group members at the period's last day (WeCom's totals are cumulative). */
  groupsTotal: z.number(), groupMembers: z.number(),
  groupNewMembers: z.number(), groupMembersSpoke: z.number(),
  tasksDone: z.number(), tasksOverdue: z.number(), broadcastsConfirmed: z.number(), momentsPosted: z.number(), momentReach: z.number(),
  orders: z.number(),
  /** Yuan, net of refunds, of the orders attributed (ADR 0027). */
  gmv: z.number(),
};

export const StaffStatsRow = z.object({
  /** The staff userid, the store id or the department id (as text), by `groupBy`. */
  key: z.string(),
  name: z.string(),
  storeId: z.number().nullable(),
  storeName: z.string().nullable(),
  days: z.number().int(),
  ...figures,
});
export type StaffStatsRow = z.infer<typeof StaffStatsRow>;

export const StaffStatsPage = z.object({
  from: Day, to: Day,
  groupBy: z.enum(['staff', 'store', 'department']),
  metric: z.enum(STAFF_METRICS),
  rows: z.array(StaffStatsRow),
  totals: z.object(figures),
  /** Per corp day, summed over the rows the caller sees (the chart). */
  daily: z.array(z.object({ day: Day, added: z.number(), deleted: z.number(), chatCnt: z.number(), messageCnt: z.number(), orders: z.number(), gmv: z.number() })),
  /** The latest day computed, and whether a run is still open. */
  through: Day.nullable(),
  running: z.number().int(),
});
export type StaffStatsPage = z.infer<typeof StaffStatsPage>;

export const BackfillBody = z.object({
  days: z.number({ error: 'must be a number of days' }).int('must be a whole number of days').min(1, 'at least 1 day').max(BACKFILL_MAX_DAYS, `at most ${BACKFILL_MAX_DAYS} days (WeCom keeps 180)`),
});
export type BackfillInput = z.input<typeof BackfillBody>;
export const BackfillResult = z.object({ from: Day, to: Day, queued: z.number().int() });

export const StatsRun = z.object({
  day: Day, status: z.enum(['pending', 'running', 'done', 'failed']), staffDone: z.number().int(), attempts: z.number().int(),
  error: z.string().nullable(), finishedAt: z.string().nullable(),
});
export const StatsRuns = z.object({ items: z.array(StatsRun) });

// ---- group health ----

export const GROUP_FLAGS = ['silent', 'dying'] as const;
export type GroupFlag = (typeof GROUP_FLAGS)[number];

export const GroupHealthQuery = StatsPeriodQuery.extend({
  tier: z.string().max(40, 'must be at most 40 characters').optional(),
  flag: z.enum(GROUP_FLAGS, { error: 'must be silent or dying' }).optional(),
  chatId: ChatId.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type GroupHealthQuery = z.input<typeof GroupHealthQuery>;

const groupFigures = {
  /** Members at the start (the day before `from`) and at the end of the period. */
  membersStart: z.number(), members: z.number(),
  joins: z.number(), leaves: z.number(),
  /** leaves ÷ members at the start; null without members. */
  churn: z.number().nullable(),
  /** members − membersStart. */
  growth: z.number(),
};

export const GroupHealthRow = z.object({
  chatId: z.string(), name: z.string(), tier: z.string().nullable(), ownerUserid: z.string().nullable(), ownerName: z.string().nullable(),
  storeId: z.number().nullable(),
  ...groupFigures,
  /** Days since the last sign of life: a join or a message (the group's own in the archive, else one in the owner's groups). */
  quietDays: z.number().int().nullable(),
  flags: z.array(z.enum(GROUP_FLAGS)),
  /**
   * Where the activity comes from: `archive` when the chat archive holds messages of this group (then the figures below
   * are the group's own and silence is judged per group), `owner` when only WeCom's owner statistics exist, null neither.
   */
  activitySource: z.enum(['archive', 'owner']).nullable(),
  /** From the archive (null without it): the last message up to the period's end, messages and distinct speakers in the period. */
  lastMessageAt: z.string().nullable(),
  messages: z.number().int().nullable(),
  messagesPerDay: z.number().nullable(),
  speakers: z.number().int().nullable(),
});
export type GroupHealthRow = z.infer<typeof GroupHealthRow>;

export const GroupHealthPage = z.object({
  from: Day, to: Day,
  groups: z.array(GroupHealthRow),
  tiers: z.array(z.object({ tier: z.string().nullable(), groups: z.number().int(), ...groupFigures, silent: z.number().int(), dying: z.number().int() })),
  /** WeCom's activity by owner (groupchat/statistic), summed over the owners the caller sees, per day. */
  activity: z.array(z.object({ day: Day, chatTotal: z.number(), chatHasMsg: z.number(), memberTotal: z.number(), memberHasMsg: z.number(), msgTotal: z.number() })),
  settings: z.object({ silentDays: z.number().int(), shrinkDays: z.number().int(), shrinkPercent: z.number().int() }),
});
export type GroupHealthPage = z.infer<typeof GroupHealthPage>;

// ---- settings ----

export const StatsSettings = z.object({
  nightlyTime: HHMM,
  silentDays: Int4(1, 90),
  shrinkDays: Int4(2, 90),
  shrinkPercent: Int4(1, 100),
  digestEnabled: z.boolean({ error: 'must be true or false' }),
  digestWeekday: Int4(1, 7),
  digestTime: HHMM,
});
export type StatsSettings = z.infer<typeof StatsSettings>;
export const StatsSettingsPatch = StatsSettings.partial();
export type StatsSettingsPatch = z.input<typeof StatsSettingsPatch>;
