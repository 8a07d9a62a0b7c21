// Check-in campaigns (签到 / 打卡挑战): the console's create/edit/detail, the customer's check-in and make-up, the
// fee order's enrolment and refund (OrderHooks), and the pass that fails broken or outlived challenges.
//
// Every per-customer action takes the participant row's lock, then the enrolment's (FOR UPDATE), and changes
// days, streaks, states and rewards in one transaction: concurrent taps make one check-in, a milestone is granted
// once (the ledger's (source, sourceRef) key: `milestone:<enrolment>:<days>`), and the cash-back once
// (`cashback:<enrolment>`). Days are the corp's calendar days; `now` is injectable (tests move time).
import type pg from 'pg';
import type { z } from 'zod';
import { CheckinConfig, type CheckinCampaign, type CheckinMe, type CheckinParticipantsQuery, type CheckinResult, type CreateCheckinBody, type Milestone, type UpdateCheckinBody } from '@pond/contracts/checkin';
import { withTransaction } from '../../platform/db';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import { defineClock, hourlyAt } from '../../platform/queue';
import { addDays, corpZone, dayIn } from '../../platform/time';
import { appendTimeline } from '../customers';
import { checkEligibility, CustomerSessions, ELIGIBILITY_MESSAGES, openness, requireOpen, type CampaignRow, type CampaignService, type CustomerSession } from '../campaigns';
import { applyPoints, findBySource, type Db, type GrantInput, type RewardService } from '../rewards';
import * as repo from './repo';
import type { EnrolmentRow } from './repo';
import { cardsLeft, currentStreak, dayStats, isBroken, isComplete, makeupDays, makeupFloor, milestoneReached, type DayStats } from './streak';

/** A hook order's shape, as commerce's OrderHooks hands it (structural: no import of commerce's internals). */
interface FeeOrder { corpId: string; orderId: string; externalUserid: string; amountFen: number; refundedFen: number; items: { sku?: string; price: number; quantity: number }[]; paidAt: Date }

const milestoneRef = (enrolmentId: number, days: number) => `milestone:${enrolmentId}:${days}`;
const cashbackRef = (enrolmentId: number) => `cashback:${enrolmentId}`;

const STATE_MESSAGES = {
  completed: '挑战已完成 (the challenge is complete)',
  failed: '连续打卡已中断，挑战失败 (the streak broke: the challenge failed)',
  refunded: '报名费已退款，挑战已结束 (the entry fee was refunded: the challenge ended)',
} as const;

export function configOf(c: CampaignRow): CheckinConfig {
  return CheckinConfig.parse(c.config);
}

export interface CheckinDeps {
  pool: pg.Pool;
  campaigns: CampaignService;
  rewards: RewardService;
  log: Logger;
}

interface Ctx {
  c: CampaignRow; cfg: CheckinConfig; tz: string; today: string; now: Date;
  /** Where money is paid (the session's openid of the corp's 公众号), stored on money rewards for the WeChat Pay adapter. */
  payee?: { openid: string; appid: string | null };
}

const payeeOf = (s: CustomerSession): Ctx['payee'] => (s.identity.openid ? { openid: s.identity.openid, appid: s.corp.oauthAppId ?? null } : undefined);

export class CheckinService {
  /** The clock: tests replace it to move across days and time zones. */
  now: () => Date = () => new Date();

  constructor(private deps: CheckinDeps) {}

  // ---- console ----

  async create(corpId: string, body: CreateCheckinBody, actor: string | null): Promise<CampaignRow> {
    return withTransaction(this.deps.pool, (db) => this.createIn(db, corpId, body, actor));
  }

  /** Creates the campaign in the caller's transaction (a fission path makes its campaigns together). */
  async createIn(db: Db, corpId: string, body: CreateCheckinBody, actor: string | null): Promise<CampaignRow> {
    await this.checkPools(db, corpId, body.config.milestones);
    return this.deps.campaigns.insert(db, corpId, 'checkin', body, body.config, actor);
  }

