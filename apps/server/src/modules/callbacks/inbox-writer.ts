// Group commit for the callback inbox: callbacks that arrive together are written by one multi-row
// INSERT (one WAL flush) before any of them is acknowledged. Durability is unchanged — nothing is
// acknowledged before its row is committed — but a burst costs a few commits instead of one each.
import type pg from 'pg';
import { Batcher } from '../../platform/batcher';

export interface InboxRow {
  corpId: string; eventKey: string; event: string | null; changeType: string | null; priority: number; xml: string; reread: boolean;
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
    const { rows: changed } = await this.pool.query(
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
