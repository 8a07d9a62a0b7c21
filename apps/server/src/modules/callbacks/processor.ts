// Event processing: workers claim pending inbox rows in batches (FOR UPDATE SKIP LOCKED, ordered by
// priority then arrival), run the handler for each event, and mark it done — or schedule a retry with
// back-off, up to MAX_ATTEMPTS, then 'failed'. Events touching the same customer or group run in
// order within a batch; different ones run concurrently. See docs/adr/0002-callback-inbox-queue.md.
// A claim is a lease (ADR 0013): a few seconds long, renewed by a heartbeat while the worker lives, so a
// crashed worker's events are taken by another within seconds; every write that ends a claim carries the
// claim's token, so a worker that lost its lease (paused past it) cannot also complete the event.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { parseEventXml, type CallbackEvent, WecomError } from '@pond/wecom';
import type pg from 'pg';
import type { Logger } from '../../platform/log';
import { INBOX_CHANNEL } from './routes';

export interface EventContext {
  corpId: string;
  inboxId: number;
  ev: CallbackEvent;
  /** CreateTime of the event as a Date. */
  at: Date;
  /** When Pond received the callback (the welcome window is measured from here). */
  receivedAt?: Date;
  /** The row's priority when claimed: a handler that requeued its event for a second step sees the later one. */
  priority?: number;
  /** The token of the claim (lease) this event is handled under; writes that must happen once are fenced by it. */
  lease?: string;
  /** Renews the claim's lease now (before a long WeCom call); false when it was lost to another worker. */
  renew?: () => Promise<boolean>;
}

/**
 * What a handler returns: nothing when the event is done, or `{ requeueAt }` to keep it pending at that
 * (lower) priority for a second step — an add sends its welcome in the urgent band and leaves the rest
 * (customer, follow relation, timeline, attribution) to the follow-up band.
 */
export type HandlerResult = void | { requeueAt: number };
export type EventHandler = (ctx: EventContext) => Promise<HandlerResult>;
/** Key: `${Event}/${ChangeType}` or `${Event}/*`. */
export type HandlerMap = Record<string, EventHandler>;
/**
 * Optional set-based handlers: many independent events of one type in one go (bulk SQL instead of a
 * round trip per event). All or nothing: if one throws, its events run one by one through HandlerMap.
 */
export type BatchHandlerMap = Record<string, (ctxs: EventContext[]) => Promise<HandlerResult>>;

const MAX_ATTEMPTS = 8;
/** A claim's lease: short, so a crashed worker's adds are taken over well inside WeCom's 20 s welcome window. */
export const LEASE_MS = 5_000;
/** How often a live worker renews the leases it holds: several renewals fit in one lease. */
const HEARTBEAT_MS = 1_000;

/**
 * Priority bands each get their own claim loop, so time-critical adds (band 0–1: the welcome window)
 * never wait behind a batch of rate-limited follow-up work.
 */
const BANDS = [
  // Urgent: several small batches in flight, so a new add never waits for a long batch to finish.
  { min: 0, max: 1, loops: 3, batchSize: 50 },
  // Adds' second step (ADD_FACTS_PRIORITY): as many loops, so storing adds keeps up with welcoming them.
  { min: 2, max: 2, loops: 3, batchSize: 50 },
  // Everything else, one loop: a customer's later events run in order.
  { min: 3, max: 9, loops: 1, batchSize: 200 },
];

export interface InboxOptions {
  batchSize?: number;
  concurrency?: number;
  pollMs?: number;
  batchHandlers?: BatchHandlerMap;
  leaseMs?: number;
  heartbeatMs?: number;
}

interface ClaimedRow {
  id: number; corp_id: string; xml: string; attempts: number; priority: number; received_at: Date; ev: CallbackEvent;
}

export class InboxProcessor {
  /** Who holds a claim (`locked_by`): host, process id and a random part (a restarted process is another worker). */
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private running = false;
  private stopping = false;
  /** Rows held per lease (claim token), renewed by the heartbeat until the claim is finished. */
  private held = new Map<string, Set<number>>();
  private heartbeat?: NodeJS.Timeout;
  private renewing?: Promise<void>;
  /** Idle loops waiting for work, per priority band. */
  private wakers = BANDS.map(() => new Set<() => void>());
  private busyLoops = 0;
  private listener?: pg.PoolClient;
  private loops: Promise<void>[] = [];
  private idleWaiters: (() => void)[] = [];
  /** Batches in flight per band: a band waits while a more urgent one has work in flight. */
  private inFlight = BANDS.map(() => 0);

  constructor(
    private pool: pg.Pool,
    private handlers: HandlerMap,
    private log: Logger,
    private opts: InboxOptions = {},
  ) {}

