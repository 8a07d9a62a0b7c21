// Crediting friends to the participant whose link they opened (ADR 0024). A friend's add (or group join) is matched
// to their visit of a participant's link by their unionid — read with the customer's details (enrich), or the group
// member's — and, for visitors without one (no OAuth), by the live-code visit the add's attribution took. Through a link
// mode code (an acquisition link, ADR 0037) the add's State names the visit itself: credited in the add's step, no read.
//
// One credit per campaign and friend: `invite_credits (campaign_id, invitee)` is unique, so rescans, WeCom's retried
// callbacks and concurrent events of one friend make one row. Every change of a credit holds its participant's row
// (FOR UPDATE) and moves the participant's counters in the same transaction; a tier is reached once per participant
// (`invite_tiers` primary key) and its reward granted once (the ledger's `invite` / `tier:<participant>:<friends>`).
import type pg from 'pg';
import { InviteConfig, type CreditReason } from '@pond/contracts/invites';
import { withTransaction } from '../../platform/db';
import type { Logger } from '../../platform/log';
import { appendTimeline } from '../customers';
import type { CampaignRow } from '../campaigns';
import type { Db, GrantInput, RewardService } from '../rewards';
import * as repo from './repo';
import type { CreditRow, CreditStatus, ParticipantRow, VisitRow } from './repo';

const DAY_MS = 86_400_000;

export const configOf = (c: CampaignRow): InviteConfig => InviteConfig.parse(c.config);

/** Days a credit is held: the holding period, and for add_and_stay at least the days the friend must stay. */
export const holdDaysOf = (cfg: InviteConfig) => Math.max(cfg.holdDays, cfg.rule === 'add_and_stay' ? cfg.stayDays ?? 0 : 0);

export const tierRef = (participantId: number, friends: number) => `tier:${participantId}:${friends}`;

export interface CreditDeps { pool: pg.Pool; rewards: RewardService; log: Logger }

interface FriendEvent {
  kind: 'add' | 'group';
  corpId: string;
  externalUserid: string;
  userid: string | null;
  chatId: string | null;
  at: Date;
  unionid: string | null;
}

export class InviteCredits {
  constructor(private deps: CreditDeps) {}

  // ---- events ----

  /**
   * Which adds (by the live code their attribution names) go through an active invite campaign's code: their
   * customer is read in the add's own step (customers/events.ts onAdds), so the friend is credited within a second of the callback
   * instead of after every other add's read (ADR 0036).
   */
  async readsEarly(corpId: string, codeIds: (number | null | undefined)[]): Promise<boolean[]> {
    const ids = [...new Set(codeIds.filter((c): c is number => typeof c === 'number'))];
    if (!ids.length) return codeIds.map(() => false);
    const hot = new Set(await repo.codesWithAddCampaigns(this.deps.pool, corpId, ids));
    return codeIds.map((c) => typeof c === 'number' && hot.has(c));
  }

  /**
   * An add's customer details were stored (enrich): the add is matched to an invite visit and credited. Runs for
   * every add; most are not through an invite campaign's code and end at the first query.
   */
  async onAddEnriched(corpId: string, externalUserid: string, userid: string, sourceInboxId: number): Promise<void> {
    const { pool } = this.deps;
    const a = await repo.attributionOf(pool, corpId, sourceInboxId);
    if (!a?.code_id) return;
    const list = await repo.campaignsForCode(pool, corpId, a.code_id, false);
    if (!list.length) return;
    const unionid = await repo.customerUnionid(pool, corpId, externalUserid);
    for (const c of list) {
      const visit = (unionid ? await repo.visitByUnionid(pool, c.id, unionid, a.added_at) : null)
        ?? (a.visit_id ? await repo.visitByCodeVisit(pool, a.visit_id) : null);
      if (!visit || visit.campaign_id !== c.id) continue;
      await this.credit(c, visit, { kind: 'add', corpId, externalUserid, userid, chatId: null, at: a.added_at, unionid }, a.code_id);
    }
  }

