// Playbooks (SOP): definitions (validated against WeCom's content rules and the corp's tags, codes, segments),
// enrolments (triggers, by hand, CSV; one live enrolment per customer and playbook; re-entry policy; exits), and the
// reads of their results. The trigger reader (triggers.ts) and the scheduler (scheduler.ts) do the background work.
import type pg from 'pg';
import type {
  EnrolInput, EnrolResult, EnrolmentQuery, EnrolmentSource, GroupAudience, PlaybookExit, PlaybookInput, PlaybookListQuery, PlaybookOutput, PlaybookPatch,
  PlaybookStatsOutput, PlaybookStepInput, PlaybookTrigger, RunOutput, RunQuery, RunReason, SchedulePreviewInput, SchedulePreviewOutput, StepSchedule,
  UpcomingOutput,
} from '@pond/contracts/playbooks';
import { ENROL_MAX, GroupAudience as GroupAudienceSchema, PlaybookExit as PlaybookExitSchema, PlaybookTrigger as PlaybookTriggerSchema, StepSchedule as StepScheduleSchema } from '@pond/contracts/playbooks';
import type { Scope } from '../../platform/auth';
import { withTransaction } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { parseCsv } from '../../platform/csv-parse';
import type { Logger } from '../../platform/log';
import { corpZone } from '../../platform/time';
import type { GovernanceService } from '../governance';
import { adjustForQuiet } from '../governance';
import type { TaskService } from '../tasks';
import { validateContentAt } from '../welcome';
import { materializeGroupRuns } from './calendar';
import * as repo from './repo';
import { customerStepDue, nextOccurrences } from './schedule';

export interface PlaybookDeps {
  pool: pg.Pool;
  governance: GovernanceService;
  tasks: TaskService;
  log: Logger;
}

const CORP_SCOPE = (corpId: string): Scope => ({ corpId, storeIds: null, staffUserid: null, principalKey: 'system:playbooks' });

export function toPlaybook(pb: repo.PlaybookRow, steps: repo.StepRow[], counts: repo.EnrolmentCounts): PlaybookOutput {
  return {
    id: pb.id, kind: pb.kind, name: pb.name, description: pb.description, status: pb.status, trigger: pb.trigger, audience: pb.audience, exits: pb.exits,
    reentry: pb.reentry, quietAction: pb.quiet_action,
    steps: steps.map((s) => ({
      id: s.id, position: s.position, name: s.name, day: s.day, time: s.time, offsetMinutes: s.offset_minutes, schedule: s.schedule, content: s.content, delivery: s.delivery,
    })),
    enrolments: counts, activatedAt: pb.activated_at, createdAt: pb.created_at, updatedAt: pb.updated_at,
  };
}

export class PlaybookService {
  constructor(private readonly d: PlaybookDeps) {}

  private get pool() { return this.d.pool; }

  // ---- definitions ----

  async list(scope: Scope, q: PlaybookListQuery) {
    const rows = await repo.listPlaybooks(this.pool, scope, q);
    const counts = await repo.enrolmentCounts(this.pool, scope, rows.map((r) => r.id));
    return {
      items: rows.map((r) => ({
        id: r.id, kind: r.kind, name: r.name, status: r.status, triggerType: r.trigger?.type ?? null, stepCount: r.step_count,
        enrolments: counts.get(r.id) ?? { active: 0, completed: 0, exited: 0 }, sent: r.sent, delivered: r.delivered, updatedAt: r.updated_at,
      })),
    };
  }

  async get(scope: Scope, id: number): Promise<PlaybookOutput> {
    const pb = await repo.getPlaybook(this.pool, scope.corpId, id);
    if (!pb) throw AppError.notFound(`playbook ${id}`);
    const [steps, counts] = await Promise.all([repo.stepsOf(this.pool, [id]), repo.enrolmentCounts(this.pool, scope, [id])]);
    return toPlaybook(pb, steps, counts.get(id) ?? { active: 0, completed: 0, exited: 0 });
  }

