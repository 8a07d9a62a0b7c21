// Group commit for the callback inbox: callbacks that arrive together are written by one multi-row
// INSERT (one WAL flush) before any of them is acknowledged. Durability is unchanged — nothing is
// acknowledged before its row is committed — but a burst costs a few commits instead of one each.
import type pg from 'pg';

export interface InboxRow {
  corpId: string; eventKey: string; event: string | null; changeType: string | null; priority: number; xml: string; reread: boolean;
}

const MAX_BATCH = 500;
const MAX_INFLIGHT = 4;

export class InboxWriter {
  private queue: { row: InboxRow; resolve: (changed: boolean) => void; reject: (err: unknown) => void }[] = [];
  private inflight = 0;
  private scheduled = false;

  constructor(private pool: pg.Pool) {}

  /** Resolves once the row is committed; `true` when it was new (or re-queued for a re-read). */
  write(row: InboxRow): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inflight >= MAX_INFLIGHT || this.queue.length === 0) return;
    this.scheduled = true;
    // Let callbacks parsed in the same turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    this.inflight++;
    // One row per key: a retry arriving in the same batch must not hit the same row twice.
    const byKey = new Map<string, InboxRow>();
    for (const b of batch) byKey.set(`${b.row.corpId}|${b.row.eventKey}`, b.row);
    const rows = [...byKey.values()];
    try {
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
      for (const b of batch) b.resolve(touched.has(`${b.row.corpId}|${b.row.eventKey}`));
    } catch (err) {
      for (const b of batch) b.reject(err);
    } finally {
      this.inflight--;
      this.schedule();
    }
  }
}
