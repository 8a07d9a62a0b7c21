// Planned red-packet rules (定时红包): the console's create / edit / detail, and the customer's page and claim. A
// claim takes the participant lock (campaigns.enter), then one packet of the occurrence on now (a conditional UPDATE:
// never more than its count), then the ledger's grant (once per campaign, occurrence and customer; within the
// budgets) — all in one transaction, so a refused grant gives the packet back. The money is paid by the ledger's
// WeChat Pay adapter (to the openid of the page's session when it has one).
import type pg from 'pg';
import {
  RedpacketConfig, type CustomerRedpacket, type RedpacketCampaignBody, type RedpacketClaimResult, type RedpacketDetail, type RedpacketPatch,
} from '@pond/contracts/redpackets';
import { withRetriedTransaction, withTransaction } from '../../platform/db';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import { corpZone } from '../../platform/time';
import { appendTimeline } from '../customers';
import {
  CAMPAIGN_ORDERS_SQL, CAMPAIGN_REWARDS_SQL, checkEligibility, CustomerSessions, ELIGIBILITY_MESSAGES, openness, OPENNESS_MESSAGES,
  type CampaignRow, type CampaignService, type CustomerSession,
} from '../campaigns';
import type { Db, GrantRefusal, RewardRow, RewardService } from '../rewards';
import { currentOccurrence, nextOccurrence, packetAmount, type Occurrence } from './rules';

export interface RedpacketDeps {
  pool: pg.Pool;
  campaigns: CampaignService;
  rewards: RewardService;
  log: Logger;
}

export const REFUSALS = {
  not_now: '现在不在抢红包时段，请留意下一场 (no red packets are being released right now: see the next round)',
  sold_out: '本场红包已抢完，下一场再来 (this round\'s red packets are all taken: come back next round)',
  total: (n: number) => `每人最多抢 ${n} 个红包，您已抢满 (at most ${n} red packets per customer)`,
  budget_total: '活动预算已用完 (the campaign budget is used up)',
  budget_daily: '今日预算已用完，明天再来 (today\'s budget is used up: come back tomorrow)',
  per_customer: '您在本活动的奖励已达上限 (you have reached this campaign\'s reward limit)',
  no_stock: '红包已发完 (no red packets left)',
} as const;

function refuse(reason: string, message: string, code: 'conflict' | 'forbidden' = 'conflict'): AppError {
  return new AppError(code, message, { details: { reason } });
}

const occ = (o: Occurrence, claimed: number) => ({ key: o.key, startsAt: o.startsAt, endsAt: o.endsAt, count: o.count, claimed });

export class RedpacketService {
  constructor(private deps: RedpacketDeps) {}

  private tx<T>(fn: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    return withRetriedTransaction(this.deps.pool, fn);
  }

  private async get(db: Db, corpId: string, id: number, lock = false): Promise<CampaignRow> {
    const { rows: [c] } = await db.query<CampaignRow>(`SELECT * FROM campaigns WHERE corp_id = $1 AND id = $2 ${lock ? 'FOR UPDATE' : ''}`, [corpId, id]);
    if (!c || c.kind !== 'redpacket') throw AppError.notFound(`red-packet campaign ${id}`);
    return c;
  }

  // ---------------------------------------------------------------- console

  async create(corpId: string, body: RedpacketCampaignBody, actor: string | null): Promise<RedpacketDetail> {
    const id = await withTransaction(this.deps.pool, async (db) => {
      const { config, ...base } = body;
      return (await this.deps.campaigns.insert(db, corpId, 'redpacket', base, config, actor)).id;
    });
    return this.detail(corpId, id);
  }

  async update(corpId: string, id: number, patch: RedpacketPatch): Promise<RedpacketDetail> {
    await withTransaction(this.deps.pool, async (db) => {
      const c = await this.get(db, corpId, id, true);
      const { config, ...base } = patch;
      await this.deps.campaigns.update(db, c, base, config);
    });
    return this.detail(corpId, id);
  }

