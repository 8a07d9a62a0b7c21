// The due-step scheduler: each pass claims due runs (FOR UPDATE SKIP LOCKED, with a lease), asks the contact budget
// for every target of a step at once, then makes the staff tasks (idempotent by the run's key) or issues the mass sends
// (one add_msg_template per sender, step and pass; one per customer when the text names the customer), and records
// each run's outcome. A run is moved on only by the pass that holds its claim and only while it is open, so however
// many passes run at once, a step is delivered once per target. Mass sends are then read back from WeCom
// (get_groupmsg_task, get_groupmsg_send_result) and each run settled as sent, failed or skipped.
import { randomUUID } from 'node:crypto';
import { WecomError, type AddMsgTemplateRequest } from '@pond/wecom';
import type { GroupAudience, RunReason, RunStatus } from '@pond/contracts/playbooks';
import type { NewTask } from '../tasks';
import type { CorpService } from '../org';
import { toWecomAttachments } from '../welcome';
import { findMassSend } from '../broadcasts';
import type { Row } from '../../platform/db/rows';
import * as repo from './repo';
import { fillText, perCustomer } from './schedule';
import type { PlaybookDeps, PlaybookService } from './service';

/** A claim lasts this long: a pass that dies holding runs gives them to the next pass after it. */
const LEASE_MS = 5 * 60_000;
/** A run first picked up this long after it fell due (a stopped server, a paused playbook) is skipped as missed. */
export const MISSED_AFTER_MS = 24 * 3_600_000;
/** An issued mass send the staff member has not confirmed in this long is given up. */
const CONFIRM_WITHIN_MS = 3 * 86_400_000;
/** A mass send left 'issuing' this long (its pass died during the call, or the call got no answer) is settled from WeCom's list. */
const ISSUING_STALE_MS = 10 * 60_000;

const RESULT: Record<number, { status: RunStatus; reason: RunReason | null }> = {
  1: { status: 'sent', reason: null },
  2: { status: 'failed', reason: 'not_friend' },
  3: { status: 'failed', reason: 'over_wecom_cap' },
  0: { status: 'skipped', reason: 'staff_skipped' },
};

export interface DeliverTotals { claimed: number; tasks: number; massSends: number; massRuns: number; skipped: number; planned: number }

interface Ready { run: repo.RunRow; owner: string; ledgerId: number | null; sendAt: Date }

export function matchesAudience(a: GroupAudience | null, g: { group_tier: string | null; group_labels: string[] | null }, chatId: string): boolean {
  if (!a) return false;
  return (!!g.group_tier && a.tiers.includes(g.group_tier)) || (g.group_labels ?? []).some((l) => a.labels.includes(l)) || a.chatIds.includes(chatId);
}

/** The task's idempotency key (a run's prefix is its enrolment's, so an exit cancels them all). */
export const taskKey = (run: Pick<repo.RunRow, 'id' | 'enrolment_id'>) => (run.enrolment_id ? `playbook:e${run.enrolment_id}:r${run.id}:` : `playbook:g${run.id}:`);
const RUN_OF_KEY = /^playbook:(?:e\d+:r|g)(\d+):$/;

export class PlaybookScheduler {
  constructor(private readonly d: PlaybookDeps, private readonly svc: PlaybookService, private readonly corps: Pick<CorpService, 'client'>) {}

  private get pool() { return this.d.pool; }

  /** Delivers every run due by `now`, in batches; concurrent passes share the work. */
  async deliverDue(now = new Date(), opts: { batch?: number; maxBatches?: number } = {}): Promise<DeliverTotals> {
    const totals: DeliverTotals = { claimed: 0, tasks: 0, massSends: 0, massRuns: 0, skipped: 0, planned: 0 };
    for (let i = 0; i < (opts.maxBatches ?? 1000); i++) {
      const token = randomUUID();
      const runs = await repo.claimDue(this.pool, now, token, opts.batch ?? 5000, LEASE_MS);
      if (!runs.length) break;
      totals.claimed += runs.length;
      try {
        await this.process(runs, token, now, totals);
      } finally {
        await repo.releaseClaims(this.pool, token);
      }
    }
    return totals;
  }

