// Lottery (抽奖): prizes with stock and odds, per-customer limits and the draw. A draw is one statement, the SQL function
// pond_lottery_draw (migration 0062, ADR 0034): the customer's participant row is locked first (their draws run one at
// a time, in every process), a retried request id returns the first answer, the limits are counted, the entry is made
// (free) or taken (the oldest unused paid entry), a prize is picked by weight and its stock taken by one conditional
// UPDATE (won < stock: never oversold, whatever runs concurrently). A draw that wins a prize, costs points or has an
// eligibility rule runs the function again in a transaction with that work: the points are paid once per entry, the
// reward is granted through the ledger (budget refused → "thank you" and the stock given back).
import { randomInt } from 'node:crypto';
import type pg from 'pg';
import type { z } from 'zod';
import {
  type CustomerLotteryView, type CustomerReward, type LotteryCreateBody, type LotteryDetail, type LotteryDrawResult, type Lottery,
  LotteryConfig, type LotteryPrizeInput, type LotteryUpdateBody, type LotteryWinner, type LotteryWinnersQuery, type PrizeKind,
} from '@pond/contracts/lottery';
import { withTransaction } from '../../platform/db';
import type { Row } from '../../platform/db/rows';
import { AppError } from '../../platform/errors';
import { corpZone, dayIn } from '../../platform/time';
import { toCsv } from '../../platform/csv';
import {
  CAMPAIGN_ORDERS_SQL, CAMPAIGN_REWARDS_SQL, checkEligibility, CustomerSessions, ELIGIBILITY_MESSAGES, OPENNESS_MESSAGES, type CampaignRow, type CampaignService,
  type CustomerSession, type Openness,
} from '../campaigns';
import { appendTimeline } from '../customers';
import { applyPoints, GIFT_HOLD, type Db, type RewardService } from '../rewards';
import type { Scope } from '../../platform/auth';
import { customerVisibleSql } from '../../platform/resources';
import { Params } from '../../platform/sql';

type PrizeRow = Row<'lottery_prizes'>;
type EntryRow = Row<'lottery_entries'>;
type Counts = { today: number; total: number; unused: number };


export const DRAW_MESSAGES = {
  perDay: '今天的抽奖次数已用完，明天再来 (no draws left today: come back tomorrow)',
  total: '您的抽奖次数已用完 (you have used all your draws)',
  points: (n: number) => `积分不足，每次抽奖需要 ${n} 积分 (not enough points: a draw costs ${n})`,
  buyFirst: (url: string | undefined) => `请先购买抽奖机会${url ? `：${url}` : ''} (buy a draw first${url ? `: ${url}` : ''})`,
};

export function prizeView(p: PrizeRow) {
  return {
    id: p.id, position: p.position, name: p.name, kind: p.kind, weight: p.weight, stock: p.stock, won: p.won, couponPoolId: p.coupon_pool_id,
    points: p.points, amountFen: p.amount_fen, costFen: p.cost_fen, imageUrl: p.image_url,
  };
}
const customerPrize = (p: PrizeRow) => ({ id: p.id, position: p.position, name: p.name, kind: p.kind, imageUrl: p.image_url });
const configOf = (c: CampaignRow): LotteryConfig => LotteryConfig.parse(c.config ?? {});

type RewardJoin = { reward_id: number | null; reward_state: string | null; coupon_code: string | null; r_points: number | null; r_amount_fen: number | null; needs_address?: boolean | null };
const REWARD_COLS = `r.id AS reward_id, r.state AS reward_state, r.coupon_code, r.points AS r_points, r.amount_fen AS r_amount_fen,
  (r.state = 'pending' AND r.details->>'needsAddress' = 'true' AND r.details->'address' IS NULL) AS needs_address`;

function customerReward(e: EntryRow & RewardJoin, p: Pick<PrizeRow, 'id' | 'name' | 'kind'>): z.output<typeof CustomerReward> {
  return {
    entryId: e.id, prizeId: p.id, prizeName: p.name, kind: p.kind, drawnAt: e.drawn_at ?? e.created_at, rewardId: e.reward_id,
    state: e.reward_state, couponCode: e.coupon_code, points: e.r_points ?? 0, amountFen: e.r_amount_fen ?? 0, needsAddress: e.needs_address === true,
  };
}