  async create(scope: Scope, input: PlaybookInput, by: string | null): Promise<PlaybookOutput> {
    const fields = await this.validate(scope.corpId, input.kind, { ...input, steps: input.steps }, null);
    const id = await withTransaction(this.pool, async (db) => {
      const pbId = await repo.insertPlaybook(db, scope.corpId, fields.playbook, by);
      await repo.saveSteps(db, scope.corpId, pbId, fields.steps);
      return pbId;
    });
    return this.get(scope, id);
  }

  async update(scope: Scope, id: number, patch: PlaybookPatch): Promise<PlaybookOutput> {
    const pb = await repo.getPlaybook(this.pool, scope.corpId, id);
    if (!pb) throw AppError.notFound(`playbook ${id}`);
    if (pb.status === 'archived') throw new AppError('conflict', `playbook ${id} is archived`);
    const current = await repo.stepsOf(this.pool, [id]);
    const merged: PlaybookInput = {
      kind: pb.kind, name: patch.name ?? pb.name, description: patch.description ?? pb.description, trigger: patch.trigger ?? pb.trigger ?? undefined,
      audience: patch.audience ?? pb.audience ?? undefined, exits: patch.exits ?? pb.exits, reentry: patch.reentry ?? pb.reentry, quietAction: patch.quietAction ?? pb.quiet_action,
      steps: patch.steps ?? current.map((s) => ({ id: s.id, name: s.name, day: s.day ?? undefined, time: s.time, offsetMinutes: s.offset_minutes ?? undefined, schedule: s.schedule ?? undefined, content: s.content, delivery: s.delivery })),
    };
    const live = new Set(current.map((s) => s.id));
    const fields = await this.validate(scope.corpId, pb.kind, merged, live);
    const released = await withTransaction(this.pool, async (db) => {
      await repo.getPlaybook(db, scope.corpId, id, { forUpdate: true });
      await repo.updatePlaybook(db, scope.corpId, id, fields.playbook);
      if (!patch.steps) return [];
      const removed = await repo.saveSteps(db, scope.corpId, id, fields.steps);
      const skipped = removed.length ? await repo.skipOpenRuns(db, { stepIds: removed }, 'step_removed') : [];
      if (pb.kind === 'customer') await repo.resyncCustomerRuns(db, scope.corpId, id);
      else await repo.resyncGroupRuns(db, scope.corpId, id);
      return skipped;
    });
    await this.release(scope.corpId, released);
    const after = await repo.getPlaybook(this.pool, scope.corpId, id);
    if (after && (patch.steps || patch.audience)) await materializeGroupRuns(this.pool, after, new Date());
    return this.get(scope, id);
  }

  /** Starts (or resumes) it: triggers enrol from now on, due steps go out. */
  async activate(scope: Scope, id: number): Promise<PlaybookOutput> {
    const pb = await repo.getPlaybook(this.pool, scope.corpId, id);
    if (!pb) throw AppError.notFound(`playbook ${id}`);
    if (pb.status === 'archived') throw new AppError('conflict', `playbook ${id} is archived`);
    if (pb.status !== 'active') {
      await repo.ensureCursor(this.pool, 'events', new Date());
      // A first activation starts counting events and calendar occurrences now; a resumed one too (a pause stops triggers).
      await repo.setStatus(this.pool, scope.corpId, id, 'active', true);
      const now = await repo.getPlaybook(this.pool, scope.corpId, id);
      if (now) await materializeGroupRuns(this.pool, now, new Date());
    }
    return this.get(scope, id);
  }

  async pause(scope: Scope, id: number): Promise<PlaybookOutput> {
    const pb = await repo.getPlaybook(this.pool, scope.corpId, id);
    if (!pb) throw AppError.notFound(`playbook ${id}`);
    if (pb.status !== 'active') throw new AppError('conflict', `playbook ${id} is ${pb.status}: only an active playbook can be paused`);
    await repo.setStatus(this.pool, scope.corpId, id, 'paused', false);
    return this.get(scope, id);
  }

