// Acquisition links (获客链接 / 获客助手, ADR 0037): a staff code in `link` mode is backed by one WeCom acquisition
// link whose range is the code's pool. This file keeps the link in line with the code (create, update, delete), checks
// the range against the corp's limit (a setting: WeCom's is UNCONFIRMED), reads the corp's quota, and handles WeCom's
// customer_acquisition events: the quota running low or out, a link made unusable or deleted in WeCom — each shown on
// the codes (status, alert) and told to the corp's admins by app message (the outbox, exactly once per event and admin).
import type pg from 'pg';
import type { z } from 'zod';
import type { AcquisitionQuota, AcquisitionSettings, LinkStatus } from '@pond/contracts/live-codes';
import { withTransaction } from '../../platform/db';
import { AppError } from '../../platform/errors';
import type { AcquisitionChange, EventContext, InboxHandlers } from '../../platform/inbox';
import type { Logger } from '../../platform/log';
import { defineClock, EVERY_MINUTE } from '../../platform/queue';
import type { CorpService } from '../org';
import type { TaskService } from '../tasks';
import * as repo from './repo';
import type { CodeCache } from './repo';

/** How often the quota clock re-reads a corp's quota, by its state (Postgres intervals; ok is not re-read). */
const QUOTA_RECHECK = { exhausted: '1 minute', low: '10 minutes' } as const;

/** The app-message outbox (tasks module): cards queued in the transaction that decided them, then sent. */
export type AppMessageOutbox = Pick<TaskService, 'queueAppMessages' | 'flushAppMessages'>;

/** `customer_channel=<value>` appended to a link URL (WeCom brings the value back as the add's State). */
export function withChannel(url: string, channel: string, extra: Record<string, string> = {}): string {
  const u = new URL(url);
  u.searchParams.set('customer_channel', channel);
  for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v);
  return u.toString();
}

interface Notice { kind: string; zh: string; en: string; codeId: number | null }

/** What a link is made to match: the code as it is to be saved, and the link it has. */
export interface LinkTarget { name: string; skipVerify: boolean; linkId: string | null; linkUrl: string | null; linkStatus: LinkStatus | null }
/** What a push did in WeCom. */
export interface PushedLink { linkId: string; url: string; created: boolean; wasActive: boolean }

export class AcquisitionLinks {
  private outbox: AppMessageOutbox | null = null;
  private publicUrl: () => string = () => '';

  constructor(private pool: pg.Pool, private corps: CorpService, private cache: CodeCache, private log: Logger) {}

  /** Where admins' cards go (set by the composition root: the tasks module is built after live codes). */
  setOutbox(outbox: AppMessageOutbox, publicUrl: () => string): void {
    this.outbox = outbox;
    this.publicUrl = publicUrl;
  }

  // ---- the corp's settings and quota ----

  async settings(corpId: string): Promise<AcquisitionSettings> {
    return { maxRangeUsers: (await repo.linkSettings(this.pool, corpId)).max_range_users };
  }

  async updateSettings(corpId: string, s: AcquisitionSettings): Promise<AcquisitionSettings> {
    await repo.setMaxRangeUsers(this.pool, corpId, s.maxRangeUsers);
    return this.settings(corpId);
  }

  /**
   * The range a pool gives its link: the members in order (the caller leaves backups out), only those WeCom accepts —
   * active, with customer contact. One who left or lost customer contact stays in the pool (shown not available) and out
   * of the range, so a save (or a re-sync) still works. At most the corp's limit, at least one (400 naming `field`).
   */
  async rangeOf(corpId: string, userids: string[], field = 'pool'): Promise<string[]> {
    const ok = new Set((await repo.staffByUserids(this.pool, corpId, userids)).filter((s) => s.status === 1 && s.is_follow_user).map((s) => s.userid));
    const users = userids.filter((u) => ok.has(u));
    const { max_range_users: max } = await repo.linkSettings(this.pool, corpId);
    if (users.length > max) {
      throw AppError.validation(field, `an acquisition link's range may list at most ${max} staff (${users.length} given); the limit is the setting maxRangeUsers`);
    }
    if (users.length === 0) {
      throw AppError.validation(field, userids.length
        ? 'an acquisition link needs at least one active staff member with customer contact (those listed have left or lost it)'
        : 'an acquisition link needs at least one staff member');
    }
    return users;
  }

