// The reward ledger's service: grants (in the caller's transaction), the issuing job for adapters that call out
// (the shop's webhook, WeChat Pay), retries with back-off, and operator actions (retry a failed reward, mark a
// manual one issued, void). Adapters register by name; one not registered leaves its rewards pending.
import type pg from 'pg';
import type { RewardAdapter } from '@pond/contracts/activate';
import { withTransaction } from '../../platform/db';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import { defineClock, EVERY_MINUTE } from '../../platform/queue';
import { corpZone } from '../../platform/time';
import { appendTimeline } from '../customers';
import { takeCode } from './coupons';
import { grant, markIssued, recordEvent, voidReward, type Db, type GrantInput, type GrantResult, type InlineIssuer, type RewardRow } from './ledger';
import { applyPoints } from './points';

/** What an adapter that calls out answers: done (with its reference), or an error worth retrying, or not. */
export class AdapterError extends Error {
  constructor(message: string, readonly retryable: boolean) { super(message); }
}

export interface OutboundAdapter {
  /**
   * Issues the reward. Called again with the same row after a crash or a retryable error: the call must be
   * idempotent on the reward's own key (`out_trade_no` for payments, the reward id for the shop's webhook).
   */
  issue(reward: RewardRow): Promise<{ externalRef?: string }>;
  /**
   * Whether an earlier attempt went through on the other side (asked before a requested void is carried out):
   * its reference if so, null if not. Adapters that cannot ask (the shop's webhook) leave it out: the void stands.
   */
  lookup?(reward: RewardRow): Promise<{ externalRef?: string } | null>;
}

/** Attempts before a reward is failed (an operator may retry it: same key, never paid twice). */
export const MAX_ATTEMPTS = 8;
/** How long a claimed (issuing) reward is left to its worker before another may call again. */
export const ISSUE_LEASE_MS = 2 * 60_000;
export const backoffMs = (attempts: number) => Math.min(6 * 3600_000, 30_000 * 2 ** Math.max(0, attempts - 1));

export class RewardService {
  private adapters = new Map<RewardAdapter, OutboundAdapter>();

  constructor(private pool: pg.Pool, private log: Logger) {}

  register(name: 'webhook' | 'wechatpay', adapter: OutboundAdapter): this {
    this.adapters.set(name, adapter);
    return this;
  }

  private inline: InlineIssuer = {
    issueInline: async (db, r) => {
      if (r.adapter === 'coupon') {
        if (!r.coupon_pool_id) throw AppError.validation('couponPoolId', 'is required for a coupon reward');
        const code = await takeCode(db, r.corp_id, r.coupon_pool_id, r.external_userid, r.id, r.campaign_id);
        return code ? { couponCode: code.code } : 'no_stock';
      }
      if (r.adapter === 'points') {
        await applyPoints(db, r.corp_id, r.external_userid, r.points, r.title, `reward:${r.id}`);
        return { externalRef: `points:${r.points}` };
      }
      return null;
    },
  };

  /**
   * Grants a reward in the caller's transaction (see ledger.ts): once per (source, sourceRef), within budgets.
   * A created reward is put on the customer's timeline (`reward.granted`).
   */
  async grant(db: Db, input: Omit<GrantInput, 'tz'> & { tz?: string }): Promise<GrantResult> {
    const tz = input.tz ?? await corpZone(db, input.corpId);
    const res = await grant(db, { ...input, tz }, this.inline);
    if ('reward' in res && res.created) {
      await appendTimeline(db, input.corpId, [{
        externalUserid: input.externalUserid, type: 'reward.granted', occurredAt: new Date(),
        data: { rewardId: res.reward.id, title: res.reward.title, kind: res.reward.kind, source: res.reward.source, campaignId: res.reward.campaign_id,
          amountFen: res.reward.amount_fen, points: res.reward.points, couponCode: res.reward.coupon_code, state: res.reward.state },
        dedupeKey: `reward:${res.reward.id}`,
      }]);
    }
    return res;
  }

  /** Voids an unissued reward (its budget is given back). */
  async void(db: Db, reward: RewardRow, reason: string, actor: string | null): Promise<RewardRow> {
    return voidReward(db, reward, reason, actor, await corpZone(db, reward.corp_id));
  }

  /** Rewards due for an outbound adapter: claimed for a lease (a crashed worker's claim is taken again after it). */
  async issueDue(limit = 50): Promise<number> {
    const names = [...this.adapters.keys()];
    if (!names.length) return 0;
    const { rows } = await this.pool.query<RewardRow>(
      `UPDATE rewards r SET state = 'issuing', attempts = r.attempts + 1, next_attempt_at = now() + $3 * interval '1 millisecond', updated_at = now()
       FROM (SELECT id FROM rewards WHERE state IN ('pending', 'issuing') AND next_attempt_at <= now() AND adapter = ANY($1::text[])
             ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED) d
       WHERE r.id = d.id RETURNING r.*`,
      [names, limit, ISSUE_LEASE_MS]);
    await Promise.all(rows.map((r) => this.issueOne(r)));
    return rows.length;
  }

