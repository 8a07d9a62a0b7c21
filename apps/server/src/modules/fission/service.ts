// Fission paths (裂变路径): the wizard's create (the model's campaigns — new, or existing ones linked — and the path in
// one transaction), re-linking a draft path's steps, the campaigns a step may link, status (the path and its campaigns
// together), the funnel computed from the campaigns' own rows within the path's window, the figures read from the
// campaign modules, the service path's landing page visits and sign-up form (once per customer, a timeline event
// each), and the submissions list / CSV.
import { isDeepStrictEqual } from 'node:util';
import type pg from 'pg';
import type { z } from 'zod';
import type { CheckinConfig } from '@pond/contracts/checkin';
import type {
  CreateFissionPath, CustomerFissionView, FissionEligible, FissionForm, FissionFunnel, FissionListQuery, FissionModel, FissionPath, FissionStatus, FissionSubmitBody,
  UpdateFissionPath,
} from '@pond/contracts/fission';
import { isLink, LINK_STEPS, PHONE_PATTERN } from '@pond/contracts/fission';
import type { InviteConfig } from '@pond/contracts/invites';
import { toCsv } from '../../platform/csv';
import { withTransaction } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { addDays, corpZone, dayIn } from '../../platform/time';
import { appendTimeline } from '../customers';
import { CustomerSessions, openness, OPENNESS_MESSAGES, pagePath, type CampaignRow, type CampaignService, type CustomerSession } from '../campaigns';
import type { CheckinService } from '../checkin';
import type { InviteService } from '../invites';
import type { Db } from '../rewards';
import * as repo from './repo';
import type { PathRow } from './repo';

/** The steps of each model, in order (their labels live in the console's i18n). */
export const MODEL_STEPS = {
  spread: ['poster', 'invited', 'rewarded'],
  product: ['paid', 'checked_in', 'completed', 'cashback'],
  service: ['visited', 'poster', 'unlocked', 'signed_up', 'joined_group'],
} as const;

/** Most campaigns the wizard offers for a step (the newest that fit). */
export const ELIGIBLE_MAX = 200;

/** Most days the funnel's per-day table spans (the latest ones). */
export const FUNNEL_MAX_DAYS = 92;

const NEXT: Record<FissionStatus, FissionStatus[]> = {
  draft: ['active', 'ended'], active: ['paused', 'ended'], paused: ['active', 'ended'], ended: [],
};

export interface FissionDeps {
  pool: pg.Pool;
  campaigns: CampaignService;
  invites: InviteService;
  checkin: CheckinService;
  publicUrl: () => string;
}

/** A campaign module's `config.x` error becomes the wizard's `<step>.x`. */
async function asStep<T>(step: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AppError && e.code === 'validation_failed' && e.extra.field?.startsWith('config.')) {
      const field = `${step}.${e.extra.field.slice('config.'.length)}`;
      throw AppError.validation(field, e.message.replace(/^[^:]*: /, ''));
    }
    throw e;
  }
}

type LinkStep = (typeof LINK_STEPS)[FissionModel];

/** The unique index a concurrent link of the same campaign hits, and the field it is about. */
const LINK_INDEX_FIELD: Record<string, string> = {
  fission_paths_invite_campaign_uq: 'invite.campaignId',
  fission_paths_checkin_campaign_uq: 'checkin.campaignId',
};

/** A link lost to another path's at the same moment (the unique index): a 409 naming the step's field. */
function linkRace(err: unknown): never {
  const e = err as { code?: string; constraint?: string };
  const field = e.code === '23505' && e.constraint ? LINK_INDEX_FIELD[e.constraint] : undefined;
  if (field) throw new AppError('conflict', `${field}: the campaign was just linked to another path / 该活动刚被关联到其他裂变路径`, { field });
  throw err;
}

/**
 * Why a campaign cannot be a model's linked step (null: it can): its kind and config (400), or that it has ended (409).
 * The wizard's choices (`eligible`) are picked by the same rules written in SQL just below (LINKABLE_SQL).
 */
