// Moments (客户朋友圈, WECOM.md §11): Pond composes a corp moment (text + up to 9 images, or 1 video, or 1 link; media
// from the media library), WeCom gives each sending staff member a task to post it, and Pond follows it: who posted,
// which customers can see it, their likes and comments (onto the customers' timelines, with an optional auto-tag),
// reminders to staff who have not posted, cancel. Moments made directly in WeCom are read back for the results.
import { z } from 'zod';
import { DateTime, HttpUrl, Int4, Int4Id, List, PageOf, RowId, TagId, Text, Userid } from './common';
import { GovernancePreview } from './governance';

const encoder = new TextEncoder();
const utf8Bytes = (s: string) => encoder.encode(s).length;

/** WeCom's rules for add_moment_task and its media (WECOM.md §11), declared once. */
export const MOMENT_LIMITS = {
  textChars: 2000,
  textBytes: 4000,
  images: 9,
  linkTitleBytes: 64,
  /** Each image: at most this many pixels (width × height) and 10 MB. */
  imagePixels: 1_555_200,
  imageBytes: 10 * 1024 * 1024,
  videoSeconds: 30,
  videoBytes: 10 * 1024 * 1024,
  /** Reminders to staff who have not posted, minutes after the moment reached them. */
  reminders: 5,
  nameChars: 60,
} as const;

/** scheduled (waits for its time) → issuing (add_moment_task, its job) → issued (staff post it; results read) → done (results
 * no longer read, 14 days on); cancelled; failed (WeCom refused it). */
export const MOMENT_STATUSES = ['scheduled', 'issuing', 'issued', 'done', 'cancelled', 'failed'] as const;
export type MomentStatus = (typeof MOMENT_STATUSES)[number];
/** Made in Pond, or read back from WeCom (made in the WeCom admin or by a staff member). */
export const MOMENT_ORIGINS = ['pond', 'wecom'] as const;
export type MomentOrigin = (typeof MOMENT_ORIGINS)[number];
export const MOMENT_ATTACHMENT_TYPES = ['image', 'video', 'link'] as const;
export type MomentAttachmentType = (typeof MOMENT_ATTACHMENT_TYPES)[number];
export const INTERACTION_KINDS = ['like', 'comment'] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

// ---- composing ----

/** An attachment: a media-library file by its id (Pond uploads it with media/upload_attachment), or a link with a cover image. */
export const MomentAttachmentInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('image'), mediaId: RowId.describe('a media-library image') }),
  z.object({ type: z.literal('video'), mediaId: RowId.describe('a media-library video (MP4, ≤ 30 s, ≤ 10 MB)') }),
  z.object({
    type: z.literal('link'),
    title: Text(MOMENT_LIMITS.linkTitleBytes).min(1, 'is required')
      .refine((t) => utf8Bytes(t) <= MOMENT_LIMITS.linkTitleBytes, `must be at most ${MOMENT_LIMITS.linkTitleBytes} bytes (WeCom's limit)`),
    url: HttpUrl().refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL'),
    coverMediaId: RowId.describe('a media-library image shown as the link card'),
  }),
], { error: `type must be one of ${MOMENT_ATTACHMENT_TYPES.join(', ')}` });
export type MomentAttachmentInput = z.input<typeof MomentAttachmentInput>;

/** An attachment as Pond stores it: the media-library file (a link's cover), or for a moment read back from WeCom, WeCom's media id. */
export interface StoredMomentAttachment {
  type: MomentAttachmentType;
  assetId: number | null;
  title?: string;
  url?: string;
  wecomMediaId?: string;
}

/** Who posts it (staff and/or departments; none = every staff member with customer contact) and which customers see it (corp tags; none = all). */
export const MomentVisibility = z.object({
  staffUserids: List(Userid, 100_000).optional(),
  departmentIds: List(Int4Id, 1000).optional(),
  tagIds: List(TagId, 100).optional().describe('corp tags: customers with any of them see it'),
});
export type MomentVisibility = z.output<typeof MomentVisibility>;

