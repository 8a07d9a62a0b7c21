/**
 * An error as one readable line (plus its stack): whatever was thrown, never a bare `undefined` or an
 * object dump. For what is printed at the top level and when shutting down.
 */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const stack = err.stack ?? '';
    const head = err.message ? `${err.name}: ${err.message}` : `${err.name} (no message)`;
    return stack.startsWith(`${err.name}: ${err.message}`) && err.message ? stack : `${head}${stack ? `\n${stack.split('\n').slice(1).join('\n')}` : ''}`;
  }
  if (err === undefined || err === null) return `${String(err)} was thrown (no error message)`;
  if (typeof err === 'object') {
    const msg = (err as { message?: unknown }).message;
    if (typeof msg === 'string' && msg) return msg;
    try { return `non-Error thrown: ${JSON.stringify(err).slice(0, 500)}`; } catch { /* circular */ }
  }
  return `non-Error thrown: ${String(err)}`;
}
