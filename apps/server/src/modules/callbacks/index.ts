// The public surface of the callbacks module: other modules and the composition root (app.ts) import only this.
export { ADD_FACTS_PRIORITY } from './priority';
export { InboxProcessor } from './processor';
export type { BatchHandlerMap, EventContext, HandlerMap, HandlerResult, InboxOptions } from './processor';
export { INBOX_CHANNEL, callbackRoutes } from './routes';
