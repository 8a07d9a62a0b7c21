// Moderation (群管理: 防广告 / 防骚扰) and the group tiers' persona and rules. Rules per group tier decide which
// customer messages in a group are violations (links, QR images, mini-programs, cards, phone numbers, a word list
// with variants, repeated messages, a new member posting right after joining, one member posting in many groups).
// A hit alerts the owner with a one-step guide to remove the member (WeCom has no API for it), records a strike and
// flags the customer in every group of the corp; repeat offenders are refused by group codes. Staff-side sensitive
// words are WeCom's intercept rules, managed here. A tier's persona (群主人设), rules and announcement feed a content
// calendar (a draft group playbook).
import { z } from 'zod';
import { ChatId, DateTime, ExternalUserid, Int4, ItemsOf, List, PageOf, RequiredText, RowId, RowIdParam, Text, Userid } from './common';

export const MODERATION_RULES = ['link', 'qr', 'weapp', 'card', 'phone', 'word', 'repeat', 'new_member', 'multi_group'] as const;
export type ModerationRule = (typeof MODERATION_RULES)[number];

export const MODERATION_WORDS_MAX = 500;
/** The tier key of the rules every tier without its own uses. */
export const DEFAULT_TIER = '*';

export const ModerationConfig = z.object({
  enabled: z.boolean().default(true),
  link: z.boolean().default(true),
  /** Links to these domains (and their subdomains) are allowed (the corp's own shop). */
  allowedDomains: List(RequiredText(100), 50).default([]),
  qr: z.boolean().default(true),
  weapp: z.boolean().default(true),
  card: z.boolean().default(true),
  phone: z.boolean().default(true),
  words: List(RequiredText(32), MODERATION_WORDS_MAX).default([]),
  /** Also match a word written as its pinyin initials (加微信 → jwx). */
  pinyinInitials: z.boolean().default(false),
  /** The same text `count` times within `minutes` (any of the corp's groups). */
  repeat: z.object({ count: Int4(2, 100), minutes: Int4(1, 1440) }).nullable().default({ count: 3, minutes: 10 }),
  /** Any message within `minutes` of joining the group. */
  newMember: z.object({ minutes: Int4(1, 1440) }).nullable().default(null),
  /** Posting in `groups` or more of the corp's groups within `minutes`. */
  multiGroup: z.object({ groups: Int4(2, 100), minutes: Int4(1, 1440) }).nullable().default({ groups: 3, minutes: 30 }),
  /** Strikes after which the customer is refused by group codes. */
  strikesToBlock: Int4(1, 100).default(3),
});
export type ModerationConfig = z.output<typeof ModerationConfig>;
export type ModerationConfigInput = z.input<typeof ModerationConfig>;

export const Tier = RequiredText(30);
export const TierQuery = z.object({ tier: Tier });
export const ModerationRuleBody = z.object({ tier: Tier, config: ModerationConfig });
export type ModerationRuleInput = z.input<typeof ModerationRuleBody>;
export const ModerationRuleSet = z.object({ tier: z.string(), config: ModerationConfig, updatedAt: DateTime.nullable() });
export const ModerationRuleSetList = ItemsOf(ModerationRuleSet);

