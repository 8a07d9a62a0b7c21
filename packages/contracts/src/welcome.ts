// Welcome messages (欢迎语): templates chosen code > staff > default, their preview, the record of every
// send, and group welcome templates (入群欢迎语素材). The request schemas give the shape and outer bounds; the
// server checks WeCom's rules (bytes, attachment payloads, scope) and names the field that broke one.
import { z } from 'zod';
import { DateTime, ItemsOf, List, PageOf, RowId, RowIdParam, Text, Userid, WecomId } from './common';

const encoder = new TextEncoder();
const utf8Bytes = (s: string) => encoder.encode(s).length;

// ---- rules both sides know ----

export const WELCOME_SCOPES = ['default', 'staff', 'code'] as const;
export type WelcomeScope = (typeof WELCOME_SCOPES)[number];
export const TEMPLATE_STATUSES = ['active', 'archived'] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];
/** `unknown`: an attempt was interrupted and WeCom can no longer tell whether it was delivered (the code expired). */
export const SEND_STATUSES = ['sent', 'failed', 'skipped', 'unknown'] as const;
export type SendStatus = (typeof SEND_STATUSES)[number];

export const NAME_MAX_CHARS = 60;
export const TEXT_MAX_BYTES = 4000;
export const MAX_ATTACHMENTS = 9;
/** What WeCom sends (and Pond stores). */
export const ATTACHMENT_TYPES = ['image', 'link', 'miniprogram', 'video', 'file'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];
/** Input-only msgtype: a coupon is sent as a link card. */
export const INPUT_ATTACHMENT_TYPES = [...ATTACHMENT_TYPES, 'coupon'] as const;
export type InputAttachmentType = (typeof INPUT_ATTACHMENT_TYPES)[number];