  async detail(corpId: string, id: number): Promise<RedpacketDetail> {
    const db = this.deps.pool;
    const c = await this.get(db, corpId, id);
    const cfg = RedpacketConfig.parse(c.config);
    const tz = await corpZone(db, corpId);
    const { rows: [n] } = await db.query<Record<string, string | number>>(
      `SELECT (SELECT count(*)::int FROM campaign_participants p WHERE p.campaign_id = c.id) AS participants,
         coalesce(s.rewards, 0)::int AS rewards, coalesce(s.cost_fen, 0)::bigint AS cost_fen, o.orders, o.gmv_fen,
         (SELECT count(*)::int FROM rewards r WHERE r.campaign_id = c.id AND r.source = 'plan' AND r.state <> 'void') AS packets,
         (SELECT coalesce(sum(amount_fen), 0)::bigint FROM rewards r WHERE r.campaign_id = c.id AND r.source = 'plan' AND r.state = 'issued') AS paid_fen,
         (SELECT coalesce(sum(amount_fen), 0)::bigint FROM rewards r WHERE r.campaign_id = c.id AND r.source = 'plan' AND r.state IN ('pending', 'issuing')) AS pending_fen,
         (SELECT count(*)::int FROM rewards r WHERE r.campaign_id = c.id AND r.source = 'plan' AND r.state = 'failed') AS failed
       FROM campaigns c LEFT JOIN LATERAL (${CAMPAIGN_REWARDS_SQL}) s ON true LEFT JOIN LATERAL (${CAMPAIGN_ORDERS_SQL}) o ON true
       WHERE c.id = $1`, [c.id]);
    const { rows: occurrences } = await db.query<{ slot_key: string; starts_at: Date; ends_at: Date; count: number; claimed: number }>(
      'SELECT slot_key, starts_at, ends_at, count, claimed FROM redpacket_slots WHERE campaign_id = $1 ORDER BY starts_at DESC LIMIT 60', [c.id]);
    const num = (k: string) => Number(n[k]);
    const next = c.status === 'ended' ? null : nextOccurrence(cfg.slots, new Date(Math.max(Date.now(), c.starts_at.getTime() - 1)), tz, c.ends_at);
    return {
      ...this.deps.campaigns.view(c), kind: 'redpacket', config: cfg,
      numbers: {
        participants: num('participants'), rewards: num('rewards'), costFen: num('cost_fen'), orders: num('orders'), gmvFen: num('gmv_fen'),
        packets: num('packets'), paidFen: num('paid_fen'), pendingFen: num('pending_fen'), failed: num('failed'),
      },
      occurrences: occurrences.map((o) => ({ key: o.slot_key, startsAt: o.starts_at, endsAt: o.ends_at, count: o.count, claimed: o.claimed })),
      next: next ? occ(next, 0) : null,
    };
  }

  // ---------------------------------------------------------------- the customer's page

  async view(s: CustomerSession, id: number, now = new Date()): Promise<CustomerRedpacket> {
    const db = this.deps.pool;
    const c = await this.get(db, s.corp.id, id);
    const cfg = RedpacketConfig.parse(c.config);
    const tz = s.corp.timezone;
    const ext = s.customer?.externalUserid ?? null;
    const open = openness(c, now) === 'open';
    const cur = open ? currentOccurrence(cfg.slots, now, tz) : null;
    const { rows: [slot] } = cur ? await db.query<{ claimed: number }>('SELECT claimed FROM redpacket_slots WHERE campaign_id = $1 AND slot_key = $2', [c.id, cur.key]) : { rows: [] };
    const { rows: mine } = ext ? await db.query<RewardRow>(
      `SELECT * FROM rewards WHERE campaign_id = $1 AND external_userid = $2 AND source = 'plan' AND state <> 'void' ORDER BY created_at DESC LIMIT 50`,
      [c.id, ext]) : { rows: [] };
    const slotOf = (r: RewardRow) => String((r.details as { slot?: string }).slot ?? '');
    const next = c.status === 'ended' ? null : nextOccurrence(cfg.slots, now, tz, c.ends_at);
    return {
      title: cfg.title, amount: cfg.amount, now, perCustomerTotal: cfg.perCustomerTotal,
      current: cur ? { ...occ(cur, slot?.claimed ?? 0), mine: mine.some((r) => slotOf(r) === cur.key) } : null,
      next: next ? occ(next, 0) : null,
      mine: mine.map((r) => ({ rewardId: r.id, slot: slotOf(r), amountFen: r.amount_fen, state: r.state, at: r.created_at })),
    };
  }

