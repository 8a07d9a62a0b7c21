// The reward ledger's core (ARCHITECTURE "One reward ledger"): a reward is granted once per (corp, source, source_ref)
// inside the caller's transaction, against the campaign's budgets (total, per corp day) and its per-customer cap;
// rewards an adapter can complete in the same transaction (a coupon code from a pool, points) are issued there and
// then; the others (the shop's webhook, WeChat Pay) are issued by a job, exactly once: the row is claimed, the
// adapter is called with the reward's own idempotency key (the merchant bill number, the webhook's Idempotency-Key),
// and a retry after a crash repeats the same call, which the other side answers without paying twice.
import type pg from 'pg';
import type { RewardAdapter, RewardKind, RewardSource, RewardState } from '@pond/contracts/activate';
import type { Row } from '../../platform/db/rows';
import { AppError } from '../../platform/errors';
import { dayIn } from '../../platform/time';

export type Db = Pick<pg.PoolClient, 'query'>;
export type RewardRow = Row<'rewards'>;

/** The day `campaign_spend` keeps a campaign's whole spend under (the per-day rows are real corp days). */
export const TOTAL_DAY = '1970-01-01';

export interface GrantInput {
  corpId: string;
  externalUserid: string;
  campaignId?: number | null;
  source: RewardSource;
  /** Unique within the source: the same ref grants once, however often it is asked. */
  sourceRef: string;
  kind: RewardKind;
  adapter: RewardAdapter;
  title: string;
  amountFen?: number;
  /** What it costs the campaign's budget (defaults to amountFen; a coupon's or gift's value when given). */
  costFen?: number;
  points?: number;
  couponPoolId?: number | null;
  details?: Record<string, unknown>;
  /** Issue later (a gift waiting for its address): the job leaves it until set. */
  holdUntil?: Date | null;
  actor?: string | null;
  /** The corp's zone (budget days); read from the corp when not given. */
  tz: string;
}

export type GrantRefusal = 'budget_total' | 'budget_daily' | 'per_customer' | 'no_stock';
export type GrantResult = { reward: RewardRow; created: boolean } | { refused: GrantRefusal };

/** Issues what can be issued inside the transaction (coupon, points); others return null (the job issues them). */
export interface InlineIssuer {
  issueInline(db: Db, reward: RewardRow): Promise<{ couponCode?: string; externalRef?: string } | 'no_stock' | null>;
}

/**
 * Grants a reward in the caller's transaction. The same (source, sourceRef) returns the first reward (created:
 * false). Budgets are counted in `campaign_spend` rows updated under their row locks (one statement each), so
 * concurrent grants never overspend; a refusal leaves nothing written.
 */
export async function grant(db: Db, input: GrantInput, inline: InlineIssuer): Promise<GrantResult> {
  const existing = await findBySource(db, input.corpId, input.source, input.sourceRef);
  if (existing) return { reward: existing, created: false };
  const cost = input.costFen ?? input.amountFen ?? 0;
  await db.query('SAVEPOINT pond_grant');
  try {
    if (input.campaignId) {
      const refusal = await charge(db, input.campaignId, input.externalUserid, cost, dayIn(new Date(), input.tz));
      if (refusal) {
        await db.query('ROLLBACK TO SAVEPOINT pond_grant');
        return { refused: refusal };
      }
    }
    const { rows } = await db.query<RewardRow>(
      `INSERT INTO rewards (corp_id, external_userid, campaign_id, source, source_ref, kind, adapter, title, amount_fen, cost_fen, points,
         coupon_pool_id, details, next_attempt_at, out_trade_no)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13, coalesce($14, now()),
         CASE WHEN $7 = 'wechatpay' THEN 'pond' || to_char(now(), 'YYYYMMDD') || lpad(nextval('rewards_id_seq')::text, 12, '0') END)
       ON CONFLICT (corp_id, source, source_ref) DO NOTHING
       RETURNING *`,
      [input.corpId, input.externalUserid, input.campaignId ?? null, input.source, input.sourceRef, input.kind, input.adapter, input.title,
        input.amountFen ?? 0, cost, input.points ?? 0, input.couponPoolId ?? null, JSON.stringify(input.details ?? {}), input.holdUntil ?? null],
    );
    let reward = rows[0];
    if (!reward) {
      // A concurrent grant of the same ref won: its row, and this one's budget charge undone.
      await db.query('ROLLBACK TO SAVEPOINT pond_grant');
      return { reward: (await findBySource(db, input.corpId, input.source, input.sourceRef))!, created: false };
    }
    await recordEvent(db, reward, null, 'pending', input.actor ?? null, null);
    const done = await inline.issueInline(db, reward);
    if (done === 'no_stock') {
      await db.query('ROLLBACK TO SAVEPOINT pond_grant');
      return { refused: 'no_stock' };
    }
    if (done) reward = await markIssued(db, reward, done, input.actor ?? null);
    await db.query('RELEASE SAVEPOINT pond_grant');
    return { reward, created: true };
  } catch (err) {
    await db.query('ROLLBACK TO SAVEPOINT pond_grant');
    throw err;
  }
}

