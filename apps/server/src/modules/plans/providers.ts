// The result providers of the kinds that exist (ADR 0030 defines each figure): every campaign kind from the shared
// campaign tables and the ledger (the same SQL as each campaign's own page: campaignOrdersSql / campaignRewardsSql),
// live codes from their own stats and the Measure rollups, broadcasts and playbooks from their targets and runs.
import type { CampaignKind } from '@pond/contracts/activate';
import { campaignOrdersSql, campaignRewardsSql, type CampaignSlice } from '../campaigns';
import { codeStats, sumStats } from '../live-codes';
import type { AnalyticsService } from '../analytics';
import type { Scope } from '../../platform/auth';
import { liveCodeVisibleSql, staffUseridVisibleSql } from '../../platform/resources';
import { Params } from '../../platform/sql';
import type { ProviderRow, ResultProvider, ResultQuery } from './results';


/** The stores a query counts: the filter's store, else a store manager's stores, else all (null). */
function storesOf(q: ResultQuery): number[] | null {
  if (q.storeId) return [q.storeId];
  return q.scope.storeIds;
}

const scoped = (s: Scope) => !!(s.storeIds || s.staffUserid);

interface CampaignKindSpec {
  path: string;
  meaning: ResultProvider['meaning'];
  /** Reach when it is wider than the participants (SQL over `c`, with `lo`/`hi` and the store condition on a customer column). */
  reachSql?: (w: { lo: string; hi: string; customer: (col: string) => string }) => string;
}

const ORDERS_MEANING = '活动带来的订单（付费抽奖/报名、核销其券、推荐订单）Orders the campaign brought: paid entries, redeemed coupons, referred orders';
const CONVERSIONS_MEANING = '在期内通过活动下单的客户 Customers who ordered through it in the period';

const CAMPAIGN_SPECS: Record<CampaignKind, CampaignKindSpec> = {
  lottery: { path: '/lotteries', meaning: { reach: '参与抽奖的客户 Customers who entered', participants: '参与抽奖的客户 Customers who entered', conversions: CONVERSIONS_MEANING, orders: ORDERS_MEANING } },
  checkin: { path: '/checkins', meaning: { reach: '报名签到的客户 Customers enrolled', participants: '报名签到的客户 Customers enrolled', conversions: CONVERSIONS_MEANING, orders: ORDERS_MEANING } },
  coupon: { path: '/offers', meaning: { reach: '领券的客户 Customers who claimed', participants: '领券的客户 Customers who claimed', conversions: CONVERSIONS_MEANING, orders: ORDERS_MEANING } },
  groupbuy: {
    path: '/offers',
    meaning: { reach: '开团或参团的人（含非客户好友）People who opened or joined a group-buy', participants: '参与的客户 Customers who took part', conversions: CONVERSIONS_MEANING, orders: ORDERS_MEANING },
    reachSql: (w) => `(SELECT count(DISTINCT m.member_key)::int FROM groupbuy_members m JOIN groupbuys g ON g.id = m.groupbuy_id
                        WHERE g.campaign_id = c.id AND m.joined_at >= ${w.lo} AND m.joined_at < ${w.hi} AND (m.external_userid IS NULL OR ${w.customer('m.external_userid')}))`,
  },
  bargain: {
    path: '/offers',
    meaning: { reach: '发起者与帮砍的好友 Starters and the friends who helped', participants: '发起砍价的客户 Customers who started a bargain', conversions: CONVERSIONS_MEANING, orders: ORDERS_MEANING },
    reachSql: (w) => `(SELECT count(*)::int FROM (
                          SELECT 'c:' || b.owner_external_userid AS k FROM bargains b WHERE b.campaign_id = c.id AND b.created_at >= ${w.lo} AND b.created_at < ${w.hi} AND ${w.customer('b.owner_external_userid')}
                          UNION SELECT 'h:' || h.helper_key FROM bargain_helps h JOIN bargains b ON b.id = h.bargain_id
                          WHERE b.campaign_id = c.id AND h.at >= ${w.lo} AND h.at < ${w.hi} AND ${w.customer('b.owner_external_userid')}) x)`,
  },
  invite: {
    path: '/invites',
    meaning: { reach: '被邀请并添加的好友（未作废）Friends invited who added (not voided)', participants: '参与邀请的客户 Customers who took part', conversions: CONVERSIONS_MEANING, orders: ORDERS_MEANING },
    reachSql: (w) => `(SELECT count(DISTINCT k.invitee_external_userid)::int FROM invite_credits k WHERE k.campaign_id = c.id AND k.status <> 'voided'
                        AND k.event_at >= ${w.lo} AND k.event_at < ${w.hi} AND ${w.customer('k.invitee_external_userid')})`,
  },
  redpacket: { path: '/redpackets', meaning: { reach: '领取红包的客户 Customers who took a packet', participants: '领取红包的客户 Customers who took a packet', conversions: CONVERSIONS_MEANING, orders: ORDERS_MEANING } },
  referral: {
    path: '/referrals',
    meaning: { reach: '点击推荐链接的人 People who opened a referrer’s link', participants: '推荐人（客户）Referrers (customers)', conversions: CONVERSIONS_MEANING, orders: '被推荐人的订单 Referred orders' },
    reachSql: (w) => `(SELECT count(*)::int FROM referral_referees e WHERE e.campaign_id = c.id AND e.touched_at >= ${w.lo} AND e.touched_at < ${w.hi}
                        AND (e.external_userid IS NULL OR ${w.customer('e.external_userid')}))`,
  },
};

