// The contact budget every channel spends from (ADR 0020). A channel plans its targets through `plan` before it
// asks staff to send: each target is planned (budget reserved in the ledger) or skipped with a reason; when WeCom
// or the sidebar reports the message delivered the attempt is settled as sent (and reaches the customer's
// timeline), otherwise released or failed; an attempt the budget skipped reaches the timeline at once, with its
// reason. `preview` answers the same question without writing anything.
import type pg from 'pg';
import type { Content } from '@pond/contracts/content';
import type {
  BudgetStateOutput, ContactChannel, ContactPolicyInput, ContactVia, GovernancePreviewOutput, LedgerEntryOutput, LedgerQuery, QuietAction, SkipReason,
} from '@pond/contracts/governance';
import type { Scope } from '../../platform/auth';
import { corpZone } from '../../platform/time';
import { AppError } from '../../platform/errors';
import { withTransaction } from '../../platform/db';
import { mapLimit } from '../../platform/concurrency';
import { staffUseridVisibleSql } from '../../platform/resources';
import { adjustForQuiet, contentHash, contentPreview, DEFAULT_POLICY, wecomCapFor, type Policy } from './policy';
import * as repo from './repo';

export interface PlanTarget {
  targetId: string;
  staffUserid: string | null;
  /** When it would reach the target; default the request's `at`. */
  at?: Date;
  /** Distinguishes attempts of one source to one target (a playbook step); default ''. */
  ref?: string;
  /** Skipped before the budget is asked (the caller's rule: not a friend, excluded…). */
  reason?: SkipReason;
}

export interface PlanRequest {
  corpId: string;
  targetKind: 'customer' | 'group';
  channel: ContactChannel;
  via: ContactVia;
  sourceKind: string;
  sourceId: number | null;
  content: Content;
  at: Date;
  targets: PlanTarget[];
  /** Quiet hours: wait until they end or skip; default the corp's setting. */
  quietAction?: QuietAction;
  /** Caps, gap, quiet hours and de-duplication lifted (admins, with a reason); do-not-disturb and WeCom's cap stay. */
  override?: { by: string; reason: string } | null;
}

export interface PlanOutcome {
  targetId: string;
  ledgerId: number | null;
  status: 'planned' | 'skipped' | 'sent' | 'released' | 'failed';
  reason: SkipReason | null;
  at: Date;
}

const CHUNK = 5_000;

export class GovernanceService {
  constructor(private readonly pool: pg.Pool) {}

  async policy(corpId: string): Promise<Policy> {
    const row = await repo.getPolicyRow(this.pool, corpId);
    if (!row) return { ...DEFAULT_POLICY };
    return {
      customerPerDay: row.customer_per_day, customerPerWeek: row.customer_per_week, customerPerMonth: row.customer_per_month,
      groupPerDay: row.group_per_day, groupPerWeek: row.group_per_week, minGapMinutes: row.min_gap_minutes,
      quietStart: row.quiet_start, quietEnd: row.quiet_end, quietAction: row.quiet_action, dedupeDays: row.dedupe_days,
      dndTagIds: row.dnd_tag_ids, wecomCap: row.wecom_cap, countMoments: row.count_moments,
      overdueAfterMinutes: row.overdue_after_minutes, digestTime: row.digest_time, updatedAt: row.updated_at,
    };
  }

  async updatePolicy(corpId: string, input: ContactPolicyInput): Promise<Policy> {
    const current = await this.policy(corpId);
    const next: Policy = { ...current };
    for (const [k, v] of Object.entries(input)) if (v !== undefined) (next as Record<string, unknown>)[k] = v;
    if ((next.quietStart === null) !== (next.quietEnd === null)) {
      throw AppError.validation(next.quietStart === null ? 'quietStart' : 'quietEnd', `quiet hours need both a start and an end (or neither)`);
    }
    if (next.customerPerWeek && next.customerPerDay > next.customerPerWeek) {
      throw AppError.validation('customerPerDay', 'must not be more than customerPerWeek');
    }
    if (next.customerPerMonth && next.customerPerWeek > next.customerPerMonth) {
      throw AppError.validation('customerPerWeek', 'must not be more than customerPerMonth');
    }
    if (next.dndTagIds.length) {
      const known = await repo.liveTagIds(this.pool, corpId, next.dndTagIds);
      const bad = next.dndTagIds.find((id) => !known.has(id));
      if (bad) throw AppError.validation('dndTagIds', `tag ${bad} not found`);
    }
    await repo.upsertPolicy(this.pool, corpId, next);
    return this.policy(corpId);
  }

