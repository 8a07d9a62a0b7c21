// Customers (external contacts), their follow relations (跟进关系), groups and timeline, the edits made from the
// customer page (remark, corp tags, notes), and the customer list and its CSV export.
import { z } from 'zod';
import { DateTime, ExternalUserid, INT4_MAX, ItemsOf, List, Page, PageOf, RowIdParam, TagId, Text, Userid } from './common';

// ---- enums the schema declares too ----

/**
 * A relation's status: active, ended by a delete event (staff or customer), handed over, or `removed` (WeCom no
 * longer reports it: a delete whose callback was missed, found by a read or the sync).
 */
export const FOLLOW_STATUSES = ['active', 'deleted_by_staff', 'deleted_by_customer', 'transferred', 'removed'] as const;
export const FollowStatus = z.enum(FOLLOW_STATUSES);
export type FollowStatus = z.infer<typeof FollowStatus>;

// ---- requests ----

/** `:externalUserid` */
export const CustomerParams = z.object({ externalUserid: ExternalUserid });
export type CustomerParams = z.input<typeof CustomerParams>;
/** `:externalUserid/follows/:userid` */
export const FollowParams = CustomerParams.extend({ userid: Userid });
export type FollowParams = z.input<typeof FollowParams>;
/** `:externalUserid/notes/:id` */
export const NoteParams = CustomerParams.extend({ id: RowIdParam });
export type NoteParams = z.input<typeof NoteParams>;

/** WeCom's limits on a relation's remark fields (externalcontact/remark). */
export const FOLLOW_LIMITS = { remark: 20, description: 150, remarkCorpName: 20, mobiles: 5, mobile: 20 } as const;
/** Digits, `+`, `-` and spaces, 1–20 characters. */
export const MOBILE_PATTERN = /^[0-9+\- ]{1,20}$/;
export const NOTE_MAX = 2000;

const Mobile = z.string().trim().regex(MOBILE_PATTERN, 'must be a phone number (digits, + - and spaces, at most 20)');
const wecomText = (max: number) => z.string().trim().max(max, `must be at most ${max} characters (WeCom)`);

/** PATCH a relation: what is sent is written to WeCom (`remark`) and stored. */
export const FollowPatch = z.object({
  remark: wecomText(FOLLOW_LIMITS.remark).optional(),
  description: wecomText(FOLLOW_LIMITS.description).optional(),
  remarkMobiles: z.array(Mobile).max(FOLLOW_LIMITS.mobiles, `at most ${FOLLOW_LIMITS.mobiles} phone numbers`).optional(),
  remarkCorpName: wecomText(FOLLOW_LIMITS.remarkCorpName).optional(),
}).refine((b) => Object.keys(b).length > 0, { message: 'change at least one of remark, description, remarkMobiles, remarkCorpName', path: ['remark'] });
export type FollowPatch = z.input<typeof FollowPatch>;

/** Corp tags added to and removed from a relation (`mark_tag`). */
export const FollowTagsChange = z.object({ add: List(TagId, 100).default([]), remove: List(TagId, 100).default([]) });
export type FollowTagsChange = z.input<typeof FollowTagsChange>;

export const NoteInput = z.object({ text: z.string().trim().min(1, 'is required').max(NOTE_MAX, `must be at most ${NOTE_MAX} characters`) });
export type NoteInput = z.input<typeof NoteInput>;

/** Comma-separated tag ids in a query string. */
const TagIdsQuery = Text(6500).optional().transform((s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined))
  .pipe(List(TagId, 100).optional());
/** A live code's channel (a prefix of the relation's state), or a number: WeCom's add_way. */
const Channel = Text(30).refine((s) => !/^\d+$/.test(s) || Number(s) <= INT4_MAX, 'a number is a WeCom add_way, at most 2147483647');

/** The list's filters: name or remark, any of the tags, a staff member, a store, a channel (on active relations). */
export const CustomerFilters = z.object({
  q: z.string().max(100).optional(),
  tagIds: TagIdsQuery,
  userid: Userid.optional(),
  storeId: RowIdParam.optional(),
  channel: Channel.optional(),
});
export type CustomerFilters = z.input<typeof CustomerFilters>;
export const CustomerListQuery = Page.extend(CustomerFilters.shape);
export type CustomerListQuery = z.input<typeof CustomerListQuery>;

export const TimelineQuery = z.object({ before: RowIdParam.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });
export type TimelineQuery = z.input<typeof TimelineQuery>;

// ---- responses ----