  async update(corpId: string, id: number, body: UpdateCheckinBody): Promise<CampaignRow> {
    return withTransaction(this.deps.pool, async (db) => {
      const c = await this.deps.campaigns.get(db, corpId, id, 'checkin');
      await db.query('SELECT 1 FROM campaigns WHERE id = $1 FOR UPDATE', [id]);
      const { config, ...base } = body;
      const old = configOf(c);
      const next = config ?? old;
      const entry = base.entry ?? c.entry;
      if (entry.kind === 'paid' && next.mode !== 'challenge') throw AppError.validation('entry', 'a paid entry is for a challenge (mode challenge) only');
      const { rows: [n] } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM checkin_enrolments WHERE campaign_id = $1', [id]);
      if (n.n > 0) {
        // What customers enrolled under stays: the challenge's terms and its price.
        for (const k of ['mode', 'challengeDays', 'streakRule', 'onBreak', 'cashback'] as const) {
          if (config && config[k] !== old[k]) throw AppError.validation(`config.${k}`, 'cannot change once customers have enrolled');
        }
        if (base.entry && JSON.stringify(base.entry) !== JSON.stringify(c.entry)) throw AppError.validation('entry', 'cannot change once customers have enrolled');
      }
      if (config) await this.checkPools(db, corpId, config.milestones);
      return this.deps.campaigns.update(db, c, base, config);
    });
  }

  private async checkPools(db: Db, corpId: string, milestones: Milestone[]): Promise<void> {
    for (const [i, m] of milestones.entries()) {
      if (m.reward.kind === 'coupon' && (await repo.couponFaceValue(db, corpId, m.reward.couponPoolId)) === null) {
        throw AppError.validation(`config.milestones.${i}.reward.couponPoolId`, `no coupon pool ${m.reward.couponPoolId}`);
      }
    }
  }

  async detail(corpId: string, id: number) {
    const { pool, campaigns } = this.deps;
    const c = await campaigns.get(pool, corpId, id, 'checkin');
    return { ...campaigns.view(c), config: configOf(c), numbers: await this.numbers(pool, c) };
  }

  /** The campaign's numbers as its page shows them; a fission path's figures read them here too (one source). */
  async numbers(db: Db, c: CampaignRow): Promise<z.output<typeof CheckinCampaign>['numbers']> {
    const cfg = configOf(c);
    const tz = await corpZone(db, c.corp_id);
    const n = await repo.numbers(db, c.id);
    const today = dayIn(this.now(), tz);
    const end = c.ends_at && c.ends_at < this.now() ? dayIn(c.ends_at, tz) : today;
    const start = dayIn(c.starts_at, tz);
    const from = addDays(end, -59) > start ? addDays(end, -59) : start;
    const perDay = from <= end ? await repo.perDay(db, c.id, from, end) : [];
    const r = await repo.rewardNumbers(db, c.id);
    const enrolled = n.participants - n.refunded;
    return {
      participants: n.participants, rewards: n.rewards, costFen: Number(n.cost_fen), orders: n.orders, gmvFen: Number(n.gmv_fen),
      active: n.active, completed: n.completed, failed: n.failed, refunded: n.refunded,
      completionRate: enrolled > 0 ? n.completed / enrolled : 0,
      checkins: n.checkins, makeups: n.makeups, perDay,
      milestones: cfg.milestones.map((m) => ({ days: m.days, title: m.reward.title, granted: r.milestones.get(m.days) ?? 0 })),
      cashback: { pending: r.cashback.pending.n, issued: r.cashback.issued.n, void: r.cashback.void.n, pendingFen: r.cashback.pending.fen, paidFen: r.cashback.issued.fen },
    };
  }

  async participants(corpId: string, id: number, q: z.output<typeof CheckinParticipantsQuery>) {
    await this.deps.campaigns.get(this.deps.pool, corpId, id, 'checkin');
    return repo.participants(this.deps.pool, id, q);
  }

  // ---- the customer's page ----

  private async context(db: Db, corpId: string, id: number): Promise<Ctx> {
    const c = await this.deps.campaigns.get(db, corpId, id, 'checkin');
    const tz = await corpZone(db, corpId);
    const now = this.now();
    return { c, cfg: configOf(c), tz, today: dayIn(now, tz), now };
  }

