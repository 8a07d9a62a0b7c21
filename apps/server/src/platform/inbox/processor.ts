// Event processing: workers claim pending inbox rows in batches (FOR UPDATE SKIP LOCKED, ordered by priority then
// arrival), run the handler registered for each event's name, and mark it done — or schedule a retry with back-off, up
// to MAX_ATTEMPTS, then 'failed'. Events touching the same customer or group run in order within a batch; different
// ones run concurrently. See docs/adr/0002-callback-inbox-queue.md and 0019-one-inbox-api.md.
// A claim is a lease (ADR 0013): a few seconds long, renewed by a heartbeat while the worker lives, so a crashed
// worker's events are taken by another within seconds; every write that ends a claim carries the claim's token, so a
// worker that lost its lease (paused past it) cannot also complete the event.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { parseEventXml, type CallbackEvent, WecomError } from '@pond/wecom';
import type pg from 'pg';
import type { Cols } from '../db/rows';
import type { Logger } from '../log';
import { namesOf, type InboxEventName, type InboxEvents } from './events';
import { InboxListener } from './listener';
import { Priority } from './priority';

export interface EventContext<P extends object = CallbackEvent> {
  corpId: string;
  inboxId: number;
  /** The event's fields (its XML), typed by its name's payload in InboxEvents. */
  ev: P;
  /** CreateTime of the event as a Date. */
  at: Date;
  /** When Pond received the callback (the welcome window is measured from here). */
  receivedAt?: Date;
  /** The row's priority when claimed: a handler that requeued its event for a second step sees the later one. */
  priority?: Priority;
  /** The token of the claim (lease) this event is handled under; writes that must happen once are fenced by it. */
  lease?: string;
  /** Renews the claim's lease now (before a long WeCom call); false when it was lost to another worker. */
  renew?: () => Promise<boolean>;
}

/**
 * What a handler returns: nothing when the event is done, or `{ requeueAt }` to keep it pending at that (later)
 * priority for a second step — an add sends its welcome at Priority.Welcome and leaves the rest (customer, follow
 * relation, timeline, attribution) to Priority.AddFacts.
 */
export type HandlerResult = void | { requeueAt: Priority };
/** Handles one event. */
export type EventHandler<E extends InboxEventName> = (ctx: EventContext<InboxEvents[E]>) => Promise<HandlerResult>;
/**
 * Handles many independent events of one name at once (bulk SQL instead of a round trip per event), and one alone.
 * All or nothing: if it throws, its events run again one at a time.
 */
export type BatchHandler<E extends InboxEventName> = (ctxs: EventContext<InboxEvents[E]>[]) => Promise<HandlerResult>;
export type InboxHandler<E extends InboxEventName> = EventHandler<E> | { batch: BatchHandler<E> };
/** What a module registers with the processor: handlers by event name (a misspelled name does not compile). */
export type InboxHandlers = { [E in InboxEventName]?: InboxHandler<E> };

/** A handler as the processor calls it: the payload's type is the name's (events.ts), which the lookup guarantees. */
interface Registered {
  one: (ctx: EventContext) => Promise<HandlerResult>;
  many?: (ctxs: EventContext[]) => Promise<HandlerResult>;
}

const MAX_ATTEMPTS = 8;
/** A claim's lease: short, so a crashed worker's adds are taken over well inside WeCom's 20 s welcome window. */
export const LEASE_MS = 5_000;
/** How often a live worker renews the leases it holds: several renewals fit in one lease. */
const HEARTBEAT_MS = 1_000;

/**
 * Priority bands each get their own claim loops, so time-critical adds (the welcome window) never wait behind a batch
 * of rate-limited follow-up work.
 */