/** Charges the campaign's budgets and checks the customer's cap; a refusal's reason, or null when charged. */
async function charge(db: Db, campaignId: number, externalUserid: string, cost: number, day: string): Promise<GrantRefusal | null> {
  const { rows: [c] } = await db.query<{ budget_total_fen: string | null; budget_daily_fen: string | null; rewards_per_customer: number | null }>(
    'SELECT budget_total_fen, budget_daily_fen, rewards_per_customer FROM campaigns WHERE id = $1', [campaignId]);
  if (!c) throw AppError.notFound(`campaign ${campaignId}`);
  if (c.rewards_per_customer !== null) {
    // The participant's row is the lock every grant to them in this campaign takes first.
    await db.query('SELECT 1 FROM campaign_participants WHERE campaign_id = $1 AND external_userid = $2 FOR UPDATE', [campaignId, externalUserid]);
    const { rows: [n] } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM rewards WHERE campaign_id = $1 AND external_userid = $2 AND state <> 'void'`, [campaignId, externalUserid]);
    if (n.n >= c.rewards_per_customer) return 'per_customer';
  }
  // No budget: nothing to count against (the numbers read the ledger itself), and no row every grant of the campaign
  // would queue on. A budget set later starts from the ledger (rebuildSpend).
  if (c.budget_total_fen === null && c.budget_daily_fen === null) return null;
  for (const [d, cap, refusal] of [[TOTAL_DAY, c.budget_total_fen, 'budget_total'], [day, c.budget_daily_fen, 'budget_daily']] as const) {
    const { rowCount } = await db.query(
      `INSERT INTO campaign_spend AS s (campaign_id, day, cost_fen, rewards) SELECT $1, $2::date, $3, 1 WHERE $4::bigint IS NULL OR $3 <= $4::bigint
       ON CONFLICT (campaign_id, day) DO UPDATE SET cost_fen = s.cost_fen + $3, rewards = s.rewards + 1
       WHERE $4::bigint IS NULL OR s.cost_fen + $3 <= $4::bigint`,
      [campaignId, d, cost, cap]);
    if (!rowCount) return refusal;
  }
  return null;
}

export async function findBySource(db: Db, corpId: string, source: RewardSource, sourceRef: string): Promise<RewardRow | null> {
  const { rows } = await db.query<RewardRow>('SELECT * FROM rewards WHERE corp_id = $1 AND source = $2 AND source_ref = $3', [corpId, source, sourceRef]);
  return rows[0] ?? null;
}

export async function recordEvent(db: Db, r: Pick<RewardRow, 'id' | 'corp_id'>, from: RewardState | null, to: RewardState, actor: string | null, note: string | null) {
  await db.query('INSERT INTO reward_events (corp_id, reward_id, from_state, to_state, actor, note) VALUES ($1,$2,$3,$4,$5,$6)',
    [r.corp_id, r.id, from, to, actor, note]);
}

export async function markIssued(db: Db, r: RewardRow, done: { couponCode?: string; externalRef?: string }, actor: string | null): Promise<RewardRow> {
  const { rows } = await db.query<RewardRow>(
    `UPDATE rewards SET state = 'issued', issued_at = now(), updated_at = now(), last_error = NULL,
       coupon_code = coalesce($2, coupon_code), external_ref = coalesce($3, external_ref)
     WHERE id = $1 AND state IN ('pending', 'issuing', 'failed') RETURNING *`,
    [r.id, done.couponCode ?? null, done.externalRef ?? null]);
  if (!rows[0]) return r;
  await recordEvent(db, r, r.state, 'issued', actor, null);
  return rows[0];
}

/** Adapters that call out: a void after an attempt must first ask the other side whether it went through. */
export const OUTBOUND_ADAPTERS: readonly string[] = ['webhook', 'wechatpay'];

/**
 * Voids a reward that was not issued (a refund mid-challenge, a revoked entry): its budget is given back. An issued
 * reward stays issued (money paid is not un-paid here) and is returned unchanged.
 *
 * An outbound reward that was already attempted (a payment whose answer was lost may have gone through) is not voided
 * here: the void is *requested* (`void_reason` set, state back to pending and due now), and the issuing job asks the
 * adapter first — paid after all → issued; not there → void (see RewardService.issueOne). `finalVoid` is that last step.
 */
export async function voidReward(db: Db, r: RewardRow, reason: string, actor: string | null, tz: string, opts: { finalVoid?: boolean } = {}): Promise<RewardRow> {
  if (!opts.finalVoid && OUTBOUND_ADAPTERS.includes(r.adapter) && r.attempts > 0) {
    const { rows } = await db.query<RewardRow>(
      `UPDATE rewards SET state = 'pending', void_reason = $2, next_attempt_at = now(), updated_at = now()
       WHERE id = $1 AND state IN ('pending', 'failed') RETURNING *`, [r.id, reason]);
    if (!rows[0]) return r;
    await recordEvent(db, r, r.state, 'pending', actor, `void requested (${reason}): checking with ${r.adapter} whether an earlier attempt went through`);
    return rows[0];
  }
  const { rows } = await db.query<RewardRow>(
    `UPDATE rewards SET state = 'void', voided_at = now(), void_reason = $2, updated_at = now()
     WHERE id = $1 AND state IN ('pending', 'failed'${opts.finalVoid ? ", 'issuing'" : ''}) RETURNING *`, [r.id, reason]);
  if (!rows[0]) return r;
  await recordEvent(db, r, r.state, 'void', actor, reason);
  if (r.campaign_id) {
    await db.query(
      `UPDATE campaign_spend SET cost_fen = greatest(0, cost_fen - $3), rewards = greatest(0, rewards - 1)
       WHERE campaign_id = $1 AND day IN ($2::date, '${TOTAL_DAY}'::date)`,
      [r.campaign_id, dayIn(r.created_at, tz), r.cost_fen]);
  }
  return rows[0];
}

/**
 * Rebuilds a campaign's spend counters from its ledger (not void), per corp day and in total: when a budget is set on
 * a campaign that had none (its grants were not counted), the budget starts from what was really granted.
 */
export async function rebuildSpend(db: Db, campaignId: number, tz: string): Promise<void> {
  await db.query('DELETE FROM campaign_spend WHERE campaign_id = $1', [campaignId]);
  await db.query(
    `INSERT INTO campaign_spend (campaign_id, day, cost_fen, rewards)
     SELECT $1, d, sum(cost_fen), count(*) FROM (
       SELECT (created_at AT TIME ZONE $2)::date AS d, cost_fen FROM rewards WHERE campaign_id = $1 AND state <> 'void'
       UNION ALL SELECT '${TOTAL_DAY}'::date, cost_fen FROM rewards WHERE campaign_id = $1 AND state <> 'void') x
     GROUP BY d`,
    [campaignId, tz]);
}