  private async process(runs: repo.RunRow[], token: string, now: Date, totals: DeliverTotals): Promise<void> {
    const ctx = new Map((await repo.runContexts(this.pool, runs.map((r) => r.id))).map((c) => [c.id, c]));
    const pbs = new Map((await repo.playbooksByIds(this.pool, [...new Set(runs.map((r) => r.playbook_id))])).map((p) => [p.id, p]));
    const steps = new Map((await repo.stepsOf(this.pool, [...pbs.keys()], { withDeleted: true })).map((s) => [s.id, s]));
    const updates: repo.RunUpdate[] = [];
    const toPlan = new Map<number, { run: repo.RunRow; owner: string }[]>();
    const ready: Ready[] = [];
    for (const run of runs) {
      const c = ctx.get(run.id);
      const pb = pbs.get(run.playbook_id);
      const step = steps.get(run.step_id);
      if (!c || !pb || !step) continue;
      if (step.deleted_at) { updates.push({ id: run.id, status: 'skipped', reason: 'step_removed' }); continue; }
      if (run.status === 'planned') {
        // A mass send that waited out quiet hours: its budget is reserved.
        if (!c.reachable || !c.owner) updates.push({ id: run.id, status: 'failed', reason: run.target_kind === 'customer' ? 'no_relation' : 'excluded' });
        else ready.push({ run, owner: c.owner, ledgerId: run.ledger_id, sendAt: run.send_at ?? now });
        continue;
      }
      if (run.target_kind === 'customer' && c.enrolment_active === false) updates.push({ id: run.id, status: 'skipped', reason: 'exited' });
      else if (run.due_at.getTime() < now.getTime() - MISSED_AFTER_MS) updates.push({ id: run.id, status: 'skipped', reason: 'missed' });
      else if (!c.reachable || !c.owner) updates.push({ id: run.id, status: 'skipped', reason: run.target_kind === 'customer' ? 'no_relation' : 'excluded' });
      else if (run.target_kind === 'group' && !matchesAudience(pb.audience, c, run.target_id)) updates.push({ id: run.id, status: 'skipped', reason: 'excluded' });
      else {
        const list = toPlan.get(step.id) ?? [];
        list.push({ run, owner: c.owner });
        toPlan.set(step.id, list);
      }
    }
    const tasksByCorp = new Map<string, { task: NewTask; upd: repo.RunUpdate }[]>();
    for (const [stepId, items] of toPlan) {
      const step = steps.get(stepId)!;
      const pb = pbs.get(step.playbook_id)!;
      const outcomes = await this.d.governance.plan({
        corpId: pb.corp_id, targetKind: pb.kind, channel: 'playbook', via: step.delivery === 'mass' ? 'mass' : 'chat', sourceKind: 'playbook', sourceId: pb.id,
        content: step.content, at: now, quietAction: pb.quiet_action,
        targets: items.map((x) => ({ targetId: x.run.target_id, staffUserid: x.owner, at: x.run.due_at > now ? x.run.due_at : now, ref: `${step.id}:${x.run.occurrence}` })),
      });
      const byTarget = new Map(outcomes.map((o) => [o.targetId, o]));
      for (const x of items) {
        const o = byTarget.get(x.run.target_id);
        if (!o) continue;
        if (o.status === 'skipped') { updates.push({ id: x.run.id, status: 'skipped', reason: o.reason ?? 'excluded', ledgerId: o.ledgerId }); continue; }
        if (o.status === 'released' || o.status === 'failed') { updates.push({ id: x.run.id, status: 'skipped', reason: 'cancelled', ledgerId: o.ledgerId }); continue; }
        totals.planned++;
        if (step.delivery === 'task') {
          const task: NewTask = {
            kind: 'send', ownerUserid: x.owner, dueAt: o.at, targetKind: pb.kind, externalUserid: pb.kind === 'customer' ? x.run.target_id : null,
            chatId: pb.kind === 'group' ? x.run.target_id : null, content: step.content, sourceKind: 'playbook', sourceId: pb.id,
            sourceName: `${pb.name} · ${step.name}`, ledgerId: o.ledgerId, dedupeKey: taskKey(x.run),
          };
          const list = tasksByCorp.get(pb.corp_id) ?? [];
          list.push({ task, upd: { id: x.run.id, status: 'task_created', ledgerId: o.ledgerId, sendAt: o.at, owner: x.owner } });
          tasksByCorp.set(pb.corp_id, list);
        } else if (o.at > now) {
          updates.push({ id: x.run.id, status: 'planned', ledgerId: o.ledgerId, sendAt: o.at, owner: x.owner });
        } else {
          ready.push({ run: x.run, owner: x.owner, ledgerId: o.ledgerId, sendAt: o.at });
        }
      }
    }
    // Skips and waits first (their budget released), so nothing below depends on them.
    await this.apply(token, updates, totals);
    for (const [corpId, list] of tasksByCorp) {
      for (let i = 0; i < list.length; i += 5000) {
        const part = list.slice(i, i + 5000);
        const ids = await this.d.tasks.create(corpId, part.map((x) => x.task));
        const moved = new Set(await repo.applyRunUpdates(this.pool, token, part.map((x, k) => ({ ...x.upd, taskId: ids[k] }))));
        totals.tasks += moved.size;
        // A run that ended while its task was being made (an exit) takes the task with it; one that another pass took
        // over (this pass's lease ran out) or whose task was already done keeps it.
        const lost = part.filter((x) => !moved.has(x.upd.id));
        const ended = lost.length ? await repo.endedRuns(this.pool, lost.map((x) => x.upd.id)) : new Set<number>();
        for (const x of lost) {
          if (ended.has(x.upd.id)) await this.d.tasks.endOfSource(corpId, 'playbook', x.task.sourceId!, 'cancelled', { dedupePrefix: x.task.dedupeKey! });
        }
      }
    }
    if (ready.length) await this.issueMass(ready, pbs, steps, token, now, totals);
  }