export interface LotteryDeps {
  pool: pg.Pool;
  campaigns: CampaignService;
  rewards: RewardService;
}

export class LotteryService {
  constructor(private deps: LotteryDeps) {}

  private get pool() { return this.deps.pool; }

  // ---- the console ----

  async create(corpId: string, body: LotteryCreateBody, actor: string | null): Promise<Lottery> {
    const { config, prizes, ...base } = body;
    return withTransaction(this.pool, async (db) => {
      await this.checkPools(db, corpId, prizes);
      const c = await this.deps.campaigns.insert(db, corpId, 'lottery', base, config, actor);
      const rows = await this.insertPrizes(db, c, prizes);
      return this.view(c, rows);
    });
  }

  async update(corpId: string, id: number, body: LotteryUpdateBody): Promise<Lottery> {
    const { config, prizes, ...patch } = body;
    return withTransaction(this.pool, async (db) => {
      const { rows: [locked] } = await db.query<CampaignRow>(`SELECT * FROM campaigns WHERE corp_id = $1 AND id = $2 AND kind = 'lottery' FOR UPDATE`, [corpId, id]);
      if (!locked) throw AppError.notFound(`lottery ${id}`);
      const c = await this.deps.campaigns.update(db, locked, patch, config);
      if (prizes) {
        await this.checkPools(db, corpId, prizes);
        if (c.status === 'draft') {
          await db.query('DELETE FROM lottery_prizes WHERE campaign_id = $1', [c.id]);
          await this.insertPrizes(db, c, prizes);
        } else {
          await this.changeStock(db, c, prizes);
        }
      }
      return this.view(c, await this.prizes(db, c.id));
    });
  }

  /** After publishing, the prizes stay what customers were shown: only their stock changes, never below what was won. */
  private async changeStock(db: Db, c: CampaignRow, prizes: LotteryPrizeInput[]): Promise<void> {
    const current = await this.prizes(db, c.id);
    const byId = new Map(current.map((p) => [p.id, p]));
    if (prizes.length !== current.length || prizes.some((p) => !p.id || !byId.has(p.id))) {
      throw new AppError('conflict', 'prizes: once published the prize list cannot change (name every prize by id; only stock may change)', { field: 'prizes' });
    }
    for (const [i, p] of prizes.entries()) {
      const was = byId.get(p.id!)!;
      const same = was.name === p.name && was.kind === p.kind && was.weight === p.weight && was.coupon_pool_id === p.couponPoolId && was.points === p.points
        && was.amount_fen === p.amountFen && was.cost_fen === p.costFen && was.image_url === p.imageUrl && was.position === i;
      if (!same) throw new AppError('conflict', `prizes[${i}]: once published only stock may change`, { field: `prizes[${i}]` });
      if (p.stock === was.stock) continue;
      if (p.stock === null) throw AppError.validation(`prizes[${i}].stock`, 'cannot become unlimited once published');
      // Against concurrent draws: the new stock holds only if it is not below what is won at that moment.
      const { rowCount } = await db.query('UPDATE lottery_prizes SET stock = $2 WHERE id = $1 AND won <= $2', [p.id, p.stock]);
      if (!rowCount) throw AppError.validation(`prizes[${i}].stock`, `must be at least ${(await this.prizes(db, c.id)).find((x) => x.id === p.id)!.won} (already won)`);
    }
  }

  private async checkPools(db: Db, corpId: string, prizes: LotteryPrizeInput[]): Promise<void> {
    for (const [i, p] of prizes.entries()) {
      if (!p.couponPoolId) continue;
      const { rows } = await db.query('SELECT 1 FROM coupon_pools WHERE corp_id = $1 AND id = $2', [corpId, p.couponPoolId]);
      if (!rows.length) throw AppError.validation(`prizes[${i}].couponPoolId`, `no coupon pool ${p.couponPoolId}`);
    }
  }

