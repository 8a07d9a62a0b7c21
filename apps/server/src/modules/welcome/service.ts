// Welcome messages (欢迎语): templates (code > staff > default) and the send on a new add, which must
// happen within 20 s of the event and at most once per event (WECOM.md §5).
// Scope rules: one active default per corp — saving a new default archives the previous one in the
// same transaction (a switch with no moment of zero or two defaults); a staff member is in at most
// one active staff template; a 'code' template is attached to live codes through live_codes.welcome_id.
import { WecomArgumentError, WecomError, type SendWelcomeMsgRequest } from '@pond/wecom';
import type { TemplateStatus, WelcomePreview } from '@pond/contracts/welcome';
import type pg from 'pg';
import { Batcher } from '../../platform/batcher';
import { withTransaction } from '../../platform/db';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import {
  TEXT_MAX_BYTES, renderText, toWecomAttachments, truncateBytes, usesPlaceholder, utf8Bytes, validateContent, validateTemplate,
  type AttachmentLike, type TemplateDraft, type TemplateInput, type WelcomeScope, type WelcomeVars,
} from './content';
import {
  INTERRUPTED_UNKNOWN, IN_PROGRESS, WELCOME_WINDOW_MS, archiveTemplates, chooseTemplate, claimSends, codesUsing, findSend, findTemplate, finishSend, finishSends, takeOverSend,
  insertFinalSend, insertTemplate, listSends, listTemplates, sendOutcomes, staffConflicts, staffInfo, unknownStaff, updateTemplate,
  type Claim, type ClaimRequest, type SendKey, type SendOutcomeRecord, type SendRow, type SendStatus, type WelcomeTemplate,
} from './repo';
import type { Scope } from '../../platform/auth';

/** What the send needs from a WeCom client; CorpService's WecomClient has it. */
export interface WelcomeWecomClient {
  sendWelcomeMsg(req: SendWelcomeMsgRequest): Promise<unknown>;
  getExternalContact(externalUserid: string, cursor?: string, opts?: { noWait?: boolean }): Promise<{ external_contact: { name?: string } }>;
}
export interface WelcomeCorps {
  client(corpId: string): Promise<WelcomeWecomClient>;
}

export interface TemplatePatch {
  name?: string;
  scope?: WelcomeScope;
  userids?: string[];
  text?: string;
  attachments?: readonly AttachmentLike[];
}

export interface SendForAddArgs {
  corpId: string;
  inboxId: number;
  externalUserid: string;
  userid: string;
  welcomeCode: string | undefined;
  codeId: number | null;
  codeWelcomeId: number | null;
  channel?: string | null;
  storeName?: string | null;
  /** When Pond received the callback: the 20 s window counts from here. */
  receivedAt: Date;
  /** The inbox lease the add is handled under (EventContext.lease): the attempt is recorded and finished under it. */
  lease?: string;
}

export interface SendOutcome {
  status: SendStatus;
  templateId: number | null;
  errcode?: number;
  error?: string;
  latencyMs?: number;
  /** Sent, as settled after an interrupted or lost call (WeCom's 41051 to the second call). */
  reconciled?: boolean;
}

export interface PreviewVars extends WelcomeVars {
  /** Whose name and store fill {staff} and {store}; default: the template's first staff member. */
  userid?: string;
}

export const NO_CODE_ERROR = 'no welcome code (console welcome configured, or chat already started)';
export const NO_TEMPLATE_ERROR = 'no active welcome template (code, staff or default)';
/** Past this the code is certainly expired (20 s, plus slack for clocks): don't spend an API call on it. */
export const CODE_EXPIRED_MS = 30_000;
/** The nickname lookup may not eat the window; without it {nickname} renders empty. */
export const NICKNAME_TIMEOUT_MS = 3_000;
/** Past this age (ms since the callback arrived) a welcome is sent without looking up {nickname}. */
export const NICKNAME_BUDGET_MS = 1_500;
const SAMPLE = { nickname: '小鱼', staff: '店员', channel: '门店', store: '本店' };

/** Arbitrary constant namespacing the per-corp advisory lock that serialises template writes. */
const LOCK_NAMESPACE = 0x77656c63; // 'welc'

