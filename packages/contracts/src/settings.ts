// Settings: the corp's WeCom connection (self-built app, callback, 公众号 OAuth, time zone), the setup checklist that
// says what is wrong with it and how to fix it, and the sync runs that read the corp from WeCom.
import { z } from 'zod';
import { DateTime, HttpUrl, ItemsOf, Text, TimeZone } from './common';

export const SYNC_KINDS = ['full', 'reconcile'] as const;
export type SyncKind = (typeof SYNC_KINDS)[number];
export const SYNC_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];
export const CHECK_STATUSES = ['ok', 'warn', 'error', 'pending'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

// ---- requests ----

/** PUT /api/settings/corp (admins): the fields to change. Secrets are write-only. */
export const CorpSettingsBody = z.object({
  name: z.string().trim().min(1).max(60).optional(),
  agentId: z.string().regex(/^\d+$/, 'must be the numeric AgentId').optional(),
  secret: Text(128).min(8, "must be the self-built app's Secret").optional(),
  callbackToken: z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'must be 1–32 letters or digits').optional(),
  callbackAesKey: z.string().regex(/^[A-Za-z0-9]{43}$/, 'must be 43 letters or digits').optional(),
  apiBase: HttpUrl().optional(),
  oauthAppId: z.string().regex(/^wx[0-9a-zA-Z]{8,30}$/, 'must be the 公众号 AppID (wx…)').nullish(),
  oauthSecret: Text(128).min(16, 'must be the 公众号 AppSecret').nullish(),
  oauthOpenBase: HttpUrl().nullish(),
  oauthApiBase: HttpUrl().nullish(),
  wecomWebBase: HttpUrl().nullish(),
  timezone: TimeZone.optional(),
});
export type CorpSettingsInput = z.input<typeof CorpSettingsBody>;

/** POST /api/sync/runs: a full sync (with every customer's details) or the nightly reconcile's stages. */
export const SyncRunBody = z.object({ kind: z.enum(SYNC_KINDS).default('full') });
export type SyncRunInput = z.input<typeof SyncRunBody>;

// ---- responses ----

/** The corp's WeCom connection: which secrets are set (never their values), and the addresses to enter in WeCom admin. */
export const CorpSettings = z.object({
  id: z.string(),
  name: z.string(),
  agentId: z.string(),
  apiBase: z.string(),
  secretSet: z.boolean(),
  /** Admins only (null for operators: with the AES key it forges WeCom's events). */
  callbackToken: z.string().nullable(),
  callbackTokenSet: z.boolean(),
  callbackAesKeySet: z.boolean(),
  /** The URL to enter in the app's 接收消息 → 设置API接收. */
  callbackUrl: z.string(),
  isDemo: z.boolean(),
  oauthAppId: z.string().nullable(),
  oauthSecretSet: z.boolean(),
  oauthOpenBase: z.string().nullable(),
  oauthApiBase: z.string().nullable(),
  /** The chat-sidebar page to enter in WeCom admin → the app → 聊天工具栏. */
  sidebarUrl: z.string(),
  /** Where members' WeCom web side is (OAuth, JS-SDK); null: WeCom itself. */
  wecomWebBase: z.string().nullable(),
  /** IANA zone: every time is shown in it. */
  timezone: z.string(),
});
export type CorpSettings = z.input<typeof CorpSettings>;

/** One row of the setup checklist, with what to do about it (zh / en). */
export const CheckItem = z.object({
  key: z.string(),
  status: z.enum(CHECK_STATUSES),
  title: z.string(),
  detail: z.string(),
  fix: z.string(),
});
export type CheckItem = z.input<typeof CheckItem>;

/** The whole list's state: its worst row (a pending row is not "passed"). */
export const CheckSummary = z.object({
  status: z.enum(CHECK_STATUSES),
  ok: z.number().int(),
  pending: z.number().int(),
  problems: z.number().int(),
});
export type CheckSummary = z.input<typeof CheckSummary>;

export const Checklist = z.object({ items: z.array(CheckItem), summary: CheckSummary });
export type Checklist = z.input<typeof Checklist>;

/** A stage's progress. `failed` (details stage): customers WeCom would not return, counted in `done` too, with their
 * errcodes and counts in `errors`. */
export const StageProgress = z.object({
  done: z.number().int(),
  total: z.number().int().nullable(),
  failed: z.number().int().optional(),
  errors: z.record(z.string(), z.number().int()).optional(),
});
export type StageProgress = z.input<typeof StageProgress>;

export const SyncRun = z.object({
  id: z.number(),
  kind: z.enum(SYNC_KINDS),
  status: z.enum(SYNC_STATUSES),
  stage: z.string().nullable(),
  /** By stage. */
  progress: z.record(z.string(), StageProgress),
  error: z.string().nullable(),
  /** Who started it (a console user's name, or `schedule`). */
  triggeredBy: z.string().nullable(),
  startedAt: DateTime.nullable(),
  finishedAt: DateTime.nullable(),
  createdAt: DateTime,
});
export type SyncRun = z.input<typeof SyncRun>;
export const SyncRunList = ItemsOf(SyncRun);
export type SyncRunList = z.input<typeof SyncRunList>;