  private async insertPrizes(db: Db, c: CampaignRow, prizes: LotteryPrizeInput[]): Promise<PrizeRow[]> {
    const { rows } = await db.query<PrizeRow>(
      `INSERT INTO lottery_prizes (corp_id, campaign_id, position, name, kind, weight, stock, coupon_pool_id, points, amount_fen, cost_fen, image_url)
       SELECT $1, $2, r.position, r.name, r.kind, r.weight, r.stock, r.coupon_pool_id, r.points, r.amount_fen, r.cost_fen, r.image_url
       FROM jsonb_to_recordset($3::jsonb) AS r(position int, name text, kind text, weight int, stock int, coupon_pool_id bigint, points int, amount_fen int,
         cost_fen int, image_url text)
       ORDER BY r.position RETURNING *`,
      [c.corp_id, c.id, JSON.stringify(prizes.map((p, i) => ({
        position: i, name: p.name, kind: p.kind, weight: p.weight, stock: p.stock, coupon_pool_id: p.couponPoolId, points: p.points,
        // A red packet costs what it pays.
        amount_fen: p.amountFen, cost_fen: p.kind === 'redpacket' ? Math.max(p.costFen, p.amountFen) : p.costFen, image_url: p.imageUrl,
      })))]);
    return rows.sort((a, b) => a.position - b.position);
  }

  private async prizes(db: Db, campaignId: number): Promise<PrizeRow[]> {
    return (await db.query<PrizeRow>('SELECT * FROM lottery_prizes WHERE campaign_id = $1 ORDER BY position', [campaignId])).rows;
  }

  private view(c: CampaignRow, prizes: PrizeRow[]): Lottery {
    return { ...this.deps.campaigns.view(c), config: configOf(c), prizes: prizes.map(prizeView) };
  }

  async get(corpId: string, id: number): Promise<Lottery> {
    const c = await this.deps.campaigns.get(this.pool, corpId, id, 'lottery');
    return this.view(c, await this.prizes(this.pool, id));
  }

  async detail(corpId: string, id: number): Promise<LotteryDetail> {
    const c = await this.deps.campaigns.get(this.pool, corpId, id, 'lottery');
    const prizes = await this.prizes(this.pool, id);
    const { rows: [n] } = await this.pool.query<{ participants: number; draws: number; winners: number; unused: number; revoked: number; rewards: number; cost_fen: string; orders: number; gmv_fen: string }>(
      `SELECT (SELECT count(*)::int FROM campaign_participants p WHERE p.campaign_id = c.id) AS participants,
         e.draws, e.winners, e.unused, e.revoked, coalesce(s.rewards, 0)::int AS rewards, coalesce(s.cost_fen, 0) AS cost_fen, o.orders, o.gmv_fen
       FROM campaigns c
       CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE state = 'drawn')::int AS draws, count(*) FILTER (WHERE state = 'drawn' AND reward_id IS NOT NULL)::int AS winners,
           count(*) FILTER (WHERE state = 'unused')::int AS unused, count(*) FILTER (WHERE state = 'revoked')::int AS revoked
         FROM lottery_entries WHERE campaign_id = c.id) e
       -- The ledger itself, as every kind's numbers (the budget's counters are kept only while a budget is set).
       LEFT JOIN LATERAL (${CAMPAIGN_REWARDS_SQL}) s ON true
       CROSS JOIN LATERAL (${CAMPAIGN_ORDERS_SQL}) o
       WHERE c.id = $1`, [id]);
    const { rows: days } = await this.pool.query<{ day: string; draws: number; winners: number }>(
      `SELECT day::text AS day, count(*)::int AS draws, count(*) FILTER (WHERE reward_id IS NOT NULL)::int AS winners
       FROM lottery_entries WHERE campaign_id = $1 AND state = 'drawn' GROUP BY day ORDER BY day`, [id]);
    return {
      ...this.view(c, prizes),
      numbers: {
        participants: n.participants, rewards: n.rewards, costFen: Number(n.cost_fen), orders: n.orders, gmvFen: Number(n.gmv_fen),
        draws: n.draws, winners: n.winners, entriesUnused: n.unused, entriesRevoked: n.revoked,
      },
      perPrize: prizes.map((p) => ({ prizeId: p.id, name: p.name, kind: p.kind, won: p.won, stockLeft: p.stock === null ? null : p.stock - p.won, costFen: p.won * p.cost_fen })),
      drawsPerDay: days,
    };
  }