function outcomeOf(row: SendRow): SendOutcome {
  return {
    status: row.status, templateId: row.templateId,
    ...(row.errcode !== null ? { errcode: row.errcode } : {}),
    ...(row.error ? { error: row.error } : {}),
    ...(row.latencyMs !== null ? { latencyMs: row.latencyMs } : {}),
    ...(row.reconciled ? { reconciled: true } : {}),
  };
}

function timeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms); }),
  ]);
}

export class WelcomeService {
  /** Adds handled together claim in one statement and record their outcomes in another (group commit). */
  private claims: Batcher<ClaimRequest, Claim | null>;
  private finishes: Batcher<{ sendId: number; lease: string | null; out: SendOutcomeRecord }, undefined>;

  constructor(private pool: pg.Pool, private corps: WelcomeCorps, private log: Logger) {
    this.claims = new Batcher(async (reqs) => {
      const byCorp = new Map<string, number[]>();
      reqs.forEach((r, i) => (byCorp.get(r.key.corpId) ?? byCorp.set(r.key.corpId, []).get(r.key.corpId)!).push(i));
      const out = new Array<Claim | null>(reqs.length);
      await Promise.all([...byCorp.values()].map(async (idx) => {
        const got = await claimSends(this.pool, idx.map((i) => reqs[i]), NO_TEMPLATE_ERROR);
        idx.forEach((i, k) => { out[i] = got[k]!; });
      }));
      return out;
    }, { maxBatch: 200, maxInflight: 4 });
    this.finishes = new Batcher(async (items) => {
      await finishSends(this.pool, items);
      return items.map(() => undefined);
    }, { maxBatch: 200, maxInflight: 2 });
  }

  // ---- templates ------------------------------------------------------------------------------

  list(corpId: string, filter: { status?: TemplateStatus; scope?: WelcomeScope } = {}): Promise<WelcomeTemplate[]> {
    return listTemplates(this.pool, corpId, filter);
  }

  async get(corpId: string, id: number): Promise<WelcomeTemplate> {
    const t = await findTemplate(this.pool, corpId, id);
    if (!t) throw AppError.notFound(`welcome template ${id}`);
    return t;
  }

  async create(corpId: string, input: TemplateInput): Promise<WelcomeTemplate> {
    const draft = validateTemplate(input);
    return this.inCorpTx(corpId, async (db) => {
      await this.checkScope(db, corpId, draft, null);
      if (draft.scope === 'default') await this.replaceDefault(db, corpId, null);
      return insertTemplate(db, corpId, draft);
    });
  }

  async update(corpId: string, id: number, patch: TemplatePatch): Promise<WelcomeTemplate> {
    return this.inCorpTx(corpId, async (db) => {
      const cur = await findTemplate(db, corpId, id);
      if (!cur) throw AppError.notFound(`welcome template ${id}`);
      if (cur.status === 'archived') throw new AppError('conflict', `welcome template ${id} is archived; create a new one instead`);
      const scope = patch.scope ?? cur.scope;
      const draft = validateTemplate({
        name: patch.name ?? cur.name,
        scope,
        // Leaving scope 'staff' drops the list unless the caller sends one (which is then rejected).
        userids: patch.userids ?? (scope === 'staff' ? cur.userids : []),
        text: patch.text ?? cur.text,
        attachments: patch.attachments ?? cur.attachments,
      });
      if (cur.scope === 'code' && draft.scope !== 'code') {
        const codes = await codesUsing(db, corpId, id);
        if (codes.length) {
          throw new AppError('validation_failed',
            `scope: this template is the welcome of live code(s) ${codes.map((c) => `${c.id} "${c.name}"`).join(', ')}; pick another welcome for them first`,
            { field: 'scope', details: { codes } });
        }
      }
      await this.checkScope(db, corpId, draft, id);
      if (draft.scope === 'default') await this.replaceDefault(db, corpId, id);
      return updateTemplate(db, corpId, id, draft);
    });
  }

  /** Archived templates are never chosen; live codes pointing at one fall back to staff/default. */
  async archive(corpId: string, id: number): Promise<WelcomeTemplate> {
    const [t] = await archiveTemplates(this.pool, corpId, { id });
    if (!t) throw AppError.notFound(`welcome template ${id}`);
    return t;
  }