  /** The customer's state; a consecutive challenge found broken (or outlived by its campaign) is failed now. */
  async me(s: CustomerSession, id: number): Promise<CheckinMe> {
    const customer = CustomerSessions.requireCustomer(s);
    return withTransaction(this.deps.pool, async (db) => {
      const x = await this.context(db, s.corp.id, id);
      const found = await repo.findEnrolment(db, id, customer.externalUserid);
      if (!found) return this.view(db, x, null, []);
      await repo.lockParticipant(db, id, customer.externalUserid);
      const e = (await repo.enrolmentById(db, found.id, true))!;
      const days = await repo.daysOf(db, e.id);
      const settled = await this.settle(db, x, e, days.map((d) => d.day));
      return this.view(db, x, settled, days);
    });
  }

  /** Checks in for today (once per corp day, however often tapped). Enrols a free or points campaign's customer first. */
  async checkin(s: CustomerSession, id: number): Promise<CheckinResult> {
    const customer = CustomerSessions.requireCustomer(s);
    const ext = customer.externalUserid;
    const pre = await this.context(this.deps.pool, s.corp.id, id);
    requireOpen(pre.c, pre.now);
    const enrolled = await repo.findEnrolment(this.deps.pool, id, ext);
    if (!enrolled) await this.requireMayEnrol(pre.c, ext);
    return refuseAfter(await withTransaction(this.deps.pool, async (db): Promise<CheckinResult | Refusal> => {
      const x = { ...(await this.context(db, s.corp.id, id)), payee: payeeOf(s) };
      requireOpen(x.c, x.now);
      const e0 = await this.lockOrEnrol(db, x, ext);
      let days = await repo.daysOf(db, e0.id);
      const e = await this.settle(db, x, e0, days.map((d) => d.day));
      // Today checked in already (a retry, a double tap — also the tap that completed the challenge): the same answer.
      if (days.some((d) => d.day === x.today)) return { ...(await this.view(db, x, e, days)), created: false, newMilestones: [], completedNow: false };
      // Refused after the transaction: a failure found just now is kept.
      if (e.state !== 'active') return { refused: e.state };
      await repo.addDay(db, e.id, x.today, x.now, false);
      days = await repo.daysOf(db, e.id);
      const st = dayStats(days.map((d) => d.day));
      await repo.saveStats(db, e.id, st);
      await appendTimeline(db, x.c.corp_id, [{
        externalUserid: ext, type: 'checkin.done', occurredAt: x.now,
        data: { campaignId: x.c.id, name: x.c.name, day: x.today, streak: st.streak, days: st.days, makeup: false },
        dedupeKey: `checkin:${e.id}:${x.today}`,
      }]);
      const after = await this.progress(db, x, { ...e, ...statsCols(st) }, st);
      return { ...(await this.view(db, x, after.e, days)), created: true, newMilestones: after.newMilestones, completedNow: after.completedNow };
    }));
  }

