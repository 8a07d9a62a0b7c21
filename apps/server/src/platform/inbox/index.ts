// The inbox: the one durable queue of events — WeCom's callbacks and Pond's own follow-ups (ADR 0002, 0019).
// Modules register handlers by event name; Pond's own events are queued with `enqueue` at a named `Priority`.
export { enqueue, enqueueSql, INBOX_CHANNEL, notifyInbox } from './enqueue';
export type { NewEvent, NewEventsSql } from './enqueue';
export type {
  ChatChange, ContactAdd, ContactChange, ContactDelete, EnrichRequest, EventEnvelope, InboxEventName, InboxEvents, OrderMatched,
  OwnEventName, TagChange, TransferFail, FaqSuggest, FaqAnswered, ModerationAlert, KeywordHit, AcquisitionChange,
} from './events';
export { LISTENER_APPLICATION_NAME } from './listener';
export { Priority, priorityOf } from './priority';
export { InboxProcessor, LEASE_MS } from './processor';
export type { BatchHandler, EventContext, EventHandler, HandlerResult, InboxHandler, InboxHandlers, InboxOptions } from './processor';
export { InboxWriter, isReread } from './writer';
export type { InboxRow } from './writer';
