// LISTEN on one channel that survives its connection dropping (a Postgres restart, a proxy's idle timeout,
// pg_terminate_backend): the connection is replaced with back-off and LISTEN issued again, and the owner is told,
// because whatever was NOTIFYed meanwhile is lost — a cache must start over.
import type pg from 'pg';
import type { Logger } from '../../platform/log';

export interface ListenerHandlers {
  onNotify(payload: string): void;
  /** Called when the connection dropped, again once LISTEN is back: drop everything cached. */
  onGap(): void;
}

export class ResilientListener {
  private client?: pg.PoolClient;
  private closed = true;
  private timer?: NodeJS.Timeout;
  private attempt = 0;

  constructor(
    private pool: pg.Pool,
    private channel: string,
    private handlers: ListenerHandlers,
    private log: Logger,
    private backoff = { baseMs: 100, maxMs: 10_000 },
  ) {}

  async start(): Promise<void> {
    this.closed = false;
    await this.connect();
  }

  /** True while LISTEN is in place (tests wait on it). */
  get connected(): boolean {
    return !!this.client;
  }

  private async connect(): Promise<void> {
    const client = await this.pool.connect();
    let dropped = false;
    const drop = (err?: Error) => {
      if (dropped) return;
      dropped = true;
      if (this.client === client) this.client = undefined;
      // Destroyed, not returned to the pool: the connection is gone.
      client.release(err ?? new Error(`LISTEN ${this.channel}: connection ended`));
      if (this.closed) return;
      this.log.warn({ channel: this.channel, err: err?.message }, 'LISTEN connection lost: reconnecting');
      this.handlers.onGap();
      this.schedule();
    };
    client.on('notification', (n) => {
      if (n.channel === this.channel) this.handlers.onNotify(n.payload ?? '');
    });
    client.once('error', drop);
    client.once('end', () => drop());
    try {
      await client.query(`LISTEN ${this.channel}`);
    } catch (err) {
      drop(err as Error);
      throw err;
    }
    if (this.closed) {
      dropped = true;
      await client.query(`UNLISTEN ${this.channel}`).catch(() => undefined);
      client.release();
      return;
    }
    this.client = client;
    this.attempt = 0;
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    const delay = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** this.attempt++);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect().then(
        () => { if (this.client) this.handlers.onGap(); },
        (err: unknown) => {
          this.log.warn({ channel: this.channel, err: (err as Error).message }, 'LISTEN reconnect failed: retrying');
          this.schedule();
        },
      );
    }, delay);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await client.query(`UNLISTEN ${this.channel}`).catch(() => undefined);
    client.removeAllListeners('end');
    client.removeAllListeners('error');
    client.on('error', () => undefined);
    client.release();
  }
}
