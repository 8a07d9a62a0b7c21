// Invite campaigns (任务宝 / 群裂变): the console's create/edit/detail, participants, the review queue; the customer's
// page (join, progress, tiers, friends, leaderboard, poster); a friend's visit of a participant's link; and the
// minutely job that makes held credits final and tells staff about tiers their customers reached.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { z } from 'zod';
import type { CreateInviteBody, CustomerInviteView, InviteConfig, InviteCreditsQuery, InviteNumbers, InviteParticipantsQuery, UpdateInviteBody } from '@pond/contracts/invites';
import { withTransaction } from '../../platform/db';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import { defineClock, EVERY_MINUTE } from '../../platform/queue';
import { appendTimeline } from '../customers';
import {
  CAMPAIGN_ORDERS_SQL, CAMPAIGN_REWARDS_SQL, checkEligibility, CustomerSessions, ELIGIBILITY_MESSAGES, openness, requireOpen,
  type CampaignRow, type CampaignService, type CustomerSession,
} from '../campaigns';
import type { GovernanceService } from '../governance';
import type { LiveCodeService, Visitor } from '../live-codes';
import type { Db, RewardService } from '../rewards';
import type { TaskService } from '../tasks';
import { configOf, InviteCredits, tierRef } from './credits';
import { defaultPosterRenderer, PosterCache, type InvitePosterRenderer } from './poster';
import * as repo from './repo';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const newToken = () => Array.from(randomBytes(10), (b) => BASE62[b % 62]).join('');

/** A nickname as other customers see it on the leaderboard and the friends list: the first character, masked. */
export const maskName = (name: string | null) => (name ? `${[...name][0]}**` : '微信用户');

export interface InviteDeps {
  pool: pg.Pool;
  campaigns: CampaignService;
  rewards: RewardService;
  codes: LiveCodeService;
  governance: GovernanceService;
  tasks: TaskService;
  log: Logger;
  publicUrl: () => string;
}

export type VisitOutcome =
  | { status: 'not_found' }
  | { status: 'closed'; campaign: CampaignRow; reason: string }
  | { status: 'self'; campaign: CampaignRow; pageUrl: string }
  | { status: 'no_staff'; campaign: CampaignRow }
  | { status: 'staff' | 'group'; campaign: CampaignRow; qrUrl: string; staffName: string | null; staffAvatar: string | null; inviter: string | null }
  /** The campaign's code is an acquisition link (ADR 0037): on to it, with this visit's customer_channel. */
  | { status: 'link'; campaign: CampaignRow; url: string };

export class InviteService {
  readonly credits: InviteCredits;
  /** The poster renderer (swappable: the poster designer's). */
  renderer: InvitePosterRenderer = defaultPosterRenderer;
  private posters: PosterCache;

  constructor(private deps: InviteDeps) {
    this.credits = new InviteCredits({ pool: deps.pool, rewards: deps.rewards, log: deps.log });
    this.posters = new PosterCache(deps.pool, () => this.renderer);
  }

  // ---- console ----

  async create(corpId: string, body: CreateInviteBody, actor: string | null): Promise<CampaignRow> {
    return withTransaction(this.deps.pool, (db) => this.createIn(db, corpId, body, actor));
  }

  /** Creates the campaign in the caller's transaction (a fission path makes its campaigns together). */
  async createIn(db: Db, corpId: string, body: CreateInviteBody, actor: string | null): Promise<CampaignRow> {
    await this.checkConfig(db, corpId, body.config);
    return this.deps.campaigns.insert(db, corpId, 'invite', body, body.config, actor);
  }

  async update(corpId: string, id: number, body: UpdateInviteBody): Promise<CampaignRow> {
    return withTransaction(this.deps.pool, async (db) => {
      const c = await this.deps.campaigns.get(db, corpId, id, 'invite');
      await db.query('SELECT 1 FROM campaigns WHERE id = $1 FOR UPDATE', [id]);
      const { config, ...base } = body;
      if (config) {
        const old = configOf(c);
        const { rows: [n] } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM invite_credits WHERE campaign_id = $1', [id]);
        // What friends were counted under stays: the code they were routed by and what counts.
        if (n.n > 0) {
          for (const k of ['codeId', 'rule', 'stayDays', 'holdDays'] as const) {
            if (config[k] !== old[k]) throw AppError.validation(`config.${k}`, 'cannot change once friends have been credited');
          }
        }
        await this.checkConfig(db, corpId, config);
      }
      return this.deps.campaigns.update(db, c, base, config);
    });
  }

