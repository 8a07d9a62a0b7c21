// The inbox's priorities, lower first. Every priority an event is queued or requeued at is named here, and the one a
// WeCom callback gets is chosen here (priorityOf) — nowhere else. Claim loops take bands of them (processor.ts BANDS):
// Welcome–GroupJoin, AddFacts, then the rest; within a band, lower priority first, then arrival.
import type { CallbackEvent } from '@pond/wecom';

export const Priority = {
  /**
   * An add's first step: its welcome message. WeCom's welcome code is valid 20 s from the add, so adds never wait
   * behind anything (add_external_contact, add_half_external_contact).
   */
  Welcome: 0,
  /** Someone joined a customer group (change_external_chat update/add_member): a group code rotates when its group fills. */
  GroupJoin: 1,
  /**
   * An add's second step (the same inbox row, requeued by the add handler): the customer, the follow relation, the
   * timeline entry and the attribution. Writes that may wait behind a burst — or behind the nightly roll of segment
   * windows, which holds timeline inserts — while the next adds' welcomes go out (ADR 0003).
   */
  AddFacts: 2,
  /**
   * Every other change of a customer or a group (edits, deletes, group updates). After AddFacts, so a customer's later
   * events are handled after their add.
   */
  Change: 3,
  /** Everything else: corp tag changes, org changes, orders matched to a customer (auto-tag rules), unknown events. */
  Other: 5,
  /** The read of a customer from WeCom after their add (pond_enrich): paced by WeCom's per-minute quota, so last. */
  Enrich: 6,
} as const;

export type Priority = (typeof Priority)[keyof typeof Priority];

/** The priority of a callback from WeCom (Pond's own events name theirs when they are queued). */
export function priorityOf(ev: CallbackEvent): Priority {
  if (ev.Event === 'change_external_contact' && (ev.ChangeType === 'add_external_contact' || ev.ChangeType === 'add_half_external_contact')) return Priority.Welcome;
  if (ev.Event === 'change_external_chat' && ev.ChangeType === 'update' && ev.UpdateDetail === 'add_member') return Priority.GroupJoin;
  if (ev.Event === 'change_external_contact' || ev.Event === 'change_external_chat') return Priority.Change;
  return Priority.Other;
}
