// SQL of the callback receiver (besides the inbox's, platform/inbox.ts): when the corp's last event arrived, for the
// setup checklist.
import type pg from 'pg';

type Queryable = Pick<pg.Pool, 'query'>;

export async function touchLastCallback(db: Queryable, corpId: string): Promise<void> {
  await db.query('UPDATE corps SET last_callback_at = now() WHERE id = $1', [corpId]);
}