const BANDS = [
  // Urgent: several small batches in flight, so a new add never waits for a long batch to finish.
  { min: Priority.Welcome, max: Priority.GroupJoin, loops: 3, batchSize: 50 },
  // Adds' second step: as many loops, so storing adds keeps up with welcoming them.
  { min: Priority.AddFacts, max: Priority.AddFacts, loops: 3, batchSize: 50 },
  // Everything else, one loop: a customer's later events run in order.
  { min: Priority.Change, max: 32767, loops: 1, batchSize: 200 },
];

export interface InboxOptions {
  batchSize?: number;
  concurrency?: number;
  pollMs?: number;
  leaseMs?: number;
  heartbeatMs?: number;
}

type ClaimedRow = Cols<'callback_inbox', 'id' | 'corp_id' | 'xml' | 'attempts' | 'received_at'> & { priority: Priority; ev: CallbackEvent };

export class InboxProcessor {
  /** Who holds a claim (`locked_by`): host, process id and a random part (a restarted process is another worker). */
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private handlers = new Map<string, Registered>();
  private running = false;
  private stopping = false;
  /** Rows held per lease (claim token), renewed by the heartbeat until the claim is finished. */
  private held = new Map<string, Set<number>>();
  private heartbeat?: NodeJS.Timeout;
  private renewing?: Promise<void>;
  /** Idle loops waiting for work, per priority band. */
  private wakers = BANDS.map(() => new Set<() => void>());
  private busyLoops = 0;
  private listener?: InboxListener;
  private loops: Promise<void>[] = [];
  private idleWaiters: (() => void)[] = [];
  /** Batches in flight per band: a band waits while a more urgent one has work in flight. */
  private inFlight = BANDS.map(() => 0);

  constructor(
    private pool: pg.Pool,
    private log: Logger,
    private opts: InboxOptions = {},
  ) {}

  /**
   * Registers a module's handlers. One handler per event name, in the whole process: registering a name twice is a
   * mistake in the wiring (app.ts), and throws.
   */
  register(handlers: InboxHandlers): this {
    for (const [name, h] of Object.entries(handlers) as [InboxEventName, InboxHandler<InboxEventName> | undefined][]) {
      if (!h) continue;
      if (this.handlers.has(name)) throw new Error(`inbox: a handler for ${name} is registered already`);
      // The boundary: a handler of name N is only ever called with events stored under N, whose XML has N's fields.
      const r = h as unknown as ((ctx: EventContext) => Promise<HandlerResult>) | { batch: (ctxs: EventContext[]) => Promise<HandlerResult> };
      this.handlers.set(name, typeof r === 'function' ? { one: r } : { one: (ctx) => r.batch([ctx]), many: r.batch });
    }
    return this;
  }