  async winners(scope: Scope, id: number, q: z.output<typeof LotteryWinnersQuery>): Promise<{ items: z.output<typeof LotteryWinner>[]; total: number }> {
    await this.deps.campaigns.get(this.pool, scope.corpId, id, 'lottery');
    // Winners carry names, coupon codes and shipping addresses: a store manager or staff member sees their customers' only.
    const p = new Params();
    p.add(id);
    p.add(q.prizeId ?? null);
    const visible = customerVisibleSql(scope, p, 'e');
    const { rows } = await this.pool.query<WinnerRow & { total: number }>(
      `${WINNERS_SQL} AND ${visible} ORDER BY e.drawn_at DESC, e.id DESC LIMIT ${p.add(q.limit)} OFFSET ${p.add(q.offset)}`, p.values);
    return { total: rows[0]?.total ?? 0, items: rows.map(winnerView) };
  }

  /** The fulfilment list: every winner with their prize, reward state and a gift's address (what the shop ships). */
  async winnersCsv(corpId: string, id: number): Promise<string> {
    const tz = await corpZone(this.pool, corpId);
    await this.deps.campaigns.get(this.pool, corpId, id, 'lottery');
    const { rows } = await this.pool.query<WinnerRow>(`${WINNERS_SQL} ORDER BY e.drawn_at, e.id LIMIT 100000`, [id, null]);
    const line = (a: Record<string, unknown> | null, k: string) => (a && typeof a[k] === 'string' ? a[k] : '');
    return toCsv([
      { key: 'entryId', header: '抽奖记录 Entry' }, { key: 'drawnAt', header: '中奖时间 Won at' }, { key: 'customerName', header: '客户 Customer' },
      { key: 'externalUserid', header: 'external_userid' }, { key: 'prizeName', header: '奖品 Prize' }, { key: 'prizeKind', header: '类型 Kind' },
      { key: 'rewardState', header: '发放状态 State' }, { key: 'couponCode', header: '券码 Coupon code' }, { key: 'points', header: '积分 Points' },
      { key: 'amount', header: '金额 Amount (¥)' }, { key: 'receiver', header: '收件人 Receiver' }, { key: 'phone', header: '电话 Phone' },
      { key: 'address', header: '地址 Address' },
    ], rows.map((r) => {
      const w = winnerView(r);
      const a = w.address;
      return {
        ...w, amount: w.amountFen ? (w.amountFen / 100).toFixed(2) : '', receiver: line(a, 'name'), phone: line(a, 'phone'),
        address: a ? ['province', 'city', 'district', 'detail', 'address'].map((k) => line(a, k)).filter(Boolean).join(' ') : '',
      };
    }), tz);
  }

  // ---- the customer ----

  private async counts(db: Db, campaignId: number, externalUserid: string, today: string): Promise<Counts> {
    const { rows: [n] } = await db.query<Counts>(
      `SELECT count(*) FILTER (WHERE state = 'drawn' AND day = $3)::int AS today, count(*) FILTER (WHERE state = 'drawn')::int AS total,
         count(*) FILTER (WHERE state = 'unused')::int AS unused
       FROM lottery_entries WHERE campaign_id = $1 AND external_userid = $2 AND state IN ('drawn', 'unused')`, [campaignId, externalUserid, today]);
    return n;
  }

  private remaining(cfg: LotteryConfig, n: Counts) {
    return {
      today: cfg.perDay === null ? null : Math.max(0, cfg.perDay - n.today),
      total: cfg.total === null ? null : Math.max(0, cfg.total - n.total),
      paidEntries: n.unused,
    };
  }

