// Welcome message content: the rules WeCom applies to send_welcome_msg (WECOM.md §5), checked when a
// template is saved so a bad template fails in the console, not inside the 20 s window; and the
// placeholders ({nickname} {staff} {channel} {store}) filled in at send time.
import type { MessageAttachment } from '@pond/wecom';
import {
  ATTACHMENT_TYPES, INPUT_ATTACHMENT_TYPES, MAX_ATTACHMENTS, NAME_MAX_CHARS, PLACEHOLDERS, TEXT_MAX_BYTES, WELCOME_SCOPES,
  type Placeholder, type WelcomeAttachment, type WelcomeScope,
} from '@pond/contracts/welcome';
import { AppError } from '../../platform/errors';

// The limits and names are the API's (@pond/contracts/welcome): the console checks the same ones.
export { ATTACHMENT_TYPES, INPUT_ATTACHMENT_TYPES, MAX_ATTACHMENTS, NAME_MAX_CHARS, PLACEHOLDERS, TEXT_MAX_BYTES, WELCOME_SCOPES };
export type { Placeholder, WelcomeAttachment, WelcomeScope };

export type WelcomeVars = Partial<Record<Placeholder, string | null | undefined>>;

export interface CouponInput { title: string; url: string; desc?: string; picurl?: string }
/** WeCom's attachment shape, or `{ msgtype: 'coupon', coupon: {...} }` (stored and sent as a link). */
export type AttachmentInput = WelcomeAttachment | { msgtype: 'coupon'; coupon: CouponInput };
/** What callers may pass: checked field by field by normalizeAttachment, so partial payloads get a named error. */
export type AttachmentLike = AttachmentInput | ({ msgtype: string } & Partial<Record<(typeof INPUT_ATTACHMENT_TYPES)[number], object>>);

export interface TemplateInput {
  name: string;
  scope: WelcomeScope;
  /** Staff userids, for scope 'staff' only. */
  userids?: string[];
  text?: string;
  attachments?: readonly AttachmentLike[];
}

/** A template after validation: what is stored. */
export interface TemplateDraft {
  name: string;
  scope: WelcomeScope;
  userids: string[];
  text: string;
  attachments: WelcomeAttachment[];
}

export const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const chars = (s: string): number => [...s].length;

const PLACEHOLDER_RE = /\{(nickname|staff|channel|store)\}/g;

/** Replaces the known placeholders; a known one without a value becomes empty, an unknown `{x}` stays. */
export function renderText(text: string, vars: WelcomeVars): string {
  return text.replace(PLACEHOLDER_RE, (_, key: Placeholder) => vars[key] ?? '');
}

export function usesPlaceholder(text: string, key: Placeholder): boolean {
  return text.includes(`{${key}}`);
}

/** Cuts `s` to at most `max` UTF-8 bytes without splitting a character. */
export function truncateBytes(s: string, max: number): string {
  if (utf8Bytes(s) <= max) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const b = utf8Bytes(ch);
    if (used + b > max) break;
    out += ch;
    used += b;
  }
  return out;
}

function isHttpUrl(v: string): boolean {
  if (!/^https?:\/\//i.test(v)) return false;
  try {
    new URL(v);
    return true;
  } catch {
    return false;
  }
}

type Loose = Record<string, unknown>;

/** Field-naming checks for one payload object. */
class PayloadCheck {
  constructor(private readonly path: string, private readonly p: Loose) {}

  private fail(key: string, rule: string): never {
    throw AppError.validation(`${this.path}.${key}`, rule);
  }

  str(key: string, opts: { required?: boolean; maxBytes?: number; url?: boolean } = {}): string | undefined {
    const v = this.p[key];
    if (v === undefined || v === null || v === '') {
      if (opts.required) this.fail(key, 'is required');
      return undefined;
    }
    if (typeof v !== 'string') this.fail(key, 'must be a string');
    if (opts.maxBytes !== undefined && utf8Bytes(v) > opts.maxBytes) {
      this.fail(key, `must be at most ${opts.maxBytes} bytes in UTF-8 (got ${utf8Bytes(v)})`);
    }
    if (opts.url && !isHttpUrl(v)) this.fail(key, 'must be an http(s) URL');
    return v;
  }
}

function linkFrom(c: PayloadCheck): NonNullable<WelcomeAttachment['link']> {
  const title = c.str('title', { required: true, maxBytes: 128 })!;
  const url = c.str('url', { required: true, url: true })!;
  const desc = c.str('desc', { maxBytes: 512 });
  const picurl = c.str('picurl', { url: true });
  return { title, url, ...(desc ? { desc } : {}), ...(picurl ? { picurl } : {}) };
}

/** Checks one attachment as WeCom would and returns it in WeCom's shape (a coupon becomes a link). */
export function normalizeAttachment(a: unknown, i: number): WelcomeAttachment {
  const at = `attachments.${i}`;
  if (!a || typeof a !== 'object') throw AppError.validation(at, 'must be an object {msgtype, <msgtype>: {...}}');
  const obj = a as Loose;
  const msgtype = obj.msgtype;
  if (typeof msgtype !== 'string' || !(INPUT_ATTACHMENT_TYPES as readonly string[]).includes(msgtype)) {
    throw AppError.validation(`${at}.msgtype`, `must be one of ${INPUT_ATTACHMENT_TYPES.join(', ')}`);
  }
  const other = INPUT_ATTACHMENT_TYPES.find((k) => k !== msgtype && obj[k] !== undefined);
  if (other) throw AppError.validation(`${at}.${other}`, `does not match msgtype ${msgtype}; put the payload under "${msgtype}"`);
  const payload = obj[msgtype];
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    throw AppError.validation(`${at}.${msgtype}`, `is required when msgtype is ${msgtype}`);
  }
  const c = new PayloadCheck(`${at}.${msgtype}`, payload as Loose);
  switch (msgtype) {
    case 'image': {
      const mediaId = c.str('media_id');
      const picUrl = c.str('pic_url', { url: true });
      if (!mediaId && !picUrl) throw AppError.validation(`${at}.image`, 'needs media_id or pic_url');
      return { msgtype: 'image', image: { ...(mediaId ? { media_id: mediaId } : {}), ...(picUrl ? { pic_url: picUrl } : {}) } };
    }
    case 'link':
      return { msgtype: 'link', link: linkFrom(c) };
    case 'coupon':
      return { msgtype: 'link', link: linkFrom(c) };
    case 'miniprogram':
      return {
        msgtype: 'miniprogram',
        miniprogram: {
          title: c.str('title', { required: true, maxBytes: 64 })!,
          pic_media_id: c.str('pic_media_id', { required: true })!,
          appid: c.str('appid', { required: true })!,
          page: c.str('page', { required: true })!,
        },
      };
    case 'video':
      return { msgtype: 'video', video: { media_id: c.str('media_id', { required: true })! } };
    default:
      return { msgtype: 'file', file: { media_id: c.str('media_id', { required: true })! } };
  }
}

