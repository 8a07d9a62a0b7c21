// Event processing: workers claim pending inbox rows in batches (FOR UPDATE SKIP LOCKED, ordered by
// priority then arrival), run the handler for each event, and mark it done — or schedule a retry with
// back-off, up to MAX_ATTEMPTS, then 'failed'. Events touching the same customer or group run in
// order within a batch; different ones run concurrently. See docs/adr/0002-callback-inbox-queue.md.
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
const LOCK_SECONDS = 120;

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

export class InboxProcessor {
  private running = false;
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
    private opts: { batchSize?: number; concurrency?: number; pollMs?: number; batchHandlers?: BatchHandlerMap } = {},
  ) {}

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
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
    for (const set of this.wakers) for (const w of [...set]) w();
    await Promise.all(this.loops);
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
    const { rows } = await this.pool.query(
      `UPDATE callback_inbox SET locked_until = now() + interval '${LOCK_SECONDS} seconds', attempts = attempts + 1
       WHERE id IN (
         SELECT id FROM callback_inbox
         WHERE status = 'pending' AND priority BETWEEN $2 AND $3 AND run_after <= now() AND (locked_until IS NULL OR locked_until < now())
         ORDER BY priority, id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, corp_id, xml, attempts, priority, received_at`,
      [limit, band.min, band.max]);
    if (rows.length === 0) return 0;
    // More may be waiting: let another loop of this band claim the next batch meanwhile.
    if (rows.length === limit) onFullBatch?.();
    rows.sort((a, b) => a.priority - b.priority || a.id - b.id);
    // Events about the same customer/group stay in order; independent ones run side by side.
    const lanes = new Map<string, any[]>();
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
    const bulk = new Map<string, any[]>();
    const batchHandlers = this.opts.batchHandlers ?? {};
    for (const [key, lane] of lanes) {
      const r = lane[0];
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
        const result = await batchHandlers[type]!(group.map((r) => this.contextOf(r)));
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
        for (let i = 0; i < lane.length; i++) {
          const r = lane[i];
          const outcome = await this.handle(r);
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
    if (done.length) {
      await this.pool.query(
        `UPDATE callback_inbox SET status = CASE WHEN redo THEN 'pending' ELSE 'done' END, redo = false, processed_at = now(),
           locked_until = NULL, error = NULL WHERE id = ANY($1)`, [done]);
    }
    if (ignored.length) {
      await this.pool.query(
        `UPDATE callback_inbox SET status='ignored', processed_at=now(), locked_until=NULL WHERE id = ANY($1)`, [ignored]);
    }
    for (const [at, ids] of requeued) {
      await this.pool.query(
        `UPDATE callback_inbox SET priority = $2, locked_until = NULL, run_after = now(), error = NULL WHERE id = ANY($1)`, [ids, at]);
    }
    if (released.length) {
      // Not handled this time: unlocked, and the claim does not count as an attempt.
      await this.pool.query(`UPDATE callback_inbox SET locked_until = NULL, attempts = attempts - 1 WHERE id = ANY($1)`, [released]);
    }
    if (requeued.size || released.length) this.poke();
    return rows.length;
  }

  private async handle(r: { id: number; corp_id: string; attempts: number; priority: number; ev: CallbackEvent; received_at: Date }): Promise<'done' | 'ignored' | 'retry' | { requeueAt: number }> {
    const ev = r.ev;
    const handler = this.handlers[`${ev.Event}/${ev.ChangeType}`] ?? this.handlers[`${ev.Event}/*`];
    if (!handler) return 'ignored'; // unknown events are stored and ignored
    try {
      return (await handler(this.contextOf(r))) ?? 'done';
    } catch (err) {
      const final = r.attempts >= MAX_ATTEMPTS || (err instanceof WecomError && isPermanent(err));
      const delaySec = Math.min(600, 2 ** r.attempts);
      this.log.warn({ err, inboxId: r.id, event: `${ev.Event}/${ev.ChangeType}`, attempts: r.attempts, final }, 'event handler failed');
      await this.pool.query(
        `UPDATE callback_inbox SET status=$2, error=$3, locked_until=NULL, run_after = now() + make_interval(secs => $4)
         WHERE id=$1`,
        [r.id, final ? 'failed' : 'pending', String((err as Error)?.message ?? err).slice(0, 2000), delaySec]);
      return 'retry';
    }
  }

  private contextOf(r: { id: number; corp_id: string; priority: number; ev: CallbackEvent; received_at: Date }): EventContext {
    const created = Number(r.ev.CreateTime);
    const at = Number.isFinite(created) && created > 0 ? new Date(created * 1000) : new Date();
    return { corpId: r.corp_id, inboxId: r.id, ev: r.ev, at, receivedAt: r.received_at, priority: r.priority };
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