/** Filled in at send time; a known placeholder without a value becomes empty. */
export const PLACEHOLDERS = ['nickname', 'staff', 'channel', 'store'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

// ---- attachments ----

const str = () => Text(2000).optional();
const LinkInput = z.object({ title: str(), url: str(), desc: str(), picurl: str() });

/** An attachment as sent to Pond: `{ msgtype, <msgtype>: {...} }`. The payload's rules are checked by the server, field by field. */
export const AttachmentInput = z.object({
  msgtype: z.enum(INPUT_ATTACHMENT_TYPES, { error: `must be one of ${INPUT_ATTACHMENT_TYPES.join(', ')}` })
    .describe('image | link | miniprogram | video | file | coupon (a link card)'),
  image: z.object({ media_id: str(), pic_url: str() }).optional(),
  link: LinkInput.optional().describe('title ≤ 128 bytes, url http(s), desc ≤ 512 bytes'),
  coupon: LinkInput.optional().describe('stored and sent as a link'),
  miniprogram: z.object({ title: str(), pic_media_id: str(), appid: str(), page: str() }).optional().describe('title ≤ 64 bytes'),
  video: z.object({ media_id: str() }).optional(),
  file: z.object({ media_id: str() }).optional(),
});
export type AttachmentInput = z.input<typeof AttachmentInput>;

const ImagePayload = z.object({ media_id: z.string().optional(), pic_url: z.string().optional() });
const LinkPayload = z.object({ title: z.string(), picurl: z.string().optional(), desc: z.string().optional(), url: z.string() });
const MiniprogramPayload = z.object({ title: z.string(), pic_media_id: z.string(), appid: z.string(), page: z.string() });
const MediaPayload = z.object({ media_id: z.string() });

/** An attachment as stored and sent, in WeCom's shape (a coupon has become a link). */
export const WelcomeAttachment = z.object({
  msgtype: z.enum(ATTACHMENT_TYPES),
  image: ImagePayload.optional(),
  link: LinkPayload.optional(),
  miniprogram: MiniprogramPayload.optional(),
  video: MediaPayload.optional(),
  file: MediaPayload.optional(),
});
export type WelcomeAttachment = z.output<typeof WelcomeAttachment>;

// ---- templates ----

const Scope = z.enum(WELCOME_SCOPES, { error: `must be one of ${WELCOME_SCOPES.join(', ')}` });
const Content = {
  userids: List(Userid, 10_000).optional().describe('staff userids, scope staff only'),
  text: Text(20_000).optional().describe('≤ 4000 bytes in UTF-8; placeholders {nickname} {staff} {channel} {store}'),
  attachments: List(AttachmentInput, 100).optional().describe('at most 9'),
};

export const TemplateBody = z.object({ name: Text(1000).describe('1–60 characters'), scope: Scope, ...Content });
export type TemplateInput = z.input<typeof TemplateBody>;
export const TemplatePatchBody = z.object({ name: Text(1000).optional(), scope: Scope.optional(), ...Content });
export type TemplatePatch = z.input<typeof TemplatePatchBody>;

/** Sample values for a preview; `userid` picks whose name and store fill {staff} and {store}. */
export const PreviewVars = z.object({ nickname: str(), staff: str(), channel: str(), store: str(), userid: str() });
export const PreviewBody = z.object({
  id: RowId.optional().describe('preview a saved template; otherwise the content in this body'),
  name: Text(1000).optional(),
  scope: Scope.optional(),
  ...Content,
  vars: PreviewVars.optional(),
});
export type PreviewInput = z.input<typeof PreviewBody>;

export const TemplateListQuery = z.object({ status: z.enum(TEMPLATE_STATUSES).optional(), scope: Scope.optional() });
export type TemplateListQuery = z.input<typeof TemplateListQuery>;
export const TemplateIdParams = z.object({ id: RowIdParam });

export const WelcomeTemplate = z.object({
  id: z.number(),
  name: z.string(),
  scope: z.enum(WELCOME_SCOPES),
  /** Staff userids, for scope 'staff' only. */
  userids: z.array(z.string()),
  text: z.string(),
  attachments: z.array(WelcomeAttachment),
  status: z.enum(TEMPLATE_STATUSES),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type WelcomeTemplate = z.input<typeof WelcomeTemplate>;
export type WelcomeTemplateOutput = z.output<typeof WelcomeTemplate>;
export const WelcomeTemplateList = ItemsOf(WelcomeTemplate);

/** The message as it would be sent, with sample values; `truncated` when the filled-in text passed 4000 bytes. */
export const WelcomePreview = z.object({
  text: z.string(),
  attachments: z.array(WelcomeAttachment),
  bytes: z.number().int(),
  truncated: z.boolean(),
  vars: z.object({ nickname: z.string(), staff: z.string(), channel: z.string(), store: z.string() }),
});
export type WelcomePreview = z.input<typeof WelcomePreview>;

// ---- sends ----

export const SendListQuery = z.object({
  codeId: RowIdParam.optional(),
  status: z.enum(SEND_STATUSES).optional(),
  page: z.coerce.number().int().min(1, 'must be ≥ 1').default(1),
  pageSize: z.coerce.number().int().min(1, 'must be ≥ 1').max(200, 'must be ≤ 200').default(20),
});
export type SendListQuery = z.input<typeof SendListQuery>;

export const WelcomeSend = z.object({
  id: z.number(),
  /** The add event (callback inbox id) the welcome answered. */
  inboxId: z.number(),
  externalUserid: z.string(),
  customerName: z.string().nullable(),
  userid: z.string(),
  staffName: z.string().nullable(),
  templateId: z.number().nullable(),
  templateName: z.string().nullable(),
  codeId: z.number().nullable(),
  codeName: z.string().nullable(),
  status: z.enum(SEND_STATUSES),
  errcode: z.number().int().nullable(),
  error: z.string().nullable(),
  /** Sent, as settled after an interrupted attempt (WeCom answered 41051 to a second call: the first was delivered). */
  reconciled: z.boolean(),
  receivedAt: DateTime,
  sentAt: DateTime,
  latencyMs: z.number().int().nullable(),
});
export type WelcomeSend = z.input<typeof WelcomeSend>;
export type WelcomeSendOutput = z.output<typeof WelcomeSend>;
export const WelcomeSendPage = PageOf(WelcomeSend);

// ---- group welcome templates (入群欢迎语素材) ----

export const GROUP_LIBRARY_MAX = 100;
export const GROUP_TEXT_MAX_BYTES = 3000;
const Url = Text(2000).regex(/^https?:\/\//, 'must start with http:// or https://');
const MediaId = Text(256).min(1, 'is required');

/** At most one attachment, in WeCom's shape. */
export const GroupWelcomeAttachment = z.discriminatedUnion('msgtype', [
  z.object({ msgtype: z.literal('image'), image: z.object({ media_id: MediaId.optional(), pic_url: Url.optional() }).refine((i) => i.media_id || i.pic_url, 'needs media_id or pic_url') }),
  z.object({ msgtype: z.literal('link'), link: z.object({ title: Text(128).min(1, 'is required').refine((t) => utf8Bytes(t) <= 128, 'must be at most 128 bytes'), picurl: Url.optional(), desc: Text(512).refine((t) => utf8Bytes(t) <= 512, 'must be at most 512 bytes').optional(), url: Url }) }),
  z.object({ msgtype: z.literal('miniprogram'), miniprogram: z.object({ title: Text(64).min(1, 'is required').refine((t) => utf8Bytes(t) <= 64, 'must be at most 64 bytes'), pic_media_id: MediaId, appid: Text(64).min(1, 'is required'), page: Text(2000).min(1, 'is required') }) }),
  z.object({ msgtype: z.literal('file'), file: z.object({ media_id: MediaId }) }),
  z.object({ msgtype: z.literal('video'), video: z.object({ media_id: MediaId }) }),
], { message: 'msgtype must be image, link, miniprogram, file or video' });
export type GroupWelcomeAttachment = z.output<typeof GroupWelcomeAttachment>;

export const GroupWelcomeBody = z.object({
  name: z.string().trim().min(1, 'is required').max(60, 'must be at most 60 characters'),
  text: Text(GROUP_TEXT_MAX_BYTES).refine((t) => utf8Bytes(t) <= GROUP_TEXT_MAX_BYTES, `must be at most ${GROUP_TEXT_MAX_BYTES} bytes (WeCom's limit; %NICKNAME% inserts the member's name)`)
    .refine((t) => t.trim() !== '', 'must not be blank (leave it out to send only the attachment)').optional(),
  attachment: GroupWelcomeAttachment.optional(),
  notify: z.boolean().default(true),
});
export type GroupWelcomeInput = z.input<typeof GroupWelcomeBody>;
export const GroupWelcomePatchBody = GroupWelcomeBody.omit({ notify: true }).partial();
export type GroupWelcomePatch = z.input<typeof GroupWelcomePatchBody>;
export const GroupWelcomeParams = z.object({ templateId: WecomId('a group welcome template id') });

/** The template as WeCom's library holds it: text and at most one attachment payload under its msgtype. */
export const GroupWelcomeContent = z.object({
  text: z.object({ content: z.string() }).optional(),
  image: ImagePayload.optional(),
  link: LinkPayload.optional(),
  miniprogram: MiniprogramPayload.optional(),
  file: MediaPayload.optional(),
  video: MediaPayload.optional(),
});
export type GroupWelcomeContent = z.output<typeof GroupWelcomeContent>;

export const GroupWelcomeTemplate = z.object({
  templateId: z.string(),
  name: z.string(),
  content: GroupWelcomeContent,
  notify: z.boolean(),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type GroupWelcomeTemplate = z.input<typeof GroupWelcomeTemplate>;
export type GroupWelcomeTemplateOutput = z.output<typeof GroupWelcomeTemplate>;
/** In the list: the active live codes whose groups use the template. */
export const GroupWelcomeTemplateItem = GroupWelcomeTemplate.extend({ codes: z.array(z.object({ id: z.number(), name: z.string() })) });
export type GroupWelcomeTemplateItem = z.input<typeof GroupWelcomeTemplateItem>;
export type GroupWelcomeTemplateItemOutput = z.output<typeof GroupWelcomeTemplateItem>;
export const GroupWelcomeTemplateList = ItemsOf(GroupWelcomeTemplateItem);