  /** Archives it: live enrolments exit, waiting steps are skipped, open tasks cancelled. */
  async archive(scope: Scope, id: number): Promise<PlaybookOutput> {
    const pb = await repo.getPlaybook(this.pool, scope.corpId, id);
    if (!pb) throw AppError.notFound(`playbook ${id}`);
    if (pb.status !== 'archived') {
      await repo.setStatus(this.pool, scope.corpId, id, 'archived', false);
      const ids = await repo.activeEnrolmentIds(this.pool, scope.corpId, id, null);
      for (let i = 0; i < ids.length; i += 5000) await this.exitIds(scope.corpId, ids.slice(i, i + 5000), 'archived', new Date());
      const skipped = await repo.skipOpenRuns(this.pool, { playbookId: id }, 'archived');
      await this.release(scope.corpId, skipped);
      await this.d.tasks.endOfSource(scope.corpId, 'playbook', id, 'cancelled');
    }
    return this.get(scope, id);
  }

  private async validate(corpId: string, kind: 'customer' | 'group', input: PlaybookInput, liveSteps: Set<number> | null): Promise<{ playbook: repo.PlaybookFields; steps: repo.StepFields[] }> {
    let trigger: PlaybookTrigger | null = null;
    let audience: GroupAudience | null = null;
    if (kind === 'customer') {
      if (input.audience) throw AppError.validation('audience', 'is for group playbooks');
      if (!input.trigger) throw AppError.validation('trigger', 'is required for a customer playbook');
      trigger = PlaybookTriggerSchema.parse(input.trigger);
      if (trigger.type === 'segment' && !(await repo.segmentExists(this.pool, corpId, trigger.segmentId))) {
        throw AppError.validation('trigger.segmentId', `no segment ${trigger.segmentId}`);
      }
    } else {
      if (input.trigger) throw AppError.validation('trigger', 'is for customer playbooks (a group playbook runs on its calendar)');
      audience = GroupAudienceSchema.parse(input.audience ?? {});
      if (!audience.tiers.length && !audience.labels.length && !audience.chatIds.length) {
        throw AppError.validation('audience', 'name at least one tier, label or group');
      }
      if (input.exits?.length) throw AppError.validation('exits', 'are for customer playbooks');
    }
    const exits: PlaybookExit[] = (input.exits ?? []).map((e) => PlaybookExitSchema.parse(e));
    const others = exits.flatMap((e) => (e.type === 'enrolled_elsewhere' ? e.playbookIds : []));
    if (others.length) {
      const known = await repo.otherPlaybookIds(this.pool, corpId, others);
      const i = exits.findIndex((e) => e.type === 'enrolled_elsewhere' && e.playbookIds.some((x) => !known.has(x)));
      if (i >= 0) throw AppError.validation(`exits.${i}.playbookIds`, 'names a playbook that does not exist');
    }
    const steps = input.steps.map((s, i) => this.validateStep(kind, s, i, liveSteps));
    const seen = new Set<number>();
    for (const [i, s] of steps.entries()) {
      if (s.id && seen.has(s.id)) throw AppError.validation(`steps.${i}.id`, 'is listed twice');
      if (s.id) seen.add(s.id);
    }
    return {
      playbook: {
        kind, name: input.name.trim(), description: input.description ?? '', trigger, audience, exits,
        reentry: input.reentry ?? 'never', quietAction: input.quietAction ?? 'defer',
      },
      steps,
    };
  }