  /** The quota read from WeCom now (the state goes back to ok after a recharge). */
  async quota(corpId: string): Promise<z.output<typeof AcquisitionQuota>> {
    const client = await this.corps.client(corpId);
    // An event that sets the state while this read is under way is newer than the read: it keeps its state.
    const seen = await repo.quotaStateStamp(this.pool, corpId);
    const q = await client.customerAcquisitionQuota();
    const s = await repo.recordQuotaRead(this.pool, corpId, q.total, q.balance, seen);
    // Link codes carry the quota state (the landing routes around a used-up quota): a change reloads them everywhere.
    if (s.quota_state !== (s.prev_state ?? 'ok')) await this.cache.changed('*');
    return {
      total: q.total, balance: q.balance, state: s.quota_state, stateAt: s.quota_state_at,
      quotaList: (q.quota_list ?? []).map((x) => ({ balance: x.balance, expireDate: new Date(x.expire_date * 1000) })),
    };
  }

  /**
   * WeCom tells when the quota runs low or out, never when it is bought again: a minutely clock reads the quota of the
   * corps whose state is not ok — used up every minute, low every ten (QUOTA_RECHECK) — so that a recharge clears the
   * state (and the landing goes to the link again) without anyone opening the console. No corp in such a state: one
   * small query, no WeCom call.
   */
  readonly quotaJob = defineClock('liveCodes.quota', EVERY_MINUTE, () => this.recheckQuotas(), { retryLimit: 0 });

  /** One pass of the clock: the corps it read (each read on its own: one corp's failure is logged, the rest go on). */
  async recheckQuotas(): Promise<string[]> {
    const due = await repo.quotaRecheckDue(this.pool, QUOTA_RECHECK);
    for (const corpId of due) {
      await this.quota(corpId).catch((err: unknown) => this.log.warn({ err, corpId }, 'customer_acquisition_quota re-read failed'));
    }
    return due;
  }

  // ---- the link of a code ----

  /**
   * Makes WeCom's link what the code is to become — name, range (rangeOf: the pool in order, backups and inactive staff
   * left out), skip_verify: created when the code has none (or WeCom deleted it), else updated. Called before the code's
   * row is written: a refusal (502) leaves the code as it was. `record` then stores what was done.
   */
  async push(corpId: string, code: LinkTarget, range: string[]): Promise<PushedLink> {
    const client = await this.corps.client(corpId);
    const body = { link_name: code.name, range: { user_list: range }, skip_verify: code.skipVerify };
    if (code.linkId && code.linkUrl && code.linkStatus !== 'deleted') {
      await client.customerAcquisitionUpdateLink({ link_id: code.linkId, ...body });
      return { linkId: code.linkId, url: code.linkUrl, created: false, wasActive: code.linkStatus === 'active' };
    }
    const r = await client.customerAcquisitionCreateLink(body);
    return { linkId: r.link.link_id, url: r.link.url, created: true, wasActive: false };
  }

  /**
   * The code's row after a push: a new link stored, and a link updated again taken to work again (the operator's save
   * after a link_unavailable is the fix).
   */
  async record(codeId: number, key: string, pushed: PushedLink): Promise<void> {
    if (pushed.created || !pushed.wasActive) await repo.setCodeLink(this.pool, codeId, { linkId: pushed.linkId, url: pushed.url });
    await this.cache.changed(key);
  }

  /** A link made by a push whose code was not saved after all: deleted in WeCom again (best effort). */
  async discard(corpId: string, pushed: PushedLink): Promise<void> {
    if (!pushed.created) return;
    const client = await this.corps.client(corpId);
    await client.customerAcquisitionDeleteLink(pushed.linkId).catch((err: unknown) => this.log.warn({ err, linkId: pushed.linkId }, 'customer_acquisition/delete_link (undo) failed'));
  }

  /** The code's link brought in line with the code as stored (a new code, inside its create's undo). */
  async sync(corpId: string, codeId: number): Promise<void> {
    const code = await repo.codeRow(this.pool, codeId);
    if (!code || code.mode !== 'link') return;
    const users = repo.rotationOf(await repo.poolRows(this.pool, codeId)).sort((a, b) => a.position - b.position).map((p) => p.userid);
    const pushed = await this.push(corpId, { name: code.name, skipVerify: code.skip_verify, linkId: code.link_id, linkUrl: code.link_url, linkStatus: code.link_status }, await this.rangeOf(corpId, users));
    await this.record(codeId, code.key, pushed);
  }

  /** The code is archived (or its creation undone): its link is deleted in WeCom and marked gone. */
  async remove(corpId: string, codeId: number): Promise<void> {
    const code = await repo.codeRow(this.pool, codeId);
    if (!code?.link_id) return;
    if (code.link_status !== 'deleted') {
      const client = await this.corps.client(corpId);
      await client.customerAcquisitionDeleteLink(code.link_id).catch((err: unknown) => this.log.warn({ err, codeId }, 'customer_acquisition/delete_link failed'));
    }
    await repo.setLinkStatus(this.pool, corpId, code.link_id, 'deleted');
    await this.cache.changed(code.key);
  }