  private async issueOne(r: RewardRow): Promise<void> {
    const adapter = this.adapters.get(r.adapter)!;
    try {
      if (r.void_reason !== null) {
        await this.finishVoid(r, adapter);
        return;
      }
      const done = await adapter.issue(r);
      await withTransaction(this.pool, async (db) => {
        const issued = await markIssued(db, r, done, null);
        if (issued.state === 'issued') await this.timelineIssued(db, issued);
      });
    } catch (err) {
      const retryable = !(err instanceof AdapterError) || err.retryable;
      const message = err instanceof Error ? err.message : String(err);
      const failed = !retryable || r.attempts >= MAX_ATTEMPTS;
      this.log.warn({ rewardId: r.id, adapter: r.adapter, attempts: r.attempts, retryable, err: message }, 'reward issue failed');
      await withTransaction(this.pool, async (db) => {
        const { rowCount } = await db.query(
          `UPDATE rewards SET state = $2, last_error = $3, next_attempt_at = now() + $4 * interval '1 millisecond', updated_at = now()
           WHERE id = $1 AND state = 'issuing'`,
          [r.id, failed ? 'failed' : 'pending', message.slice(0, 500), backoffMs(r.attempts)]);
        if (rowCount && failed) await recordEvent(db, r, 'issuing', 'failed', null, message.slice(0, 500));
      });
    }
  }

  /** A void requested after an attempt: paid after all → issued (the void is dropped); not there → void. */
  private async finishVoid(r: RewardRow, adapter: OutboundAdapter): Promise<void> {
    const paid = adapter.lookup ? await adapter.lookup(r) : null;
    await withTransaction(this.pool, async (db) => {
      if (paid) {
        const issued = await markIssued(db, r, paid, null);
        await db.query('UPDATE rewards SET void_reason = NULL WHERE id = $1', [r.id]);
        await recordEvent(db, r, 'issued', 'issued', null, `void not carried out: ${r.adapter} had already paid it (${paid.externalRef ?? 'no reference'})`);
        if (issued.state === 'issued') await this.timelineIssued(db, issued);
        return;
      }
      await voidReward(db, r, r.void_reason!, null, await corpZone(db, r.corp_id), { finalVoid: true });
    });
  }

  private async timelineIssued(db: Db, r: RewardRow): Promise<void> {
    await appendTimeline(db, r.corp_id, [{
      externalUserid: r.external_userid, type: 'reward.issued', occurredAt: new Date(),
      data: { rewardId: r.id, title: r.title, kind: r.kind, source: r.source, campaignId: r.campaign_id, amountFen: r.amount_fen, externalRef: r.external_ref },
      dedupeKey: `reward-issued:${r.id}`,
    }]);
  }

  /** An operator retries a failed reward: the same key is used, so a payment that did go through is not paid twice. */
  async retry(corpId: string, id: number, actor: string): Promise<RewardRow> {
    return withTransaction(this.pool, async (db) => {
      const { rows } = await db.query<RewardRow>(
        `UPDATE rewards SET state = 'pending', next_attempt_at = now(), attempts = 0, updated_at = now() WHERE corp_id = $1 AND id = $2 AND state = 'failed' RETURNING *`,
        [corpId, id]);
      if (!rows[0]) throw new AppError('conflict', `reward ${id} is not failed`);
      await recordEvent(db, rows[0], 'failed', 'pending', actor, 'retried by an operator');
      return rows[0];
    });
  }

  /** A manual reward (or a gift fulfilled outside Pond) marked issued by an operator. */
  async markManualIssued(corpId: string, id: number, actor: string, note: string | null): Promise<RewardRow> {
    return withTransaction(this.pool, async (db) => {
      const { rows: [r] } = await db.query<RewardRow>('SELECT * FROM rewards WHERE corp_id = $1 AND id = $2 FOR UPDATE', [corpId, id]);
      if (!r) throw AppError.notFound(`reward ${id}`);
      if (r.adapter !== 'manual') throw new AppError('conflict', `reward ${id} is issued by ${r.adapter}, not by hand`);
      if (r.state !== 'pending' && r.state !== 'failed') throw new AppError('conflict', `reward ${id} is ${r.state}`);
      const issued = await markIssued(db, { ...r, state: 'pending' }, { externalRef: note ?? undefined }, actor);
      await this.timelineIssued(db, issued);
      return issued;
    });
  }

  readonly issueJob = defineClock('rewards.issue', EVERY_MINUTE, async () => { while (await this.issueDue() > 0) { /* drain */ } }, { retryLimit: 0 });
}