  private validateStep(kind: 'customer' | 'group', s: PlaybookStepInput, i: number, liveSteps: Set<number> | null): repo.StepFields {
    const at = `steps.${i}`;
    if (s.id !== undefined && !liveSteps?.has(s.id)) throw AppError.validation(`${at}.id`, `is not a step of this playbook`);
    const content = validateContentAt(s.content, `${at}.content`);
    const name = (s.name ?? '').trim() || `步骤 ${i + 1}`;
    if (kind === 'customer') {
      if (s.schedule) throw AppError.validation(`${at}.schedule`, 'is for group playbooks (customer steps use day, time or offsetMinutes)');
      if (s.day === undefined) throw AppError.validation(`${at}.day`, 'is required (0 = the day of enrolment)');
      if (s.time && s.offsetMinutes) throw AppError.validation(`${at}.offsetMinutes`, 'give either a time of day or an offset in minutes, not both');
      return { id: s.id, name, day: s.day, time: s.time ?? null, offsetMinutes: s.time ? null : (s.offsetMinutes ?? 0), schedule: null, content, delivery: s.delivery ?? 'task' };
    }
    if (s.day !== undefined || s.time || s.offsetMinutes !== undefined) throw AppError.validation(`${at}.day`, 'is for customer playbooks (group steps use schedule)');
    if (!s.schedule) throw AppError.validation(`${at}.schedule`, 'is required for a group step');
    const schedule: StepSchedule = StepScheduleSchema.parse(s.schedule);
    if (schedule.repeat === 'weekly' && !schedule.weekdays.length) throw AppError.validation(`${at}.schedule.weekdays`, 'name at least one weekday for a weekly step');
    if (schedule.repeat === 'monthly' && !schedule.monthDays.length) throw AppError.validation(`${at}.schedule.monthDays`, 'name at least one day for a monthly step');
    if (schedule.repeat === 'dates' && !schedule.dates.length) throw AppError.validation(`${at}.schedule.dates`, 'name at least one date');
    return { id: s.id, name, day: null, time: null, offsetMinutes: null, schedule, content, delivery: s.delivery ?? 'task' };
  }

  // ---- enrolment ----

  /** Enrols customers by hand or from a CSV. */
  async enrolByHand(scope: Scope, id: number, input: EnrolInput): Promise<EnrolResult> {
    const pb = await repo.getPlaybook(this.pool, scope.corpId, id);
    if (!pb) throw AppError.notFound(`playbook ${id}`);
    if (pb.kind !== 'customer') throw AppError.validation('externalUserids', 'a group playbook runs for its groups: customers are not enrolled');
    if (pb.status === 'archived') throw new AppError('conflict', `playbook ${id} is archived`);
    let ids = input.externalUserids ?? [];
    let source: EnrolmentSource = 'manual';
    if (input.csv !== undefined) {
      if (ids.length) throw AppError.validation('csv', 'send either externalUserids or csv');
      ids = csvIds(input.csv);
      source = 'csv';
    }
    ids = [...new Set(ids.map((x) => x.trim()).filter(Boolean))];
    if (!ids.length) throw AppError.validation(input.csv !== undefined ? 'csv' : 'externalUserids', 'name at least one customer');
    if (ids.length > ENROL_MAX) throw AppError.validation(input.csv !== undefined ? 'csv' : 'externalUserids', `at most ${ENROL_MAX} customers at a time (got ${ids.length})`);
    if (input.ownerUserid && !(await repo.staffExists(this.pool, scope.corpId, input.ownerUserid))) throw AppError.validation('ownerUserid', `no staff member ${input.ownerUserid}`);
    const now = new Date();
    return this.enrol(pb, ids.map((ext) => ({ ext, owner: input.ownerUserid ?? null, key: null, at: now })), source);
  }

