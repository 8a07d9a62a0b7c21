// Whether the running code serves an HTTP request (a person or a shop is waiting for the answer) or background work
// (jobs, the callback inbox, the start-up sync). WeCom calls get a short time budget in the first case and a long one,
// with room for WeCom's busy retries, in the second (CorpService).
import { AsyncLocalStorage } from 'node:async_hooks';

const requests = new AsyncLocalStorage<true>();

export const inRequest = (): boolean => requests.getStore() === true;

/** For a callback-style onRequest hook: everything the request runs after it (hooks, handler, what they await) serves it. */
export function continueAsRequest(done: () => void): void {
  requests.run(true, done);
}