  private async apply(token: string, updates: repo.RunUpdate[], totals: DeliverTotals): Promise<void> {
    if (!updates.length) return;
    const moved = new Set(await repo.applyRunUpdates(this.pool, token, updates));
    const ended = updates.filter((u) => moved.has(u.id) && (u.status === 'skipped' || u.status === 'failed'));
    totals.skipped += ended.length;
    const byCorpLedgers = ended.filter((u) => u.ledgerId);
    if (byCorpLedgers.length) {
      // Skips by the budget wrote skipped ledger rows (nothing to release); a reserved one (a failed planned send) is released.
      const byCorp = new Map<string, number[]>();
      for (const r of await repo.ledgersOfRuns(this.pool, byCorpLedgers.map((u) => u.id))) {
        const list = byCorp.get(r.corp_id) ?? [];
        list.push(r.ledger_id);
        byCorp.set(r.corp_id, list);
      }
      for (const [corpId, ids] of byCorp) await this.d.governance.settle(corpId, ids, 'released');
    }
    await this.complete(ended.map((u) => u.id));
  }

  private async complete(runIds: number[]): Promise<void> {
    if (!runIds.length) return;
    await repo.completeEnrolments(this.pool, await repo.enrolmentsOfRuns(this.pool, runIds), new Date());
  }