  /**
   * Enrols candidates under the playbook's re-entry policy, in one transaction holding the playbook's enrolment lock: a
   * customer with a live enrolment is not enrolled twice (the partial unique index is the backstop), 'never' enrols a
   * customer once, 'always' restarts a live enrolment. Enrolling exits enrolments elsewhere whose playbook says so.
   */
  async enrol(pb: repo.PlaybookRow, cands: repo.Candidate[], source: EnrolmentSource): Promise<EnrolResult> {
    const skipped: EnrolResult['skipped'] = [];
    let restartIds: number[] = [];
    const out = await withTransaction(this.pool, async (db) => {
      await repo.lockPlaybookEnrolments(db, pb.id);
      const states = await repo.candidateStates(db, pb.corp_id, pb.id, cands);
      const take: { ext: string; owner: string; key: string | null; at: Date }[] = [];
      for (const s of states) {
        if (s.seen) continue; // this trigger was handled already (a re-read event)
        if (!s.known) skipped.push({ externalUserid: s.ext, reason: 'not_found' });
        else if (!s.owner) skipped.push({ externalUserid: s.ext, reason: 'no_relation' });
        else if (s.live && pb.reentry !== 'always') skipped.push({ externalUserid: s.ext, reason: 'already_enrolled' });
        else if (s.ever && !s.live && pb.reentry === 'never') skipped.push({ externalUserid: s.ext, reason: 'not_again' });
        else {
          if (s.live) restartIds.push(s.live);
          take.push({ ext: s.ext, owner: s.owner, key: s.key, at: s.at });
        }
      }
      const ended = restartIds.length ? await repo.exitEnrolments(db, restartIds, 'reentered', new Date()) : [];
      restartIds = ended.map((e) => e.id);
      const made = await repo.insertEnrolments(db, pb.corp_id, pb.id, source, take);
      const elsewhere = await repo.enrolledElsewhereExits(db, pb.corp_id, pb.id, made.map((m) => m.external_userid));
      return { made, elsewhere };
    });
    if (restartIds.length) await this.afterExit(pb.corp_id, restartIds, 'exited');
    if (out.elsewhere.length) await this.exitIds(pb.corp_id, out.elsewhere, 'enrolled_elsewhere', new Date());
    return { enrolled: out.made.length, skippedCount: skipped.length, skipped: skipped.slice(0, 100) };
  }

  /** Ends customers' live enrolments by hand. */
  async exitByHand(scope: Scope, id: number, exts: string[]): Promise<{ exited: number }> {
    const pb = await repo.getPlaybook(this.pool, scope.corpId, id);
    if (!pb) throw AppError.notFound(`playbook ${id}`);
    const ids = await repo.activeEnrolmentIds(this.pool, scope.corpId, id, exts);
    return { exited: await this.exitIds(scope.corpId, ids, 'manual', new Date()) };
  }

  /** Exits live enrolments: their waiting runs are skipped ('exited'), budget released, open tasks cancelled. */
  async exitIds(corpId: string, ids: number[], reason: string, at: Date): Promise<number> {
    if (!ids.length) return 0;
    const ended = await repo.exitEnrolments(this.pool, ids, reason, at);
    await this.afterExit(corpId, ended.map((e) => e.id), 'exited');
    return ended.length;
  }

  private async afterExit(corpId: string, enrolmentIds: number[], reason: RunReason): Promise<void> {
    if (!enrolmentIds.length) return;
    const skipped = await repo.skipOpenRuns(this.pool, { enrolmentIds }, reason);
    await this.release(corpId, skipped);
    for (const e of await repo.enrolmentPlaybooks(this.pool, enrolmentIds)) {
      await this.d.tasks.endOfSource(corpId, 'playbook', e.playbook_id, 'cancelled', { dedupePrefix: `playbook:e${e.id}:` });
    }
  }

  async release(corpId: string, runs: { ledger_id: number | null }[]): Promise<void> {
    const ids = runs.map((r) => r.ledger_id).filter((x): x is number => !!x);
    if (ids.length) await this.d.governance.settle(corpId, ids, 'released');
  }

  // ---- reads ----

