// The inbox processor's own connection: it LISTENs for new work and carries the lease heartbeat, so a pool busy with
// handlers cannot hold renewals back past the leases (ADR 0013). The connection can drop — Postgres restarted, the
// backend terminated, a proxy's idle timeout — and then it is replaced, with back-off, and LISTENs again (ADR 0018).
// Until it is, renewals go through the pool (InboxProcessor.renewAll) and the claim loops' polling finds new work;
// once it is back, the loops are woken for what was notified meanwhile.
import type pg from 'pg';
import type { Logger } from '../log';
import { INBOX_CHANNEL } from './enqueue';

/** How the connection shows in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'pond inbox listener';
const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 5_000;

export class InboxListener {
  private client?: pg.PoolClient;
  /** Removes this class's listeners from `client`. */
  private detach?: () => void;
  private open = false;
  private retry?: NodeJS.Timeout;
  private failures = 0;

  /** `onWork`: a NOTIFY arrived, or the connection is back (notifications meanwhile were missed). */
  constructor(private pool: pg.Pool, private log: Logger, private onWork: () => void) {}

  /** The connection while it is up (undefined while it is being replaced). */
  get connection(): pg.PoolClient | undefined {
    return this.client;
  }

  /** Connects and LISTENs; fails when Postgres cannot be reached now (as starting a worker then should). */
  async start(): Promise<void> {
    this.open = true;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.open = false;
    clearTimeout(this.retry);
    this.retry = undefined;
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    this.detach?.();
    try {
      await client.query(`UNLISTEN ${INBOX_CHANNEL}; RESET application_name`);
      client.release();
    } catch (err) {
      client.release(err instanceof Error ? err : true);
    }
  }

  /**
   * The connection failed (an error, its end, or a statement on it that did not answer in time): it is destroyed and
   * replaced. Anyone may report it; only the first report of a connection counts.
   */
  lost(client: pg.PoolClient, err?: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.log.warn({ err }, 'inbox: the listening connection was lost; reconnecting');
    client.release(err instanceof Error ? err : true); // destroyed, not returned to the pool
    this.schedule();
  }

  private async connect(): Promise<void> {
    const client = await this.pool.connect();
    const onError = (err: Error) => this.lost(client, err);
    const onEnd = () => this.lost(client, new Error('connection ended'));
    const detach = () => { client.off('notification', this.onWork).off('error', onError).off('end', onEnd); };
    try {
      client.on('notification', this.onWork);
      client.on('error', onError);
      client.on('end', onEnd);
      await client.query(`SET application_name = '${LISTENER_APPLICATION_NAME}'; LISTEN ${INBOX_CHANNEL}`);
    } catch (err) {
      detach();
      client.release(err instanceof Error ? err : true);
      throw err;
    }
    if (!this.open) { // stopped while connecting
      detach();
      client.release(true);
      return;
    }
    this.client = client;
    this.detach = detach;
  }

  private schedule(): void {
    if (!this.open || this.retry) return;
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.failures);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.connect().then(() => {
        if (!this.client) return;
        this.failures = 0;
        this.log.info('inbox: listening again');
        this.onWork();
      }, (err: unknown) => {
        this.failures++;
        this.log.warn({ err, attempt: this.failures }, 'inbox: reconnecting the listening connection failed');
        this.schedule();
      });
    }, delay);
    this.retry.unref();
  }
}
