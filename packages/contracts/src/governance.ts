// Contact governance (反骚扰): one contact budget per customer and per group that every channel (broadcasts,
// playbook steps, optionally moments) spends from — caps per day/week/month, a minimum gap, quiet hours in the
// corp's time zone, de-duplication of the same content, a do-not-disturb tag, and WeCom's own cap on mass sends —
// and the ledger of every contact attempt (planned, sent, skipped with the reason).
import { z } from 'zod';
import { DateTime, ExternalUserid, Int4, List, PageOf, RequiredText, TagId, Text } from './common';

/** WeCom's own cap on mass messages a customer receives from the corp (WECOM.md §10; a corp setting). */
export const WECOM_CAP_MODES = ['month_days', 'week7', 'day1'] as const;
export type WecomCapMode = (typeof WECOM_CAP_MODES)[number];
/** What a step or send falling inside quiet hours does: wait until they end, or not go out. */
export const QUIET_ACTIONS = ['defer', 'skip'] as const;
export type QuietAction = (typeof QUIET_ACTIONS)[number];

export const CONTACT_CHANNELS = ['broadcast', 'playbook', 'moment', 'task', 'wecom'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];
/** How the message reaches the customer: a mass send they receive (WeCom's cap applies), a 1:1 chat message, a moment. */
export const CONTACT_VIAS = ['mass', 'chat', 'moment'] as const;
export type ContactVia = (typeof CONTACT_VIAS)[number];
export const CONTACT_STATUSES = ['planned', 'sent', 'skipped', 'released', 'failed'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];
/** Why an attempt was skipped; every preview and ledger row names one. */
export const SKIP_REASONS = [
  'dnd', 'quiet_hours', 'duplicate', 'cap_day', 'cap_week', 'cap_month', 'min_gap', 'wecom_cap', 'no_relation', 'excluded', 'exited', 'not_friend', 'over_wecom_cap', 'staff_gone',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:mm (00:00–23:59)');
const cap = (max: number) => Int4(0, max).describe(`0 = no cap; at most ${max}`);

export const ContactPolicy = z.object({
  customerPerDay: z.number().int(),
  customerPerWeek: z.number().int(),
  customerPerMonth: z.number().int(),
  groupPerDay: z.number().int(),
  groupPerWeek: z.number().int(),
  /** Minutes between two messages to one customer or group; 0 = none. */
  minGapMinutes: z.number().int(),
  /** Quiet hours in the corp's time zone (start may be after end: over midnight); both null = none. */
  quietStart: z.string().nullable(),
  quietEnd: z.string().nullable(),
  quietAction: z.enum(QUIET_ACTIONS),
  /** The same content is not sent to a target twice within this many days; 0 = no de-duplication. */
  dedupeDays: z.number().int(),
  /** Customers with any of these tags receive nothing from any channel (an override cannot lift it). */
  dndTagIds: z.array(z.string()),
  wecomCap: z.enum(WECOM_CAP_MODES),
  /** Moments count against customers' budgets (each visible customer). */
  countMoments: z.boolean(),
  /** Pending staff tasks become overdue this many minutes after they are due, and are escalated. */
  overdueAfterMinutes: z.number().int(),
  /** The daily task digest to each staff member, at this time in the corp's time zone; null = none. */
  digestTime: z.string().nullable(),
  updatedAt: DateTime.nullable(),
});
export type ContactPolicy = z.input<typeof ContactPolicy>;
export type ContactPolicyOutput = z.output<typeof ContactPolicy>;

export const ContactPolicyBody = z.object({
  customerPerDay: cap(50).optional(),
  customerPerWeek: cap(200).optional(),
  customerPerMonth: cap(500).optional(),
  groupPerDay: cap(50).optional(),
  groupPerWeek: cap(200).optional(),
  minGapMinutes: Int4(0, 10_080).optional().describe('0–10080 (a week)'),
  quietStart: HHMM.nullable().optional(),
  quietEnd: HHMM.nullable().optional(),
  quietAction: z.enum(QUIET_ACTIONS, { error: `must be one of ${QUIET_ACTIONS.join(', ')}` }).optional(),
  dedupeDays: Int4(0, 365).optional(),
  dndTagIds: List(TagId, 50).optional(),
  wecomCap: z.enum(WECOM_CAP_MODES, { error: `must be one of ${WECOM_CAP_MODES.join(', ')}` }).optional(),
  countMoments: z.boolean().optional(),
  overdueAfterMinutes: Int4(5, 10_080).optional(),
  digestTime: HHMM.nullable().optional(),
});
export type ContactPolicyInput = z.input<typeof ContactPolicyBody>;

/** An override of the budget (caps, gap, quiet hours, de-duplication; never do-not-disturb): admins only, with a reason. */
export const OverrideInput = z.object({ reason: RequiredText(500) });
export type OverrideInput = z.input<typeof OverrideInput>;

export const SkipCount = z.object({ reason: z.enum(SKIP_REASONS), count: z.number().int() });
/** Who would be skipped and why, before anything is sent. */
export const GovernancePreview = z.object({
  audience: z.number().int(),
  planned: z.number().int(),
  skipped: z.array(SkipCount),
  /** A few of the skipped, to show. */
  samples: z.array(z.object({ targetId: z.string(), name: z.string(), reason: z.enum(SKIP_REASONS) })),
  /** When the send would reach customers (moved out of quiet hours), or null when it would be skipped. */
  sendAt: DateTime.nullable(),
});
export type GovernancePreview = z.input<typeof GovernancePreview>;
export type GovernancePreviewOutput = z.output<typeof GovernancePreview>;

export const LedgerEntry = z.object({
  id: z.number(),
  targetKind: z.enum(['customer', 'group']),
  targetId: z.string(),
  channel: z.enum(CONTACT_CHANNELS),
  via: z.enum(CONTACT_VIAS),
  sourceKind: z.string(),
  sourceId: z.number().nullable(),
  sourceName: z.string().nullable(),
  staffUserid: z.string().nullable(),
  staffName: z.string().nullable(),
  at: DateTime,
  status: z.enum(CONTACT_STATUSES),
  reason: z.enum(SKIP_REASONS).nullable(),
  /** The text that was (or would have been) sent, cut to 200 characters. */
  preview: z.string(),
  override: z.object({ by: z.string(), reason: z.string() }).nullable(),
});
export type LedgerEntry = z.input<typeof LedgerEntry>;
export type LedgerEntryOutput = z.output<typeof LedgerEntry>;
export const LedgerPage = PageOf(LedgerEntry);
export const LedgerQuery = z.object({
  status: z.enum(CONTACT_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type LedgerQuery = z.input<typeof LedgerQuery>;
export const CustomerLedgerParams = z.object({ externalUserid: ExternalUserid });

/** Budget left for one customer now (the customer page shows it). */
export const BudgetState = z.object({
  dnd: z.boolean(),
  today: z.number().int(),
  week: z.number().int(),
  month: z.number().int(),
  wecomMassThisPeriod: z.number().int(),
  limits: z.object({ day: z.number().int(), week: z.number().int(), month: z.number().int(), wecom: z.number().int() }),
  nextAllowedAt: DateTime.nullable(),
});
export type BudgetState = z.input<typeof BudgetState>;
export type BudgetStateOutput = z.output<typeof BudgetState>;

export const OverrideText = Text(500);