  async stats(scope: Scope, id: number): Promise<PlaybookStatsOutput> {
    const pb = await repo.getPlaybook(this.pool, scope.corpId, id);
    if (!pb) throw AppError.notFound(`playbook ${id}`);
    const [funnel, reasons, staff, counts] = await Promise.all([
      repo.stepFunnel(this.pool, scope, id), repo.stepReasons(this.pool, scope, id), repo.staffCompletion(this.pool, scope, id), repo.enrolmentCounts(this.pool, scope, [id]),
    ]);
    return {
      enrolments: counts.get(id) ?? { active: 0, completed: 0, exited: 0 },
      steps: funnel.map((f) => ({
        stepId: f.step_id, position: f.position, name: f.deleted ? `${f.name}（已删除 removed）` : f.name, delivery: f.delivery,
        total: f.total, pending: f.pending, planned: f.planned, taskCreated: f.task_created, sent: f.sent, late: f.late, skipped: f.skipped, failed: f.failed, open: f.open,
        reasons: reasons.filter((r) => r.step_id === f.step_id).map((r) => ({ reason: r.reason, count: r.count })),
      })),
      staff: staff.map((s) => ({
        userid: s.userid, name: s.name ?? s.userid, reached: s.reached, sent: s.sent, late: s.late, open: s.open, skipped: s.skipped, failed: s.failed,
        completion: s.reached ? Math.round((s.sent / s.reached) * 1000) / 1000 : 0,
      })),
    };
  }

  async runs(scope: Scope, id: number, q: RunQuery & { limit: number; offset: number }): Promise<{ items: RunOutput[]; total: number }> {
    if (!(await repo.getPlaybook(this.pool, scope.corpId, id))) throw AppError.notFound(`playbook ${id}`);
    const { rows, total } = await repo.listRuns(this.pool, scope, id, { status: q.status, stepId: q.stepId === undefined ? undefined : Number(q.stepId), limit: q.limit, offset: q.offset });
    return { items: rows.map(toRun), total };
  }

  async enrolments(scope: Scope, id: number, q: EnrolmentQuery & { limit: number; offset: number }) {
    if (!(await repo.getPlaybook(this.pool, scope.corpId, id))) throw AppError.notFound(`playbook ${id}`);
    const { rows, total } = await repo.listEnrolments(this.pool, scope, id, q);
    return {
      total,
      items: rows.map((e) => ({
        id: e.id, externalUserid: e.external_userid, customerName: e.customer_name, ownerUserid: e.owner_userid, ownerName: e.owner_name, status: e.status,
        source: e.source, exitReason: e.exit_reason, enrolledAt: e.enrolled_at, endedAt: e.ended_at, sent: e.sent, steps: e.steps,
      })),
    };
  }

  /** The next sends: due runs in order (customer playbooks), or the calendar's next occurrences for its groups. */
  async upcoming(scope: Scope, id: number, limit: number): Promise<UpcomingOutput> {
    const pb = await repo.getPlaybook(this.pool, scope.corpId, id);
    if (!pb) throw AppError.notFound(`playbook ${id}`);
    if (pb.kind === 'customer') {
      const { rows } = await repo.listRuns(this.pool, scope, id, { status: 'pending', limit, offset: 0, dueOrder: true });
      return {
        items: rows.map((r) => ({
          at: r.due_at, stepId: r.step_id, stepName: r.step_name, delivery: r.delivery, targetKind: r.target_kind, targetId: r.target_id, targetName: r.target_name,
          ownerUserid: r.owner_userid, ownerName: r.owner_name,
        })),
      };
    }
    const [steps, tz] = await Promise.all([repo.stepsOf(this.pool, [id]), corpZone(this.pool, scope.corpId)]);
    const groups = (await repo.targetGroups(this.pool, pb, 2000)).filter((g) => !scope.staffUserid || g.owner_userid === scope.staffUserid);
    const visible = scope.storeIds ? await this.visibleOwners(scope, groups.map((g) => g.owner_userid ?? '')) : null;
    const mine = visible ? groups.filter((g) => visible.has(g.owner_userid ?? '')) : groups;
    const occ = steps.flatMap((s) => (s.schedule ? nextOccurrences(s.schedule, new Date(), limit, tz).map((o) => ({ step: s, at: o.at })) : []))
      .sort((a, b) => a.at.getTime() - b.at.getTime() || a.step.position - b.step.position);
    const items: UpcomingOutput['items'] = [];
    for (const o of occ) {
      for (const g of mine) {
        if (items.length >= limit) break;
        items.push({
          at: o.at, stepId: o.step.id, stepName: o.step.name, delivery: o.step.delivery, targetKind: 'group', targetId: g.chat_id, targetName: g.name,
          ownerUserid: g.owner_userid, ownerName: g.owner_name,
        });
      }
      if (items.length >= limit) break;
    }
    return { items };
  }