const Content = {
  text: Text(MOMENT_LIMITS.textChars)
    .refine((t) => utf8Bytes(t) <= MOMENT_LIMITS.textBytes, `must be at most ${MOMENT_LIMITS.textBytes} bytes (WeCom's limit)`)
    .optional().describe(`≤ ${MOMENT_LIMITS.textChars} characters and ${MOMENT_LIMITS.textBytes} bytes`),
  attachments: List(MomentAttachmentInput, MOMENT_LIMITS.images).optional()
    .describe('up to 9 images, or 1 video, or 1 link — never mixed (WeCom\'s rule)'),
};

/** WeCom's rule on a moment's content: some text or an attachment; images, a video and a link are never mixed. */
function checkContent(v: { text?: string; attachments?: MomentAttachmentInput[] }, ctx: z.RefinementCtx) {
  const atts = v.attachments ?? [];
  if (!v.text?.trim() && atts.length === 0) ctx.addIssue({ code: 'custom', path: ['text'], message: 'give some text or an attachment' });
  const first = atts[0]?.type;
  atts.forEach((a, i) => {
    if (a.type !== first) {
      ctx.addIssue({ code: 'custom', path: ['attachments', i, 'type'], message: `cannot mix ${first} and ${a.type}: a moment carries up to 9 images, or 1 video, or 1 link` });
    }
  });
  if ((first === 'video' || first === 'link') && atts.length > 1 && atts.every((a) => a.type === first)) {
    ctx.addIssue({ code: 'custom', path: ['attachments'], message: `at most 1 ${first} (or up to 9 images)` });
  }
}

const ScheduledAt = z.iso.datetime({ offset: true, message: 'must be an ISO date-time with offset' }).nullish();

export const MomentBody = z.object({
  /** The caller's key for this moment: a retried request with the same key answers the moment it made. */
  requestId: Text(64).min(8, 'must be at least 8 characters').optional(),
  name: Text(MOMENT_LIMITS.nameChars).optional().describe('for the list; default the start of the text'),
  ...Content,
  visibility: MomentVisibility.optional(),
  /** Post at this time (ISO with offset); absent = now. */
  scheduledAt: ScheduledAt,
  /** Remind staff who have not posted this many minutes after the moment reached them. */
  remindAfter: List(Int4(5, 10_080), MOMENT_LIMITS.reminders).optional().describe('minutes, 5–10080; at most 5'),
  /** A corp tag marked on customers who like or comment (on their relation with the staff member who posted). */
  autoTagId: TagId.nullish(),
}).superRefine(checkContent);
export type MomentInput = z.input<typeof MomentBody>;
export type MomentParsed = z.output<typeof MomentBody>;

/** Who would post it and which customers would see it (from Pond's copy of the corp), with the contact budget when moments count against it. */
export const MomentPreviewBody = z.object({ visibility: MomentVisibility.optional(), scheduledAt: ScheduledAt, ...Content });
export type MomentPreviewInput = z.input<typeof MomentPreviewBody>;
export const MomentPreview = z.object({
  senders: z.number().int(),
  senderNames: z.array(z.string()),
  customers: z.number().int(),
  /** Moments count against customers' budgets (the corp's policy): who is over it. WeCom still shows the moment to
   * every customer its tags select: the budget records it, it cannot hold a moment back from one customer. */
  countsAgainstBudget: z.boolean(),
  budget: GovernancePreview.nullable(),
});
export type MomentPreview = z.input<typeof MomentPreview>;
export type MomentPreviewOutput = z.output<typeof MomentPreview>;

// ---- reading ----

export const MomentAttachment = z.object({
  type: z.enum(MOMENT_ATTACHMENT_TYPES),
  /** The media-library file (null for a moment read back from WeCom). */
  mediaId: z.number().nullable(),
  filename: z.string().nullable(),
  picUrl: z.string().nullable(),
  title: z.string().nullable(),
  url: z.string().nullable(),
});