  /**
   * An add through a link mode code whose State named its visit (ADR 0037): the visit of a participant's link behind that
   * code visit is the friend's, so the friend is credited now, in the add's own step — no unionid and no read of the
   * customer needed. The same refusals and flags as any credit (self-invite, existing customer, relation ended, IP and
   * burst anomalies, the holding period); the unique key keeps it one credit when the enrich later matches it again.
   */
  async onAddThroughVisit(corpId: string, externalUserid: string, userid: string, codeId: number, codeVisitId: number, at: Date): Promise<void> {
    const { pool } = this.deps;
    const visit = await repo.visitByCodeVisit(pool, codeVisitId);
    if (!visit || visit.corp_id !== corpId) return;
    const c = (await repo.campaignsForCode(pool, corpId, codeId, false)).find((x) => x.id === visit.campaign_id);
    if (!c) return;
    // Known only if the friend was a customer before (their unionid stored then): no WeCom read is made for it.
    const unionid = await repo.customerUnionid(pool, corpId, externalUserid);
    await this.credit(c, visit, { kind: 'add', corpId, externalUserid, userid, chatId: null, at, unionid }, codeId);
  }

  /** A customer joined a group: through an invite campaign's group code (the join way's state), credited by unionid. */
  async onGroupJoined(corpId: string, externalUserid: string, chatId: string, at: Date): Promise<void> {
    const { pool } = this.deps;
    const m = await repo.groupMember(pool, corpId, chatId, externalUserid);
    if (!m?.state) return;
    const codeId = await repo.codeByState(pool, corpId, m.state);
    if (!codeId) return;
    const list = await repo.campaignsForCode(pool, corpId, codeId, true);
    if (!list.length) return;
    const unionid = m.unionid ?? await repo.customerUnionid(pool, corpId, externalUserid);
    if (!unionid) {
      this.deps.log.info({ corpId, chatId, externalUserid }, 'invite: a group join without a unionid cannot be matched to a visit');
      return;
    }
    const joinedAt = m.join_time ?? at;
    for (const c of list) {
      const visit = await repo.visitByUnionid(pool, c.id, unionid, joinedAt);
      if (!visit) continue;
      await this.credit(c, visit, { kind: 'group', corpId, externalUserid, userid: null, chatId, at: joinedAt, unionid }, codeId);
    }
  }

  /** A relation ended (either side deleted): its credits still in their holding period are voided. */
  async onDeleted(corpId: string, externalUserid: string, userid: string, at: Date): Promise<void> {
    for (const k of await repo.openCreditsOfRelation(this.deps.pool, corpId, externalUserid, { userid }, at)) await this.void(k.id, 'deleted', null);
  }

  /** A member left a group: their group credits still in the holding period are voided. */
  async onGroupLeft(corpId: string, externalUserid: string, chatId: string, at: Date): Promise<void> {
    for (const k of await repo.openCreditsOfRelation(this.deps.pool, corpId, externalUserid, { chatId }, at)) await this.void(k.id, 'left_group', null);
  }

  // ---- the credit ----

  private async credit(c: CampaignRow, visit: VisitRow, ev: FriendEvent, codeId: number): Promise<void> {
    const cfg = configOf(c);
    await withTransaction(this.deps.pool, async (db) => {
      const p = await repo.lockParticipant(db, visit.participant_id);
      const void_ = await this.refusal(db, p, visit, ev, codeId);
      const flags: CreditReason[] = [];
      const af = cfg.antiFraud;
      if (!void_) {
        if (af.maxPerIp !== null && visit.ip && (await repo.creditsFromIp(db, c.id, visit.ip, ev.at)) >= af.maxPerIp) flags.push('ip_anomaly');
        if (af.burstCount !== null && (await repo.recentCredits(db, p.id, ev.at, af.burstSeconds)) >= af.burstCount - 1) flags.push('burst_anomaly');
      }
      const holdUntil = new Date(ev.at.getTime() + holdDaysOf(cfg) * DAY_MS);
      const status: CreditStatus = void_ ? 'voided' : flags.length ? 'review' : holdUntil <= new Date() ? 'credited' : 'pending';
      const k = await repo.insertCredit(db, {
        corp_id: c.corp_id, campaign_id: c.id, participant_id: p.id, invitee_external_userid: ev.externalUserid, visit_id: visit.id, kind: ev.kind,
        userid: ev.userid, chat_id: ev.chatId, status, reason: void_ ?? (flags[0] ?? null), flags, ip: visit.ip, event_at: ev.at, hold_until: holdUntil,
      });
      // Credited before (a rescan, a retried callback, another staff member added): nothing more.
      if (!k) return;
      await repo.moveCounters(db, p.id, null, status);
      await appendTimeline(db, c.corp_id, [{
        externalUserid: p.external_userid, type: 'invite.invited', occurredAt: ev.at,
        data: { campaignId: c.id, name: c.name, creditId: k.id, invitee: ev.externalUserid, kind: ev.kind, status, reason: k.reason },
        dedupeKey: `invite-invited:${k.id}`,
      }]);
      await this.entered(db, c, p, k, status);
    });
  }