  /** Plans (or, with `dryRun`, only decides) every target; chunks of 5,000 targets, each one transaction. */
  async plan(req: PlanRequest, opts: { dryRun?: boolean; phases?: Record<string, number> } = {}): Promise<PlanOutcome[]> {
    const phase = (name: string, since: number) => { if (opts.phases) opts.phases[name] = (opts.phases[name] ?? 0) + Date.now() - since; };
    const [policy, tz] = await Promise.all([this.policy(req.corpId), corpZone(this.pool, req.corpId)]);
    const quiet = req.quietAction ?? policy.quietAction;
    const hash = contentHash(req.content);
    const preview = contentPreview(req.content);
    const group = req.targetKind === 'group';
    // WeCom's own cap period follows the request's time (every target of one request is in one period, or close to it).
    const cap = wecomCapFor(policy.wecomCap, req.at, tz);
    const seen = new Set<string>();
    // In key order: heads are inserted and locked in it, so planners of overlapping audiences never wait in a circle.
    const targets = req.targets.filter((t) => (seen.has(t.targetId) ? false : (seen.add(t.targetId), true)))
      .sort((a, b) => (a.targetId < b.targetId ? -1 : a.targetId > b.targetId ? 1 : 0));
    const chunks: PlanTarget[][] = [];
    for (let i = 0; i < targets.length; i += CHUNK) chunks.push(targets.slice(i, i + CHUNK));
    // Chunks hold disjoint targets: a few run at once (each its own transaction; locks never overlap).
    const results = await mapLimit(chunks, opts.dryRun ? 2 : 3, async (part) => {
      const ats: Date[] = [];
      const pre: (SkipReason | null)[] = [];
      for (const t of part) {
        const at = t.at ?? req.at;
        const moved = req.override ? at : adjustForQuiet(at, policy, tz, quiet);
        ats.push(moved ?? at);
        pre.push(t.reason ?? (moved ? null : 'quiet_hours'));
      }
      const chunk: repo.PlanChunk = {
        corpId: req.corpId, targetKind: req.targetKind, channel: req.channel, via: req.via, sourceKind: req.sourceKind, sourceId: req.sourceId,
        contentHash: hash, preview, tz, ids: part.map((t) => t.targetId), staff: part.map((t) => t.staffUserid), at: ats,
        refs: part.map((t) => t.ref ?? ''), preReasons: pre,
        limits: {
          day: group ? policy.groupPerDay : policy.customerPerDay,
          week: group ? policy.groupPerWeek : policy.customerPerWeek,
          month: group ? 0 : policy.customerPerMonth,
          gapMinutes: policy.minGapMinutes, dedupeDays: policy.dedupeDays, wecomMax: cap.max, wecomUnit: cap.unit,
        },
        dndTagIds: policy.dndTagIds,
        override: req.override ?? null,
      };
      // JIT compiling the deciding statement costs more than running it (it is planned per chunk).
      let t = Date.now();
      const rows = await withTransaction(this.pool, (db) => repo.planChunk(db, chunk, !!opts.dryRun), 'BEGIN; SET LOCAL jit = off');
      phase('ledger_ms', t);
      t = Date.now();
      // Skipped attempts reach the customers' timelines too (with the reason): one statement for the chunk, after its
      // locks are gone. A retry of the plan gets the same rows back and fills in what a crash here left out.
      if (!opts.dryRun && req.targetKind === 'customer') {
        await repo.timelineForSkipped(this.pool, req.corpId, rows.filter((r) => r.status === 'skipped' && r.id !== null).map((r) => Number(r.id)));
      }
      phase('timeline_ms', t);
      return rows.map((r): PlanOutcome => ({ targetId: r.target_id, ledgerId: r.id, status: r.status, reason: r.reason, at: r.at }));
    });
    return results.flat();
  }