  async customerView(s: CustomerSession, id: number): Promise<CustomerLotteryView> {
    const c = await this.deps.campaigns.get(this.pool, s.corp.id, id, 'lottery');
    const prizes = await this.prizes(this.pool, id);
    const cfg = configOf(c);
    const ext = s.customer?.externalUserid;
    const n = ext ? await this.counts(this.pool, id, ext, dayIn(new Date(), s.corp.timezone)) : { today: 0, total: 0, unused: 0 };
    const mine = ext ? (await this.pool.query<EntryRow & RewardJoin>(
      `SELECT e.*, ${REWARD_COLS} FROM lottery_entries e JOIN rewards r ON r.id = e.reward_id
       WHERE e.campaign_id = $1 AND e.external_userid = $2 AND e.state = 'drawn' ORDER BY e.drawn_at DESC, e.id DESC LIMIT 50`, [id, ext])).rows : [];
    const byId = new Map(prizes.map((p) => [p.id, p]));
    return {
      display: cfg.display,
      prizes: prizes.map(customerPrize),
      remaining: this.remaining(cfg, n),
      myPrizes: mine.filter((e) => e.prize_id && byId.has(e.prize_id)).map((e) => customerReward(e, byId.get(e.prize_id!)!)),
    };
  }

  /**
   * One draw (see the file's comment). The same requestId answers the first result again (`repeated`). Most draws
   * are one statement (pond_lottery_draw, migration 0062 / ADR 0034): the customer found by their unionid, the
   * participant lock, the limits, the pick, the entry and the timeline, in its own transaction. A draw that needs
   * more — a prize to grant through the ledger, points to pay, an eligibility rule — runs the same function again
   * in a transaction with that work, on the pick the first call made.
   */
  async draw(s: Omit<CustomerSession, 'customer'>, id: number, requestId: string): Promise<LotteryDrawResult> {
    const now = new Date();
    const today = dayIn(now, s.corp.timezone);
    const rand = randomInt(2 ** 47) / 2 ** 47;
    const fast = await drawStatement(this.pool, s, id, null, requestId, today, now, rand, null, true);
    if (fast.status !== 'slow') return this.answer(fast);
    const ext = fast.ext;
    const c = await this.deps.campaigns.get(this.pool, s.corp.id, id, 'lottery');
    const miss = await checkEligibility(this.pool, s.corp.id, ext, c.eligibility);
    if (miss) throw new AppError('forbidden', `${ELIGIBILITY_MESSAGES[miss].zh} (${ELIGIBILITY_MESSAGES[miss].en})`);
    return withTransaction(this.pool, async (db) => {
      const r = await drawStatement(db, s, id, ext, requestId, today, now, rand, fast.prize ?? null, false);
      if (r.status !== 'drawn') return this.answer(r);
      const cfg = LotteryConfig.parse(r.config ?? {});
      const entry = r.entry;
      if (c.entry.kind === 'points') {
        const cost = c.entry.points;
        try {
          await applyPoints(db, c.corp_id, ext, -cost, `抽奖 ${c.name}`, `entry:${entry.id}`);
        } catch (err) {
          if (err instanceof AppError && err.code === 'conflict') throw new AppError('conflict', DRAW_MESSAGES.points(cost));
          throw err;
        }
      }
      if (!r.grant || !r.prize) return this.resultOf(entry, r.prize, null, cfg, r.counts, false);

      let prize: PrizeRow | null = r.prize;
      const nothing = r.nothing;
      let rewardId: number | null = null;
      const granted = await this.deps.rewards.grant(db, {
        corpId: c.corp_id, externalUserid: ext, campaignId: c.id, source: 'lottery', sourceRef: `entry:${entry.id}`, tz: s.corp.timezone,
        title: `${c.name}：${prize.name}`, ...rewardOf(prize, s),
      });
      if ('refused' in granted) {
        // Over budget (or the coupon pool ran dry): "thank you", and the stock is given back.
        if (prize.stock !== null) await db.query('UPDATE lottery_prizes SET won = won - 1 WHERE id = $1', [prize.id]);
        prize = null;
        await db.query('UPDATE lottery_entries SET prize_id = $2 WHERE id = $1', [entry.id, nothing?.id ?? null]);
      } else {
        rewardId = granted.reward.id;
        await db.query('UPDATE lottery_entries SET reward_id = $2 WHERE id = $1', [entry.id, rewardId]);
      }
      const shown = prize ?? nothing;
      const events = [{
        externalUserid: ext, type: 'lottery.drew', occurredAt: now, dedupeKey: `lottery-drew:${entry.id}`,
        data: { campaignId: c.id, name: c.name, entryId: entry.id, prizeId: shown?.id ?? null, prizeName: shown?.name ?? null, won: rewardId !== null },
      }];
      if (prize && rewardId !== null) {
        events.push({
          externalUserid: ext, type: 'lottery.won', occurredAt: now, dedupeKey: `lottery-won:${entry.id}`,
          data: { campaignId: c.id, name: c.name, entryId: entry.id, prizeId: prize.id, prizeName: prize.name, won: true },
        });
      }
      await appendTimeline(db, c.corp_id, events);
      const shownPrizes = [prize, nothing].filter((p): p is PrizeRow => !!p);
      return this.result(db, { ...entry, prize_id: shown?.id ?? null, reward_id: rewardId }, cfg, r.counts, false, shownPrizes);
    });
  }