  /** Fills a missed day with a make-up card (补签): within the window, inside the enrolment, before today. */
  async makeup(s: CustomerSession, id: number, day: string): Promise<CheckinResult> {
    const customer = CustomerSessions.requireCustomer(s);
    const ext = customer.externalUserid;
    return refuseAfter(await withTransaction(this.deps.pool, async (db): Promise<CheckinResult | Refusal> => {
      const x = { ...(await this.context(db, s.corp.id, id)), payee: payeeOf(s) };
      requireOpen(x.c, x.now);
      const found = await repo.findEnrolment(db, id, ext);
      if (!found) throw new AppError('conflict', '请先参加活动后再补签 (take part first, then make up days)');
      await repo.lockParticipant(db, id, ext);
      const e0 = (await repo.enrolmentById(db, found.id, true))!;
      let days = await repo.daysOf(db, e0.id);
      const prior = days.find((d) => d.day === day);
      // A retried make-up of the same day: the same answer, no second card.
      if (prior?.makeup) return { ...(await this.view(db, x, e0, days)), created: false, newMilestones: [], completedNow: false };
      if (prior) throw AppError.validation('day', 'is already checked in');
      const e = await this.settle(db, x, e0, days.map((d) => d.day));
      if (e.state !== 'active') return { refused: e.state };
      if (x.cfg.makeupCards === 0) throw new AppError('conflict', '本活动不支持补签 (this campaign has no make-up cards)');
      if (cardsLeft(x.cfg, { makeupsUsed: e.makeups_used }) <= 0) throw new AppError('conflict', '补签卡已用完 (no make-up cards left)');
      if (day >= x.today) throw AppError.validation('day', 'must be a day before today (check in for today instead)');
      if (day < e.start_day) throw AppError.validation('day', `must be on or after the day you joined (${e.start_day})`);
      const floor = makeupFloor(x.cfg, { startDay: e.start_day }, x.today);
      if (day < floor) throw AppError.validation('day', `must be within the last ${x.cfg.makeupWindowDays} days (from ${floor})`);
      await repo.addDay(db, e.id, day, x.now, true);
      days = await repo.daysOf(db, e.id);
      const st = dayStats(days.map((d) => d.day));
      await repo.saveStats(db, e.id, st, e.makeups_used + 1);
      await appendTimeline(db, x.c.corp_id, [{
        externalUserid: ext, type: 'checkin.done', occurredAt: x.now,
        data: { campaignId: x.c.id, name: x.c.name, day, streak: st.streak, days: st.days, makeup: true },
        dedupeKey: `checkin:${e.id}:${day}`,
      }]);
      const after = await this.progress(db, x, { ...e, ...statsCols(st), makeups_used: e.makeups_used + 1 }, st);
      return { ...(await this.view(db, x, after.e, days)), created: true, newMilestones: after.newMilestones, completedNow: after.completedNow };
    }));
  }

  private async requireMayEnrol(c: CampaignRow, ext: string): Promise<void> {
    if (c.entry.kind === 'paid') throw new AppError('conflict', '请先支付报名费后参加挑战 (pay the entry fee to join this challenge first)');
    const miss = await checkEligibility(this.deps.pool, c.corp_id, ext, c.eligibility);
    if (miss) throw new AppError('forbidden', `${ELIGIBILITY_MESSAGES[miss].zh} (${ELIGIBILITY_MESSAGES[miss].en})`);
  }

  /** The customer's enrolment, locked (participant row first); a free or points campaign enrols them now. */
  private async lockOrEnrol(db: Db, x: Ctx, ext: string): Promise<EnrolmentRow> {
    const found = await repo.findEnrolment(db, x.c.id, ext);
    if (found) {
      await repo.lockParticipant(db, x.c.id, ext);
      return (await repo.enrolmentById(db, found.id, true))!;
    }
    if (x.c.entry.kind === 'paid') throw new AppError('conflict', '请先支付报名费后参加挑战 (pay the entry fee to join this challenge first)');
    await this.deps.campaigns.enter(db, x.c, ext);
    const created = await repo.insertEnrolment(db, { corpId: x.c.corp_id, campaignId: x.c.id, externalUserid: ext, startDay: x.today });
    if (created && x.c.entry.kind === 'points') {
      await applyPoints(db, x.c.corp_id, ext, -x.c.entry.points, `参加签到活动 ${x.c.name}`, `checkin-entry:${x.c.id}:${ext}`);
    }
    return (await repo.findEnrolment(db, x.c.id, ext, true))!;
  }