export function linkRefusal(model: FissionModel, c: CampaignRow, now = new Date()): { conflict: boolean; message: string } | null {
  const want = LINK_STEPS[model];
  const refuse = (message: string) => ({ conflict: false, message });
  if (c.kind !== want) return refuse(`campaign ${c.id} is a ${c.kind} campaign: a ${model} path links ${want === 'invite' ? 'an invite campaign' : 'a paid check-in challenge'}`);
  if (model === 'product') {
    const entry = c.entry;
    const cfg = c.config as Partial<CheckinConfig>;
    if (entry.kind !== 'paid') return refuse(`campaign ${c.id} is not paid to enter: a product path links a paid challenge (entry kind paid)`);
    if (cfg.mode !== 'challenge') return refuse(`campaign ${c.id} is a daily check-in: a product path links a challenge (mode challenge)`);
    if (!cfg.cashback) return refuse(`campaign ${c.id} does not return the fee: a product path links a challenge with cash-back (cashback true)`);
  }
  if (model === 'service' && (c.config as Partial<InviteConfig>).rule === 'group') {
    return refuse(`campaign ${c.id} counts friends who join a group (rule group): a service path counts friends who add (add or add_and_stay)`);
  }
  // Ended by status or by its window (whatever its status: a draft whose end has passed will never open).
  if (c.status === 'ended' || (c.ends_at && c.ends_at <= now)) return { conflict: true, message: `campaign ${c.id} has ended / 活动已结束` };
  return null;
}

/**
 * linkRefusal's rules as a filter over `campaigns c`, so that the wizard's list applies them before its LIMIT (newer
 * campaigns of the wrong config never crowd out an older one that fits). The two must say the same: a change to one is
 * a change to the other, and test/fission.test.ts holds them equal over campaigns of every shape.
 */
export const LINKABLE_SQL: Record<FissionModel, string> = {
  spread: `c.kind = 'invite'`,
  product: `c.kind = 'checkin' AND c.entry->>'kind' = 'paid' AND c.config->>'mode' = 'challenge' AND c.config->'cashback' = 'true'::jsonb`,
  service: `c.kind = 'invite' AND c.config->>'rule' IS DISTINCT FROM 'group'`,
};
/** linkRefusal's "has ended" (by status or by its window) as SQL: not ended. */
export const NOT_ENDED_SQL = `c.status <> 'ended' AND (c.ends_at IS NULL OR c.ends_at > now())`;

/**
 * The path's window inside its linked campaign's: a start before the campaign's or an end after it is refused (naming
 * `fields`); an open end takes the campaign's end. Returns the path's end.
 */
function fitWindow(w: { startsAt: Date; endsAt: Date | null }, c: CampaignRow, fields: { start: string; end: string }): Date | null {
  const when = (d: Date) => d.toISOString();
  if (w.startsAt < c.starts_at) throw AppError.validation(fields.start, `must not be before the linked campaign ${c.id} starts (${when(c.starts_at)})`);
  if (!c.ends_at) return w.endsAt;
  if (w.startsAt >= c.ends_at) throw AppError.validation(fields.start, `must be before the linked campaign ${c.id} ends (${when(c.ends_at)})`);
  if (w.endsAt && w.endsAt > c.ends_at) throw AppError.validation(fields.end, `must not be after the linked campaign ${c.id} ends (${when(c.ends_at)})`);
  return w.endsAt ?? c.ends_at;
}

/** A campaign's one line for the wizard's select. */
function summaryOf(c: CampaignRow): string {
  if (c.kind === 'invite') {
    const cfg = c.config as Partial<InviteConfig>;
    return `${(cfg.tiers ?? []).map((t) => t.friends).join(' / ')} 人阶梯 (tiers) · ${cfg.rule ?? 'add'}`;
  }
  const entry = c.entry;
  const cfg = c.config as Partial<CheckinConfig>;
  const fee = entry.kind === 'paid' ? ` · ${entry.sku} ¥${(entry.priceFen / 100).toFixed(2)}` : '';
  return `${cfg.challengeDays ?? '-'} 天挑战 (days)${fee}`;
}