  private async checkConfig(db: Db, corpId: string, cfg: InviteConfig): Promise<void> {
    const code = await repo.codeKey(db, corpId, cfg.codeId);
    if (!code || code.status !== 'active') throw AppError.validation('config.codeId', `no active live code ${cfg.codeId}`);
    const want = cfg.rule === 'group' ? 'group' : 'staff';
    if (code.kind !== want) throw AppError.validation('config.codeId', `must be a ${want} code for the rule ${cfg.rule}`);
    for (const [i, t] of cfg.tiers.entries()) {
      if (t.reward.kind !== 'coupon') continue;
      const { rows } = await db.query('SELECT 1 FROM coupon_pools WHERE corp_id = $1 AND id = $2', [corpId, t.reward.couponPoolId]);
      if (!rows.length) throw AppError.validation(`config.tiers.${i}.reward.couponPoolId`, `no coupon pool ${t.reward.couponPoolId}`);
    }
    if (cfg.posterTemplateId) {
      const { rows } = await db.query('SELECT 1 FROM poster_templates WHERE corp_id = $1 AND id = $2 AND archived_at IS NULL', [corpId, cfg.posterTemplateId]);
      if (!rows.length) throw AppError.validation('config.posterTemplateId', `no poster template ${cfg.posterTemplateId}`);
    }
  }

  view(c: CampaignRow) {
    return { ...this.deps.campaigns.view(c), config: configOf(c) };
  }

  async detail(corpId: string, id: number) {
    const { pool } = this.deps;
    const c = await this.deps.campaigns.get(pool, corpId, id, 'invite');
    return { ...this.view(c), numbers: await this.numbers(pool, c) };
  }

  /** The campaign's numbers as its page shows them; a fission path's figures read them here too (one source). */
  async numbers(db: Db, c: CampaignRow): Promise<z.output<typeof InviteNumbers>> {
    const cfg = configOf(c);
    const n = await repo.numbers(db, c.id);
    const { rows: [s] } = await db.query<{ rewards: number; cost_fen: string; orders: number; gmv_fen: string }>(
      `SELECT s.rewards, s.cost_fen, o.orders, o.gmv_fen FROM campaigns c, LATERAL (${CAMPAIGN_REWARDS_SQL}) s, LATERAL (${CAMPAIGN_ORDERS_SQL}) o WHERE c.id = $1`, [c.id]);
    const cost = Number(s.cost_fen);
    return {
      participants: n.participants, rewards: s.rewards, costFen: cost, orders: s.orders, gmvFen: Number(s.gmv_fen),
      scanned: n.scanned, invitees: n.invitees, pending: n.pending, review: n.review, credited: n.credited, voided: n.voided,
      activeParticipants: n.active,
      kFactor: n.participants ? Math.round((n.credited / n.participants) * 100) / 100 : 0,
      costPerNewFen: n.credited ? Math.round(cost / n.credited) : null,
      tiers: cfg.tiers.map((t) => ({ friends: t.friends, title: t.reward.title, reached: n.tiers.get(t.friends) ?? 0 })),
      voidReasons: n.reasons,
    };
  }

  async participants(corpId: string, id: number, q: z.output<typeof InviteParticipantsQuery>) {
    await this.deps.campaigns.get(this.deps.pool, corpId, id, 'invite');
    const rows = await repo.participants(this.deps.pool, id, q.limit, q.offset);
    return {
      total: rows[0]?.total ?? 0,
      items: rows.map((r) => ({
        externalUserid: r.external_userid, name: r.name, userid: r.userid, credited: r.credited, pending: r.pending, voided: r.voided, tiersReached: r.tiers, joinedAt: r.joined_at,
      })),
    };
  }

  async creditList(corpId: string, id: number, q: z.output<typeof InviteCreditsQuery>, creditId?: number) {
    await this.deps.campaigns.get(this.deps.pool, corpId, id, 'invite');
    const rows = await repo.credits(this.deps.pool, id, q.status, q.limit, q.offset, creditId);
    return {
      total: rows[0]?.total ?? 0,
      items: rows.map((k) => ({
        id: k.id, inviterExternalUserid: k.inviter, inviterName: k.inviter_name, inviteeExternalUserid: k.invitee_external_userid, inviteeName: k.invitee_name,
        kind: k.kind, status: k.status, reason: k.reason, flags: k.flags, ip: k.ip, eventAt: k.event_at, holdUntil: k.hold_until, decidedBy: k.decided_by, decidedAt: k.decided_at,
      })),
    };
  }

  async review(corpId: string, id: number, creditId: number, decision: 'approve' | 'reject', by: string) {
    await this.deps.campaigns.get(this.deps.pool, corpId, id, 'invite');
    const k = await repo.creditById(this.deps.pool, creditId);
    if (!k || k.campaign_id !== id) throw AppError.notFound(`credit ${creditId}`);
    if (k.status !== 'review') throw new AppError('conflict', `credit ${creditId} is ${k.status}, not waiting for review`);
    await this.credits.review(creditId, decision, by);
    const [one] = (await this.creditList(corpId, id, { limit: 1, offset: 0, status: undefined }, creditId)).items;
    return one;
  }

