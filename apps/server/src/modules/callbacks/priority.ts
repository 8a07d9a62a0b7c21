import type { CallbackEvent } from '@pond/wecom';

/**
 * An add whose welcome has been sent is requeued at this priority for the rest of its handling (customer,
 * follow relation, timeline, attribution): writes that may wait behind a burst — or behind the nightly roll
 * of segment windows, which holds event inserts — while the next adds' welcomes go out. Still ahead of
 * every other change event (3), so a customer's later events are handled after their add.
 */
export const ADD_FACTS_PRIORITY = 2;

/** Lower runs first. Adds carry a welcome code valid 20 s, so they never wait behind syncing. */
export function priorityOf(ev: CallbackEvent): number {
  if (ev.Event === 'change_external_contact' && (ev.ChangeType === 'add_external_contact' || ev.ChangeType === 'add_half_external_contact')) return 0;
  if (ev.Event === 'change_external_chat' && ev.ChangeType === 'update' && ev.UpdateDetail === 'add_member') return 1;
  if (ev.Event === 'change_external_contact' || ev.Event === 'change_external_chat') return 3;
  return 5;
}

/**
 * Events whose handler re-reads WeCom's current state. Two such edits in one second produce the
 * same plaintext as a retry would (edit_external_contact carries no detail), so a duplicate of one
 * of these is processed again instead of dropped; re-reading is idempotent. Adds are never redone
 * (the welcome code is single use).
 */
export function isReread(ev: CallbackEvent): boolean {
  return (ev.Event === 'change_external_contact' && ev.ChangeType === 'edit_external_contact')
    || (ev.Event === 'change_external_chat' && ev.ChangeType === 'update')
    || ev.Event === 'change_external_tag';
}