  /** One add_msg_template per (step, sender) for up to 10,000 customers or 2,000 groups; per customer when the text names them. */
  private async issueMass(ready: Ready[], pbs: Map<number, repo.PlaybookRow>, steps: Map<number, repo.StepRow>, token: string, now: Date, totals: DeliverTotals): Promise<void> {
    const groups = new Map<string, Ready[]>();
    // Placeholders: every sender's name and store, every named customer's name, each read once.
    const bySender = new Map<string, Map<string, { staff: string; store: string }>>();
    const nicknames = new Map<string, Map<string, string>>();
    for (const corpId of new Set(ready.map((r) => r.run.corp_id))) {
      const mine = ready.filter((r) => r.run.corp_id === corpId);
      bySender.set(corpId, await repo.senderNames(this.pool, corpId, [...new Set(mine.map((r) => r.owner))]));
      const named = mine.filter((r) => r.run.target_kind === 'customer' && perCustomer(steps.get(r.run.step_id)!.content));
      nicknames.set(corpId, await repo.customerNicknames(this.pool, corpId, named.map((r) => ({ ext: r.run.target_id, userid: r.owner }))));
    }
    for (const r of ready) {
      const step = steps.get(r.run.step_id)!;
      const key = `${r.run.step_id}\u0000${r.owner}\u0000${r.run.target_kind === 'customer' && perCustomer(step.content) ? r.run.target_id : ''}`;
      const list = groups.get(key) ?? [];
      list.push(r);
      groups.set(key, list);
    }
    // One send per (step, sender[, customer]) and up to 10,000 customers or 2,000 groups; their rows made in one statement.
    const sends: { step: repo.StepRow; pb: repo.PlaybookRow; sender: string; single: boolean; part: Ready[] }[] = [];
    for (const list of groups.values()) {
      const step = steps.get(list[0].run.step_id)!;
      const pb = pbs.get(step.playbook_id)!;
      const single = pb.kind === 'customer';
      const max = single ? 10_000 : 2000;
      for (let i = 0; i < list.length; i += max) sends.push({ step, pb, sender: list[i].owner, single, part: list.slice(i, i + max) });
    }
    const massIds = await repo.insertMassSends(this.pool, sends.map((x) => ({
      corpId: x.pb.corp_id, playbookId: x.pb.id, stepId: x.step.id, sender: x.sender, chatType: x.single ? 'single' as const : 'group' as const, count: x.part.length,
    })));
    // Marked before the calls: a pass that dies during one leaves the runs with the send (at most once), never re-issued.
    const moved = new Set(await repo.applyRunUpdates(this.pool, token, sends.flatMap((x, k) => x.part.map((r) => ({
      id: r.run.id, status: 'task_created' as const, massSendId: massIds[k], ledgerId: r.ledgerId, sendAt: r.sendAt, owner: r.owner,
    })))));
    const finished: { id: number; status: 'issued' | 'failed'; msgid?: string | null; error?: string | null }[] = [];
    const confirms = new Map<string, NewTask[]>();
    for (const [k, { step, pb, sender, single, part }] of sends.entries()) {
      const massId = massIds[k];
      const targets = part.filter((r) => moved.has(r.run.id)).map((r) => r.run.target_id);
      if (!targets.length) { finished.push({ id: massId, status: 'failed', error: 'no target left' }); continue; }
      const names = bySender.get(pb.corp_id)?.get(sender) ?? { staff: '', store: '' };
      const nickname = single && perCustomer(step.content) ? nicknames.get(pb.corp_id)?.get(targets[0]) ?? '' : undefined;
      const text = fillText(step.content.text, { ...names, nickname }).trim();
      const req: AddMsgTemplateRequest = {
        chat_type: single ? 'single' : 'group', sender, ...(single ? { external_userid: targets } : { chat_id_list: targets }),
        ...(text ? { text: { content: text } } : {}), ...(step.content.attachments.length ? { attachments: toWecomAttachments(step.content.attachments) } : {}),
      };
      try {
        const client = await this.corps.client(pb.corp_id);
        const res = await client.addMsgTemplate(req);
        finished.push({ id: massId, status: 'issued', msgid: res.msgid });
        totals.massSends++;
        totals.massRuns += targets.length;
        const failed = (res.fail_list ?? []).filter((t) => targets.includes(t));
        if (failed.length) await this.settle(pb.corp_id, massId, failed.map((t) => ({ target: t, status: 'failed' as const, reason: 'not_friend' as const, at: null })));
        const list = confirms.get(pb.corp_id) ?? [];
        list.push({
          kind: 'confirm_mass', ownerUserid: sender, dueAt: now, targetKind: 'none', content: step.content, sourceKind: 'playbook', sourceId: pb.id,
          sourceName: `${pb.name} · ${step.name}`, dedupeKey: `playbook:mass:${massId}:`,
        });
        confirms.set(pb.corp_id, list);
      } catch (err) {
        if (!(err instanceof WecomError)) throw err;
        if (err.kind !== 'api') {
          // No answer (a timeout, a dropped connection): WeCom may have made it. Left issuing, its runs with it; once stale it
          // is adopted from WeCom's own list (findMassSend, as broadcasts do) or failed — never called twice.
          this.d.log.warn({ err, playbookId: pb.id, massSendId: massId }, 'playbooks: add_msg_template got no answer; will be settled from get_groupmsg_list_v2');
          continue;
        }
        this.d.log.warn({ err, playbookId: pb.id, massSendId: massId }, `playbooks: add_msg_template failed: ${err.message}`);
        finished.push({ id: massId, status: 'failed', error: `${err.errcode} ${err.message}`.slice(0, 500) });
        await this.settle(pb.corp_id, massId, targets.map((t) => ({ target: t, status: 'failed' as const, reason: 'wecom_error' as const, at: null })));
      }
    }
    await repo.finishMassSends(this.pool, finished, now);
    // The staff member is asked to confirm each send in WeCom (a task; done when the send is read back confirmed).
    for (const [corpId, list] of confirms) await this.d.tasks.create(corpId, list);
  }

