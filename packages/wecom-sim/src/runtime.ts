// The simulator's clock and logger: what every service, the callback sender included, is given (a leaf
// module, so context.ts and callbacks.ts can both use them).

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
