// The ledger's reads for the console and the customer's H5 page: the list (filtered, paged, narrowed to the
// caller's customers), one reward with its trail, the manual fulfilment CSV, a customer's card, and "my prizes";
// and the gift address a customer gives (which makes their waiting gift due).
import type pg from 'pg';
import type { CustomerRewards, MyPrize, Reward, RewardDetail, RewardListQuery } from '@pond/contracts/rewards';
import type { Scope } from '../../platform/auth';
import { toCsv } from '../../platform/csv';
import { AppError } from '../../platform/errors';
import { customerVisibleSql } from '../../platform/resources';
import { Params } from '../../platform/sql';
import { corpZone } from '../../platform/time';
import { recordEvent, type Db, type RewardRow } from './ledger';

type ListedRow = RewardRow & { customer_name: string | null; campaign_name: string | null };

const SELECT = `SELECT r.*, cu.name AS customer_name, ca.name AS campaign_name FROM rewards r
  LEFT JOIN customers cu ON cu.corp_id = r.corp_id AND cu.external_userid = r.external_userid
  LEFT JOIN campaigns ca ON ca.id = r.campaign_id`;

export function toReward(r: ListedRow): Reward {
  return {
    id: r.id, externalUserid: r.external_userid, customerName: r.customer_name, campaignId: r.campaign_id, campaignName: r.campaign_name,
    source: r.source, sourceRef: r.source_ref, kind: r.kind, adapter: r.adapter, title: r.title, amountFen: r.amount_fen, costFen: r.cost_fen,
    points: r.points, couponPoolId: r.coupon_pool_id, couponCode: r.coupon_code, details: r.details, state: r.state, attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at, outTradeNo: r.out_trade_no, externalRef: r.external_ref, lastError: r.last_error, issuedAt: r.issued_at,
    voidedAt: r.voided_at, voidReason: r.void_reason, createdAt: r.created_at,
  };
}

function where(scope: Scope, q: Partial<RewardListQuery>, p: Params): string {
  const w = [`r.corp_id = ${p.add(scope.corpId)}`, customerVisibleSql(scope, p, 'r')];
  if (q.state) w.push(`r.state = ${p.add(q.state)}`);
  if (q.source) w.push(`r.source = ${p.add(q.source)}`);
  if (q.kind) w.push(`r.kind = ${p.add(q.kind)}`);
  if (q.adapter) w.push(`r.adapter = ${p.add(q.adapter)}`);
  if (q.campaignId) w.push(`r.campaign_id = ${p.add(q.campaignId)}`);
  if (q.externalUserid) w.push(`r.external_userid = ${p.add(q.externalUserid)}`);
  if (q.from) w.push(`r.created_at >= ${p.add(q.from)}::timestamptz`);
  if (q.to) w.push(`r.created_at < ${p.add(q.to)}::timestamptz`);
  return w.join(' AND ');
}

export class RewardLedgerRepo {
  constructor(private pool: pg.Pool) {}