  /** The template for an add: the code's own (if active) > a staff template listing userid > the default. */
  choose(corpId: string, opts: { userid: string; codeWelcomeId: number | null }): Promise<WelcomeTemplate | null> {
    return chooseTemplate(this.pool, corpId, opts.userid, opts.codeWelcomeId);
  }

  /** Renders a saved template (`{ id }`) or unsaved content with sample values, as it would be sent. */
  async preview(corpId: string, input: { id: number } | Partial<TemplateInput>, vars: PreviewVars = {}): Promise<WelcomePreview> {
    let content: { text: string; attachments: TemplateDraft['attachments'] };
    let userids: string[];
    if ('id' in input && typeof input.id === 'number') {
      const t = await this.get(corpId, input.id);
      content = t;
      userids = t.userids;
    } else {
      const draft = input as Partial<TemplateInput>;
      content = validateContent(draft);
      userids = draft.userids ?? [];
    }
    const userid = vars.userid ?? userids[0];
    const info = userid ? await staffInfo(this.pool, corpId, userid) : null;
    const used = {
      nickname: vars.nickname ?? SAMPLE.nickname,
      staff: vars.staff ?? info?.name ?? SAMPLE.staff,
      channel: vars.channel ?? SAMPLE.channel,
      store: vars.store ?? info?.storeName ?? SAMPLE.store,
    };
    const full = renderText(content.text, used);
    const text = truncateBytes(full, TEXT_MAX_BYTES);
    return { text, attachments: content.attachments, bytes: utf8Bytes(text), truncated: text !== full, vars: used };
  }

  private async checkScope(db: pg.PoolClient, corpId: string, d: TemplateDraft, exceptId: number | null): Promise<void> {
    if (d.scope !== 'staff') return;
    const unknown = await unknownStaff(db, corpId, d.userids);
    if (unknown.length) {
      throw new AppError('validation_failed',
        `userids: not staff of this corp: ${unknown.join(', ')} (sync the organisation if they joined recently)`,
        { field: 'userids', details: { unknown } });
    }
    const conflicts = await staffConflicts(db, corpId, d.userids, exceptId);
    if (conflicts.length) {
      const first = conflicts[0];
      const more = conflicts.length > 1 ? ` (and ${conflicts.length - 1} more)` : '';
      throw new AppError('validation_failed',
        `userids: ${first.userid} is already in active staff template ${first.id} "${first.name}"${more}; a staff member may be in only one — remove them there or archive it first`,
        { field: 'userids', details: { conflicts } });
    }
  }

  private async replaceDefault(db: pg.PoolClient, corpId: string, keepId: number | null): Promise<void> {
    const replaced = await archiveTemplates(db, corpId, { activeDefaultExcept: keepId });
    if (replaced.length) this.log.info({ corpId, archived: replaced.map((t) => t.id), keepId }, 'previous default welcome archived');
  }