/** Text and attachments: text ≤ 4000 bytes, ≤ 9 attachments, and at least one of the two. */
export function validateContent(input: { text?: string | null; attachments?: readonly unknown[] | null }): { text: string; attachments: WelcomeAttachment[] } {
  const text = input.text ?? '';
  if (typeof text !== 'string') throw AppError.validation('text', 'must be a string');
  if (utf8Bytes(text) > TEXT_MAX_BYTES) {
    throw AppError.validation('text', `must be at most ${TEXT_MAX_BYTES} bytes in UTF-8 (got ${utf8Bytes(text)}; a Chinese character takes 3)`);
  }
  const list = input.attachments ?? [];
  if (!Array.isArray(list)) throw AppError.validation('attachments', 'must be an array');
  if (list.length > MAX_ATTACHMENTS) throw AppError.validation('attachments', `must have at most ${MAX_ATTACHMENTS} entries (got ${list.length})`);
  const attachments = list.map((a, i) => normalizeAttachment(a, i));
  const hasText = text.trim() !== '';
  if (!hasText && attachments.length === 0) throw AppError.validation('text', 'is required when there are no attachments');
  return { text: hasText ? text : '', attachments };
}

/** Every rule that needs no database: name, scope, userids' shape, content. */
export function validateTemplate(input: TemplateInput): TemplateDraft {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (!name) throw AppError.validation('name', 'is required');
  if (chars(name) > NAME_MAX_CHARS) throw AppError.validation('name', `must be at most ${NAME_MAX_CHARS} characters (got ${chars(name)})`);
  if (!(WELCOME_SCOPES as readonly string[]).includes(input.scope)) {
    throw AppError.validation('scope', `must be one of ${WELCOME_SCOPES.join(', ')}`);
  }
  const userids = [...new Set((input.userids ?? []).map((u) => (typeof u === 'string' ? u.trim() : '')))];
  if (userids.includes('')) throw AppError.validation('userids', 'must not contain empty userids');
  if (input.scope === 'staff' && userids.length === 0) throw AppError.validation('userids', 'must list at least one staff member for scope staff');
  if (input.scope !== 'staff' && userids.length > 0) throw AppError.validation('userids', `is only for scope staff (this template's scope is ${input.scope})`);
  return { name, scope: input.scope, userids, ...validateContent(input) };
}

/** The stored shape as the WeCom client's discriminated union (payload keys were checked on save). */
export function toWecomAttachments(list: readonly WelcomeAttachment[]): MessageAttachment[] {
  return list.map((a) => ({ msgtype: a.msgtype, [a.msgtype]: a[a.msgtype] }) as MessageAttachment);
}

/** validateContent for content nested in a body (`content.text`, `steps.2.content.attachments.0`): errors name the full path. */
export function validateContentAt(input: { text?: string | null; attachments?: readonly unknown[] | null }, prefix: string): { text: string; attachments: WelcomeAttachment[] } {
  try {
    return validateContent(input);
  } catch (err) {
    if (err instanceof AppError && err.extra.field) throw AppError.validation(`${prefix}.${err.extra.field}`, err.message.slice(err.extra.field.length + 2));
    throw err;
  }
}