export const MomentCounts = z.object({
  senders: z.number().int(),
  published: z.number().int(),
  /** Customers WeCom reports can see it (get_moment_send_result). */
  reach: z.number().int(),
  likes: z.number().int(),
  comments: z.number().int(),
  /** With the budget on: customers planned (budget spent), and skipped over their budget. */
  planned: z.number().int(),
  overBudget: z.number().int(),
});

export const Moment = z.object({
  id: z.number(),
  origin: z.enum(MOMENT_ORIGINS),
  name: z.string(),
  text: z.string(),
  attachments: z.array(MomentAttachment),
  visibility: z.object({ staffUserids: z.array(z.string()), departmentIds: z.array(z.number()), tagIds: z.array(z.string()) }),
  scheduledAt: DateTime.nullable(),
  remindAfter: z.array(z.number().int()),
  autoTag: z.object({ id: z.string(), name: z.string() }).nullable(),
  status: z.enum(MOMENT_STATUSES),
  /** WeCom's moment_id once its job is done. */
  momentId: z.string().nullable(),
  /** WeCom: who made it (a moment read back). */
  creator: z.string().nullable(),
  /** Staff, departments and tags WeCom did not accept. */
  invalid: z.object({ staffUserids: z.array(z.string()), departmentIds: z.array(z.number()), tagIds: z.array(z.string()) }),
  error: z.string().nullable(),
  issuedAt: DateTime.nullable(),
  cancelledAt: DateTime.nullable(),
  polledAt: DateTime.nullable(),
  counts: MomentCounts,
  createdBy: z.string().nullable(),
  createdAt: DateTime,
});
export type Moment = z.input<typeof Moment>;
export type MomentOutput = z.output<typeof Moment>;
export const MomentPage = PageOf(Moment);
export const MomentListQuery = z.object({
  status: z.enum(MOMENT_STATUSES).optional(),
  origin: z.enum(MOMENT_ORIGINS).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type MomentListQuery = z.input<typeof MomentListQuery>;

export const MomentSender = z.object({
  userid: z.string(),
  name: z.string(),
  published: z.boolean(),
  publishedAt: DateTime.nullable(),
  reach: z.number().int(),
  likes: z.number().int(),
  comments: z.number().int(),
  reminders: z.number().int(),
  lastRemindedAt: DateTime.nullable(),
  taskId: z.number().nullable(),
});
export type MomentSender = z.input<typeof MomentSender>;

export const MomentDetail = Moment.extend({ senders: z.array(MomentSender) });
export type MomentDetail = z.input<typeof MomentDetail>;
export type MomentDetailOutput = z.output<typeof MomentDetail>;

export const MomentInteraction = z.object({
  kind: z.enum(INTERACTION_KINDS),
  /** The customer (null when a colleague liked or commented). */
  externalUserid: z.string().nullable(),
  customerName: z.string().nullable(),
  /** A colleague who liked or commented. */
  userid: z.string().nullable(),
  /** Whose post it was. */
  senderUserid: z.string(),
  senderName: z.string(),
  at: DateTime,
});
export type MomentInteraction = z.input<typeof MomentInteraction>;
export const MomentInteractionPage = PageOf(MomentInteraction);
export const MomentInteractionQuery = z.object({
  kind: z.enum(INTERACTION_KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export type MomentInteractionQuery = z.input<typeof MomentInteractionQuery>;

/** Read moments made directly in WeCom (the admin's corp moments and staff's own) back into the list. */
export const MomentSyncBody = z.object({ days: Int4(1, 30).default(7).describe('how far back, 1–30 days') });
export const MomentSyncResult = z.object({ read: z.number().int(), added: z.number().int() });
export const MomentRemindResult = z.object({ reminded: z.number().int() });