/** Checks answers against the form's fields: every field's type, required, options and length; no unknown keys. */
export function checkAnswers(form: FissionForm, answers: Record<string, string>): Record<string, string> {
  const known = new Set(form.fields.map((f) => f.key));
  for (const k of Object.keys(answers)) if (!known.has(k)) throw AppError.validation(`answers.${k}`, 'is not a field of this form');
  const out: Record<string, string> = {};
  for (const f of form.fields) {
    const v = (answers[f.key] ?? '').trim();
    const field = `answers.${f.key}`;
    if (!v) {
      if (f.required) throw AppError.validation(field, `is required (${f.label})`);
      continue;
    }
    switch (f.type) {
      case 'name':
        if ([...v].length > 40) throw AppError.validation(field, 'must be at most 40 characters');
        break;
      case 'phone':
        if (!PHONE_PATTERN.test(v.replace(/\s+/g, ''))) throw AppError.validation(field, 'must be a mobile phone number (11 digits, 1[3-9]…)');
        break;
      case 'select':
        if (!f.options.includes(v)) throw AppError.validation(field, `must be one of ${f.options.join(', ')}`);
        break;
      case 'text':
        if ([...v].length > f.maxLength) throw AppError.validation(field, `must be at most ${f.maxLength} characters`);
        break;
    }
    out[f.key] = f.type === 'phone' ? v.replace(/\s+/g, '') : v;
  }
  return out;
}

export class FissionService {
  constructor(private deps: FissionDeps) {}

  private base = () => this.deps.publicUrl().replace(/\/+$/, '');

  // ---- console ----

  /**
   * The wizard: the model's campaigns — each step a new one, or an existing one linked (`{ campaignId }`) — and the
   * path, all or nothing. A linked campaign is locked, checked (kind, config, not ended, in no other path) and keeps
   * its own window, which the path's must lie inside (an open end takes the campaign's).
   */
  async create(corpId: string, body: CreateFissionPath, actor: string | null): Promise<z.output<typeof FissionPath>> {
    const row = await withTransaction(this.deps.pool, async (db) => {
      const common = {
        name: body.name, startsAt: body.startsAt, endsAt: body.endsAt, rules: body.rules, eligibility: {},
        budgetTotalFen: body.budgetTotalFen, budgetDailyFen: null, rewardsPerCustomer: null,
      };
      let endsAt = body.endsAt;
      const linked = async (step: LinkStep, campaignId: number) => {
        const c = await this.link(db, corpId, body.model, step, campaignId, null);
        endsAt = fitWindow({ startsAt: body.startsAt, endsAt }, c, { start: 'startsAt', end: 'endsAt' });
        return c.id;
      };
      let inviteCampaignId: number | null = null;
      let checkinCampaignId: number | null = null;
      let groupCodeId: number | null = null;
      if (body.model === 'spread' || body.model === 'service') {
        const inv = body.invite;
        inviteCampaignId = isLink(inv) ? await linked('invite', inv.campaignId)
          : (await asStep('invite', () => this.deps.invites.createIn(db, corpId, { ...common, entry: { kind: 'free' }, joinCodeId: inv.codeId, config: inv }, actor))).id;
      }
      if (body.model === 'product') {
        const chk = body.checkin;
        if (isLink(chk)) checkinCampaignId = await linked('checkin', chk.campaignId);
        else {
          const e = body.entry!;
          const entry = { kind: 'paid' as const, sku: e.sku, priceFen: e.priceFen, productUrl: e.productUrl, entriesPerOrder: 1 };
          checkinCampaignId = (await asStep('checkin', () => this.deps.checkin.createIn(db, corpId, { ...common, entry, joinCodeId: null, config: chk }, actor))).id;
        }
      }
      if (body.model === 'service') groupCodeId = await this.groupCode(db, corpId, body.groupCodeId, 'groupCodeId');
      return repo.insertPath(db, corpId, {
        model: body.model, name: body.name, startsAt: body.startsAt, endsAt, inviteCampaignId, checkinCampaignId, groupCodeId,
        landing: body.model === 'service' ? body.landing : null, form: body.model === 'service' ? body.form : null,
      }, actor);
    }).catch(linkRace);
    return this.view(row);
  }