/**
 * A campaign kind's provider. Participants: `campaign_participants` joined in the period; cost: the ledger's rewards
 * granted in it (void left out); orders, GMV and conversions (buyers): the campaign's orders paid in it. With a store,
 * each counts the customers who entered through that store's staff (the participant row's store).
 */
export function campaignResults(kind: CampaignKind): ResultProvider {
  const spec = CAMPAIGN_SPECS[kind];
  return {
    kind, meaning: spec.meaning,
    path: (id) => `${spec.path}/${id}`,
    async rows(db, q) {
      const p = new Params();
      const corp = p.add(q.scope.corpId);
      const lo = `${p.add(q.lo)}::timestamptz`;
      const hi = `${p.add(q.hi)}::timestamptz`;
      const stores = storesOf(q);
      const storeArg = stores ? p.add(stores) : null;
      const customer = (col: string) => (storeArg
        ? `EXISTS (SELECT 1 FROM campaign_participants sp WHERE sp.campaign_id = c.id AND sp.external_userid = ${col} AND sp.store_id = ANY(${storeArg}::bigint[]))`
        : 'true');
      const slice: CampaignSlice = { lo, hi, customer: storeArg ? customer : undefined };
      const participants = `(SELECT count(*)::int FROM campaign_participants pp WHERE pp.campaign_id = c.id AND pp.joined_at >= ${lo} AND pp.joined_at < ${hi}
                             ${storeArg ? `AND pp.store_id = ANY(${storeArg}::bigint[])` : ''})`;
      const reach = spec.reachSql ? spec.reachSql({ lo, hi, customer }) : participants;
      const which = q.ids
        ? `c.id = ANY(${p.add(q.ids)}::bigint[])`
        : `c.status <> 'draft' AND c.starts_at < ${hi} AND (c.ends_at IS NULL OR c.ends_at >= ${lo})`;
      const { rows } = await db.query<{ id: number; name: string; status: string; reach: number; participants: number; buyers: number; orders: number; gmv_fen: string; cost_fen: string }>(
        `SELECT c.id, c.name, c.status, ${reach} AS reach, ${participants} AS participants, o.buyers, o.orders, o.gmv_fen, s.cost_fen
         FROM campaigns c
         LEFT JOIN LATERAL (${campaignRewardsSql(slice)}) s ON true
         LEFT JOIN LATERAL (${campaignOrdersSql(slice)}) o ON true
         WHERE c.corp_id = ${corp} AND c.kind = ${p.add(kind)} AND ${which}
         ORDER BY c.id`, p.values);
      return rows.map((r) => ({
        id: r.id, name: r.name, status: r.status, reach: r.reach, participants: r.participants, conversions: r.buyers, orders: r.orders,
        gmvFen: Number(r.gmv_fen), costFen: Number(r.cost_fen),
      }));
    },
  };
}

/**
 * Live codes: reach = visitors (distinct per day, summed — the code's own stats page), participants = conversions = adds
 * through it (its 转化率 is adds ÷ visitors); orders and GMV by last touch from the Measure rollups (the commerce page's
 * breakdown by code); no cost (a code grants nothing). Numbers of a scoped caller are what they see on the code.
 */