  /** Template writes of one corp run one at a time, so the scope rules hold under concurrent saves. */
  private async inCorpTx<T>(corpId: string, fn: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, async (db) => {
      await db.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE, corpId]);
      return fn(db);
    });
  }


  // ---- sends ----------------------------------------------------------------------------------

  listSends(scope: Scope, q: { codeId?: number; status?: SendStatus; page: number; pageSize: number }) {
    return listSends(this.pool, scope, q);
  }

  /** The outcome recorded for each of these add events (by inbox id). */
  outcomesFor(corpId: string, inboxIds: number[]) {
    return sendOutcomes(this.pool, corpId, inboxIds);
  }

  /**
   * Sends the welcome for one add event, at most once per (corp, inbox id). The attempt is recorded ('skipped' /
   * 'in progress', with the code and the event's inbox lease) before WeCom is called and finished after, under the
   * same lease. An attempt whose claimant is gone (crashed, or lost its lease) passes to the event's next claimant,
   * who settles it from facts rather than guessing (ADR 0013): the code is single use, so it calls again — success
   * means the first call never arrived; 41051 on a code Pond itself tried within the 20 s window means the first
   * call was delivered ('sent', reconciled); once the code has expired, WeCom can no longer tell ('unknown').
   * WeCom failures are recorded, never thrown; only a failure to write the attempt throws, when a retry is safe.
   */
  async sendForAdd(a: SendForAddArgs): Promise<SendOutcome> {
    const key: SendKey = {
      corpId: a.corpId, inboxId: a.inboxId, externalUserid: a.externalUserid, userid: a.userid, codeId: a.codeId, receivedAt: a.receivedAt,
    };
    const elapsed = () => Math.max(0, Date.now() - a.receivedAt.getTime());

    if (!a.welcomeCode) {
      const row = await insertFinalSend(this.pool, key, { status: 'skipped', error: NO_CODE_ERROR, latencyMs: elapsed() });
      return row ? outcomeOf(row) : this.existing(a);
    }
    const age = elapsed();
    if (age > CODE_EXPIRED_MS) {
      const row = await insertFinalSend(this.pool, key, {
        status: 'failed', latencyMs: age,
        error: `welcome code expired: the add was received ${Math.round(age / 1000)} s ago (WeCom allows 20 s); not sent`,
      });
      return row ? outcomeOf(row) : this.existing(a);
    }

    const claim = await this.claims.push({ key, codeWelcomeId: a.codeWelcomeId, latencyMs: age, welcomeCode: a.welcomeCode, lease: a.lease ?? null });
    if (!claim) return this.existing(a);
    if (!claim.template) return { status: 'skipped', templateId: null, error: NO_TEMPLATE_ERROR, latencyMs: age };
    return this.attempt(a, claim, null);
  }

  /**
   * Calls WeCom for a recorded attempt and records the outcome (under the attempt's lease). `earlier`: when an
   * earlier call with this code may have been delivered — an interrupted attempt, or a call that failed in transit.
   */
  private async attempt(a: SendForAddArgs, claim: Claim, earlier: Date | null): Promise<SendOutcome> {
    const template = claim.template!;
    const elapsed = () => Math.max(0, Date.now() - a.receivedAt.getTime());
    let status: SendStatus = 'sent';
    let errcode: number | undefined;
    let error: string | undefined;
    let reconciled = false;
    let client: WelcomeWecomClient | undefined;
    let req: SendWelcomeMsgRequest | undefined;
    try {
      client = await this.corps.client(a.corpId);
      let nickname = claim.customerName;
      // The name costs a WeCom call; when the welcome is already running late (a burst), it goes without.
      if (nickname === null && usesPlaceholder(template.text, 'nickname') && elapsed() < NICKNAME_BUDGET_MS) {
        nickname = await this.fetchNickname(client, a);
      }
      const text = truncateBytes(renderText(template.text, {
        nickname, staff: claim.staffName, channel: a.channel, store: a.storeName ?? claim.storeName,
      }), TEXT_MAX_BYTES);
      req = { welcome_code: a.welcomeCode! };
      if (text.trim()) req.text = { content: text };
      if (template.attachments.length) req.attachments = toWecomAttachments(template.attachments);
      if (!req.text && !req.attachments) {
        status = 'skipped';
        error = 'the text is empty once placeholders are filled, and there are no attachments';
      } else {
        await client.sendWelcomeMsg(req);
      }
    } catch (err) {
      ({ status, errcode, error, reconciled } = describeFailure(err, a.receivedAt, earlier));
      // Lost in transit: the call may or may not have arrived. While the code is valid, asking again settles it.
      if (req && client && isInTransit(err) && earlier === null && elapsed() < WELCOME_WINDOW_MS) {
        const retriedAt = new Date();
        try {
          await client.sendWelcomeMsg(req);
          ({ status, errcode, error, reconciled } = { status: 'sent', errcode: undefined, error: undefined, reconciled: false });
        } catch (again) {
          ({ status, errcode, error, reconciled } = describeFailure(again, a.receivedAt, retriedAt));
        }
      }
      if (status !== 'sent') this.log.warn({ corpId: a.corpId, inboxId: a.inboxId, templateId: template.id, errcode, error, status }, 'welcome message not sent');
    }
    const latencyMs = elapsed();
    try {
      await this.finishes.push({ sendId: claim.sendId, lease: a.lease ?? null, out: { status, errcode, error: error ? error.slice(0, 1000) : null, latencyMs, reconciled } });
    } catch (err) {
      // The message went out (or failed) already; the attempt stays in progress and the event's next claimant settles it.
      this.log.error({ err, corpId: a.corpId, inboxId: a.inboxId, status }, 'welcome outcome not recorded');
    }
    return {
      status, templateId: template.id, ...(errcode !== undefined ? { errcode } : {}), ...(error ? { error } : {}), latencyMs,
      ...(reconciled ? { reconciled } : {}),
    };
  }

  private async fetchNickname(client: WelcomeWecomClient, a: SendForAddArgs): Promise<string | null> {
    try {
      // Never queue behind the quota: in a burst the welcome goes out on time without the name.
      const res = await timeout(client.getExternalContact(a.externalUserid, undefined, { noWait: true }), NICKNAME_TIMEOUT_MS);
      return res.external_contact?.name || null;
    } catch (err) {
      const throttled = (err as { kind?: string }).kind === 'throttled';
      this.log[throttled ? 'debug' : 'warn']({ err, corpId: a.corpId, externalUserid: a.externalUserid }, 'welcome: nickname lookup failed; {nickname} left empty');
      return null;
    }
  }

  /** The outcome already recorded for this inbox id; an attempt left in progress by a claim that is gone is settled. */
  private async existing(a: SendForAddArgs): Promise<SendOutcome> {
    const row = await findSend(this.pool, a.corpId, a.inboxId);
    if (!row) {
      // Nothing recorded and nothing claimed: the event's lease was lost before the attempt; its next claimant sends.
      if (a.lease) return { status: 'skipped', templateId: null, error: IN_PROGRESS };
      throw new AppError('internal', `welcome send for inbox ${a.inboxId} conflicted but cannot be read`);
    }
    if (row.status !== 'skipped' || row.error !== IN_PROGRESS) return outcomeOf(row);
    const taken = await takeOverSend(this.pool, a.corpId, a.inboxId, a.lease ?? null);
    // The attempt's claimant still holds the event (or this caller no longer does): it records the outcome.
    if (!taken) return { status: 'skipped', templateId: row.templateId, error: IN_PROGRESS };
    const ageMs = Date.now() - a.receivedAt.getTime();
    if (!taken.claim.template || ageMs > CODE_EXPIRED_MS) {
      const done = await finishSend(this.pool, row.id, { status: 'unknown', error: INTERRUPTED_UNKNOWN, latencyMs: null }, a.lease ?? null);
      return outcomeOf(done ?? (await findSend(this.pool, a.corpId, a.inboxId)) ?? row);
    }
    this.log.info({ corpId: a.corpId, inboxId: a.inboxId }, 'welcome: settling an interrupted attempt with WeCom');
    return this.attempt(a, taken.claim, taken.attemptedAt);
  }
}