  // ---- WeCom's events ----

  handlers(): InboxHandlers {
    return { 'customer_acquisition/*': (ctx) => this.onEvent(ctx) };
  }

  /** One customer_acquisition event: the state shown on the codes, a console alert and the admins' cards, in one transaction. */
  async onEvent(ctx: EventContext<AcquisitionChange>): Promise<void> {
    const { corpId } = ctx;
    const change = ctx.ev.ChangeType ?? '';
    const linkId = ctx.ev.LinkId ?? '';
    const notices: Notice[] = [];
    let dropAll = false;
    let changedKey: string | null = null;
    if (change === 'balance_low' || change === 'balance_exhausted') {
      // The event carries no numbers: read the quota now (best effort) so the console can tell a recharge later.
      const read = await this.corps.client(corpId).then((c) => c.customerAcquisitionQuota()).catch((err: unknown) => {
        this.log.warn({ err, corpId }, 'customer_acquisition_quota read after a quota event failed');
        return null;
      });
      const left = read ? `${read.balance}` : '?';
      await repo.setQuotaState(this.pool, corpId, change === 'balance_low' ? 'low' : 'exhausted', read ? { total: read.total, balance: read.balance } : undefined);
      dropAll = true;
      notices.push(change === 'balance_low'
        ? { kind: 'acquisition_balance_low', codeId: null, zh: `获客助手额度即将用完（剩余 ${left}），请在企业微信管理后台购买`, en: `The acquisition-link quota is running low (${left} left): buy more in WeCom admin` }
        : { kind: 'acquisition_balance_exhausted', codeId: null, zh: '获客助手额度已用完：获客链接不能再添加新客户，获客链接活码改由备用员工接待', en: 'The acquisition-link quota is used up: links add no new customers; link codes route to their backup staff' });
    } else if ((change === 'link_unavailable' || change === 'delete_link') && linkId) {
      const status: LinkStatus = change === 'delete_link' ? 'deleted' : 'unavailable';
      const code = await repo.setLinkStatus(this.pool, corpId, linkId, status);
      if (!code) {
        this.log.info({ corpId, linkId, change }, 'customer_acquisition event for a link no live code has');
        return;
      }
      changedKey = code.key;
      if (code.status === 'active') {
        notices.push(status === 'deleted'
          ? { kind: 'acquisition_link_deleted', codeId: code.id, zh: `活码「${code.name}」的获客链接已在企业微信中删除；重新保存活码即可创建新链接`, en: `The acquisition link of live code "${code.name}" was deleted in WeCom: save the code again to make a new one` }
          : { kind: 'acquisition_link_unavailable', codeId: code.id, zh: `活码「${code.name}」的获客链接已不可用；请检查链接成员后重新保存`, en: `The acquisition link of live code "${code.name}" is unavailable: check its staff, then save the code again` });
      }
    } else {
      // customer_start_chat, friend_request: nothing Pond keeps (the add itself arrives as add_external_contact).
      return;
    }
    if (notices.length) await this.tell(corpId, ctx.inboxId, notices);
    if (dropAll) await this.cache.changed('*');
    else if (changedKey) await this.cache.changed(changedKey);
  }

  /** The console alert and a card to each admin who is a WeCom member, once per event (keys from the inbox row). */
  private async tell(corpId: string, inboxId: number, notices: Notice[]): Promise<void> {
    const now = new Date();
    await withTransaction(this.pool, async (db) => {
      const admins = await repo.adminUserids(db, corpId);
      for (const [i, n] of notices.entries()) {
        const message = `${n.zh} / ${n.en}`;
        await repo.insertAlert(db, { corpId, kind: n.kind, message, data: n.codeId ? { codeId: n.codeId } : {}, dedupeKey: `acq:${inboxId}:${i}` });
        const url = new URL(n.codeId ? `/live-codes/${n.codeId}` : '/live-codes', this.publicUrl() || 'http://localhost').toString();
        await this.outbox?.queueAppMessages(corpId, admins.map((userid) => ({
          key: `acq:${inboxId}:${i}:${userid}`, touser: userid, title: '获客链接提醒 Acquisition link alert', description: message.slice(0, 160), url,
        })), { db, now });
      }
    });
    await this.outbox?.flushAppMessages(now);
  }
}