  /** The existing campaign a step links, locked and checked (`pathId`: the path it may already belong to). */
  private async link(db: Db, corpId: string, model: FissionModel, step: LinkStep, id: number, pathId: number | null): Promise<CampaignRow> {
    const field = `${step}.campaignId`;
    const c = await repo.lockCampaign(db, corpId, id);
    // The route's refs guard answers first for an id that is not the corp's; kept for callers without it.
    if (!c) throw AppError.validation(field, `no campaign ${id} in this corp`);
    const why = linkRefusal(model, c);
    if (why) throw why.conflict ? new AppError('conflict', `${field}: ${why.message}`, { field }) : AppError.validation(field, why.message);
    const other = await repo.pathOfCampaign(db, c.id);
    if (other && other.id !== pathId) {
      throw new AppError('conflict', `${field}: campaign ${id} already belongs to the path ${other.name} (#${other.id}) / 该活动已关联其他裂变路径`, { field });
    }
    return c;
  }

  private async groupCode(db: Db, corpId: string, id: number, field: string): Promise<number> {
    const code = await repo.codeOf(db, corpId, id);
    if (!code || code.status !== 'active') throw AppError.validation(field, `no active live code ${id}`);
    if (code.kind !== 'group') throw AppError.validation(field, 'must be a group code');
    return code.id;
  }

  /** The campaigns a model's step may link: of its kind and config, not ended, in no path (the latest 200 of those). */
  async eligible(corpId: string, model: FissionModel): Promise<z.output<typeof FissionEligible>> {
    const step = LINK_STEPS[model];
    const rows = await repo.linkCandidates(this.deps.pool, corpId, `${LINKABLE_SQL[model]} AND ${NOT_ENDED_SQL}`, ELIGIBLE_MAX);
    return {
      step,
      items: rows.map((c) => ({
        id: c.id, kind: step, name: c.name, status: c.status as 'draft' | 'active' | 'paused', startsAt: c.starts_at, endsAt: c.ends_at,
        participants: c.participants, summary: summaryOf(c),
      })),
    };
  }

  private async get(db: Db, corpId: string, id: number, lock = false): Promise<PathRow> {
    const r = await repo.getPath(db, corpId, id, lock);
    if (!r) throw AppError.notFound(`fission path ${id}`);
    return r;
  }

  view(r: PathRow): z.output<typeof FissionPath> {
    const corp = encodeURIComponent(r.corp_id);
    const entryUrl = r.model === 'service' ? `${this.base()}/c/${corp}/fission/${r.id}`
      : `${this.base()}${pagePath(r.corp_id, Number(r.model === 'spread' ? r.invite_campaign_id : r.checkin_campaign_id))}`;
    return {
      id: r.id, model: r.model, name: r.name, status: r.status, startsAt: r.starts_at, endsAt: r.ends_at,
      inviteCampaignId: r.invite_campaign_id, checkinCampaignId: r.checkin_campaign_id, groupCodeId: r.group_code_id,
      landing: r.landing, form: r.form, entryUrl, createdBy: r.created_by, createdAt: r.created_at,
    };
  }

  async list(corpId: string, q: z.output<typeof FissionListQuery>) {
    const rows = await repo.listPaths(this.deps.pool, corpId, q.model, q.limit, q.offset);
    const tz = await corpZone(this.deps.pool, corpId);
    const items = [];
    for (const r of rows) items.push({ ...this.view(r), steps: (await this.funnel(r, tz, false)).steps });
    return { items };
  }

  async detail(corpId: string, id: number) {
    const r = await this.get(this.deps.pool, corpId, id);
    return { ...this.view(r), funnel: await this.funnel(r, await corpZone(this.deps.pool, corpId), true) };
  }

