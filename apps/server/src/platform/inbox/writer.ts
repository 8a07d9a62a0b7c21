// How WeCom's callbacks enter the inbox, with group commit: callbacks that arrive together are written by one
// multi-row INSERT (one WAL flush) before any of them is acknowledged. Durability is unchanged — nothing is
// acknowledged before its row is committed — but a burst costs a few commits instead of one each.
//
// A callback is keyed by the sha256 of its plaintext (eventKey): WeCom's retries of it are acknowledged and dropped
// (ON CONFLICT). Except re-reads (isReread): their handlers re-read WeCom's current state, and two such edits in one
// second produce the same plaintext a retry would, so a duplicate sends the row back to pending — and when it is in
// flight, marks it to run once more when done (`redo`).
import type { CallbackEvent } from '@pond/wecom';
import type pg from 'pg';
import { Batcher } from '../batcher';
import type { Cols } from '../db/rows';
import type { Priority } from './priority';

export interface InboxRow {
  corpId: string; eventKey: string; event: string | null; changeType: string | null; priority: Priority; xml: string; reread: boolean;
}

/**
 * Events whose handler re-reads WeCom's current state. Two such edits in one second produce the same plaintext as a
 * retry would (edit_external_contact carries no detail), so a duplicate of one of these is processed again instead of
 * dropped; re-reading is idempotent. Adds are never redone (the welcome code is single use).
 */
export function isReread(ev: CallbackEvent): boolean {
  return (ev.Event === 'change_external_contact' && ev.ChangeType === 'edit_external_contact')
    || (ev.Event === 'change_external_chat' && ev.ChangeType === 'update')
    || ev.Event === 'change_external_tag';
}

export class InboxWriter {
  private batcher: Batcher<InboxRow, boolean>;

  constructor(private pool: pg.Pool) {
    this.batcher = new Batcher((rows) => this.insert(rows), { maxBatch: 500, maxInflight: 4 });
  }

  /** Resolves once the row is committed; `true` when it was new (or re-queued for a re-read). */
  write(row: InboxRow): Promise<boolean> {
    return this.batcher.push(row);
  }

  private async insert(batch: InboxRow[]): Promise<boolean[]> {
    // One row per key: a retry arriving in the same batch must not hit the same row twice.
    const byKey = new Map<string, InboxRow>();
    for (const r of batch) byKey.set(`${r.corpId}|${r.eventKey}`, r);
    const rows = [...byKey.values()];
    const { rows: changed } = await this.pool.query<Cols<'callback_inbox', 'corp_id' | 'event_key'>>(
      `INSERT INTO callback_inbox (corp_id, event_key, event, change_type, priority, xml)
       SELECT r.corp_id, r.event_key, r.event, r.change_type, r.priority, r.xml
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::smallint[], $6::text[], $7::boolean[])
            AS r(corp_id, event_key, event, change_type, priority, xml, reread)
       ON CONFLICT (corp_id, event_key) DO UPDATE SET status = 'pending', run_after = now(), redo = (callback_inbox.status = 'pending')
         WHERE (SELECT x.reread FROM unnest($2::text[], $7::boolean[]) AS x(k, reread) WHERE x.k = EXCLUDED.event_key LIMIT 1)
           AND (callback_inbox.status = 'done' OR callback_inbox.locked_until > now())
       RETURNING corp_id, event_key`,
      [rows.map((r) => r.corpId), rows.map((r) => r.eventKey), rows.map((r) => r.event), rows.map((r) => r.changeType),
       rows.map((r) => r.priority), rows.map((r) => r.xml), rows.map((r) => r.reread)]);
    const touched = new Set(changed.map((c) => `${c.corp_id}|${c.event_key}`));
    return batch.map((r) => touched.has(`${r.corpId}|${r.eventKey}`));
  }
}