export const Violation = z.object({
  id: z.number(),
  rule: z.enum(MODERATION_RULES),
  detail: z.string(),
  chatId: z.string(),
  chatName: z.string().nullable(),
  externalUserid: z.string(),
  customerName: z.string().nullable(),
  msgid: z.string(),
  text: z.string(),
  ownerUserid: z.string().nullable(),
  taskId: z.number().nullable(),
  occurredAt: DateTime,
  strikes: z.number().int(),
  blocked: z.boolean(),
});
export type Violation = z.input<typeof Violation>;
export const ViolationPage = PageOf(Violation);
export const ViolationQuery = z.object({
  rule: z.enum(MODERATION_RULES).optional(),
  chatId: ChatId.optional(),
  externalUserid: ExternalUserid.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type ViolationQuery = z.input<typeof ViolationQuery>;

/** A customer flagged in every group of the corp. */
export const Offender = z.object({
  externalUserid: z.string(),
  name: z.string().nullable(),
  strikes: z.number().int(),
  lastAt: DateTime,
  blockedAt: DateTime.nullable(),
  pardonedAt: DateTime.nullable(),
});
export const OffenderPage = PageOf(Offender);
export const OffenderQuery = z.object({
  blocked: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export const OffenderParams = z.object({ externalUserid: ExternalUserid });

// ---- WeCom intercept rules (staff-side sensitive words: externalcontact/*_intercept_rule) ----
export const INTERCEPT_SEMANTICS = [1, 2, 3] as const;
export const InterceptRuleBody = z.object({
  name: RequiredText(20),
  words: List(Text(32).min(1, 'is required'), 300).min(1, 'name at least one word'),
  /** WeCom's semantics: 1 phone number, 2 email, 3 red packet. */
  semantics: List(z.union([z.literal(1), z.literal(2), z.literal(3)], { error: 'must be 1 (phone), 2 (email) or 3 (red packet)' }), 3).default([]),
  /** 1 warn and block, 2 warn only. */
  interceptType: z.union([z.literal(1), z.literal(2)], { error: 'must be 1 (warn and block) or 2 (warn only)' }).default(1),
  userids: List(Userid, 1000).default([]),
  departmentIds: List(Int4(1), 100).default([]),
}).refine((b) => b.userids.length + b.departmentIds.length > 0, { message: 'name at least one staff member or department', path: ['userids'] });
export type InterceptRuleInput = z.input<typeof InterceptRuleBody>;
export const InterceptRule = z.object({
  ruleId: z.string(),
  name: z.string(),
  words: z.array(z.string()),
  semantics: z.array(z.number().int()),
  interceptType: z.number().int(),
  userids: z.array(z.string()),
  departmentIds: z.array(z.number().int()),
  createdAt: DateTime.nullable(),
});
export const InterceptRuleList = ItemsOf(InterceptRule.pick({ ruleId: true, name: true, createdAt: true }));
export const InterceptRuleParams = z.object({ ruleId: z.string().min(1, 'is required').max(64, 'must be at most 64 characters') });

// ---- the tiers' persona, rules and announcement (群主人设 / 群规 / 群公告) ----
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:mm (00:00–23:59)');
export const DailySlot = z.object({ time: HHMM, label: RequiredText(20), text: RequiredText(2000) });
export type DailySlot = z.output<typeof DailySlot>;
export const GroupProfileBody = z.object({
  tier: Tier,
  personaName: Text(30).default(''),
  /** How the persona speaks (亲切 / 专业 …). */
  tone: Text(60).default(''),
  intro: Text(1000).default(''),
  rules: Text(2000).default(''),
  announcement: Text(2000).default(''),
  /** The tier's daily content slots (morning content, noon deal, evening chat). */
  slots: List(DailySlot, 12).default([]),
});
export type GroupProfileInput = z.input<typeof GroupProfileBody>;
export const GroupProfile = z.object({
  tier: z.string(),
  personaName: z.string(),
  tone: z.string(),
  intro: z.string(),
  rules: z.string(),
  announcement: z.string(),
  slots: z.array(DailySlot),
  /** Groups of the tier. */
  groups: z.number().int(),
  updatedAt: DateTime.nullable(),
});
export type GroupProfile = z.input<typeof GroupProfile>;
export const GroupProfileList = ItemsOf(GroupProfile);
/** The draft group playbook made from a tier's profile. */
export const CalendarBody = z.object({ tier: Tier });
export const CalendarResult = z.object({ playbookId: RowId, steps: z.number().int() });
export const ModerationIdParams = z.object({ id: RowIdParam });