/** A text in both languages. */
export const Bilingual = z.object({ zh: z.string(), en: z.string() });
export type Bilingual = z.infer<typeof Bilingual>;

/** A relation in the customer list. */
export const CustomerListFollow = z.object({
  userid: z.string(),
  staffName: z.string().nullable(),
  addedAt: DateTime.nullable(),
  remark: z.string().nullable(),
  status: FollowStatus,
  /** Personal tags (个人标签): the staff member's own, set in the WeCom client; read-only. */
  personalTags: z.array(z.string()),
});
export type CustomerListFollow = z.input<typeof CustomerListFollow>;

export const CustomerListItem = z.object({
  externalUserid: z.string(),
  name: z.string(),
  avatar: z.string().nullable(),
  /** 1 WeChat user, 2 WeCom user */
  type: z.number(),
  /** 0 unknown, 1 male, 2 female */
  gender: z.number(),
  corpName: z.string().nullable(),
  /** Corp tags on the active relations. */
  tagIds: z.array(z.string()),
  follows: z.array(CustomerListFollow),
  firstAddedAt: DateTime.nullable(),
  orderCount: z.number(),
  /** Yuan, net of refunds. */
  orderTotal: z.number(),
  lastOrderAt: DateTime.nullable(),
});
export type CustomerListItem = z.input<typeof CustomerListItem>;
export const CustomerList = PageOf(CustomerListItem);
export type CustomerList = z.input<typeof CustomerList>;

export const Customer = z.object({
  externalUserid: z.string(),
  name: z.string(),
  avatar: z.string().nullable(),
  type: z.number(),
  gender: z.number(),
  unionid: z.string().nullable(),
  corpName: z.string().nullable(),
  corpFullName: z.string().nullable(),
  position: z.string().nullable(),
  firstAddedAt: DateTime.nullable(),
  lastEventAt: DateTime.nullable(),
  activeFollowCount: z.number(),
  orderCount: z.number(),
  orderTotal: z.number(),
  firstOrderAt: DateTime.nullable(),
  lastOrderAt: DateTime.nullable(),
  /** Imported attributes (CSV), by column name. */
  attributes: z.record(z.string(), z.string()),
});
export type Customer = z.input<typeof Customer>;

/** A follow relation as stored (the customer page, and the answer to an edit). */
export const Follow = z.object({
  userid: z.string(),
  staffName: z.string().nullable(),
  remark: z.string().nullable(),
  description: z.string().nullable(),
  remarkMobiles: z.array(z.string()),
  remarkCorpName: z.string().nullable(),
  addWay: z.number().nullable(),
  operUserid: z.string().nullable(),
  state: z.string().nullable(),
  tagIds: z.array(z.string()),
  /** Personal tags (个人标签): the staff member's own, set in the WeCom client; read-only. */
  personalTags: z.array(z.string()),
  addedAt: DateTime.nullable(),
  status: FollowStatus,
  deletedAt: DateTime.nullable(),
});
export type Follow = z.input<typeof Follow>;

export const CustomerGroup = z.object({
  chatId: z.string(),
  name: z.string().nullable(),
  joinTime: DateTime.nullable(),
  joinScene: z.number().nullable(),
  leftAt: DateTime.nullable(),
  quitScene: z.number().nullable(),
});
export type CustomerGroup = z.input<typeof CustomerGroup>;

export const CustomerEvent = z.object({
  id: z.number(),
  type: z.string(),
  occurredAt: DateTime,
  userid: z.string().nullable(),
  staffName: z.string().nullable(),
  chatId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
  /** What happened, as a sentence in each language (names, not ids). */
  summary: Bilingual,
});
export type CustomerEvent = z.input<typeof CustomerEvent>;
export const Timeline = ItemsOf(CustomerEvent);
export type Timeline = z.input<typeof Timeline>;

export const CustomerDetail = z.object({
  customer: Customer,
  follows: z.array(Follow),
  groups: z.array(CustomerGroup),
  /** The newest events (older ones: the timeline route). */
  timeline: z.array(CustomerEvent),
});
export type CustomerDetail = z.input<typeof CustomerDetail>;

export const CustomerNote = z.object({
  id: z.number(),
  text: z.string(),
  authorName: z.string(),
  createdAt: DateTime,
  /** Written by the caller. */
  mine: z.boolean(),
});
export type CustomerNote = z.input<typeof CustomerNote>;
export const CustomerNotes = ItemsOf(CustomerNote);
export type CustomerNotes = z.input<typeof CustomerNotes>;