  private async visibleOwners(scope: Scope, owners: string[]): Promise<Set<string>> {
    return repo.visibleStaff(this.pool, scope, [...new Set(owners)]);
  }

  /** When unsaved steps would go out: for a customer enrolled at `from`, or a calendar's next occurrences (quiet hours marked). */
  async schedulePreview(corpId: string, input: SchedulePreviewInput): Promise<SchedulePreviewOutput> {
    const [tz, policy] = await Promise.all([corpZone(this.pool, corpId), this.d.governance.policy(corpId)]);
    const from = input.from ? new Date(input.from) : new Date();
    const limit = input.limit ?? 20;
    const items: SchedulePreviewOutput['items'] = [];
    for (const [i, s] of input.steps.entries()) {
      const name = (s.name ?? '').trim() || `步骤 ${i + 1}`;
      if (input.kind === 'customer') {
        if (s.day === undefined) throw AppError.validation(`steps.${i}.day`, 'is required (0 = the day of enrolment)');
        const at = customerStepDue({ day: s.day, time: s.time ?? null, offsetMinutes: s.offsetMinutes ?? 0 }, from, tz);
        items.push({ stepIndex: i, name, at, quiet: adjustForQuiet(at, policy, tz, 'defer') !== at });
      } else {
        if (!s.schedule) throw AppError.validation(`steps.${i}.schedule`, 'is required for a group step');
        const schedule = StepScheduleSchema.parse(s.schedule);
        for (const o of nextOccurrences(schedule, from, limit, tz)) items.push({ stepIndex: i, name, at: o.at, quiet: adjustForQuiet(o.at, policy, tz, 'defer') !== o.at });
      }
    }
    items.sort((a, b) => a.at.getTime() - b.at.getTime() || a.stepIndex - b.stepIndex);
    return { items: items.slice(0, limit) };
  }

  corpScope(corpId: string): Scope {
    return CORP_SCOPE(corpId);
  }
}

export function toRun(r: repo.RunListRow): RunOutput {
  return {
    id: r.id, stepId: r.step_id, stepName: r.step_name, delivery: r.delivery, targetKind: r.target_kind, targetId: r.target_id, targetName: r.target_name,
    ownerUserid: r.owner_userid, ownerName: r.owner_name, dueAt: r.due_at, sendAt: r.send_at, status: r.status, reason: r.reason, late: r.late,
    sentAt: r.sent_at, taskId: r.task_id,
  };
}

/** external_userids from a CSV: the column headed external_userid (or externalUserid, 客户ID), else the first column. */
export function csvIds(text: string): string[] {
  const rows = parseCsv(text).filter((r) => r.some((c) => c.trim() !== ''));
  if (!rows.length) return [];
  const head = rows[0].map((c) => c.trim().toLowerCase());
  let col = head.findIndex((h) => h === 'external_userid' || h === 'externaluserid' || h === '客户id');
  const body = col >= 0 ? rows.slice(1) : rows;
  if (col < 0) col = 0;
  return body.map((r) => (r[col] ?? '').trim()).filter(Boolean);
}