  /** Settles a mass send's runs and their ledger rows (sent: on the customer's timeline; otherwise released or failed). */
  private async settle(corpId: string, massId: number, results: { target: string; status: RunStatus; reason: RunReason | null; at: Date | null }[]): Promise<void> {
    const runs = await repo.settleMassRuns(this.pool, massId, results);
    const sentAt = new Map<number, number[]>();
    const failed: number[] = [];
    const released: number[] = [];
    for (const r of runs) {
      if (!r.ledger_id) continue;
      if (r.status === 'sent') {
        const k = r.sent_at?.getTime() ?? Date.now();
        const list = sentAt.get(k) ?? [];
        list.push(r.ledger_id);
        sentAt.set(k, list);
      }
      else if (r.status === 'failed') failed.push(r.ledger_id);
      else released.push(r.ledger_id);
    }
    for (const [at, ids] of sentAt) await this.d.governance.settle(corpId, ids, 'sent', new Date(at));
    if (failed.length) await this.d.governance.settle(corpId, failed, 'failed');
    if (released.length) await this.d.governance.settle(corpId, released, 'released');
    await repo.completeEnrolments(this.pool, [...new Set(runs.map((r) => r.enrolment_id).filter((x): x is number => !!x))], new Date());
  }

  /**
   * A mass send left issuing (its pass died, or the call got no answer): WeCom may have made it. Found in WeCom's list
   * (same sender, content and window, no other send's) it is adopted — issued, the sender asked to confirm it; else
   * failed and its runs released. Never called again: at most once.
   */
  private async settleStale(s: Row<'playbook_mass_sends'>, now: Date): Promise<void> {
    const open = await repo.openMassRunTargets(this.pool, s.id);
    let msgid: string | null = null;
    const step = (await repo.stepsOf(this.pool, [s.playbook_id], { withDeleted: true })).find((x) => x.id === s.step_id);
    const [pb] = await repo.playbooksByIds(this.pool, [s.playbook_id]);
    if (step && pb) {
      const names = (await repo.senderNames(this.pool, s.corp_id, [s.sender_userid])).get(s.sender_userid) ?? { staff: '', store: '' };
      const nickname = s.chat_type === 'single' && perCustomer(step.content) && open[0]
        ? (await repo.customerNicknames(this.pool, s.corp_id, [{ ext: open[0], userid: s.sender_userid }])).get(open[0]) ?? '' : undefined;
      try {
        msgid = await findMassSend(this.pool, await this.corps.client(s.corp_id), s.corp_id, {
          chatType: s.chat_type, sender: s.sender_userid, text: fillText(step.content.text, { ...names, nickname }).trim(),
          attachmentTypes: step.content.attachments.map((a) => a.msgtype), since: s.created_at,
        });
      } catch (err) {
        // WeCom's list could not be read: try again at the next pass rather than guess.
        this.d.log.warn({ err, massSendId: s.id }, 'playbooks: reading get_groupmsg_list_v2 for a stale mass send failed');
        return;
      }
    }
    if (msgid && step && pb) {
      if (!(await repo.settleStaleIssuing(this.pool, s.id, { msgid, at: now }))) return;
      await this.d.tasks.create(s.corp_id, [{
        kind: 'confirm_mass', ownerUserid: s.sender_userid, dueAt: now, targetKind: 'none', content: step.content, sourceKind: 'playbook', sourceId: pb.id,
        sourceName: `${pb.name} · ${step.name}`, dedupeKey: `playbook:mass:${s.id}:`,
      }]);
      return;
    }
    if (!(await repo.settleStaleIssuing(this.pool, s.id, { error: 'interrupted while issuing; not found in WeCom' }))) return;
    await this.settle(s.corp_id, s.id, open.map((t) => ({ target: t, status: 'failed' as const, reason: 'wecom_error' as const, at: null })));
  }

