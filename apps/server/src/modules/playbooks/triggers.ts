// What enrols customers and ends enrolments, detected resumably in the background.
// - Events: a cursor over customer_events (adds, tags, orders, group joins, deletions, handovers). Each pass re-reads
//   from where the cursor stood five minutes ago, so an event committed late by a long transaction is still seen;
//   everything it does is idempotent (an enrolment remembers the event that made it; exits and handovers apply to
//   enrolments as they are). One pass at a time (an advisory lock; a second pass waits for it).
// - Periodic: segment entrants (against a snapshot of the segment), customers without an order for N days, date
//   attributes (birthdays) in the corp's time zone, group calendars (runs for the next day), handover sweep.
import { randomUUID } from 'node:crypto';
import type { PlaybookExit } from '@pond/contracts/playbooks';
import { Params } from '../../platform/sql';
import { addDays, corpZone, dayIn } from '../../platform/time';
import { inSavedSegment } from '../segments';
import * as repo from './repo';
import { materializeGroupRuns } from './calendar';
import type { PlaybookDeps, PlaybookService } from './service';

/** How far back each pass re-reads: from the id the cursor stood at this long ago. An event whose transaction took its id
 * and committed within this time, less the time between passes (a minute), is still seen. */
const REREAD_MS = 5 * 60_000;
const BATCH = 5_000;

type Ev = repo.EventRow & { data: Record<string, unknown> | null };

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** Whether an event enrols into this playbook (its trigger, counted from the activation). */
export function eventTriggers(pb: repo.PlaybookRow, e: Ev): boolean {
  const t = pb.trigger;
  if (!t || !pb.activated_at || e.created_at < pb.activated_at) return false;
  const d = e.data ?? {};
  switch (t.type) {
    case 'added': {
      if (e.type !== 'customer.added' || d.source === 'sync') return false;
      if (e.occurred_at.getTime() < pb.activated_at.getTime() - 10 * 60_000) return false;
      if (!t.codeIds.length && !t.channels.length && !t.statePrefix) return true;
      const code = Number(d.codeId);
      const state = str(d.state) ?? '';
      return (t.codeIds.includes(code)) || (!!str(d.channel) && t.channels.includes(str(d.channel)!)) || (!!t.statePrefix && state.startsWith(t.statePrefix));
    }
    case 'tagged':
      return e.type === 'tag.added' && Array.isArray(d.tagIds) && d.tagIds.some((x) => t.tagIds.includes(String(x)));
    case 'order_paid':
      return e.type === 'order.paid' && e.occurred_at.getTime() >= pb.activated_at.getTime() - 86_400_000
        && (t.minAmount === null || t.minAmount === undefined || Number(d.amount) >= t.minAmount);
    default:
      return false;
  }
}

/** The exit an event meets for a live enrolment, if any. */
export function eventExits(exits: PlaybookExit[], en: { owner_userid: string; playbook_id: number }, e: Ev): PlaybookExit['type'] | null {
  const d = e.data ?? {};
  for (const x of exits) {
    if (x.type === 'tag_added' && e.type === 'tag.added' && Array.isArray(d.tagIds) && d.tagIds.some((t) => x.tagIds.includes(String(t)))) return x.type;
    if (x.type === 'order_paid' && e.type === 'order.paid') return x.type;
    if (x.type === 'deleted' && (e.type === 'customer.deleted_staff' || e.type === 'customer.deleted_by_staff') && e.userid === en.owner_userid) return x.type;
    if (x.type === 'group_joined' && e.type === 'group.joined' && (!x.chatIds.length || (!!e.chat_id && x.chatIds.includes(e.chat_id)))) return x.type;
  }
  return null;
}

export class PlaybookTriggers {
  constructor(private readonly d: PlaybookDeps, private readonly svc: PlaybookService) {}

  private get pool() { return this.d.pool; }