  /** Who would be skipped and why (nothing written). */
  async preview(req: PlanRequest, names: (ids: string[]) => Promise<Map<string, string>>): Promise<GovernancePreviewOutput> {
    const outcomes = await this.plan({ ...req, sourceKind: 'preview', sourceId: null }, { dryRun: true });
    const counts = new Map<SkipReason, number>();
    const skipped = outcomes.filter((o) => o.status === 'skipped');
    for (const o of skipped) counts.set(o.reason!, (counts.get(o.reason!) ?? 0) + 1);
    const sampleIds = skipped.slice(0, 20);
    const nameOf = await names(sampleIds.map((o) => o.targetId));
    const planned = outcomes.filter((o) => o.status === 'planned');
    return {
      audience: outcomes.length,
      planned: planned.length,
      skipped: [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
      samples: sampleIds.map((o) => ({ targetId: o.targetId, name: nameOf.get(o.targetId) ?? o.targetId, reason: o.reason! })),
      sendAt: planned.length ? new Date(Math.min(...planned.slice(0, 1000).map((o) => o.at.getTime()))) : null,
    };
  }

  /** Settles planned attempts; delivered ones reach the customers' timelines. */
  async settle(corpId: string, ledgerIds: number[], status: 'sent' | 'released' | 'failed', at?: Date | null): Promise<number> {
    let n = 0;
    for (let i = 0; i < ledgerIds.length; i += CHUNK) {
      const part = ledgerIds.slice(i, i + CHUNK);
      n += await this.tx(async (db) => {
        const rows = await repo.settleIds(db, corpId, part, status, at);
        if (status === 'sent') await repo.timelineForSent(db, corpId, rows);
        return rows.length;
      });
    }
    return n;
  }

  /** Records deliveries Pond did not plan (a mass send made in WeCom, read back): they count against the budget. */
  async recordSent(c: { corpId: string; targetKind: 'customer' | 'group'; channel: ContactChannel; via: ContactVia; sourceKind: string; sourceId: number | null; staffUserid: string | null; content: Content; targets: { targetId: string; at: Date }[] }): Promise<number> {
    let n = 0;
    for (let i = 0; i < c.targets.length; i += CHUNK) {
      const part = c.targets.slice(i, i + CHUNK);
      n += await this.tx(async (db) => {
        const rows = await repo.insertSent(db, { ...c, contentHash: contentHash(c.content), preview: contentPreview(c.content), ids: part.map((t) => t.targetId), at: part.map((t) => t.at) });
        await repo.timelineForSent(db, c.corpId, rows);
        return rows.length;
      });
    }
    return n;
  }

  async ledger(corpId: string, scope: Scope, externalUserid: string, q: LedgerQuery & { limit: number; offset: number }): Promise<{ items: LedgerEntryOutput[]; total: number }> {
    const { rows, total } = await repo.ledgerPage(this.pool, corpId, 'customer', externalUserid, q,
      (p) => (scope.staffUserid || scope.storeIds ? `(l.staff_userid IS NULL OR ${staffUseridVisibleSql(scope, p, 'l.staff_userid', 'l.corp_id')})` : 'true'));
    return {
      total,
      items: rows.map((r) => ({
        id: r.id, targetKind: r.target_kind, targetId: r.target_id, channel: r.channel, via: r.via, sourceKind: r.source_kind, sourceId: r.source_id,
        sourceName: r.source_name, staffUserid: r.staff_userid, staffName: r.staff_name, at: r.at, status: r.status, reason: r.reason,
        preview: r.preview, override: r.override_by ? { by: r.override_by, reason: r.override_reason ?? '' } : null,
      })),
    };
  }

  async budget(corpId: string, externalUserid: string): Promise<BudgetStateOutput> {
    const [policy, tz] = await Promise.all([this.policy(corpId), corpZone(this.pool, corpId)]);
    const cap = wecomCapFor(policy.wecomCap, new Date(), tz);
    const [c, dnd] = await Promise.all([
      repo.budgetCounts(this.pool, corpId, 'customer', externalUserid, tz, cap.unit),
      repo.customerHasTags(this.pool, corpId, externalUserid, policy.dndTagIds),
    ]);
    const next = c.last && policy.minGapMinutes ? new Date(c.last.getTime() + policy.minGapMinutes * 60_000) : null;
    return {
      dnd, today: c.day, week: c.week, month: c.month, wecomMassThisPeriod: c.wecom,
      limits: { day: policy.customerPerDay, week: policy.customerPerWeek, month: policy.customerPerMonth, wecom: cap.max },
      nextAllowedAt: next && next > new Date() ? next : null,
    };
  }

  private tx<T>(fn: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, fn);
  }
}