  /**
   * Fails an active challenge that can no longer be completed: a consecutive one (onBreak fail) whose missed day
   * can no longer be made up, or any whose campaign has ended. Returns the enrolment as it is now.
   */
  private async settle(db: Db, x: Ctx, e: EnrolmentRow, checked: string[]): Promise<EnrolmentRow> {
    if (e.state !== 'active' || x.cfg.mode !== 'challenge') return e;
    const ended = openness(x.c, x.now) === 'ended';
    const broken = x.cfg.onBreak === 'fail' && isBroken(x.cfg, { startDay: e.start_day, makeupsUsed: e.makeups_used, checked }, x.today);
    if (!ended && !broken) return e;
    if (!(await repo.setState(db, e.id, ['active'], 'failed'))) return e;
    await appendTimeline(db, x.c.corp_id, [{
      externalUserid: e.external_userid, type: 'checkin.failed', occurredAt: x.now,
      data: { campaignId: x.c.id, name: x.c.name, reason: broken ? 'streak_broken' : 'campaign_ended', days: e.days, bestStreak: e.best_streak },
      dedupeKey: `checkin-failed:${e.id}`,
    }]);
    return { ...e, state: 'failed' };
  }

  /** Milestones reached (each granted once), and completion with its cash-back. */
  private async progress(db: Db, x: Ctx, e: EnrolmentRow, st: DayStats): Promise<{ e: EnrolmentRow; newMilestones: number[]; completedNow: boolean }> {
    const newMilestones: number[] = [];
    for (const m of x.cfg.milestones) {
      if (!milestoneReached(x.cfg, st, m.days)) continue;
      const res = await this.deps.rewards.grant(db, { ...(await this.milestoneGrant(db, x, e, m)), tz: x.tz });
      if ('refused' in res) {
        this.deps.log.warn({ campaignId: x.c.id, enrolmentId: e.id, days: m.days, refused: res.refused }, 'check-in milestone reward refused');
        continue;
      }
      if (!res.created) continue;
      newMilestones.push(m.days);
      await appendTimeline(db, x.c.corp_id, [{
        externalUserid: e.external_userid, type: 'checkin.milestone', occurredAt: x.now,
        data: { campaignId: x.c.id, name: x.c.name, days: m.days, title: m.reward.title, rewardId: res.reward.id },
        dedupeKey: `checkin-milestone:${e.id}:${m.days}`,
      }]);
    }
    let completedNow = false;
    if (e.state === 'active' && isComplete(x.cfg, st) && await repo.setState(db, e.id, ['active'], 'completed', { completedAt: x.now })) {
      completedNow = true;
      e = { ...e, state: 'completed', completed_at: x.now };
      const cashback = await this.grantCashback(db, x, e);
      if (cashback) e = { ...e, reward_id: cashback };
      await appendTimeline(db, x.c.corp_id, [{
        externalUserid: e.external_userid, type: 'checkin.completed', occurredAt: x.now,
        data: { campaignId: x.c.id, name: x.c.name, days: st.days, bestStreak: st.bestStreak, cashbackRewardId: cashback },
        dedupeKey: `checkin-completed:${e.id}`,
      }]);
    }
    return { e, newMilestones, completedNow };
  }

  private async milestoneGrant(db: Db, x: Ctx, e: EnrolmentRow, m: Milestone): Promise<Omit<GrantInput, 'tz'>> {
    const base = {
      corpId: x.c.corp_id, externalUserid: e.external_userid, campaignId: x.c.id, source: 'checkin' as const, sourceRef: milestoneRef(e.id, m.days),
      title: m.reward.title, details: { milestoneDays: m.days },
    };
    const r = m.reward;
    switch (r.kind) {
      case 'coupon': return { ...base, kind: 'coupon', adapter: 'coupon', couponPoolId: r.couponPoolId, costFen: (await repo.couponFaceValue(db, x.c.corp_id, r.couponPoolId)) ?? 0 };
      case 'points': return { ...base, kind: 'points', adapter: 'points', points: r.points };
      case 'redpacket': return { ...base, kind: 'redpacket', adapter: 'wechatpay', amountFen: r.amountFen, details: { ...base.details, ...(x.payee ?? {}) } };
      case 'custom': return { ...base, kind: 'custom', adapter: 'manual' };
    }
  }