export function liveCodeResults(analytics: AnalyticsService): ResultProvider {
  return {
    kind: 'live_code',
    meaning: {
      reach: '扫码访客（每日去重）Visitors (distinct per day)', participants: '通过活码添加 Adds through the code', conversions: '添加（扫码→添加）Adds (scan → add)',
      orders: '末次触点为该活码的订单（数据·交易）Orders whose last touch is the code (Measure · Commerce)',
    },
    path: (id) => `/live-codes/${id}`,
    async rows(db, q) {
      const p = new Params();
      const corp = p.add(q.scope.corpId);
      const which = q.ids
        ? `lc.id = ANY(${p.add(q.ids)}::bigint[])`
        : `lc.created_at < ${p.add(q.hi)}::timestamptz AND (lc.archived_at IS NULL OR lc.archived_at >= ${p.add(q.lo)}::timestamptz)`;
      const store = q.storeId ? `AND lc.store_id = ${p.add(q.storeId)}` : '';
      const { rows: codes } = await db.query<{ id: number; name: string; status: string }>(
        `SELECT lc.id, lc.name, lc.status FROM live_codes lc WHERE lc.corp_id = ${corp} AND ${which} ${store} AND ${liveCodeVisibleSql(q.scope, p, 'lc')} ORDER BY lc.id`,
        p.values);
      if (!codes.length) return [];
      const commerce = await analytics.commerce(q.scope, { from: q.from, to: q.to, by: 'code', touch: 'last', ...(q.storeId ? { storeId: q.storeId } : {}) });
      const sales = new Map(commerce.rows.map((r) => [r.key, r]));
      const out: ProviderRow[] = [];
      for (const c of codes) {
        const t = sumStats(await codeStats(db, q.scope, { codeIds: [c.id] }, q.from, q.to));
        const s = sales.get(String(c.id));
        out.push({ id: c.id, name: c.name, status: c.status, reach: t.visitors, participants: t.adds, conversions: t.adds, orders: s?.orders ?? 0, gmvFen: Math.round((s?.gmv ?? 0) * 100), costFen: 0 });
      }
      return out;
    },
  };
}

/** Orders of `recipients` (external_userid, since) paid within `windowDays` after `since` and inside [lo, hi), not refunded in full. */
const windowOrdersSql = (recipients: string, windowDays: string, lo: string, hi: string) => `
  SELECT count(*)::int AS orders, count(DISTINCT od.external_userid)::int AS buyers, coalesce(sum(round((od.amount - od.refunded_amount) * 100)), 0)::bigint AS gmv_fen
  FROM orders od JOIN (SELECT external_userid, min(since) AS since FROM (${recipients}) rr GROUP BY 1) r ON r.external_userid = od.external_userid
  WHERE od.corp_id = x.corp_id AND od.amount > od.refunded_amount AND od.paid_at >= r.since AND od.paid_at < r.since + make_interval(days => ${windowDays}::int)
    AND od.paid_at >= ${lo} AND od.paid_at < ${hi}`;

/**
 * Broadcasts (admins and operators, as the broadcasts pages): reach = targets WeCom reports delivered (customers, or
 * groups); participants = the customers reached (a group's: its members at the time); conversions = those who ordered
 * within the attribution window (Measure's `windowDays`) after it was sent; orders and GMV = those orders; no cost.
 */
export function broadcastResults(analytics: AnalyticsService): ResultProvider {
  return {
    kind: 'broadcast',
    meaning: {
      reach: '送达的客户或群 Customers or groups delivered', participants: '收到的客户（群：当时的成员）Customers reached (a group’s members)',
      conversions: '收到后归因窗口内下单的客户 Reached customers who ordered within the window', orders: '这些客户在窗口内的订单 Their orders within the window',
    },
    visibleTo: (s) => !scoped(s),
    path: (id) => `/broadcasts/${id}`,
    async rows(db, q) {
      const { windowDays } = await analytics.settings(q.scope.corpId);
      const p = new Params();
      const corp = p.add(q.scope.corpId);
      const lo = `${p.add(q.lo)}::timestamptz`;
      const hi = `${p.add(q.hi)}::timestamptz`;
      const win = p.add(windowDays);
      const sender = q.storeId ? `AND t.sender_userid IN (SELECT userid FROM staff WHERE corp_id = x.corp_id AND store_id = ${p.add(q.storeId)})` : '';
      const which = q.ids ? `x.id = ANY(${p.add(q.ids)}::bigint[])` : `x.sent_at >= ${lo} AND x.sent_at < ${hi}`;
      const recipients = `
        SELECT t.target_id AS external_userid, coalesce(t.sent_at, x.sent_at) AS since FROM broadcast_targets t
        WHERE t.broadcast_id = x.id AND t.status = 'sent' AND x.kind = 'customer' ${sender}
        UNION ALL
        SELECT gm.member_id, coalesce(t.sent_at, x.sent_at) FROM broadcast_targets t
        JOIN group_members gm ON gm.corp_id = x.corp_id AND gm.chat_id = t.target_id AND gm.type = 2
          AND (gm.join_time IS NULL OR gm.join_time <= coalesce(t.sent_at, x.sent_at)) AND (gm.left_at IS NULL OR gm.left_at > coalesce(t.sent_at, x.sent_at))
        WHERE t.broadcast_id = x.id AND t.status = 'sent' AND x.kind = 'group' ${sender}`;
      const { rows } = await db.query<{ id: number; name: string; status: string; reach: number; participants: number; buyers: number; orders: number; gmv_fen: string }>(
        `SELECT x.id, x.name, x.status,
           (SELECT count(*)::int FROM broadcast_targets t WHERE t.broadcast_id = x.id AND t.status = 'sent' ${sender}) AS reach,
           (SELECT count(DISTINCT external_userid)::int FROM (${recipients}) rr) AS participants,
           o.buyers, o.orders, o.gmv_fen
         FROM broadcasts x CROSS JOIN LATERAL (${windowOrdersSql(recipients, win, lo, hi)}) o
         WHERE x.corp_id = ${corp} AND ${which} ORDER BY x.id`, p.values);
      return rows.map((r) => ({ id: r.id, name: r.name, status: r.status, reach: r.reach, participants: r.participants, conversions: r.buyers, orders: r.orders, gmvFen: Number(r.gmv_fen), costFen: 0 }));
    },
  };
}

