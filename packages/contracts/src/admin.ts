// Administration: the corps a user belongs to (and adding one), the corp's users — memberships, invited with a
// one-time link (ADR 0011, 0018) —, API tokens, and the audit log as people read it.
import { z } from 'zod';
import { DateTime, HttpUrl, ItemsOf, List, Page, PageOf, RowId, Text, Userid, patchOf } from './common';
import { PASSWORD_MIN, Role } from './auth';

/** A member of the corp, or someone invited who has not accepted yet. */
export const MEMBER_STATUSES = ['active', 'invited'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export const USER_PASSWORD_MAX = 200;
export const DISPLAY_NAME_MAX = 40;
export const CORP_NAME_MAX = 60;
export const TOKEN_NAME_MAX = 60;
/** Stores a store manager (or a token) may be limited to. */
export const ROLE_STORES_MAX = 100;
export const AUDIT_ACTION_MAX = 100;

// ---- corps ----

/** A self-built app's credentials and its callback settings (企业微信管理后台 → 应用管理 → 自建应用). */
export const CorpBody = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{4,64}$/, 'must be the corpid from 我的企业 → 企业信息'),
  name: z.string().trim().min(1, 'is required').max(CORP_NAME_MAX),
  agentId: z.string().regex(/^\d+$/, 'must be the numeric AgentId'),
  secret: Text(128).min(8, "must be the self-built app's Secret"),
  callbackToken: z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'must be 1–32 letters or digits'),
  callbackAesKey: z.string().regex(/^[A-Za-z0-9]{43}$/, 'must be 43 letters or digits'),
  apiBase: HttpUrl().optional(),
});
export type CorpInput = z.input<typeof CorpBody>;

/** A corp the caller belongs to, with their role in it. */
export const CorpSummary = z.object({ id: z.string(), name: z.string(), isDemo: z.boolean(), role: Role });
export type CorpSummary = z.input<typeof CorpSummary>;
export const CorpList = ItemsOf(CorpSummary);
export type CorpList = z.input<typeof CorpList>;

// ---- users (memberships) and invitations ----

const UserFields = z.object({
  username: z.string().regex(/^[A-Za-z0-9_.@-]{3,40}$/, 'must be 3–40 letters, digits or _.@-'),
  password: Text(USER_PASSWORD_MAX).min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`),
  displayName: z.string().trim().min(1, 'is required').max(DISPLAY_NAME_MAX),
  role: Role,
  storeIds: List(RowId, ROLE_STORES_MAX).default([]),
  staffUserid: Userid.nullish(),
});

/** An invitation: no password — the invited person sets it (or proves their existing account's) with the link. */
export const InviteBody = UserFields.omit({ password: true }).extend({
  password: z.never({ error: 'an invitation carries no password: the invited person sets it with the invitation link' }).optional(),
});
export type InviteInput = z.input<typeof InviteBody>;

/** The membership's role, stores, staff link and access to this corp; password, name and accountDisabled change the
 * account (an active member's only). */
export const UserPatchBody = patchOf(UserFields.omit({ username: true })).extend({ disabled: z.boolean().optional(), accountDisabled: z.boolean().optional() });
export type UserPatch = z.input<typeof UserPatchBody>;

/** A membership of the corp; until the invitation is accepted the corp sees only what its admin typed. */
export const Member = z.object({
  /** The membership's id (not the account's). */
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  storeIds: z.array(z.number()),
  staffUserid: z.string().nullable(),
  /** `invited` until the person accepts with the invitation link. */
  status: z.enum(MEMBER_STATUSES),
  /** Disabled in this corp (or the account itself is disabled). */
  disabled: z.boolean(),
});
export type Member = z.input<typeof Member>;
export type MemberOutput = z.output<typeof Member>;
export const MemberList = ItemsOf(Member);
export type MemberList = z.input<typeof MemberList>;

/** What inviting answers: the member, and the link to hand to the person (shown once; a new one can be made). */
export const Invitation = Member.extend({ inviteUrl: z.string(), inviteExpiresAt: DateTime });
export type Invitation = z.input<typeof Invitation>;
export type InvitationOutput = z.output<typeof Invitation>;

// ---- API tokens ----

export const TokenBody = z.object({
  name: z.string().trim().min(1, 'is required').max(TOKEN_NAME_MAX),
  role: Role,
  storeIds: List(RowId, ROLE_STORES_MAX).default([]),
  staffUserid: Userid.nullish(),
});
export type TokenInput = z.input<typeof TokenBody>;

export const ApiToken = z.object({
  id: z.number(),
  name: z.string(),
  /** The token's first characters, to recognise it. */
  prefix: z.string(),
  role: Role,
  storeIds: z.array(z.number()),
  createdAt: DateTime,
  lastUsedAt: DateTime.nullable(),
  revokedAt: DateTime.nullable(),
});
export type ApiToken = z.input<typeof ApiToken>;
export type ApiTokenOutput = z.output<typeof ApiToken>;
export const ApiTokenList = ItemsOf(ApiToken);
export type ApiTokenList = z.input<typeof ApiTokenList>;

/** A new token: the secret is shown this once. */
export const CreatedToken = z.object({ id: z.number(), token: z.string() });
export type CreatedToken = z.input<typeof CreatedToken>;

// ---- the audit log ----

export const Bilingual = z.object({ zh: z.string(), en: z.string() });
export type Bilingual = z.input<typeof Bilingual>;

/** `action` keeps one action (e.g. live_code.update). */
export const AuditQuery = Page.extend({ action: z.string().trim().max(AUDIT_ACTION_MAX).optional() });
/** The query as a caller sends it, page and size given. */
export type AuditQuery = z.output<typeof AuditQuery>;

export const AuditEntry = z.object({
  id: z.number(),
  createdAt: DateTime,
  /** `live_code.update`; `actionLabel` says it in words (null for an entry older than its route). */
  action: z.string(),
  actionLabel: Bilingual.nullable(),
  /** "PATCH /api/live-codes/:id" */
  route: z.string().nullable(),
  /** user | token | sidebar | anonymous | system */
  actorType: z.string(),
  actorName: z.string().nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  /** What the entry is about: its kind in words and, where it has one, its name (a live code's, a customer's). */
  target: z.object({ type: z.string().nullable(), id: z.string().nullable(), label: Bilingual.nullable(), name: z.string().nullable() }).nullable(),
  /** The request's body, secrets redacted. */
  detail: z.unknown(),
  ip: z.string().nullable(),
});
export type AuditEntry = z.input<typeof AuditEntry>;
export type AuditEntryOutput = z.output<typeof AuditEntry>;
export const AuditPage = PageOf(AuditEntry);
export type AuditPage = z.input<typeof AuditPage>;

/** An action the log records, with its label: the choices of the filter. */
export const AuditAction = z.object({ action: z.string(), label: Bilingual.nullable() });
export type AuditAction = z.input<typeof AuditAction>;
export const AuditActionList = ItemsOf(AuditAction);
export type AuditActionList = z.input<typeof AuditActionList>;