  /** 打卡返现: the fee (at most what is still paid of its order) back through WeChat Pay, once per enrolment. */
  private async grantCashback(db: Db, x: Ctx, e: EnrolmentRow): Promise<number | null> {
    if (!x.cfg.cashback || !e.order_id || e.fee_fen <= 0) return null;
    const amountFen = Math.min(e.fee_fen, await repo.orderNetFen(db, x.c.corp_id, e.order_id));
    if (amountFen <= 0) return null;
    const res = await this.deps.rewards.grant(db, {
      corpId: x.c.corp_id, externalUserid: e.external_userid, campaignId: x.c.id, source: 'checkin', sourceRef: cashbackRef(e.id),
      kind: 'cashback', adapter: 'wechatpay', title: `打卡返现 ${x.c.name}`.slice(0, 60), amountFen, tz: x.tz,
      details: { orderId: e.order_id, enrolmentId: e.id, ...(x.payee ?? {}) },
    });
    if ('refused' in res) {
      this.deps.log.warn({ campaignId: x.c.id, enrolmentId: e.id, refused: res.refused }, 'check-in cash-back refused (campaign budget or per-customer cap)');
      return null;
    }
    await repo.setReward(db, e.id, res.reward.id);
    return res.reward.id;
  }

  private async view(db: Db, x: Ctx, e: EnrolmentRow | null, days: repo.DayRow[]): Promise<CheckinMe> {
    const { c, cfg, today } = x;
    const checked = days.map((d) => d.day);
    const st = dayStats(checked);
    const refs = e ? [...cfg.milestones.map((m) => milestoneRef(e.id, m.days)), cashbackRef(e.id)] : [];
    const rewards = await repo.rewardsByRef(db, c.corp_id, refs);
    const paid = c.entry.kind === 'paid';
    const ed = e ? { startDay: e.start_day, makeupsUsed: e.makeups_used, checked } : null;
    return {
      today,
      enrolled: !!e,
      needsPayment: paid && !e,
      state: e?.state ?? null,
      mode: cfg.mode,
      streakRule: cfg.streakRule,
      challengeDays: cfg.challengeDays,
      streak: currentStreak(st, today),
      bestStreak: st.bestStreak,
      days: st.days,
      checkedToday: checked.includes(today),
      startDay: e?.start_day ?? null,
      checked: days,
      makeupDays: ed && e!.state === 'active' ? makeupDays(cfg, ed, today) : [],
      makeupCardsLeft: ed ? cardsLeft(cfg, ed) : cfg.makeupCards,
      milestones: cfg.milestones.map((m) => {
        const r = e ? rewards.get(milestoneRef(e.id, m.days)) : undefined;
        return { days: m.days, title: m.reward.title, kind: m.reward.kind, reached: milestoneReached(cfg, st, m.days), rewardState: r?.state ?? null, couponCode: r?.coupon_code ?? null };
      }),
      cashback: paid && cfg.cashback && c.entry.kind === 'paid'
        ? { amountFen: e?.fee_fen || c.entry.priceFen, state: (e && rewards.get(cashbackRef(e.id))?.state) ?? null }
        : null,
      completedAt: e?.completed_at ?? null,
    };
  }

  // ---- the fee order (OrderHooks) ----

  /** A matched order carrying a paid challenge's sku enrols its customer (once: a re-delivery adds nothing). */
  async onOrderPaid(db: Db, order: FeeOrder): Promise<void> {
    const skus = [...new Set(order.items.map((i) => i.sku).filter((s): s is string => !!s))];
    if (!skus.length) return;
    const { rows: list } = await db.query<CampaignRow>(
      `SELECT * FROM campaigns WHERE corp_id = $1 AND kind = 'checkin' AND entry->>'kind' = 'paid' AND entry->>'sku' = ANY($2::text[])
         AND status IN ('active', 'paused') AND (ends_at IS NULL OR ends_at > $3) ORDER BY id`,
      [order.corpId, skus, order.paidAt]);
    if (!list.length) return;
    const tz = await corpZone(db, order.corpId);
    for (const c of list) {
      if (c.entry.kind !== 'paid') continue;
      const sku = c.entry.sku;
      const lineFen = order.items.filter((i) => i.sku === sku).reduce((s, i) => s + Math.round(i.price * 100) * i.quantity, 0);
      const feeFen = Math.min(lineFen, order.amountFen - order.refundedFen);
      if (feeFen <= 0) continue;
      const existing = await repo.findEnrolment(db, c.id, order.externalUserid);
      if (existing) {
        if (existing.order_id !== order.orderId) {
          this.deps.log.warn({ campaignId: c.id, orderId: order.orderId, enrolledWith: existing.order_id }, 'a second check-in fee order for an enrolled customer: not enrolled again');
        }
        continue;
      }
      await this.deps.campaigns.enter(db, c, order.externalUserid);
      const payDay = dayIn(order.paidAt, tz);
      const startDay = dayIn(c.starts_at, tz) > payDay ? dayIn(c.starts_at, tz) : payDay;
      await repo.insertEnrolment(db, { corpId: c.corp_id, campaignId: c.id, externalUserid: order.externalUserid, startDay, orderId: order.orderId, feeFen });
    }
  }