/**
 * Playbooks (SOP): reach = targets (customers or groups) a step was sent to in the period; participants = customers
 * enrolled in it; conversions = reached customers who ordered within the window after their first send in the period;
 * orders and GMV = those orders; no cost. A store manager counts the runs of their stores' staff.
 */
export function playbookResults(analytics: AnalyticsService): ResultProvider {
  return {
    kind: 'playbook',
    meaning: {
      reach: '期内发送过步骤的客户或群 Customers or groups a step was sent to', participants: '期内进入的客户 Customers enrolled',
      conversions: '收到后归因窗口内下单的客户 Reached customers who ordered within the window', orders: '这些客户在窗口内的订单 Their orders within the window',
    },
    visibleTo: (s) => !s.staffUserid,
    path: (id) => `/playbooks/${id}`,
    async rows(db, q) {
      const { windowDays } = await analytics.settings(q.scope.corpId);
      const p = new Params();
      const corp = p.add(q.scope.corpId);
      const lo = `${p.add(q.lo)}::timestamptz`;
      const hi = `${p.add(q.hi)}::timestamptz`;
      const win = p.add(windowDays);
      const owner = (col: string) => {
        const parts = [staffUseridVisibleSql(q.scope, p, col, 'x.corp_id')];
        if (q.storeId) parts.push(`${col} IN (SELECT userid FROM staff WHERE corp_id = x.corp_id AND store_id = ${p.add(q.storeId)})`);
        return parts.join(' AND ');
      };
      const which = q.ids ? `x.id = ANY(${p.add(q.ids)}::bigint[])` : `x.status <> 'draft'`;
      const sent = `r.playbook_id = x.id AND r.status = 'sent' AND r.sent_at >= ${lo} AND r.sent_at < ${hi} AND ${owner('r.owner_userid')}`;
      const recipients = `SELECT r.target_id AS external_userid, r.sent_at AS since FROM playbook_runs r WHERE ${sent} AND r.target_kind = 'customer'`;
      const { rows } = await db.query<{ id: number; name: string; status: string; reach: number; participants: number; buyers: number; orders: number; gmv_fen: string }>(
        `SELECT x.id, x.name, x.status,
           (SELECT count(DISTINCT (r.target_kind, r.target_id))::int FROM playbook_runs r WHERE ${sent}) AS reach,
           (SELECT count(DISTINCT e.external_userid)::int FROM playbook_enrolments e WHERE e.playbook_id = x.id AND e.enrolled_at >= ${lo} AND e.enrolled_at < ${hi}
              AND ${owner('e.owner_userid')}) AS participants,
           o.buyers, o.orders, o.gmv_fen
         FROM playbooks x CROSS JOIN LATERAL (${windowOrdersSql(recipients, win, lo, hi)}) o
         WHERE x.corp_id = ${corp} AND ${which}
           AND (${q.ids ? 'true' : `EXISTS (SELECT 1 FROM playbook_runs r WHERE ${sent}) OR EXISTS (SELECT 1 FROM playbook_enrolments e WHERE e.playbook_id = x.id AND e.enrolled_at >= ${lo} AND e.enrolled_at < ${hi})`})
         ORDER BY x.id`, p.values);
      return rows.map((r) => ({ id: r.id, name: r.name, status: r.status, reach: r.reach, participants: r.participants, conversions: r.buyers, orders: r.orders, gmvFen: Number(r.gmv_fen), costFen: 0 }));
    },
  };
}

/** The providers of every kind that exists today; app.ts registers them (and any later kind's). */
export function existingProviders(analytics: AnalyticsService): ResultProvider[] {
  const kinds = Object.keys(CAMPAIGN_SPECS) as CampaignKind[];
  return [liveCodeResults(analytics), broadcastResults(analytics), playbookResults(analytics), ...kinds.map(campaignResults)];
}