  /** The function's answer as the API's: a refusal's 4xx, or the draw (a repeated request's first one). */
  private answer(r: DrawAnswer): LotteryDrawResult {
    switch (r.status) {
      case 'not_customer': throw CustomerSessions.notCustomer();
      case 'not_found': throw AppError.notFound('lottery');
      case 'closed': throw new AppError('conflict', OPENNESS_MESSAGES[r.reason]);
      case 'per_day': throw new AppError('conflict', DRAW_MESSAGES.perDay);
      case 'total': throw new AppError('conflict', DRAW_MESSAGES.total);
      case 'buy_first': {
        const e = r.entry.kind === 'paid' ? r.entry : null;
        throw new AppError('conflict', DRAW_MESSAGES.buyFirst(e?.productUrl), { details: { productUrl: e?.productUrl ?? null, sku: e?.sku } });
      }
      case 'slow': throw new Error('pond_lottery_draw answered "slow" outside a fast call');
      case 'earlier': return this.resultOf(r.entry, r.prize, r.reward, LotteryConfig.parse(r.config ?? {}), r.counts, true);
      case 'drawn': return this.resultOf(r.entry, r.prize, null, LotteryConfig.parse(r.config ?? {}), r.counts, false);
    }
  }

  private resultOf(e: EntryRow, p: PrizeRow | null, reward: RewardJoin | null, cfg: LotteryConfig, n: Counts, repeated: boolean): LotteryDrawResult {
    const r = e.reward_id && p && reward ? customerReward({ ...e, ...reward }, p) : null;
    return { entryId: e.id, prize: p ? customerPrize(p) : null, won: r !== null, reward: r, remaining: this.remaining(cfg, n), repeated };
  }

  private async result(db: Db, e: EntryRow, cfg: LotteryConfig, n: Counts, repeated: boolean, prizes?: PrizeRow[]): Promise<LotteryDrawResult> {
    const all = prizes ?? await this.prizes(db, e.campaign_id);
    const p = all.find((x) => x.id === e.prize_id) ?? null;
    let reward: LotteryDrawResult['reward'] = null;
    if (e.reward_id && p) {
      const { rows: [r] } = await db.query<RewardJoin>(`SELECT ${REWARD_COLS} FROM rewards r WHERE r.id = $1`, [e.reward_id]);
      reward = customerReward({ ...e, ...r }, p);
    }
    return { entryId: e.id, prize: p ? customerPrize(p) : null, won: reward !== null, reward, remaining: this.remaining(cfg, n), repeated };
  }

  // ---- paid entries (the order hooks) ----