  /** Each step's people, their drop-off from the previous step, per corp day; and the figures beside. */
  async funnel(r: PathRow, tz: string, withDays: boolean): Promise<z.output<typeof FissionFunnel>> {
    const keys = MODEL_STEPS[r.model];
    const days = await repo.stepDays(this.deps.pool, r, repo.stepSql(r, r.form?.unlockFriends ?? 0), tz);
    const counts = keys.map((_, i) => days.filter((d) => d.step === i).reduce((a, d) => a + d.n, 0));
    const steps = keys.map((key, i) => {
      const prev = i > 0 ? counts[i - 1] : null;
      return {
        key, count: counts[i],
        dropOff: prev === null ? null : Math.max(prev - counts[i], 0),
        rate: prev === null || prev === 0 ? null : counts[i] / prev,
      };
    });
    if (!withDays) return { steps, byDay: [], figures: {} };
    const today = dayIn(new Date(), tz);
    let from = dayIn(r.starts_at, tz);
    let to = r.ends_at && r.ends_at < new Date() ? dayIn(r.ends_at, tz) : today;
    for (const d of days) {
      if (d.day < from) from = d.day;
      if (d.day > to) to = d.day;
    }
    if (to < from) to = from;
    if (addDays(to, -(FUNNEL_MAX_DAYS - 1)) > from) from = addDays(to, -(FUNNEL_MAX_DAYS - 1));
    const byDay: { day: string; counts: number[] }[] = [];
    const at = new Map(days.map((d) => [`${d.step}:${d.day}`, d.n]));
    for (let day = from; day <= to; day = addDays(day, 1)) byDay.push({ day, counts: keys.map((_, i) => at.get(`${i}:${day}`) ?? 0) });
    return { steps, byDay, figures: await this.figures(r) };
  }

  /**
   * Figures beside the funnel: the linked campaigns' own numbers, as their pages show them (read from the invite and
   * check-in modules: one source), and the service path's landing page.
   */
  private async figures(r: PathRow): Promise<Record<string, number>> {
    const { pool, campaigns, invites, checkin } = this.deps;
    const out: Record<string, number> = {};
    if (r.invite_campaign_id) {
      const n = await invites.numbers(pool, await campaigns.get(pool, r.corp_id, r.invite_campaign_id));
      Object.assign(out, {
        participants: n.participants, activeParticipants: n.activeParticipants, kFactor: n.kFactor,
        friendsScanned: n.scanned, friendsInvited: n.invitees, friendsPending: n.pending + n.review, friendsCredited: n.credited, friendsVoided: n.voided,
        rewards: n.rewards, rewardCostFen: n.costFen, ...(n.costPerNewFen === null ? {} : { costPerNewFen: n.costPerNewFen }),
      });
    }
    if (r.checkin_campaign_id) {
      const n = await checkin.numbers(pool, await campaigns.get(pool, r.corp_id, r.checkin_campaign_id));
      Object.assign(out, {
        paidOrders: n.orders, feesFen: n.gmvFen, refunded: n.refunded, completed: n.completed,
        cashbackPaid: n.cashback.issued, cashbackPaidFen: n.cashback.paidFen, cashbackPendingFen: n.cashback.pendingFen,
      });
    }
    if (r.model === 'service') {
      const l = await repo.landingFigures(pool, r.id);
      Object.assign(out, { landingViews: l.views, landingCustomers: l.customers });
    }
    return out;
  }

  /**
   * Renames the path, changes the service path's pages; while the path is a draft, re-links a step (another existing
   * campaign, checked as the wizard's link; the one linked before is released, unchanged) or the group code.
   */
  async update(corpId: string, id: number, body: UpdateFissionPath) {
    const row = await withTransaction(this.deps.pool, async (db) => {
      let r = await this.get(db, corpId, id, true);
      if (r.status === 'ended') throw new AppError('conflict', 'an ended path cannot be changed');
      if (r.model !== 'service' && (body.landing || body.form)) throw AppError.validation(body.landing ? 'landing' : 'form', 'is only for a service path');
      // Compared as values: the stored form comes back from jsonb with its keys in jsonb's order, not the body's.
      if (body.form && r.form && !isDeepStrictEqual(body.form.fields, r.form.fields) && await repo.countSubmissions(db, r.id) > 0) {
        throw AppError.validation('form.fields', 'cannot change once customers have signed up');
      }
      const step = LINK_STEPS[r.model];
      for (const f of ['invite', 'checkin', 'groupCodeId'] as const) {
        if (body[f] === undefined) continue;
        const field = f === 'groupCodeId' ? f : `${f}.campaignId`;
        if (f === 'groupCodeId' ? r.model !== 'service' : f !== step) throw AppError.validation(field, `is not a step of a ${r.model} path`);
        if (r.status !== 'draft') throw new AppError('conflict', `${field}: a path's campaigns and group code change only while it is a draft`, { field });
      }
      const l = body[step];
      if (l || body.groupCodeId !== undefined) {
        const links = { inviteCampaignId: r.invite_campaign_id, checkinCampaignId: r.checkin_campaign_id, groupCodeId: r.group_code_id, endsAt: r.ends_at };
        if (l) {
          const field = `${step}.campaignId`;
          const c = await this.link(db, corpId, r.model, step, l.campaignId, r.id);
          links.endsAt = fitWindow({ startsAt: r.starts_at, endsAt: r.ends_at }, c, { start: field, end: field });
          if (step === 'invite') links.inviteCampaignId = c.id;
          else links.checkinCampaignId = c.id;
        }
        if (body.groupCodeId !== undefined) links.groupCodeId = await this.groupCode(db, corpId, body.groupCodeId, 'groupCodeId');
        r = await repo.setLinks(db, r, links);
      }
      return repo.updatePath(db, r, body);
    }).catch(linkRace);
    return this.view(row);
  }