  /** Takes one packet of the occurrence on now: once per customer and occurrence (a retry answers the same packet). */
  async claim(s: CustomerSession, id: number, requestId: string, now = new Date()): Promise<RedpacketClaimResult> {
    const cust = CustomerSessions.requireCustomer(s);
    return this.tx(async (db) => {
      const c = await this.get(db, s.corp.id, id);
      const cfg = RedpacketConfig.parse(c.config);
      const o = openness(c, now);
      if (o !== 'open') throw refuse('closed', OPENNESS_MESSAGES[o]);
      const cur = currentOccurrence(cfg.slots, now, s.corp.timezone);
      if (!cur) throw refuse('not_now', REFUSALS.not_now);
      const ref = `redpacket:${c.id}:${cur.key}:${cust.externalUserid}`;
      const answer = (r: RewardRow) => ({ rewardId: r.id, amountFen: r.amount_fen, state: r.state, slot: cur.key });
      const had = async () => (await db.query<RewardRow>(`SELECT * FROM rewards WHERE corp_id = $1 AND source = 'plan' AND source_ref = $2`, [c.corp_id, ref])).rows[0];
      const before = await had();
      if (before) return answer(before);
      const miss = await checkEligibility(this.deps.pool, c.corp_id, cust.externalUserid, c.eligibility);
      if (miss) throw refuse('ineligible', `${ELIGIBILITY_MESSAGES[miss].zh} (${ELIGIBILITY_MESSAGES[miss].en})`, 'forbidden');
      await this.deps.campaigns.enter(db, c, cust.externalUserid);
      const again = await had();
      if (again) return answer(again);
      if (cfg.perCustomerTotal !== null) {
        const { rows: [t] } = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM rewards WHERE campaign_id = $1 AND external_userid = $2 AND source = 'plan' AND state <> 'void'`, [c.id, cust.externalUserid]);
        if (t.n >= cfg.perCustomerTotal) throw refuse('total', REFUSALS.total(cfg.perCustomerTotal));
      }
      await db.query(
        `INSERT INTO redpacket_slots (campaign_id, slot_key, corp_id, starts_at, ends_at, count) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING`,
        [c.id, cur.key, c.corp_id, cur.startsAt, cur.endsAt, cur.count]);
      const { rowCount } = await db.query(
        'UPDATE redpacket_slots SET claimed = claimed + 1 WHERE campaign_id = $1 AND slot_key = $2 AND claimed < count', [c.id, cur.key]);
      if (!rowCount) throw refuse('sold_out', REFUSALS.sold_out);
      const amountFen = packetAmount(cfg.amount);
      const res = await this.deps.rewards.grant(db, {
        corpId: c.corp_id, externalUserid: cust.externalUserid, campaignId: c.id, source: 'plan', sourceRef: ref,
        kind: 'redpacket', adapter: 'wechatpay', title: cfg.title, amountFen, costFen: amountFen, tz: s.corp.timezone,
        details: { slot: cur.key, requestId, ...(s.identity.openid ? { openid: s.identity.openid, appid: s.corp.oauthAppId } : {}) },
      });
      // A refused grant throws: the transaction (and the packet taken above) rolls back.
      if ('refused' in res) throw refuse(res.refused, REFUSALS[res.refused satisfies GrantRefusal]);
      if (!res.created) return answer(res.reward);
      await appendTimeline(db, c.corp_id, [{
        externalUserid: cust.externalUserid, type: 'redpacket.claimed', occurredAt: now,
        data: { campaignId: c.id, name: c.name, slot: cur.key, amountFen, rewardId: res.reward.id }, dedupeKey: `redpacket-claimed:${res.reward.id}`,
      }]);
      return answer(res.reward);
    });
  }
}