  /** A matched paid order carrying a paid lottery's sku: its entries, once per (campaign, order, seq). */
  async grantPaidEntries(db: Db, order: { corpId: string; orderId: string; externalUserid: string; paidAt: Date; items: { sku?: string; quantity: number }[] }): Promise<number> {
    const skus = [...new Set(order.items.map((i) => i.sku).filter((s): s is string => !!s))];
    if (!skus.length) return 0;
    const { rows: campaigns } = await db.query<CampaignRow>(
      `SELECT * FROM campaigns WHERE corp_id = $1 AND kind = 'lottery' AND status = 'active' AND entry->>'kind' = 'paid' AND entry->>'sku' = ANY($2::text[])
         AND starts_at <= $3 AND (ends_at IS NULL OR ends_at > $3) ORDER BY id`,
      [order.corpId, skus, order.paidAt]);
    let granted = 0;
    for (const c of campaigns) {
      if (c.entry.kind !== 'paid') continue;
      const per = c.entry.entriesPerOrder ?? 1;
      const sku = c.entry.sku;
      const count = Math.min(1000, order.items.filter((i) => i.sku === sku).reduce((s, i) => s + Math.max(1, Math.floor(i.quantity)) * per, 0));
      if (!count) continue;
      await this.deps.campaigns.enter(db, c, order.externalUserid);
      const { rowCount } = await db.query(
        `INSERT INTO lottery_entries (corp_id, campaign_id, external_userid, source, order_id, order_seq)
         SELECT $1, $2, $3, 'paid', $4, g FROM generate_series(1, $5::int) g
         ON CONFLICT (campaign_id, order_id, order_seq) WHERE order_id IS NOT NULL DO NOTHING`,
        [c.corp_id, c.id, order.externalUserid, order.orderId, count]);
      if (rowCount) {
        granted += rowCount;
        await appendTimeline(db, c.corp_id, [{
          externalUserid: order.externalUserid, type: 'lottery.entry_granted', occurredAt: new Date(), dedupeKey: `lottery-entry-granted:${c.id}:${order.orderId}`,
          data: { campaignId: c.id, name: c.name, orderId: order.orderId, entries: rowCount },
        }]);
      }
    }
    return granted;
  }

  /**
   * A refund of such an order: its unused entries are revoked — all of them for a full refund, the refunded share for
   * a partial one (drawn entries stay: their prize was won).
   */
  async revokePaidEntries(db: Db, order: { corpId: string; orderId: string; externalUserid: string; amountFen: number; refundedFen: number; refunded: boolean }): Promise<number> {
    const { rows } = await db.query<{ campaign_id: number; total: number; revoked: number }>(
      `SELECT campaign_id, count(*)::int AS total, count(*) FILTER (WHERE state = 'revoked')::int AS revoked
       FROM lottery_entries WHERE corp_id = $1 AND order_id = $2 AND source = 'paid' GROUP BY campaign_id ORDER BY campaign_id`,
      [order.corpId, order.orderId]);
    let revoked = 0;
    for (const r of rows) {
      const keep = order.refunded || order.amountFen <= 0 ? 0 : Math.floor((r.total * Math.max(0, order.amountFen - order.refundedFen)) / order.amountFen);
      const want = r.total - keep - r.revoked;
      if (want <= 0) continue;
      // The entries' own row locks: a draw taking one of them right now finishes first, and a drawn entry is not revoked.
      const { rows: done } = await db.query<{ id: number }>(
        `UPDATE lottery_entries SET state = 'revoked', revoked_at = now()
         WHERE id IN (SELECT id FROM lottery_entries WHERE campaign_id = $1 AND order_id = $2 AND state = 'unused' ORDER BY order_seq DESC LIMIT $3 FOR UPDATE)
           AND state = 'unused'
         RETURNING id`,
        [r.campaign_id, order.orderId, want]);
      if (!done.length) continue;
      revoked += done.length;
      const { rows: [c] } = await db.query<Pick<CampaignRow, 'name'>>('SELECT name FROM campaigns WHERE id = $1', [r.campaign_id]);
      await appendTimeline(db, order.corpId, [{
        externalUserid: order.externalUserid, type: 'lottery.entry_revoked', occurredAt: new Date(),
        dedupeKey: `lottery-entry-revoked:${r.campaign_id}:${order.orderId}:${r.revoked + done.length}`,
        data: { campaignId: r.campaign_id, name: c?.name ?? null, orderId: order.orderId, entries: done.length },
      }]);
    }
    return revoked;
  }
}

