// What every simulator service receives: the database, the simulated clock, the callback
// sender, a logger and the options the simulator was created with.
import type { Db } from './db';
import type { CallbackSender } from './callbacks';
import type { ApiCallLog } from './call-log';
import type { Clock, SimLogger } from './runtime';

export { Clock, silentLogger, type SimLogger } from './runtime';

export interface SimContext {
  db: Db;
  clock: Clock;
  callbacks: CallbackSender;
  log: SimLogger;
  fetch: typeof fetch;
  /** Every API call that passed the token check (call-log.ts). */
  calls?: ApiCallLog;
  /** Absolute base URL of the simulator (e.g. http://localhost:3000/sim) when known. */
  publicUrl?: string;
  /** New chat-archive lines were written for the corp (msgaudit.ts): WeCom's msgaudit_notify follows. */
  onArchived?: (corpId: string) => void;
}
