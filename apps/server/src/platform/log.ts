import pino from 'pino';
export type Logger = pino.Logger;

/** Keys of an error worth a log line; others (a pg error's `client`, a response object) are dropped. */
const ERROR_KEYS = ['code', 'errcode', 'errmsg', 'status', 'statusCode', 'detail', 'hint', 'where', 'table', 'constraint', 'severity'];

/** Errors as type, message, stack and a few known fields: never a dump of whatever object is attached. */
export function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const out: Record<string, unknown> = { type: err.name, message: err.message || '(no message)', stack: err.stack };
  for (const k of ERROR_KEYS) {
    const v = (err as unknown as Record<string, unknown>)[k];
    if (v !== undefined && (typeof v !== 'object' || v === null)) out[k] = v;
  }
  if (err.cause !== undefined) out.cause = serializeError(err.cause);
  return out;
}

export function createLogger(level: string, pretty = process.stdout.isTTY): Logger {
  return pino({
    level,
    serializers: { err: serializeError, error: serializeError, cause: serializeError },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
  });
}
