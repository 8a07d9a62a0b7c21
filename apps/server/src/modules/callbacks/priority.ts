import type { CallbackEvent } from '@pond/wecom';

/** Lower runs first. Adds carry a welcome code valid 20 s, so they never wait behind syncing. */
export function priorityOf(ev: CallbackEvent): number {
  if (ev.Event === 'change_external_contact' && (ev.ChangeType === 'add_external_contact' || ev.ChangeType === 'add_half_external_contact')) return 0;
  if (ev.Event === 'change_external_chat' && ev.ChangeType === 'update' && ev.UpdateDetail === 'add_member') return 1;
  if (ev.Event === 'change_external_contact' || ev.Event === 'change_external_chat') return 3;
  return 5;
}
