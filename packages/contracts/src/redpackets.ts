// Planned red-packet rules (定时红包, PRODUCT.md "Activate": "red-packet and activity rules — when, to whom, how much —
// as planned activities, not ad hoc"): the campaign kind 'redpacket'. When: time slots in the corp's zone (days of the
// week, a start and an end time), each occurrence releasing `count` packets; to whom: the campaign's eligibility; how
// much: a fixed amount or a random one between two bounds; within the campaign's budgets. Each customer takes at most
// one packet per occurrence (and `perCustomerTotal` in all); the money goes through the reward ledger (WeChat Pay).
import { z } from 'zod';
import { Campaign, CampaignBase, CampaignNumbers, CampaignPatch, windowIssue } from './activate';
import { RequestId } from './campaigns-h5';
import { DateTime, Int4, List } from './common';

/** WeChat Pay's transfer to balance takes at least ¥0.10 and, without the payee's real name, below ¥2,000; a packet here is at most ¥200. */
export const PACKET_MIN_FEN = 10;
export const PACKET_MAX_FEN = 20_000;
export const SLOTS_MAX = 10;
export const PACKETS_PER_SLOT_MAX = 100_000;

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:mm (00:00–23:59)');
/** A slot's end: a time of day, or 24:00 for "until midnight". */
const END = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a time of day HH:mm (00:01–24:00)');

export const RedpacketSlot = z.object({
  /** Days of the week (0 = Sunday … 6 = Saturday); empty = every day. */
  weekdays: List(Int4(0, 6), 7).default([]),
  start: HHMM,
  end: END,
  /** Packets each occurrence of the slot releases. */
  count: Int4(1, PACKETS_PER_SLOT_MAX),
}).strict().superRefine((s, ctx) => {
  if (s.end <= s.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start (a slot stays within one day)' });
});
export type RedpacketSlot = z.infer<typeof RedpacketSlot>;

export const RedpacketAmount = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('fixed'), amountFen: Int4(PACKET_MIN_FEN, PACKET_MAX_FEN) }).strict(),
  z.object({ mode: z.literal('random'), minFen: Int4(PACKET_MIN_FEN, PACKET_MAX_FEN), maxFen: Int4(PACKET_MIN_FEN, PACKET_MAX_FEN) }).strict(),
], { message: 'must be {mode: "fixed", amountFen} or {mode: "random", minFen, maxFen}' });
export type RedpacketAmount = z.infer<typeof RedpacketAmount>;

export const RedpacketConfig = z.object({
  amount: RedpacketAmount,
  slots: List(RedpacketSlot, SLOTS_MAX).min(1, 'add at least one time slot'),
  /** Packets one customer may take over the whole campaign (null = one per occurrence, no other limit). */
  perCustomerTotal: Int4(1, 10_000).nullable().default(null),
  /** The title on the packet and in the ledger. */
  title: z.string().trim().min(1, 'is required').max(32, 'must be at most 32 characters').default('红包'),
}).strict().superRefine((c, ctx) => {
  if (c.amount.mode === 'random' && c.amount.minFen > c.amount.maxFen) ctx.addIssue({ code: 'custom', path: ['amount', 'minFen'], message: 'must be at most maxFen' });
});
export type RedpacketConfig = z.infer<typeof RedpacketConfig>;

export const RedpacketCampaignBody = CampaignBase.extend({ config: RedpacketConfig }).superRefine(windowIssue);
export type RedpacketCampaignBody = z.output<typeof RedpacketCampaignBody>;
export const RedpacketPatch = CampaignPatch.extend({ config: RedpacketConfig.optional() }).strict().superRefine(windowIssue);
export type RedpacketPatch = z.output<typeof RedpacketPatch>;

/** One occurrence of a slot (its key is the corp day, the slot's index and start, e.g. "2026-12-06#0@20:00"). */
export const SlotOccurrence = z.object({
  key: z.string(),
  startsAt: DateTime,
  endsAt: DateTime,
  count: z.number(),
  claimed: z.number(),
});
export type SlotOccurrence = z.infer<typeof SlotOccurrence>;

export const RedpacketDetail = Campaign.extend({
  config: RedpacketConfig,
  numbers: CampaignNumbers.extend({ packets: z.number(), paidFen: z.number(), pendingFen: z.number(), failed: z.number() }),
  /** Occurrences that released packets, newest first (up to 60), and the next one to come. */
  occurrences: z.array(SlotOccurrence),
  next: SlotOccurrence.nullable(),
});
export type RedpacketDetail = z.infer<typeof RedpacketDetail>;

/** The customer's page: the current occurrence (if one is on), the next one, and their packets. */
export const CustomerRedpacket = z.object({
  title: z.string(),
  amount: RedpacketAmount,
  now: DateTime,
  current: SlotOccurrence.extend({ mine: z.boolean() }).nullable(),
  next: SlotOccurrence.nullable(),
  perCustomerTotal: z.number().nullable(),
  mine: z.array(z.object({ rewardId: z.number(), slot: z.string(), amountFen: z.number(), state: z.string(), at: DateTime })),
});
export type CustomerRedpacket = z.infer<typeof CustomerRedpacket>;

export const RedpacketClaimBody = z.object({ requestId: RequestId }).strict();
export const RedpacketClaimResult = z.object({ rewardId: z.number(), amountFen: z.number(), state: z.string(), slot: z.string() });
export type RedpacketClaimResult = z.infer<typeof RedpacketClaimResult>;