  /**
   * A refund of a fee order: mid-challenge the enrolment is refunded (no cash-back); after completion the
   * cash-back is voided if it was not issued yet. Money already paid out is not clawed back (the reward stays issued).
   * A partial refund that leaves the fee paid (other lines of the order) changes nothing.
   */
  async onOrderRefunded(db: Db, order: FeeOrder & { refunded: boolean }): Promise<void> {
    const list = await repo.enrolmentsOfOrder(db, order.corpId, order.orderId);
    for (const e of list) {
      if (e.state === 'refunded') continue;
      if (!order.refunded && order.amountFen - order.refundedFen >= e.fee_fen) continue;
      await repo.setState(db, e.id, [e.state], 'refunded');
      let cashbackState: string | null = null;
      const reward = await findBySource(db, order.corpId, 'checkin', cashbackRef(e.id));
      if (reward) cashbackState = (await this.deps.rewards.void(db, reward, 'the check-in fee was refunded', null)).state;
      await appendTimeline(db, order.corpId, [{
        externalUserid: e.external_userid, type: 'checkin.refunded', occurredAt: new Date(),
        data: { campaignId: e.campaign_id, orderId: order.orderId, previousState: e.state, cashbackState },
        dedupeKey: `checkin-refunded:${e.id}`,
      }]);
    }
  }

  // ---- the daily pass ----

  /** Fails broken consecutive challenges and those their campaign outlived (the numbers stay true without a visit). */
  async settleDue(batch = 200): Promise<{ checked: number; failed: number }> {
    let afterId = 0;
    let checked = 0;
    let failed = 0;
    for (;;) {
      const list = await repo.enrolmentsToSettle(this.deps.pool, batch, afterId, this.now());
      if (!list.length) break;
      for (const item of list) {
        afterId = item.id;
        checked++;
        const state = await withTransaction(this.deps.pool, async (db) => {
          const e0 = await repo.enrolmentById(db, item.id);
          if (!e0 || e0.state !== 'active') return null;
          const x = await this.context(db, e0.corp_id, e0.campaign_id);
          await repo.lockParticipant(db, e0.campaign_id, e0.external_userid);
          const e = (await repo.enrolmentById(db, item.id, true))!;
          const days = await repo.daysOf(db, e.id);
          return (await this.settle(db, x, e, days.map((d) => d.day))).state;
        });
        if (state === 'failed') failed++;
      }
    }
    return { checked, failed };
  }

  // Hourly: every corp's day turns at its own midnight (time zones).
  readonly settleJob = defineClock('checkin.settle', hourlyAt(7), () => this.settleDue(), { retryLimit: 0 });
}

type Refusal = { refused: Exclude<EnrolmentRow['state'], 'active'> };

/** A refusal decided inside a transaction that had to commit (a failure it found), thrown once committed. */
function refuseAfter(r: CheckinResult | Refusal): CheckinResult {
  if ('refused' in r) throw new AppError('conflict', STATE_MESSAGES[r.refused]);
  return r;
}

function statsCols(st: DayStats): Pick<EnrolmentRow, 'streak' | 'best_streak' | 'days' | 'last_day'> {
  return { streak: st.streak, best_streak: st.bestStreak, days: st.days, last_day: st.lastDay };
}