  /**
   * The path and its campaigns move together (publish, pause, resume, end), in one transaction with the path's row
   * locked first: two changes at once run one after the other, and a refusal leaves nothing half moved.
   */
  async setStatus(corpId: string, id: number, status: FissionStatus) {
    const { pool, campaigns } = this.deps;
    const row = await withTransaction(pool, async (db) => {
      const r = await this.get(db, corpId, id, true);
      if (r.status === status) return r;
      if (!NEXT[r.status].includes(status)) throw new AppError('conflict', `a ${r.status} path cannot become ${status}`);
      for (const cid of [r.invite_campaign_id, r.checkin_campaign_id]) {
        if (!cid) continue;
        const c = await campaigns.get(db, corpId, cid);
        if (c.status === status) continue;
        if (c.status === 'ended') throw new AppError('conflict', `the path's campaign ${cid} has ended`);
        // A draft campaign is published before it is paused (the path was published meanwhile by its own page).
        if (c.status === 'draft' && status === 'paused') await campaigns.setStatus(corpId, cid, 'active', db);
        await campaigns.setStatus(corpId, cid, status, db);
      }
      return repo.updatePath(db, r, { status });
    });
    return this.view(row);
  }

  async submissions(corpId: string, id: number, limit: number, offset: number) {
    const r = await this.get(this.deps.pool, corpId, id);
    const { total, rows } = await repo.submissions(this.deps.pool, r, limit, offset);
    return {
      total,
      items: rows.map((s) => ({ id: s.id, externalUserid: s.external_userid, customerName: s.customer_name, answers: s.answers, submittedAt: s.created_at, joinedGroupAt: s.joined_at })),
    };
  }

  async submissionsCsv(corpId: string, id: number): Promise<string> {
    const r = await this.get(this.deps.pool, corpId, id);
    const tz = await corpZone(this.deps.pool, corpId);
    const all: repo.SubmissionListRow[] = [];
    for (let offset = 0; ; offset += 1000) {
      const { rows } = await repo.submissions(this.deps.pool, r, 1000, offset);
      all.push(...rows);
      if (rows.length < 1000) break;
    }
    const fields = r.form?.fields ?? [];
    return toCsv([
      { key: 'submittedAt', header: '提交时间 Submitted' },
      { key: 'customer', header: '客户 Customer' },
      { key: 'externalUserid', header: 'external_userid' },
      ...fields.map((f) => ({ key: `a_${f.key}`, header: f.label })),
      { key: 'joinedGroupAt', header: '入群时间 Joined group' },
    ], all.map((s) => ({
      submittedAt: s.created_at, customer: s.customer_name ?? '', externalUserid: s.external_userid, joinedGroupAt: s.joined_at,
      ...Object.fromEntries(fields.map((f) => [`a_${f.key}`, s.answers[f.key] ?? ''])),
    })), tz);
  }

  // ---- the customer's landing page and form ----

  /** The page route's lookup: the path (any corp id or number that names nothing is null). */
  async pathForPage(corpId: string, id: number): Promise<PathRow | null> {
    return (await repo.getPath(this.deps.pool, corpId, id)) ?? null;
  }