  /** One pass over the customer events stored since the last (and the last five minutes again). */
  async readEvents(now = new Date()): Promise<{ ran: boolean; events: number; enrolled: number; exited: number; moved: number }> {
    const client = await this.pool.connect();
    const out = { ran: false, events: 0, enrolled: 0, exited: 0, moved: 0 };
    try {
      await client.query('BEGIN');
      await repo.lockReader(client);
      const cursor = await repo.getCursor(client, 'events');
      if (!cursor) { await client.query('ROLLBACK'); return out; }
      out.ran = true;
      // Re-read from the anchor: the newest recorded position at least REREAD_MS old, else the lowest one kept (a young
      // cursor; or passes with their own clocks, as tests run them).
      const history = cursor.history;
      const old = history.filter((h) => h.at <= now.getTime() - REREAD_MS);
      const anchor = old.length
        ? old.reduce((a, b) => (b.at > a.at || (b.at === a.at && b.id > a.id) ? b : a))
        : history.length ? history.reduce((a, b) => (b.id < a.id ? b : a)) : null;
      let from = anchor ? Math.min(anchor.id, cursor.last_id) : cursor.last_id;
      const playbooks = await repo.activePlaybooks(this.pool, 'customer');
      for (let i = 0; i < 200; i++) {
        const events = await repo.eventsAfter(this.pool, from, BATCH) as Ev[];
        if (!events.length) break;
        const r = await this.handle(events, playbooks, now);
        out.events += events.length; out.enrolled += r.enrolled; out.exited += r.exited; out.moved += r.moved;
        from = events[events.length - 1].id;
        if (events.length < BATCH) break;
      }
      const last = Math.max(cursor.last_id, from);
      // Keep the anchor and the positions after it (the latest 48): later anchors are taken from these as they age.
      const after = history.filter((h) => h !== anchor && (!old.length || h.at > anchor!.at)).sort((a, b) => a.at - b.at);
      const next = [...(anchor ? [anchor] : []), ...after.slice(-48), { at: now.getTime(), id: last }];
      await repo.saveCursor(client, 'events', last, next);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private async handle(events: Ev[], playbooks: repo.PlaybookRow[], now: Date): Promise<{ enrolled: number; exited: number; moved: number }> {
    let enrolled = 0;
    let exited = 0;
    let moved = 0;
    const byCorp = new Map<string, Ev[]>();
    for (const e of events) {
      const list = byCorp.get(e.corp_id) ?? [];
      list.push(e);
      byCorp.set(e.corp_id, list);
    }
    for (const [corpId, evs] of byCorp) {
      // Enrolments first (in event order), then exits (an exit applies to enrolments that began before it).
      for (const pb of playbooks.filter((p) => p.corp_id === corpId)) {
        const cands = evs.filter((e) => eventTriggers(pb, e))
          .map((e) => ({ ext: e.external_userid, owner: e.userid, key: `ev:${e.id}`, at: e.occurred_at > now ? now : e.occurred_at }));
        if (cands.length) enrolled += (await this.svc.enrol(pb, cands, 'trigger')).enrolled;
      }
      const exitEvents = evs.filter((e) => e.type !== 'customer.added' && e.type !== 'follow.transferred');
      if (exitEvents.length) {
        const live = await repo.liveEnrolmentsOf(this.pool, corpId, [...new Set(exitEvents.map((e) => e.external_userid))]);
        const byReason = new Map<string, number[]>();
        const done = new Set<number>();
        for (const e of exitEvents) {
          for (const en of live) {
            if (en.external_userid !== e.external_userid || done.has(en.id) || e.occurred_at < en.enrolled_at || en.trigger_key === `ev:${e.id}`) continue;
            const why = eventExits(en.exits, en, e);
            if (!why) continue;
            done.add(en.id);
            byReason.set(why, [...(byReason.get(why) ?? []), en.id]); // few: exits of one batch
          }
        }
        for (const [reason, ids] of byReason) exited += await this.svc.exitIds(corpId, ids, reason, now);
      }
      const handed = evs.filter((e) => e.type === 'follow.transferred' || e.type === 'customer.added').map((e) => e.external_userid);
      if (handed.length) moved += await this.followHandovers(corpId, [...new Set(handed)]);
    }
    return { enrolled, exited, moved };
  }

  /** Enrolments whose owner's relation was handed over move to the new staff member, with their open tasks. */
  async followHandovers(corpId: string | null, exts: string[] | null): Promise<number> {
    const moved = await repo.followHandovers(this.pool, corpId, exts);
    for (const m of moved) await this.d.tasks.reassign(m.corp_id, 'playbook', m.playbook_id, `playbook:e${m.id}:`, m.new);
    return moved.length;
  }

  /** The periodic triggers and calendars (every few minutes; tests call it with their own time). */
  async periodic(now = new Date()): Promise<{ enrolled: number; groupRuns: number; moved: number }> {
    let enrolled = 0;
    for (const pb of await repo.activePlaybooks(this.pool, 'customer')) {
      try {
        enrolled += await this.periodicFor(pb, now);
      } catch (err) {
        // A playbook whose segment was deleted, say: the others go on; the error is logged each pass.
        this.d.log.warn({ err, playbookId: pb.id }, `playbooks: periodic trigger failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    let groupRuns = 0;
    for (const pb of await repo.activePlaybooks(this.pool, 'group')) groupRuns += await materializeGroupRuns(this.pool, pb, now);
    const moved = await this.followHandovers(null, null);
    return { enrolled, groupRuns, moved };
  }

  private async periodicFor(pb: repo.PlaybookRow, now: Date): Promise<number> {
    const t = pb.trigger;
    if (!t || !pb.activated_at) return 0;
    if (t.type === 'segment') {
      const p = new Params();
      const cond = await inSavedSegment(this.pool, this.svc.corpScope(pb.corp_id), t.segmentId, p, 'c.external_userid', 'trigger.segmentId');
      const first = !pb.segment_baseline_at;
      const entrants = first && !t.includeExisting ? [] : await repo.segmentEntrants(this.pool, pb.id, pb.corp_id, cond, p.values);
      const pass = randomUUID().slice(0, 8);
      const r = entrants.length
        ? await this.enrolChunks(pb, entrants.map((ext) => ({ ext, owner: null, key: `seg:${now.getTime()}:${pass}:${ext}`, at: now })))
        : 0;
      await repo.replaceSegmentSnapshot(this.pool, pb.id, pb.corp_id, cond, p.values);
      if (first) await repo.setSegmentBaseline(this.pool, pb.id, now);
      return r;
    }
    if (t.type === 'no_order') {
      const lapsed = await repo.lapsedCustomers(this.pool, pb.corp_id, pb.id, t.days, pb.activated_at, now);
      return this.enrolChunks(pb, lapsed.map((l) => ({ ext: l.ext, owner: null, key: l.key, at: now })));
    }
    if (t.type === 'date') {
      const tz = await corpZone(this.pool, pb.corp_id);
      const target = addDays(dayIn(now, tz), t.daysBefore);
      const md = target.slice(5);
      const year = Number(target.slice(0, 4));
      const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
      const exts = await repo.dateMatches(this.pool, pb.corp_id, t.key, md === '02-28' && !leap ? ['02-28', '02-29'] : [md]);
      return this.enrolChunks(pb, exts.map((ext) => ({ ext, owner: null, key: `date:${ext}:${target}`, at: now })));
    }
    return 0;
  }

  private async enrolChunks(pb: repo.PlaybookRow, cands: repo.Candidate[]): Promise<number> {
    let n = 0;
    for (let i = 0; i < cands.length; i += 10_000) n += (await this.svc.enrol(pb, cands.slice(i, i + 10_000), 'trigger')).enrolled;
    return n;
  }
}
