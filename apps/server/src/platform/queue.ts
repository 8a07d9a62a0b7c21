// Durable jobs on pg-boss (same Postgres). Jobs are declared as data: a stable name, a zod payload
// schema and a handler; `send` validates the payload so a bad enqueue fails at the caller.
import PgBoss from 'pg-boss';
import { z } from 'zod';
import type { Logger } from './log';

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  schema: S;
  retryLimit?: number;
  retryDelaySeconds?: number;
  expireInMinutes?: number;
  /** `singleton` keeps one queued+active job per singletonKey. */
  policy?: 'standard' | 'singleton' | 'stately';
  batchSize?: number;
  /** A clock (defineClock): the worker schedules the job at this time at start. */
  clock?: ClockTime;
  handler: (data: z.infer<S>, ctx: { jobId: string }) => Promise<void>;
}

export function defineJob<S extends z.ZodType>(def: JobDefinition<S>): JobDefinition<S> {
  return def;
}

export interface Schedule { name: string; cron: string; data: object; key: string }

/**
 * When a clock runs: a cron in Asia/Shanghai (each pass looks at every corp in the corp's own zone), and the key pg-boss
 * keeps the schedule under (kept as it was when the schedules were listed in app.ts: an install keeps one schedule each).
 */
export interface ClockTime { cron: string; key: 'minutely' | 'ten-minutely' | 'hourly' | 'daily' | 'nightly' }
export const EVERY_MINUTE: ClockTime = { cron: '* * * * *', key: 'minutely' };
export const EVERY_TEN_MINUTES: ClockTime = { cron: '*/10 * * * *', key: 'ten-minutely' };
/** Every hour at `minute` past. */
export const hourlyAt = (minute: number): ClockTime => ({ cron: `${minute} * * * *`, key: 'hourly' });
/** Every day at hh:mm; `nightly` for the night's maintenance, `daily` for the day's turn. */
export const dailyAt = (hour: number, minute: number, key: 'daily' | 'nightly' = 'nightly'): ClockTime => ({ cron: `${minute} ${hour} * * *`, key });

export type ClockDefinition = JobDefinition & { clock: ClockTime };

/**
 * A module's clock: a job without payload that the worker schedules at start (`Queue.scheduleClocks`) and runs one
 * pass at a time (singleton: a pass still running when the next is due is not doubled). `run` does one pass.
 */
export function defineClock(name: string, clock: ClockTime, run: () => Promise<unknown>,
  opts: Pick<JobDefinition, 'retryLimit' | 'retryDelaySeconds' | 'expireInMinutes'> = {}): ClockDefinition {
  return { name, schema: z.object({}).passthrough(), policy: 'singleton', retryLimit: 1, ...opts, clock, handler: async () => { await run(); } };
}

export class Queue {
  readonly boss: PgBoss;
  // Each definition keeps its own payload type; the map only dispatches by name (its handler parses first).
  private defs = new Map<string, JobDefinition>();
  /** This process's workers per job name: a send wakes one at once instead of waiting for its next poll. */
  private workers = new Map<string, string[]>();
  private nextWake = 0;
  private started = false;

  constructor(connectionString: string, private log: Logger) {
    this.boss = new PgBoss({ connectionString, schema: 'pgboss', max: 4, archiveCompletedAfterSeconds: 3600 });
    // One line per error (pg-boss's pool errors carry the whole pg client).
    this.boss.on('error', (err) => this.log.error({ code: (err as { code?: string }).code }, `job queue error: ${err.message || String(err)}`));
  }

  register<S extends z.ZodType>(defs: JobDefinition<S>[]): void {
    for (const d of defs) this.defs.set(d.name, d);
  }

  async start(): Promise<void> {
    if (this.started) return;
    await this.boss.start();
    for (const d of this.defs.values()) {
      await this.boss.createQueue(d.name, {
        name: d.name,
        policy: d.policy ?? 'standard',
        retryLimit: d.retryLimit ?? 5,
        retryDelay: d.retryDelaySeconds ?? 10,
        retryBackoff: true,
        expireInMinutes: d.expireInMinutes ?? 30,
      });
    }
    this.started = true;
  }

  async send<S extends z.ZodType>(def: JobDefinition<S>, data: z.infer<S>, opts: PgBoss.SendOptions = {}): Promise<string | null> {
    const payload = def.schema.parse(data) as object;
    const id = await this.boss.send(def.name, payload, opts);
    // A job sent inside a caller's transaction (opts.db) is not visible yet: its worker finds it on the next poll.
    if (id && !opts.db && !opts.startAfter) this.wake(def.name);
    return id;
  }

  private wake(name: string): void {
    const ids = this.workers.get(name);
    if (!ids?.length) return;
    this.boss.notifyWorker(ids[this.nextWake++ % ids.length]);
  }

  /** Starts consuming every registered job (worker processes only). */
  async work(concurrency = 2): Promise<void> {
    for (const d of this.defs.values()) {
      for (let i = 0; i < concurrency; i++) {
        const id = await this.boss.work(d.name, { batchSize: d.batchSize ?? 1, pollingIntervalSeconds: 1 }, async (jobs) => {
          for (const job of jobs) {
            const data = d.schema.parse(job.data);
            await d.handler(data, { jobId: job.id });
          }
        });
        this.workers.set(d.name, [...(this.workers.get(d.name) ?? []), id]);
      }
    }
  }

  /** Schedules every registered clock (the worker's start). */
  async scheduleClocks(): Promise<void> {
    for (const d of this.defs.values()) {
      if (d.clock) await this.schedule({ name: d.name, cron: d.clock.cron, data: {}, key: d.clock.key });
    }
  }

  async schedule(s: Schedule): Promise<void> {
    await this.boss.schedule(s.name, s.cron, s.data, { singletonKey: s.key, tz: 'Asia/Shanghai' });
  }

  async stop(): Promise<void> {
    if (this.started) await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    this.workers.clear();
    this.started = false;
  }
}