  /** Reads issued mass sends back from WeCom: confirmed → each target sent / not a friend / over WeCom's cap. */
  async pollMassSends(now = new Date()): Promise<{ polled: number; settled: number }> {
    let polled = 0;
    let settled = 0;
    for (const s of await repo.staleIssuing(this.pool, new Date(now.getTime() - ISSUING_STALE_MS), 50)) await this.settleStale(s, now);
    for (const s of await repo.massSendsToPoll(this.pool, now, 200)) {
      polled++;
      try {
        const client = await this.corps.client(s.corp_id);
        let confirmed = false;
        for await (const t of client.iterateGroupmsgTask(s.msgid!)) if (t.userid === s.sender_userid && t.status === 2) confirmed = true;
        if (confirmed) {
          const results: { target: string; status: RunStatus; reason: RunReason | null; at: Date | null }[] = [];
          for await (const r of client.iterateGroupmsgSendResult(s.msgid!, s.sender_userid)) {
            const target = r.external_userid ?? r.chat_id;
            const m = RESULT[r.status] ?? RESULT[0];
            if (target) results.push({ target, ...m, at: m.status === 'sent' ? new Date((r.send_time ?? Math.floor(now.getTime() / 1000)) * 1000) : null });
          }
          const seen = new Set(results.map((r) => r.target));
          for (const t of await repo.openMassRunTargets(this.pool, s.id)) if (!seen.has(t)) results.push({ target: t, status: 'skipped', reason: 'staff_skipped', at: null });
          await this.settle(s.corp_id, s.id, results);
          settled += results.length;
          await repo.finishMassSend(this.pool, s.id, { status: 'done', at: now });
          await this.d.tasks.endOfSource(s.corp_id, 'playbook', s.playbook_id, 'done', { via: 'wecom', dedupePrefix: `playbook:mass:${s.id}:` });
        } else if (s.issued_at && s.issued_at.getTime() < now.getTime() - CONFIRM_WITHIN_MS) {
          const open = await repo.openMassRunTargets(this.pool, s.id);
          await this.settle(s.corp_id, s.id, open.map((t) => ({ target: t, status: 'failed' as const, reason: 'not_confirmed' as const, at: null })));
          await repo.finishMassSend(this.pool, s.id, { status: 'done', at: now });
          await this.d.tasks.endOfSource(s.corp_id, 'playbook', s.playbook_id, 'cancelled', { dedupePrefix: `playbook:mass:${s.id}:` });
        }
      } catch (err) {
        if (!(err instanceof WecomError)) throw err;
        this.d.log.warn({ err, massSendId: s.id }, `playbooks: reading a mass send back failed: ${err.message}`);
      }
    }
    return { polled, settled };
  }

  /** A playbook task ended (from the sidebar, the task page, a cancel): its run becomes sent or skipped. */
  async onTaskEnd(task: { id: number; corp_id: string; dedupe_key: string | null; done_at: Date | null }, status: 'done' | 'skipped' | 'cancelled'): Promise<void> {
    const m = RUN_OF_KEY.exec(task.dedupe_key ?? '');
    if (!m) return;
    const run = await repo.settleRunOfTask(this.pool, task.corp_id, Number(m[1]), task.id, status, task.done_at ?? new Date());
    if (run?.enrolment_id) await repo.completeEnrolments(this.pool, [run.enrolment_id], new Date());
  }

  get service(): PlaybookService { return this.svc; }
}