/** A call that failed without an answer from WeCom: it may have been delivered. */
function isInTransit(err: unknown): boolean {
  return err instanceof WecomError && (err.kind === 'network' || err.kind === 'http');
}

/**
 * What a failed send_welcome_msg means. With an earlier call that may have been delivered: 41051 says the code was
 * used (the only caller is Pond) — delivered, if that call was made within the window; else the code may simply have
 * expired, and WeCom cannot tell which. Without one, a failure is a failure.
 */
function describeFailure(err: unknown, receivedAt: Date, earlier: Date | null): { status: SendStatus; errcode?: number; error?: string; reconciled: boolean } {
  if (err instanceof WecomError) {
    if (earlier && err.kind === 'api' && err.errcode === 41051) {
      if (earlier.getTime() - receivedAt.getTime() <= WELCOME_WINDOW_MS) return { status: 'sent', reconciled: true };
      return { status: 'unknown', errcode: 41051, error: INTERRUPTED_UNKNOWN, reconciled: false };
    }
    if (earlier && isInTransit(err)) return { status: 'unknown', errcode: err.errcode, error: `${err.errmsg || err.message}; an earlier call may have been delivered`, reconciled: false };
    return { status: 'failed', errcode: err.errcode, error: err.errmsg || err.message, reconciled: false };
  }
  if (err instanceof WecomArgumentError) return { status: 'failed', error: err.message, reconciled: false };
  return { status: 'failed', error: (err as Error)?.message ?? String(err), reconciled: false };
}