  /** A visit of the landing page by someone WeChat identified; a customer's first visit goes on their timeline. */
  /** A visit counts only while the path is open: an operator previewing a draft (or a late visitor) is not a step reached. */
  async visit(s: CustomerSession, path: PathRow): Promise<void> {
    if (openness(path) !== 'open') return;
    await withTransaction(this.deps.pool, async (db) => {
      await repo.recordVisit(db, path, { key: s.identity.key, unionid: s.identity.unionid, externalUserid: s.customer?.externalUserid ?? null });
      if (s.customer) {
        await appendTimeline(db, path.corp_id, [{
          externalUserid: s.customer.externalUserid, type: 'fission.visited', occurredAt: new Date(),
          data: { pathId: path.id, name: path.name, model: path.model }, dedupeKey: `fission-visited:${path.id}:${s.customer.externalUserid}`,
        }]);
      }
    });
  }

  private async servicePath(s: CustomerSession, id: number): Promise<PathRow> {
    const r = await repo.getPath(this.deps.pool, s.corp.id, id);
    if (!r || r.model !== 'service') throw AppError.notFound(`fission path ${id}`);
    return r;
  }

  async customerView(s: CustomerSession, id: number): Promise<CustomerFissionView> {
    const { pool } = this.deps;
    const r = await this.servicePath(s, id);
    const open = openness(r);
    const inv = r.invite_campaign_id ? await this.deps.campaigns.get(pool, s.corp.id, r.invite_campaign_id) : null;
    const join = inv?.join_code_id ? await repo.codeOf(pool, s.corp.id, inv.join_code_id) : undefined;
    const ext = s.customer?.externalUserid ?? null;
    const participant = ext && inv
      ? (await pool.query<{ credited: number }>('SELECT credited FROM invite_participants WHERE campaign_id = $1 AND external_userid = $2', [inv.id, ext])).rows[0]
      : undefined;
    const sub = ext ? await repo.submissionOf(pool, r.id, ext) : undefined;
    const group = sub && r.group_code_id ? await repo.codeOf(pool, s.corp.id, r.group_code_id) : undefined;
    const unlock = r.form?.unlockFriends ?? 0;
    return {
      id: r.id, model: r.model, name: r.name, open: open === 'open', closedReason: open === 'open' ? null : OPENNESS_MESSAGES[open],
      landing: r.landing, form: r.form, inviteCampaignId: r.invite_campaign_id,
      joinUrl: join && join.status === 'active' ? `${this.base()}/l/${join.key}` : null,
      me: {
        isCustomer: !!ext, joined: !!participant, credited: participant?.credited ?? 0,
        formUnlocked: !!participant && participant.credited >= unlock,
        submitted: !!sub, answers: sub?.answers ?? null,
        groupUrl: group && group.status === 'active' ? `${this.base()}/l/${group.key}` : null,
      },
    };
  }

  /** The sign-up form: once per customer (the unique key), after their poster and enough friends; a timeline event. */
  async submit(s: CustomerSession, id: number, body: FissionSubmitBody): Promise<CustomerFissionView> {
    const r = await this.servicePath(s, id);
    const open = openness(r);
    if (open !== 'open') throw new AppError('conflict', OPENNESS_MESSAGES[open]);
    const customer = CustomerSessions.requireCustomer(s);
    if (!r.form) throw new AppError('conflict', 'this path has no sign-up form');
    const answers = checkAnswers(r.form, body.answers);
    await withTransaction(this.deps.pool, async (db) => {
      const { rows: [p] } = await db.query<{ credited: number }>(
        'SELECT credited FROM invite_participants WHERE campaign_id = $1 AND external_userid = $2', [r.invite_campaign_id, customer.externalUserid]);
      if (!p) throw new AppError('conflict', '请先领取您的专属海报 (get your poster first)');
      const need = r.form!.unlockFriends;
      if (p.credited < need) throw new AppError('conflict', `还需邀请 ${need - p.credited} 位好友才能报名 (invite ${need - p.credited} more friends to sign up)`);
      const row = await repo.insertSubmission(db, r, customer.externalUserid, answers);
      if (!row) throw new AppError('conflict', '您已报名，无需重复提交 (you have already signed up)');
      await appendTimeline(db, r.corp_id, [{
        externalUserid: customer.externalUserid, type: 'fission.signed_up', occurredAt: row.created_at,
        data: { pathId: r.id, name: r.name, submissionId: row.id }, dedupeKey: `fission-signed-up:${r.id}:${customer.externalUserid}`,
      }]);
    });
    return this.customerView(s, id);
  }
}