  private get leaseMs(): number { return this.opts.leaseMs ?? LEASE_MS; }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.listener = new InboxListener(this.pool, this.log, () => this.poke());
    await this.listener.start();
    this.loops = BANDS.flatMap((b, i) => Array.from({ length: b.loops }, () => this.loop(b, i)));
  }

  /**
   * New work: wakes one idle loop of each band (waking all would have every one of them claim, and all but
   * one come back empty — in a burst, most claims were empty). A loop that claims a full batch wakes the next.
   */
  poke(): void {
    for (let b = 0; b < BANDS.length; b++) this.wakeOne(b);
  }

  private wakeOne(band: number): void {
    const w = this.wakers[band].values().next().value;
    if (w) w();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    for (const set of this.wakers) for (const w of [...set]) w();
    // Batches in flight finish (their unstarted lanes are released at once); the heartbeat runs until then.
    await Promise.all(this.loops);
    await this.renewing;
    await this.listener?.stop();
    this.listener = undefined;
  }

  private async loop(band: { min: number; max: number; batchSize: number }, bandIndex: number): Promise<void> {
    const pollMs = this.opts.pollMs ?? 1000;
    while (this.running) {
      // Later bands yield while earlier ones have work in flight: in a burst the CPU goes to welcomes first,
      // and an add's second step runs before the customer's later events.
      if (this.inFlight.some((k, j) => j < bandIndex && k > 0)) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      let n = 0;
      this.inFlight[bandIndex]++;
      this.busyLoops++;
      try {
        n = await this.runOnce(band, () => this.wakeOne(bandIndex));
      } catch (err) {
        this.log.error({ err }, 'inbox batch failed');
      } finally {
        this.inFlight[bandIndex]--;
        this.busyLoops--;
      }
      if (n === 0) {
        if (this.busyLoops === 0) for (const w of this.idleWaiters.splice(0)) w();
        await new Promise<void>((res) => {
          const waker = () => { clearTimeout(t); this.wakers[bandIndex].delete(waker); res(); };
          const t = setTimeout(waker, pollMs);
          this.wakers[bandIndex].add(waker);
        });
      }
    }
  }

  /** Claims and processes one batch (of one priority band, default all); returns how many events it handled. */
  async runOnce(band: { min: number; max: number; batchSize?: number } = { min: 0, max: 32767 }, onFullBatch?: () => void): Promise<number> {
    const limit = this.opts.batchSize ?? band.batchSize ?? 200;
    const lease = randomUUID();
    const { rows } = await this.pool.query<ClaimedRow>(
      `UPDATE callback_inbox SET locked_until = now() + make_interval(secs => $4), locked_by = $5, lease = $6, attempts = attempts + 1
       WHERE id IN (
         SELECT id FROM callback_inbox
         WHERE status = 'pending' AND priority BETWEEN $2 AND $3 AND run_after <= now() AND (locked_until IS NULL OR locked_until < now())
         ORDER BY priority, id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, corp_id, xml, attempts, priority, received_at`,
      [limit, band.min, band.max, this.leaseMs / 1000, this.workerId, lease]);
    if (rows.length === 0) return 0;
    this.hold(lease, rows.map((r) => r.id));
    try {
      await this.handleClaim(rows, lease, limit, onFullBatch);
    } finally {
      this.forget(lease);
    }
    return rows.length;
  }

  private async handleClaim(rows: ClaimedRow[], lease: string, limit: number, onFullBatch?: () => void): Promise<void> {
    // More may be waiting: let another loop of this band claim the next batch meanwhile.
    if (rows.length === limit) onFullBatch?.();
    rows.sort((a, b) => a.priority - b.priority || a.id - b.id);
    // Events about the same customer/group stay in order; independent ones run side by side.
    const lanes = new Map<string, ClaimedRow[]>();
    for (const r of rows) {
      let ev: CallbackEvent;
      try { ev = parseEventXml(r.xml); } catch { ev = {}; }
      r.ev = ev;
      const key = `${r.corp_id}|${String(ev.ExternalUserID ?? ev.ChatId ?? ev.Id ?? ev.UserID ?? r.id)}`;
      const lane = lanes.get(key);
      if (lane) lane.push(r); else lanes.set(key, [r]);
    }
    const done: number[] = [];
    const ignored: number[] = [];
    const requeued = new Map<number, number[]>();
    const requeue = (id: number, at: number) => (requeued.get(at) ?? requeued.set(at, []).get(at)!).push(id);
    const released: number[] = [];
    // A customer with a single event in this claim can be handled in bulk with others of its name.
    const bulk = new Map<string, ClaimedRow[]>();
    for (const [key, lane] of lanes) {
      const r = lane[0];
      const [name] = namesOf(r.ev);
      if (lane.length !== 1 || !this.handlers.get(name)?.many) continue;
      lanes.delete(key);
      // A set shares its name and its step (priority): an add's welcome and its second step never mix.
      const group = bulk.get(`${name}|${r.priority}`);
      if (group) group.push(r); else bulk.set(`${name}|${r.priority}`, [r]);
    }
    const bulkRuns = [...bulk.entries()].map(async ([key, group]) => {
      const name = key.slice(0, key.lastIndexOf('|'));
      try {
        const result = await this.handlers.get(name)!.many!(group.map((r) => this.contextOf(r, lease)));
        for (const r of group) {
          if (result) requeue(r.id, result.requeueAt); else done.push(r.id);
        }
      } catch (err) {
        this.log.warn({ err, event: name, n: group.length }, 'batch handler failed; handling one by one');
        for (const r of group) lanes.set(`retry|${r.id}`, [r]);
      }
    });
    await Promise.all(bulkRuns);
    const queue = [...lanes.values()];
    const concurrency = this.opts.concurrency ?? 16;
    const workers = Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) {
        // Stopping: what has not started goes back at once rather than waiting for its lease to run out.
        if (this.stopping) { released.push(...lane.map((x) => x.id)); continue; }
        for (let i = 0; i < lane.length; i++) {
          const r = lane[i];
          const outcome = await this.handle(r, lease);
          if (outcome === 'done') done.push(r.id);
          else if (outcome === 'ignored') ignored.push(r.id);
          else if (typeof outcome === 'object') {
            // Its second step comes first: the customer's later events go back, claimed after it (lower priority).
            requeue(r.id, outcome.requeueAt);
            released.push(...lane.slice(i + 1).map((x) => x.id));
            break;
          }
        }
      }
    });
    await Promise.all(workers);
    // Every write that ends the claim is fenced by its lease: rows another worker took over meanwhile are theirs.
    let ended = 0;
    if (done.length) {
      ended += (await this.pool.query(
        `UPDATE callback_inbox SET status = CASE WHEN redo THEN 'pending' ELSE 'done' END, redo = false, processed_at = now(),
           locked_until = NULL, locked_by = NULL, lease = NULL, error = NULL WHERE id = ANY($1) AND lease = $2`, [done, lease])).rowCount ?? 0;
    }
    if (ignored.length) {
      ended += (await this.pool.query(
        `UPDATE callback_inbox SET status='ignored', processed_at=now(), locked_until=NULL, locked_by = NULL, lease = NULL
         WHERE id = ANY($1) AND lease = $2`, [ignored, lease])).rowCount ?? 0;
    }
    for (const [at, ids] of requeued) {
      ended += (await this.pool.query(
        `UPDATE callback_inbox SET priority = $2, locked_until = NULL, locked_by = NULL, lease = NULL, run_after = now(), error = NULL
         WHERE id = ANY($1) AND lease = $3`, [ids, at, lease])).rowCount ?? 0;
    }
    if (released.length) {
      // Not handled this time: unlocked, and the claim does not count as an attempt.
      ended += (await this.pool.query(
        `UPDATE callback_inbox SET locked_until = NULL, locked_by = NULL, lease = NULL, attempts = attempts - 1 WHERE id = ANY($1) AND lease = $2`,
        [released, lease])).rowCount ?? 0;
    }
    const expected = done.length + ignored.length + released.length + [...requeued.values()].reduce((n, ids) => n + ids.length, 0);
    if (ended < expected) this.log.warn({ lease, lost: expected - ended }, 'inbox: lease lost before the claim ended; another worker has those events');
    if (requeued.size || released.length) this.poke();
  }

  private hold(lease: string, ids: number[]): void {
    this.held.set(lease, new Set(ids));
    if (!this.heartbeat) {
      this.heartbeat = setInterval(() => { void this.renewAll(); }, this.opts.heartbeatMs ?? HEARTBEAT_MS);
      this.heartbeat.unref();
    }
  }

  private forget(lease: string): void {
    this.held.delete(lease);
    if (this.held.size === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }

  /**
   * The heartbeat: one statement renews every lease this worker holds. It runs on the listener's connection, so a pool
   * busy with handlers cannot hold it back past the leases — unless that connection is down, or does not answer within
   * half a lease (a dead peer that never said so): then the connection is replaced (InboxListener) and this renewal,
   * and those until it is back, go through the pool.
   */
  private renewAll(): Promise<void> {
    if (this.renewing) return this.renewing;
    const leases = [...this.held.keys()];
    if (leases.length === 0) return Promise.resolve();
    const ids = leases.flatMap((l) => [...this.held.get(l)!]);
    const sql = `UPDATE callback_inbox SET locked_until = now() + make_interval(secs => $3) WHERE id = ANY($1) AND lease = ANY($2::uuid[]) AND status = 'pending'`;
    const args = [ids, leases, this.leaseMs / 1000];
    const own = this.listener?.connection;
    const renew = async () => {
      if (own) {
        try {
          await withTimeout(own.query(sql, args), this.leaseMs / 2);
          return;
        } catch (err) {
          this.listener?.lost(own, err);
        }
      }
      await this.pool.query(sql, args);
    };
    this.renewing = renew()
      .catch((err: unknown) => { this.log.warn({ err }, 'inbox: renewing leases failed'); })
      .finally(() => { this.renewing = undefined; });
    return this.renewing;
  }

  /** Renews one claim's lease now; false when none of its rows is held under it any more. */
  private async renew(lease: string): Promise<boolean> {
    const ids = this.held.get(lease);
    if (!ids) return false;
    const { rowCount } = await this.pool.query(
      `UPDATE callback_inbox SET locked_until = now() + make_interval(secs => $3) WHERE id = ANY($1) AND lease = $2 AND status = 'pending'`,
      [[...ids], lease, this.leaseMs / 1000]);
    return (rowCount ?? 0) > 0;
  }

  private async handle(r: ClaimedRow, lease: string): Promise<'done' | 'ignored' | 'retry' | { requeueAt: Priority }> {
    const ev = r.ev;
    const [name, wildcard] = namesOf(ev);
    const handler = this.handlers.get(name) ?? this.handlers.get(wildcard);
    if (!handler) return 'ignored'; // unknown events are stored and ignored
    try {
      return (await handler.one(this.contextOf(r, lease))) ?? 'done';
    } catch (err) {
      const final = r.attempts >= MAX_ATTEMPTS || (err instanceof WecomError && isPermanent(err));
      const delaySec = Math.min(600, 2 ** r.attempts);
      this.log.warn({ err, inboxId: r.id, event: name, attempts: r.attempts, final }, 'event handler failed');
      await this.pool.query(
        `UPDATE callback_inbox SET status=$2, error=$3, locked_until=NULL, locked_by = NULL, lease = NULL, run_after = now() + make_interval(secs => $4)
         WHERE id=$1 AND lease = $5`,
        [r.id, final ? 'failed' : 'pending', String((err as { message?: unknown } | null)?.message ?? err).slice(0, 2000), delaySec, lease]);
      return 'retry';
    }
  }

  private contextOf(r: ClaimedRow, lease: string): EventContext {
    const created = Number(r.ev.CreateTime);
    const at = Number.isFinite(created) && created > 0 ? new Date(created * 1000) : new Date();
    return { corpId: r.corp_id, inboxId: r.id, ev: r.ev, at, receivedAt: r.received_at ?? undefined, priority: r.priority, lease, renew: () => this.renew(lease) };
  }

  /** Resolves once the processor has found nothing to do (tests and benchmarks await this instead of sleeping). */
  async drain(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows: [{ n }] } = await this.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM callback_inbox WHERE status='pending' AND run_after <= now()`);
      if (n === 0) return;
      if (Date.now() > deadline) throw new Error(`inbox not drained: ${n} pending`);
      if (this.running) {
        this.poke();
        await new Promise<void>((res) => { this.idleWaiters.push(res); setTimeout(res, 200); });
      } else {
        await this.runOnce();
      }
    }
  }
}

/** Errors a retry cannot fix (bad credentials are not among them: the admin may fix those). */
function isPermanent(err: WecomError): boolean {
  return [40003, 40096, 40058, 84061].includes(err.errcode);
}

/** Rejects when `p` has not settled within `ms` (what `p` does later is ignored). */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  p.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
