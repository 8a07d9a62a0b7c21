// What every simulator service receives: the database, the simulated clock, the callback
// sender, a logger and the options the simulator was created with.
import type { Db } from './db';
import type { CallbackSender } from './callbacks';

export interface SimLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: SimLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Simulated time: the injected clock plus an offset moved by control.advanceTime. */
export class Clock {
  offsetMs = 0;
  constructor(private readonly base: () => number) {}
  now(): number {
    return this.base() + this.offsetMs;
  }
  nowSec(): number {
    return Math.floor(this.now() / 1000);
  }
}

export interface SimContext {
  db: Db;
  clock: Clock;
  callbacks: CallbackSender;
  log: SimLogger;
  fetch: typeof fetch;
  /** Absolute base URL of the simulator (e.g. http://localhost:3000/sim) when known. */
  publicUrl?: string;
}