  /** Why a friend does not count at all (voided at once), or null. */
  private async refusal(db: Db, p: ParticipantRow, visit: VisitRow, ev: FriendEvent, codeId: number): Promise<CreditReason | null> {
    const self = ev.externalUserid === p.external_userid
      || (!!p.unionid && (p.unionid === visit.unionid || p.unionid === ev.unionid))
      || (!!p.openid && p.openid === visit.openid);
    if (self) return 'self_invite';
    if (visit.was_customer || await repo.knownBefore(db, ev.corpId, ev.externalUserid, visit.created_at, ev.kind === 'group' ? codeId : null)) return 'existing_customer';
    // The relation ended before the credit was made (a delete handled before the enrich): it never counts.
    if (ev.kind === 'add' && ev.userid && !(await repo.followActive(db, ev.corpId, ev.externalUserid, ev.userid))) return 'deleted';
    if (ev.kind === 'group' && ev.chatId && !(await repo.inGroup(db, ev.corpId, ev.chatId, ev.externalUserid))) return 'left_group';
    return null;
  }

  /** What follows a credit entering `status`: the timeline, and tiers when it counts. */
  private async entered(db: Db, c: CampaignRow, p: ParticipantRow, k: CreditRow, status: CreditStatus): Promise<void> {
    if (status === 'credited') {
      await appendTimeline(db, c.corp_id, [{
        externalUserid: p.external_userid, type: 'invite.credited', occurredAt: new Date(),
        data: { campaignId: c.id, name: c.name, creditId: k.id, invitee: k.invitee_external_userid, kind: k.kind }, dedupeKey: `invite-credited:${k.id}`,
      }]);
      await this.reachTiers(db, c, p.id);
    } else if (status === 'voided') {
      await appendTimeline(db, c.corp_id, [{
        externalUserid: p.external_userid, type: 'invite.voided', occurredAt: new Date(),
        data: { campaignId: c.id, name: c.name, creditId: k.id, invitee: k.invitee_external_userid, reason: k.reason }, dedupeKey: `invite-voided:${k.id}`,
      }]);
    }
  }

  /** Tiers the participant's credited friends reach now: each once, its reward through the ledger. */
  private async reachTiers(db: Db, c: CampaignRow, participantId: number): Promise<void> {
    const cfg = configOf(c);
    const { rows: [p] } = await db.query<ParticipantRow>('SELECT * FROM invite_participants WHERE id = $1', [participantId]);
    for (const t of [...cfg.tiers].sort((a, b) => a.friends - b.friends)) {
      if (p.credited < t.friends) break;
      if (!(await repo.insertTier(db, { participantId, friends: t.friends, corpId: c.corp_id, campaignId: c.id }))) continue;
      const res = await this.deps.rewards.grant(db, this.tierGrant(c, p, t));
      if ('refused' in res) this.deps.log.warn({ campaignId: c.id, participantId, friends: t.friends, refused: res.refused }, 'invite tier reward refused');
      else await repo.setTierReward(db, participantId, t.friends, res.reward.id);
      await appendTimeline(db, c.corp_id, [{
        externalUserid: p.external_userid, type: 'invite.tier_reached', occurredAt: new Date(),
        data: { campaignId: c.id, name: c.name, friends: t.friends, title: t.reward.title, rewardId: 'reward' in res ? res.reward.id : null },
        dedupeKey: `invite-tier:${participantId}:${t.friends}`,
      }]);
    }
  }