/** What a prize grants through the reward ledger. */
function rewardOf(p: PrizeRow, s: Omit<CustomerSession, 'customer'>) {
  const kind = p.kind as Exclude<PrizeKind, 'nothing'>;
  switch (kind) {
    case 'coupon': return { kind: 'coupon' as const, adapter: 'coupon' as const, couponPoolId: p.coupon_pool_id, costFen: p.cost_fen };
    case 'points': return { kind: 'points' as const, adapter: 'points' as const, points: p.points, costFen: p.cost_fen };
    case 'redpacket': return {
      kind: 'redpacket' as const, adapter: 'wechatpay' as const, amountFen: p.amount_fen, costFen: Math.max(p.cost_fen, p.amount_fen),
      details: s.identity.openid ? { openid: s.identity.openid, appid: s.corp.oauthAppId } : {},
    };
    case 'gift': return {
      // Waits for the winner's address ("my prizes" on the page), then the shop's webhook ships it (rewards/index.ts).
      kind: 'gift' as const, adapter: 'webhook' as const, costFen: p.cost_fen, holdUntil: GIFT_HOLD,
      details: { prizeId: p.id, prizeName: p.name, needsAddress: true },
    };
  }
}

type WinnerRow = EntryRow & RewardJoin & { customer_name: string | null; prize_name: string; prize_kind: PrizeKind; details: Record<string, unknown> | null };

const WINNERS_SQL = `
  SELECT e.*, ${REWARD_COLS}, r.details, cu.name AS customer_name, p.name AS prize_name, p.kind AS prize_kind, count(*) OVER ()::int AS total
  FROM lottery_entries e
  JOIN rewards r ON r.id = e.reward_id
  JOIN lottery_prizes p ON p.id = e.prize_id
  LEFT JOIN customers cu ON cu.corp_id = e.corp_id AND cu.external_userid = e.external_userid
  WHERE e.campaign_id = $1 AND e.state = 'drawn' AND ($2::bigint IS NULL OR e.prize_id = $2)`;

function winnerView(r: WinnerRow): z.output<typeof LotteryWinner> {
  const address = r.details && typeof r.details.address === 'object' && r.details.address ? r.details.address as Record<string, unknown> : null;
  return {
    entryId: r.id, externalUserid: r.external_userid, customerName: r.customer_name, prizeId: r.prize_id!, prizeName: r.prize_name, prizeKind: r.prize_kind,
    drawnAt: r.drawn_at ?? r.created_at, rewardId: r.reward_id, rewardState: r.reward_state, couponCode: r.coupon_code, points: r.r_points ?? 0,
    amountFen: r.r_amount_fen ?? 0, address,
  };
}

type LotteryEntryKind = CampaignRow['entry'];
/** What pond_lottery_draw answers (JSON: times as text, bigints as numbers). */
type DrawAnswer =
  | { status: 'not_customer' | 'not_found' | 'per_day' | 'total' }
  | { status: 'closed'; reason: Exclude<Openness, 'open'> }
  | { status: 'buy_first'; entry: LotteryEntryKind }
  | { status: 'slow'; ext: string; prize?: number }
  | { status: 'earlier'; ext: string; config: unknown; entry: EntryRow; prize: PrizeRow | null; reward: RewardJoin | null; counts: Counts }
  | { status: 'drawn'; ext: string; config: unknown; entry: EntryRow; prize: PrizeRow | null; nothing: PrizeRow | null; grant: boolean; counts: Counts };

/** One call of pond_lottery_draw (a named statement: planned once per connection). */
async function drawStatement(db: Db, s: Omit<CustomerSession, 'customer'>, id: number, ext: string | null, requestId: string, today: string, now: Date,
  rand: number, prize: number | null, fast: boolean): Promise<DrawAnswer> {
  const { rows: [{ r }] } = await db.query<{ r: DrawAnswer }>({
    name: 'pond_lottery_draw',
    text: 'SELECT pond_lottery_draw($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) AS r',
    values: [s.corp.id, id, s.identity.unionid, ext, requestId, today, now, rand, prize, fast],
  });
  if (r.status === 'earlier' || r.status === 'drawn') {
    const e = r.entry;
    r.entry = { ...e, created_at: new Date(e.created_at), drawn_at: e.drawn_at ? new Date(e.drawn_at) : null, revoked_at: e.revoked_at ? new Date(e.revoked_at) : null };
  }
  return r;
}