  // ---- the customer's page ----

  /** Joins the campaign (once): the participant's token (their link) and the timeline's `invite.joined`. */
  async join(s: CustomerSession, id: number): Promise<CustomerInviteView> {
    const me = CustomerSessions.requireCustomer(s);
    const { pool, campaigns } = this.deps;
    const c = await campaigns.get(pool, s.corp.id, id, 'invite');
    requireOpen(c);
    const miss = await checkEligibility(pool, s.corp.id, me.externalUserid, c.eligibility);
    if (miss) throw new AppError('forbidden', `${ELIGIBILITY_MESSAGES[miss].zh} (${ELIGIBILITY_MESSAGES[miss].en})`);
    await withTransaction(pool, async (db) => {
      await campaigns.enter(db, c, me.externalUserid);
      const p = await repo.insertParticipant(db, {
        corpId: c.corp_id, campaignId: c.id, externalUserid: me.externalUserid, token: newToken(), unionid: s.identity.unionid, openid: s.identity.openid,
      });
      if (p) {
        await appendTimeline(db, c.corp_id, [{
          externalUserid: me.externalUserid, type: 'invite.joined', occurredAt: new Date(),
          data: { campaignId: c.id, name: c.name }, dedupeKey: `invite-joined:${c.id}:${me.externalUserid}`,
        }]);
      }
    });
    return this.me(s, id);
  }

  async me(s: CustomerSession, id: number): Promise<CustomerInviteView> {
    const { pool } = this.deps;
    const c = await this.deps.campaigns.get(pool, s.corp.id, id, 'invite');
    const cfg = configOf(c);
    const p = s.customer ? await repo.participantOf(pool, id, s.customer.externalUserid) : null;
    const tiers = p ? new Map((await repo.tiersOf(pool, p.id)).map((t) => [t.friends, t])) : new Map<number, Awaited<ReturnType<typeof repo.tiersOf>>[number]>();
    const board = await repo.leaderboard(pool, id, cfg.leaderboardSize);
    const base = this.deps.publicUrl().replace(/\/+$/, '');
    return {
      rule: cfg.rule,
      holdDays: cfg.holdDays,
      joined: !!p,
      shareUrl: p ? this.shareUrl(p.token) : null,
      posterUrl: p ? `${base}/c/api/${encodeURIComponent(s.corp.id)}/invites/${id}/poster.png` : null,
      progress: { credited: p?.credited ?? 0, pending: p?.pending ?? 0, voided: p?.voided ?? 0 },
      tiers: cfg.tiers.map((t) => {
        const r = tiers.get(t.friends);
        return { friends: t.friends, title: t.reward.title, kind: t.reward.kind, reached: !!r, rewardId: r?.reward_id ?? null, rewardState: r?.state ?? null, couponCode: r?.coupon_code ?? null };
      }),
      friends: p ? (await repo.friendsOf(pool, p.id, 50)).map((f) => ({ name: maskName(f.name), status: f.status, at: f.event_at })) : [],
      leaderboard: board.map((b, i) => ({ rank: i + 1, name: maskName(b.name), credited: b.credited, me: b.id === p?.id })),
      myRank: p ? await repo.rankOf(pool, p) : null,
    };
  }

  async corpOfToken(token: string): Promise<string | null> {
    return (await repo.participantByToken(this.deps.pool, token))?.corp_id ?? null;
  }

  shareUrl(token: string): string {
    return `${this.deps.publicUrl().replace(/\/+$/, '')}/l/i/${token}`;
  }

  /** The participant's poster PNG (rendered once per content; cached). */
  async poster(s: CustomerSession, id: number): Promise<{ png: Buffer; rendered: boolean }> {
    const me = CustomerSessions.requireCustomer(s);
    const c = await this.deps.campaigns.get(this.deps.pool, s.corp.id, id, 'invite');
    const p = await repo.participantOf(this.deps.pool, id, me.externalUserid);
    if (!p) throw new AppError('conflict', '请先参加活动 (join the campaign first)');
    return this.posterOf(c, p, me.name, me.avatar);
  }

  async posterOf(c: CampaignRow, p: repo.ParticipantRow, nickname: string | null, avatar: string | null): Promise<{ png: Buffer; rendered: boolean }> {
    const staffName = await repo.staffName(this.deps.pool, c.corp_id, p.userid);
    return this.posters.get(c, p.id, { qrText: this.shareUrl(p.token), nickname: nickname ?? undefined, avatarUrl: avatar ?? undefined, staffName: staffName ?? undefined });
  }

  // ---- a friend opens a participant's link ----