  private tierGrant(c: CampaignRow, p: ParticipantRow, t: InviteConfig['tiers'][number]): Omit<GrantInput, 'tz'> {
    const base = {
      corpId: c.corp_id, externalUserid: p.external_userid, campaignId: c.id, source: 'invite' as const, sourceRef: tierRef(p.id, t.friends),
      title: t.reward.title, details: { friends: t.friends, participantId: p.id },
    };
    const r = t.reward;
    switch (r.kind) {
      case 'coupon': return { ...base, kind: 'coupon', adapter: 'coupon', couponPoolId: r.couponPoolId };
      case 'points': return { ...base, kind: 'points', adapter: 'points', points: r.points };
      case 'redpacket': return { ...base, kind: 'redpacket', adapter: 'wechatpay', amountFen: r.amountFen, details: { ...base.details, ...(p.openid ? { openid: p.openid } : {}) } };
      case 'custom': return { ...base, kind: 'custom', adapter: 'manual' };
    }
  }

  // ---- status changes ----

  /**
   * Moves one credit (locked under its participant) from its status to the next the function gives; null leaves it.
   * Returns the credit as it is now, and whether this call changed it.
   */
  private async change(creditId: number, next: (k: CreditRow) => { to: CreditStatus; reason?: CreditReason | null; by?: string | null } | null): Promise<(CreditRow & { changed: boolean }) | null> {
    return withTransaction(this.deps.pool, async (db) => {
      const pre = await repo.creditById(db, creditId);
      if (!pre) return null;
      const p = await repo.lockParticipant(db, pre.participant_id);
      const k = (await repo.creditById(db, creditId, true))!;
      const n = next(k);
      if (!n || n.to === k.status) return { ...k, changed: false };
      if (!(await repo.setCreditStatus(db, k.id, k.status, n.to, { reason: n.reason ?? null, by: n.by ?? null }))) return { ...k, changed: false };
      await repo.moveCounters(db, p.id, k.status, n.to);
      const after = { ...k, status: n.to, reason: n.reason ?? k.reason, changed: true };
      const { rows: [c] } = await db.query<CampaignRow>('SELECT * FROM campaigns WHERE id = $1', [k.campaign_id]);
      await this.entered(db, c, p, after, n.to);
      return after;
    });
  }

  void(creditId: number, reason: CreditReason, by: string | null): Promise<(CreditRow & { changed: boolean }) | null> {
    return this.change(creditId, (k) => (k.status === 'pending' || k.status === 'review' ? { to: 'voided', reason, by } : null));
  }

  /** An operator's decision on a flagged credit: approve → it counts (once its holding period is over), reject → voided. */
  review(creditId: number, decision: 'approve' | 'reject', by: string): Promise<(CreditRow & { changed: boolean }) | null> {
    return this.change(creditId, (k) => {
      if (k.status !== 'review') return null;
      if (decision === 'reject') return { to: 'voided', reason: 'rejected', by };
      return { to: k.hold_until <= new Date() ? 'credited' : 'pending', by };
    });
  }

  /** Credits whose holding period is over become final (a friend who left meanwhile is voided). */
  async finaliseDue(now = new Date(), batch = 500): Promise<{ credited: number; voided: number }> {
    let credited = 0;
    let voided = 0;
    for (;;) {
      const due = await repo.dueCredits(this.deps.pool, now, batch);
      if (!due.length) break;
      for (const d of due) {
        const still = d.kind === 'add'
          ? !d.userid || await repo.followActive(this.deps.pool, d.corp_id, d.invitee_external_userid, d.userid)
          : !d.chat_id || await repo.inGroup(this.deps.pool, d.corp_id, d.chat_id, d.invitee_external_userid);
        const after = await this.change(d.id, (k) => {
          if (k.status !== 'pending') return null;
          if (!still) return { to: 'voided', reason: d.kind === 'add' ? 'not_staying' : 'left_group' };
          return { to: 'credited' };
        });
        if (after?.changed && after.status === 'credited') credited++;
        else if (after?.changed && after.status === 'voided') voided++;
      }
      if (due.length < batch) break;
    }
    return { credited, voided };
  }
}