  private get leaseMs(): number { return this.opts.leaseMs ?? LEASE_MS; }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.listener = await this.pool.connect();
    this.listener.on('notification', () => this.poke());
    await this.listener.query(`LISTEN ${INBOX_CHANNEL}`);
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
    const w = this.wakers[band]!.values().next().value;
    if (w) w();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    for (const set of this.wakers) for (const w of [...set]) w();
    // Batches in flight finish (their unstarted lanes are released at once); the heartbeat runs until then.
    await Promise.all(this.loops);
    await this.renewing;
    if (this.listener) {
      await this.listener.query(`UNLISTEN ${INBOX_CHANNEL}`).catch(() => undefined);
      this.listener.release();
      this.listener = undefined;
    }
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
      this.inFlight[bandIndex]!++;
      this.busyLoops++;
      try {
        n = await this.runOnce(band, () => this.wakeOne(bandIndex));
      } catch (err) {
        this.log.error({ err }, 'inbox batch failed');
      } finally {
        this.inFlight[bandIndex]!--;
        this.busyLoops--;
      }
      if (n === 0) {
        if (this.busyLoops === 0) for (const w of this.idleWaiters.splice(0)) w();
        await new Promise<void>((res) => {
          const waker = () => { clearTimeout(t); this.wakers[bandIndex]!.delete(waker); res(); };
          const t = setTimeout(waker, pollMs);
          this.wakers[bandIndex]!.add(waker);
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
      const key = `${r.corp_id}|${ev.ExternalUserID ?? ev.ChatId ?? ev.Id ?? ev.UserID ?? r.id}`;
      const lane = lanes.get(key);
      if (lane) lane.push(r); else lanes.set(key, [r]);
    }
    const done: number[] = [];
    const ignored: number[] = [];
    const requeued = new Map<number, number[]>();
    const requeue = (id: number, at: number) => (requeued.get(at) ?? requeued.set(at, []).get(at)!).push(id);
    const released: number[] = [];
    // A customer with a single event in this claim can be handled in bulk with others of its type.
    const bulk = new Map<string, ClaimedRow[]>();
    const batchHandlers = this.opts.batchHandlers ?? {};
    for (const [key, lane] of lanes) {
      const r = lane[0]!;
      const type = `${r.ev.Event}/${r.ev.ChangeType}`;
      if (lane.length !== 1 || !batchHandlers[type]) continue;
      lanes.delete(key);
      // A set shares its type and its step (priority): an add's welcome and its second step never mix.
      const group = bulk.get(`${type}|${r.priority}`);
      if (group) group.push(r); else bulk.set(`${type}|${r.priority}`, [r]);
    }
    const bulkRuns = [...bulk.entries()].map(async ([key, group]) => {
      const type = key.slice(0, key.lastIndexOf('|'));
      try {
        const result = await batchHandlers[type]!(group.map((r) => this.contextOf(r, lease)));
        for (const r of group) {
          if (result) requeue(r.id, result.requeueAt); else done.push(r.id);
        }
      } catch (err) {
        this.log.warn({ err, type, n: group.length }, 'batch handler failed; handling one by one');
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
          const r = lane[i]!;
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
   * The heartbeat: one statement renews every lease this worker holds. It runs on the listener's own connection
   * when there is one, so a pool busy with handlers cannot hold it back past the leases.
   */
  private renewAll(): Promise<void> {
    if (this.renewing) return this.renewing;
    const leases = [...this.held.keys()];
    if (leases.length === 0) return Promise.resolve();
    const ids = leases.flatMap((l) => [...this.held.get(l)!]);
    const db = this.listener ?? this.pool;
    this.renewing = db.query(
      `UPDATE callback_inbox SET locked_until = now() + make_interval(secs => $3) WHERE id = ANY($1) AND lease = ANY($2::uuid[]) AND status = 'pending'`,
      [ids, leases, this.leaseMs / 1000])
      .then(() => undefined)
      .catch((err) => { this.log.warn({ err }, 'inbox: renewing leases failed'); })
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

  private async handle(r: ClaimedRow, lease: string): Promise<'done' | 'ignored' | 'retry' | { requeueAt: number }> {
    const ev = r.ev;
    const handler = this.handlers[`${ev.Event}/${ev.ChangeType}`] ?? this.handlers[`${ev.Event}/*`];
    if (!handler) return 'ignored'; // unknown events are stored and ignored
    try {
      return (await handler(this.contextOf(r, lease))) ?? 'done';
    } catch (err) {
      const final = r.attempts >= MAX_ATTEMPTS || (err instanceof WecomError && isPermanent(err));
      const delaySec = Math.min(600, 2 ** r.attempts);
      this.log.warn({ err, inboxId: r.id, event: `${ev.Event}/${ev.ChangeType}`, attempts: r.attempts, final }, 'event handler failed');
      await this.pool.query(
        `UPDATE callback_inbox SET status=$2, error=$3, locked_until=NULL, locked_by = NULL, lease = NULL, run_after = now() + make_interval(secs => $4)
         WHERE id=$1 AND lease = $5`,
        [r.id, final ? 'failed' : 'pending', String((err as Error)?.message ?? err).slice(0, 2000), delaySec, lease]);
      return 'retry';
    }
  }

  private contextOf(r: ClaimedRow, lease: string): EventContext {
    const created = Number(r.ev.CreateTime);
    const at = Number.isFinite(created) && created > 0 ? new Date(created * 1000) : new Date();
    return { corpId: r.corp_id, inboxId: r.id, ev: r.ev, at, receivedAt: r.received_at, priority: r.priority, lease, renew: () => this.renew(lease) };
  }

  /** Resolves once the processor has found nothing to do (tests and benchmarks await this instead of sleeping). */
  async drain(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await this.pool.query(
        `SELECT count(*)::int AS n FROM callback_inbox WHERE status='pending' AND run_after <= now()`);
      if (rows[0].n === 0) return;
      if (Date.now() > deadline) throw new Error(`inbox not drained: ${rows[0].n} pending`);
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
