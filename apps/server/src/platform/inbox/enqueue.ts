// Queueing Pond's own events in the inbox (WeCom's callbacks come in through InboxWriter). The inbox row is the queued
// work (ADR 0002): an event is keyed per corp (`key`), so queueing it twice queues it once.
import { buildEventXml } from '@pond/wecom';
import type pg from 'pg';
import { splitName, type InboxEvents, type OwnEventName } from './events';
import type { Priority } from './priority';

type Queryable = Pick<pg.Pool, 'query'>;

/** The channel workers LISTEN on: one NOTIFY wakes an idle claim loop of every band in every worker process. */
export const INBOX_CHANNEL = 'pond_inbox';

export interface NewEvent<E extends OwnEventName> {
  corpId: string;
  /** Unique per corp among the inbox's events (WeCom's are sha256 of their XML): `enrich:<inbox id>`, `order:<order id>`. */
  key: string;
  payload: Omit<InboxEvents[E], 'Event' | 'ChangeType'>;
}

/**
 * Queues events of one name at `priority` (an event already queued under its key is left as it is). No NOTIFY: the
 * claim loops find them at their next poll (at most a second) or when the next callback wakes them; call notifyInbox
 * after it when they must start at once.
 */
export async function enqueue<E extends OwnEventName>(db: Queryable, event: E, items: readonly NewEvent<E>[], priority: Priority): Promise<number> {
  if (items.length === 0) return 0;
  const [name, changeType] = splitName(event);
  const { rowCount } = await db.query(
    `INSERT INTO callback_inbox (corp_id, event_key, event, change_type, priority, xml)
     SELECT r.corp_id, r.key, $1, $2, $3, r.xml FROM unnest($4::text[], $5::text[], $6::text[]) AS r(corp_id, key, xml)
     ON CONFLICT (corp_id, event_key) DO NOTHING`,
    [name, changeType, priority, items.map((i) => i.corpId), items.map((i) => i.key),
     items.map((i) => buildEventXml({ Event: name, ChangeType: changeType, ...i.payload }))]);
  return rowCount ?? 0;
}

/** SQL expressions, over the rows of `from`, for what enqueueSql writes. */
export interface NewEventsSql<E extends OwnEventName> {
  /** The rows to queue one event each for: a FROM list with its WHERE (`m WHERE m.refunded_at IS NULL`). */
  from: string;
  corpId: string;
  key: string;
  fields: { [K in Exclude<keyof InboxEvents[E], 'Event' | 'ChangeType'>]?: string };
}

/**
 * enqueue as one SQL statement, for a statement that queues events with the change that causes them (a data-modifying
 * CTE: the order match queues each matched order's `pond_order` event, atomically with the match). The payload is
 * written as XML with CDATA fields, as enqueue writes it.
 */
export function enqueueSql<E extends OwnEventName>(event: E, priority: Priority, rows: NewEventsSql<E>): string {
  const [name, changeType] = splitName(event);
  const cdata = (expr: string) => `'<![CDATA[' || replace((${expr})::text, ']]>', ']]]]><![CDATA[>') || ']]>'`;
  const xml = [
    `'<xml><Event><![CDATA[${name}]]></Event><ChangeType><![CDATA[${changeType}]]></ChangeType>'`,
    ...Object.entries(rows.fields as Record<string, string>).map(([k, expr]) => `'<${k}>' || ${cdata(expr)} || '</${k}>'`),
    `'</xml>'`,
  ];
  return `INSERT INTO callback_inbox (corp_id, event_key, event, change_type, priority, xml)
      SELECT ${rows.corpId}, ${rows.key}, '${name}', '${changeType}', ${priority}, ${xml.join(' || ')}
      FROM ${rows.from}
      ON CONFLICT (corp_id, event_key) DO NOTHING`;
}

/** Wakes the claim loops of every worker process (after enqueueSql, when the events should not wait for the next poll). */
export async function notifyInbox(db: Queryable): Promise<void> {
  await db.query(`SELECT pg_notify('${INBOX_CHANNEL}', '')`);
}