  async list(scope: Scope, q: RewardListQuery): Promise<{ items: Reward[]; total: number }> {
    const p = new Params();
    const w = where(scope, q, p);
    const { rows: [n] } = await this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM rewards r WHERE ${w}`, p.values);
    const { rows } = await this.pool.query<ListedRow>(
      `${SELECT} WHERE ${w} ORDER BY r.created_at DESC, r.id DESC LIMIT ${p.add(q.pageSize)} OFFSET ${p.add((q.page - 1) * q.pageSize)}`, p.values);
    return { items: rows.map(toReward), total: n.n };
  }

  async detail(corpId: string, id: number): Promise<RewardDetail> {
    const { rows: [r] } = await this.pool.query<ListedRow>(`${SELECT} WHERE r.corp_id = $1 AND r.id = $2`, [corpId, id]);
    if (!r) throw AppError.notFound(`reward ${id}`);
    const { rows: events } = await this.pool.query<{ id: number; from_state: RewardRow['state'] | null; to_state: RewardRow['state']; actor: string | null; note: string | null; at: Date }>(
      'SELECT id, from_state, to_state, actor, note, at FROM reward_events WHERE corp_id = $1 AND reward_id = $2 ORDER BY id', [corpId, id]);
    return { ...toReward(r), events: events.map((e) => ({ id: e.id, fromState: e.from_state, toState: e.to_state, actor: e.actor, note: e.note, at: e.at })) };
  }

  /** The manual fulfilment list: the filtered ledger as CSV (gifts with their addresses), up to 100,000 rows. */
  async csv(scope: Scope, q: Partial<RewardListQuery>): Promise<string> {
    const p = new Params();
    const w = where(scope, q, p);
    const { rows } = await this.pool.query<ListedRow>(`${SELECT} WHERE ${w} ORDER BY r.created_at, r.id LIMIT 100000`, p.values);
    const tz = await corpZone(this.pool, scope.corpId);
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    return toCsv([
      { key: 'id', header: 'reward_id' }, { key: 'createdAt', header: 'created_at' }, { key: 'state', header: 'state' }, { key: 'kind', header: 'kind' },
      { key: 'adapter', header: 'adapter' }, { key: 'title', header: 'title' }, { key: 'campaign', header: 'campaign' }, { key: 'externalUserid', header: 'external_userid' },
      { key: 'customer', header: 'customer' }, { key: 'amountYuan', header: 'amount_yuan' }, { key: 'points', header: 'points' }, { key: 'couponCode', header: 'coupon_code' },
      { key: 'name', header: 'ship_name' }, { key: 'phone', header: 'ship_phone' }, { key: 'address', header: 'ship_address' },
      { key: 'externalRef', header: 'external_ref' }, { key: 'issuedAt', header: 'issued_at' },
    ], rows.map((r) => {
      const a = (r.details.address ?? {}) as Record<string, unknown>;
      return {
        id: r.id, createdAt: r.created_at, state: r.state, kind: r.kind, adapter: r.adapter, title: r.title, campaign: r.campaign_name,
        externalUserid: r.external_userid, customer: r.customer_name, amountYuan: (r.amount_fen / 100).toFixed(2), points: r.points,
        couponCode: r.coupon_code, name: str(a.name), phone: str(a.phone), address: str(a.address), externalRef: r.external_ref, issuedAt: r.issued_at,
      };
    }), tz);
  }

  async customer(corpId: string, externalUserid: string): Promise<CustomerRewards> {
    const { rows } = await this.pool.query<ListedRow & { total: number }>(
      `SELECT r.*, cu.name AS customer_name, ca.name AS campaign_name, count(*) OVER ()::int AS total FROM rewards r
       LEFT JOIN customers cu ON cu.corp_id = r.corp_id AND cu.external_userid = r.external_userid
       LEFT JOIN campaigns ca ON ca.id = r.campaign_id
       WHERE r.corp_id = $1 AND r.external_userid = $2 ORDER BY r.created_at DESC, r.id DESC LIMIT 50`, [corpId, externalUserid]);
    const { rows: [b] } = await this.pool.query<{ balance: number }>('SELECT balance FROM points_accounts WHERE corp_id = $1 AND external_userid = $2', [corpId, externalUserid]);
    return { points: b?.balance ?? 0, items: rows.map(toReward), total: rows[0]?.total ?? 0 };
  }

  /** The customer's own prizes for the H5 page (newest 100; void ones left out). */
  async myPrizes(corpId: string, externalUserid: string): Promise<MyPrize[]> {
    const { rows } = await this.pool.query<RewardRow & { expires_at: Date | null; use_url: string | null }>(
      `SELECT r.*, cc.expires_at, cp.use_url FROM rewards r
       LEFT JOIN coupon_codes cc ON cc.corp_id = r.corp_id AND cc.code = r.coupon_code
       LEFT JOIN coupon_pools cp ON cp.id = r.coupon_pool_id
       WHERE r.corp_id = $1 AND r.external_userid = $2 AND r.state <> 'void' ORDER BY r.created_at DESC, r.id DESC LIMIT 100`, [corpId, externalUserid]);
    return rows.map((r) => {
      const a = r.details.address as { name?: string; phone?: string; address?: string } | undefined;
      return {
        id: r.id, title: r.title, kind: r.kind, state: r.state, campaignId: r.campaign_id, amountFen: r.amount_fen, points: r.points,
        couponCode: r.coupon_code, couponExpiresAt: r.expires_at, couponUseUrl: r.use_url,
        needsAddress: r.details.needsAddress === true && !a,
        address: a ? { name: a.name ?? '', phone: a.phone ?? '', address: a.address ?? '' } : null,
        createdAt: r.created_at,
      };
    });
  }

  /**
   * The customer's address for their own gift that waits for it (details.needsAddress, no address yet, pending): stored,
   * and the reward made due now (its adapter — the shop's webhook, or the manual list — takes it from here).
   */
  async giveAddress(db: Db, corpId: string, externalUserid: string, id: number, address: { name: string; phone: string; address: string }): Promise<RewardRow> {
    const { rows: [r] } = await db.query<RewardRow>('SELECT * FROM rewards WHERE corp_id = $1 AND id = $2 AND external_userid = $3 FOR UPDATE', [corpId, id, externalUserid]);
    if (!r) throw AppError.notFound(`prize ${id}`);
    if (r.details.needsAddress !== true) throw new AppError('conflict', '这个奖品不需要收货地址 (this prize needs no address)');
    if (r.details.address) throw new AppError('conflict', '已填写收货地址 (the address was given already)');
    if (r.state !== 'pending') throw new AppError('conflict', `这个奖品已${r.state === 'void' ? '作废' : '处理'} (this prize is ${r.state})`);
    const { rows: [u] } = await db.query<RewardRow>(
      `UPDATE rewards SET details = details || jsonb_build_object('address', $2::jsonb, 'addressAt', now()), next_attempt_at = now(), updated_at = now()
       WHERE id = $1 RETURNING *`, [r.id, JSON.stringify(address)]);
    await recordEvent(db, r, 'pending', 'pending', null, 'shipping address given by the customer');
    return u;
  }
}
