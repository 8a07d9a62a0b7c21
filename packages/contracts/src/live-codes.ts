// Channel live codes (渠道活码): the requests and responses of /api/live-codes, the channel numbers
// (/api/channel-stats) and the operator alerts (/api/alerts) the codes raise. The landing page /l/<key>
// answers HTML and has no contract here. Response schemas describe what the server sends (no limits: a
// stored value is never refused on the way out); request schemas carry the input limits.
import { z } from 'zod';
import { ChatId, DateTime, Day, ItemsOf, List, Page, PageOf, RowId, RowIdParam, TagId, TimeZone, Userid, WecomId, patchOf } from './common';

// ---- enums (the drizzle schema declares its columns with these) ----

export const LIVE_CODE_KINDS = ['staff', 'group', 'store'] as const;
export type LiveCodeKind = (typeof LIVE_CODE_KINDS)[number];
export const LIVE_CODE_STRATEGIES = ['round_robin', 'weighted', 'random'] as const;
export type Strategy = (typeof LIVE_CODE_STRATEGIES)[number];
/**
 * pond: Pond picks staff and shows their own QR (lock, caps, hours); native: one WeCom multi-person contact way; link: one
 * WeCom acquisition link (获客链接) whose range is the pool — opened from any WeChat page, no QR to scan (ADR 0037).
 */
export const LIVE_CODE_MODES = ['pond', 'native', 'link'] as const;
export type CodeMode = (typeof LIVE_CODE_MODES)[number];
/** A link mode code's acquisition link: working, made unusable by WeCom (link_unavailable), or deleted in WeCom (delete_link). */
export const LINK_STATUSES = ['active', 'unavailable', 'deleted'] as const;
export type LinkStatus = (typeof LINK_STATUSES)[number];
/** The corp's acquisition quota as WeCom's events last said: fine, running low (balance_low), used up (balance_exhausted). */
export const QUOTA_STATES = ['ok', 'low', 'exhausted'] as const;
export type QuotaState = (typeof QUOTA_STATES)[number];
/** What WeCom brings back as the add's State: `customer_channel` up to 64 bytes (a contact way's state: 30 characters). */
export const CUSTOMER_CHANNEL_MAX_BYTES = 64;
export const LIVE_CODE_STATUSES = ['active', 'archived'] as const;
export type CodeStatus = (typeof LIVE_CODE_STATUSES)[number];
/** A group of a group code: listed in the join way (active), next in line (waiting), at the cap (full), taken out (removed). */
export const CODE_GROUP_STATUSES = ['waiting', 'active', 'full', 'removed'] as const;
export type CodeGroupStatus = (typeof CODE_GROUP_STATUSES)[number];

// ---- working hours ----


const Hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM');
/** Working hours in a request: without a time zone, the corp's. */
export const ScheduleInput = z.object({
  /** Default: the corp's time zone. */
  timezone: TimeZone.optional(),
  weekly: z.array(z.object({ day: z.number().int().min(0, 'must be 0 (Sunday) to 6').max(6, 'must be 0 (Sunday) to 6'), start: Hhmm, end: Hhmm })).max(70),
  exceptions: z.array(z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'), closed: z.boolean().optional(), slots: z.array(z.object({ start: Hhmm, end: Hhmm })).max(48).optional() })).max(366).default([]),
});
export type ScheduleInput = z.input<typeof ScheduleInput>;

/** A working slot, 'HH:MM' to 'HH:MM' (end exclusive, up to 24:00; a slot may not cross midnight). */
export const Slot = z.object({ start: z.string(), end: z.string() });
export type Slot = z.infer<typeof Slot>;
/** Weekly working slots plus exception dates, in the code's time zone (as stored and answered). */
export const WorkSchedule = z.object({
  timezone: z.string(),
  /** day 0 = Sunday … 6 = Saturday. */
  weekly: z.array(Slot.extend({ day: z.number() })),
  /** A date either closed all day or with its own slots. */
  exceptions: z.array(z.object({ date: z.string(), closed: z.boolean().optional(), slots: z.array(Slot).optional() })),
});
export type WorkSchedule = z.infer<typeof WorkSchedule>;

// ---- requests ----

/**
 * Staff a code's pool may list by hand (every mode). A store code's pool — the store's staff, taken when the pool is left
 * empty — has no such cap; so a link's range limit (maxRangeUsers) above this only matters for store pools.
 */
export const POOL_MAX = 200;

export const PoolInput = z.object({
  userid: Userid,
  weight: z.number().int().min(1, 'must be ≥ 1').max(100, 'must be ≤ 100').default(1),
  dailyCap: z.number().int().min(1, 'must be ≥ 1 (or null for no cap)').max(100000).nullish(),
  totalCap: z.number().int().min(1, 'must be ≥ 1 (or null for no cap)').max(10000000).nullish(),
});
export type PoolInput = z.input<typeof PoolInput>;

/** POST /api/live-codes. */
export const LiveCodeBody = z.object({
  kind: z.enum(LIVE_CODE_KINDS, { message: 'must be staff, group or store' }),
  name: z.string().trim().min(1, 'is required').max(60, 'must be at most 60 characters'),
  channel: z.string().trim().max(30, 'must be at most 30 characters').default(''),
  storeId: RowId.nullish(),
  mode: z.enum(LIVE_CODE_MODES, { message: 'must be pond, native or link' }).default('pond'),
  strategy: z.enum(LIVE_CODE_STRATEGIES, { message: 'must be round_robin, weighted or random' }).default('round_robin'),
  lockEnabled: z.boolean().default(true),
  skipVerify: z.boolean().default(true),
  tagIds: List(TagId, 100).default([]),
  remarkTemplate: z.string().max(60).nullish(),
  description: z.string().max(500).nullish(),
  welcomeId: RowId.nullish(),
  schedule: ScheduleInput.nullish(),
  backupUserids: List(Userid, 20).default([]),
  pool: z.array(PoolInput).max(POOL_MAX, `at most ${POOL_MAX} staff per code (leave it empty to take a store's staff)`).optional(),
  groupCap: z.number().int().min(1, 'must be ≥ 1').max(200, 'must be ≤ 200 (WeCom admits at most 200 members by QR)').default(200),
  groupAutoCreate: z.boolean().default(true),
  groupBaseName: z.string().max(40, 'must be at most 40 characters').nullish(),
  groupChatIds: List(ChatId, 100).optional(),
  groupWelcomeTemplateId: WecomId('a group welcome template id').nullish(),
});
export type LiveCodeInput = z.input<typeof LiveCodeBody>;

/** PATCH /api/live-codes/:id: any field of the create body; kind and mode cannot change (refused unless the same). */
export const LiveCodePatch = patchOf(LiveCodeBody.omit({ kind: true, mode: true })).extend({
  kind: z.enum(LIVE_CODE_KINDS).optional(), mode: z.enum(LIVE_CODE_MODES).optional(),
});
export type LiveCodePatch = z.input<typeof LiveCodePatch>;

/** GET /api/live-codes. */
export const LiveCodeListQuery = Page.extend({
  kind: z.enum(LIVE_CODE_KINDS).optional(), status: z.enum(LIVE_CODE_STATUSES).default('active'), q: z.string().max(60).optional(),
});
export type LiveCodeListQuery = z.input<typeof LiveCodeListQuery>;

/** Days of the numbers, the corp's calendar days: default the last 30 up to today, at most 366. */
export const StatsRange = z.object({ from: Day.optional(), to: Day.optional() });
export type DateRange = z.input<typeof StatsRange>;
/** GET /api/channel-stats: JSON, or the same numbers as CSV. */
export const ChannelStatsQuery = StatsRange.extend({ format: z.enum(['json', 'csv']).default('json') });

/** GET /api/live-codes/:id/qr.png: the side in pixels (1181 px is 10 cm at 300 dpi). */
export const QrPngQuery = z.object({ size: z.coerce.number().int().min(128).max(4096).default(1181) });
/** GET /api/live-codes/:id/qr.svg: the side in millimetres. */
export const QrSvgQuery = z.object({ sizeMm: z.coerce.number().min(20).max(1000).default(80) });

const HexColour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex colour like #1677ff');
/** GET /api/live-codes/:id/poster.png and poster-check: a template, or the built-in design's copy and colours (defaults: the code's name, channel, description). */
export const PosterQuery = z.object({
  /** Draw from this poster template (modules/posters) instead of the built-in design. */
  templateId: RowIdParam.optional(),
  title: z.string().max(60).optional(), subtitle: z.string().max(120).optional(), body: z.string().max(400).optional(),
  background: HexColour.optional(), accent: HexColour.optional(), textColor: HexColour.optional(),
});
export type PosterOptions = Omit<z.input<typeof PosterQuery>, 'templateId'> & { templateId?: number };

// ---- responses ----

export const PoolMember = z.object({
  userid: z.string(),
  name: z.string(),
  weight: z.number(),
  dailyCap: z.number().nullable(),
  totalCap: z.number().nullable(),
  /** Active in WeCom and holding this code's contact way. */
  available: z.boolean(),
  qrUrl: z.string().nullable(),
  /** A backup member (taken when the pool is capped or off duty), not part of the rotation. */
  backup: z.boolean(),
});
export type PoolMember = z.infer<typeof PoolMember>;

export const CodeGroup = z.object({
  chatId: z.string(),
  position: z.number(),
  status: z.enum(CODE_GROUP_STATUSES),
  name: z.string(),
  memberCount: z.number(),
});
export type CodeGroup = z.infer<typeof CodeGroup>;

/** The list's numbers per code (today in the corp's time zone). */
export const CodeNumbers = z.object({
  scansToday: z.number(), scansTotal: z.number(), addsToday: z.number(), addsTotal: z.number(), retainedTotal: z.number(),
});
export type CodeNumbers = z.infer<typeof CodeNumbers>;

/** A link mode code's WeCom acquisition link (获客链接). */
export const AcquisitionLink = z.object({
  linkId: z.string().nullable(),
  /** The link as WeCom made it (https://work.weixin.qq.com/ca/…). */
  url: z.string().nullable(),
  /**
   * The link with this code's own `customer_channel` (its state): for places that cannot open the landing URL — adds through
   * it are the code's, without a visit. The landing URL (`url` of the code) records the visit and adds a per-visit channel.
   */
  channelUrl: z.string().nullable(),
  status: z.enum(LINK_STATUSES).nullable(),
  statusAt: DateTime.nullable(),
  /** The corp's quota as WeCom's events last said (balance_low, balance_exhausted). */
  quotaState: z.enum(QUOTA_STATES),
});
export type AcquisitionLink = z.infer<typeof AcquisitionLink>;

export const LiveCode = z.object({
  id: z.number(),
  key: z.string(),
  /** The permanent landing URL the printed QR encodes. */
  url: z.string(),
  kind: z.enum(LIVE_CODE_KINDS),
  name: z.string(),
  channel: z.string(),
  storeId: z.number().nullable(),
  mode: z.enum(LIVE_CODE_MODES),
  strategy: z.enum(LIVE_CODE_STRATEGIES),
  lockEnabled: z.boolean(),
  skipVerify: z.boolean(),
  tagIds: z.array(z.string()),
  remarkTemplate: z.string().nullable(),
  description: z.string().nullable(),
  welcomeId: z.number().nullable(),
  schedule: WorkSchedule.nullable(),
  backupUserids: z.array(z.string()),
  /** The contact way / join way state that maps an add back to this code. */
  state: z.string(),
  status: z.enum(LIVE_CODE_STATUSES),
  groupCap: z.number(),
  groupAutoCreate: z.boolean(),
  groupBaseName: z.string().nullable(),
  groupWelcomeTemplateId: z.string().nullable(),
  /** The WeCom QR of a group code (join way) or a native code (multi-person contact way). */
  wecomQrUrl: z.string().nullable(),
  /** Link mode: the acquisition link behind the code (null for other modes). */
  link: AcquisitionLink.nullable(),
  createdAt: DateTime,
  /** Staff codes: the pool, backup members last. */
  pool: z.array(PoolMember),
  /** Group codes: the groups in order. */
  groups: z.array(CodeGroup),
  /** In the list only. */
  numbers: CodeNumbers.optional(),
});
export type LiveCode = z.input<typeof LiveCode>;
export const LiveCodePage = PageOf(LiveCode);

export const DayStats = z.object({
  date: z.string(),
  scans: z.number(),
  visitors: z.number(),
  adds: z.number(),
  deletes1d: z.number(),
  deletes7d: z.number(),
  net1d: z.number(),
  net7d: z.number(),
  groupJoins: z.number(),
  welcomeSent: z.number(),
  welcomeFailed: z.number(),
  /** adds / visitors, 0–1; null without visitors. */
  conversion: z.number().nullable(),
});
export type DayStats = z.infer<typeof DayStats>;
export const TotalStats = DayStats.omit({ date: true });
export type TotalStats = z.infer<typeof TotalStats>;

/** GET /api/live-codes/:id/stats. */
export const CodeStats = z.object({ from: z.string(), to: z.string(), days: z.array(DayStats), total: TotalStats });
export type CodeStats = z.infer<typeof CodeStats>;

/** GET /api/channel-stats (format=json): each channel's numbers, summed over its codes. */
export const ChannelStats = z.object({
  from: z.string(), to: z.string(),
  channels: z.array(z.object({ channel: z.string(), days: z.array(DayStats), total: TotalStats })),
});
export type ChannelStats = z.infer<typeof ChannelStats>;
/** What GET /api/channel-stats answers: the JSON above, or with format=csv the CSV text (text/csv). */
export const ChannelStatsResponse = z.union([ChannelStats, z.string().describe('format=csv: the same numbers as CSV (text/csv, UTF-8 with BOM)')]);

// The poster's checker is the posters module's (GET /api/live-codes/:id/poster-check answers its report).
export { POSTER_RULES, PosterCheck, PosterIssue, type PosterRule } from './posters';

// ---- alerts ----

/** GET /api/alerts: the latest 100, or the unread ones. */
export const AlertsQuery = z.object({
  unread: z.enum(['true', 'false'], { message: 'must be true or false' }).transform((v) => v === 'true').optional(),
});

export const Alert = z.object({
  id: z.number(),
  /** no_staff, over_cap, group_code_full… */
  kind: z.string(),
  /** "中文 / English". */
  message: z.string(),
  /** What it is about: codeId links to the code. */
  data: z.object({ codeId: z.number().optional() }).catchall(z.unknown()).nullable(),
  createdAt: DateTime,
  readAt: DateTime.nullable(),
});
export type Alert = z.input<typeof Alert>;
export const AlertList = ItemsOf(Alert);

// ---- acquisition links (获客助手): the corp's settings and quota ----

/** PUT /api/acquisition-links/settings (admins). */
export const AcquisitionSettingsBody = z.object({
  /**
   * Staff one link's range may list. WeCom's older doc says 100; newer ones may allow more (UNCONFIRMED): a setting. A pool
   * listed by hand has at most POOL_MAX staff, so a limit above that only matters for store pools (the store's staff).
   */
  maxRangeUsers: z.number().int('must be a whole number').min(1, 'must be ≥ 1').max(10000, 'must be ≤ 10000'),
});
export type AcquisitionSettingsInput = z.input<typeof AcquisitionSettingsBody>;

export const AcquisitionSettings = z.object({ maxRangeUsers: z.number() });
export type AcquisitionSettings = z.infer<typeof AcquisitionSettings>;

/** GET /api/acquisition-links/quota: read from WeCom now, with the state its events last set. */
export const AcquisitionQuota = z.object({
  total: z.number(),
  balance: z.number(),
  quotaList: z.array(z.object({ balance: z.number(), expireDate: DateTime })),
  state: z.enum(QUOTA_STATES),
  stateAt: DateTime.nullable(),
});
export type AcquisitionQuota = z.input<typeof AcquisitionQuota>;