  /**
   * Records the visit (who, from where, whether they already were a customer) and routes the friend through the
   * campaign's live code like any scan; the page shows the staff member's or group's QR — or, for a link mode code, sends
   * the friend on to its acquisition link with the visit's customer_channel, which the add brings back (ADR 0037).
   */
  async visit(token: string, visitor: Visitor & { openid?: string | null }, ip: string | undefined): Promise<VisitOutcome> {
    const { pool } = this.deps;
    if (!/^[A-Za-z0-9]{6,32}$/.test(token)) return { status: 'not_found' };
    const p = await repo.participantByToken(pool, token);
    if (!p) return { status: 'not_found' };
    const c = await this.deps.campaigns.get(pool, p.corp_id, p.campaign_id, 'invite');
    const open = openness(c);
    if (open !== 'open') return { status: 'closed', campaign: c, reason: open };
    const self = (!!visitor.unionid && visitor.unionid === p.unionid) || (!!visitor.openid && visitor.openid === p.openid);
    if (self) return { status: 'self', campaign: c, pageUrl: `${this.deps.publicUrl().replace(/\/+$/, '')}/c/${encodeURIComponent(c.corp_id)}/${c.id}` };
    const cfg = configOf(c);
    const code = await repo.codeKey(pool, c.corp_id, cfg.codeId);
    if (!code) return { status: 'no_staff', campaign: c };
    const wasCustomer = visitor.unionid ? await repo.isCustomerByUnionid(pool, c.corp_id, visitor.unionid) : false;
    const outcome = await this.deps.codes.scan(code.key, visitor, { ip });
    const codeVisitId = 'visitId' in outcome ? outcome.visitId : null;
    await repo.insertVisit(pool, {
      corp_id: c.corp_id, campaign_id: c.id, participant_id: p.id, visitor_key: visitor.key, unionid: visitor.unionid, openid: visitor.openid ?? null,
      ip: ip ?? null, code_visit_id: codeVisitId, was_customer: wasCustomer,
    });
    const { rows: [inviter] } = await pool.query<{ name: string | null }>('SELECT name FROM customers WHERE corp_id = $1 AND external_userid = $2', [c.corp_id, p.external_userid]);
    if (outcome.status === 'staff') return { status: 'staff', campaign: c, qrUrl: outcome.staff.qrUrl, staffName: outcome.staff.name, staffAvatar: outcome.staff.avatar, inviter: inviter?.name ?? null };
    if (outcome.status === 'group') return { status: 'group', campaign: c, qrUrl: outcome.qrUrl, staffName: null, staffAvatar: null, inviter: inviter?.name ?? null };
    if (outcome.status === 'link') return { status: 'link', campaign: c, url: outcome.url };
    return { status: 'no_staff', campaign: c };
  }

  // ---- the minutely job ----

  /** Tells each participant's staff about a tier reached: a task through the contact budget (once per tier). */
  async notifyTiers(batch = 200): Promise<number> {
    const { pool, governance, tasks } = this.deps;
    let n = 0;
    for (const t of await repo.tiersToNotify(pool, batch)) {
      if (t.userid) {
        const content = { text: `恭喜 ${t.name ?? ''}！您在「${t.campaign_name}」中已邀请 ${t.friends} 位好友，奖励已发放，可在活动页「我的奖品」查看。`, attachments: [] };
        const [plan] = await governance.plan({
          corpId: t.corp_id, targetKind: 'customer', channel: 'task', via: 'chat', sourceKind: 'invite', sourceId: t.campaign_id, content, at: new Date(),
          targets: [{ targetId: t.external_userid, staffUserid: t.userid, ref: tierRef(t.participant_id, t.friends) }],
        });
        const skipped = plan?.status === 'skipped';
        await tasks.create(t.corp_id, [{
          kind: 'send', ownerUserid: t.userid, dueAt: plan && !skipped ? plan.at : new Date(), targetKind: 'customer', externalUserid: t.external_userid,
          content, sourceKind: 'invite', sourceId: t.campaign_id, sourceName: `邀请有礼 ${t.campaign_name}`.slice(0, 60),
          ledgerId: skipped ? null : plan?.ledgerId ?? null, skipReason: skipped ? plan.reason ?? 'budget' : null,
          dedupeKey: `invite-tier:${t.participant_id}:${t.friends}`,
        }]);
      }
      await repo.markNotified(pool, t.participant_id, t.friends);
      n++;
    }
    return n;
  }

  async tick(now = new Date()): Promise<{ credited: number; voided: number; notified: number }> {
    const f = await this.credits.finaliseDue(now);
    const notified = await this.notifyTiers();
    return { ...f, notified };
  }

  readonly tickJob = defineClock('invites.tick', EVERY_MINUTE, () => this.tick(), { retryLimit: 0 });
}
