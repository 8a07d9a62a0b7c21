// SQL of the sidebar's sign-in: whether the member WeCom names is an active member of the corp in Pond.
import type pg from 'pg';
import type { Cols } from '../../platform/db/rows';

type Queryable = Pick<pg.Pool, 'query'>;

/** The member's WeCom status as last synced (1 active), or null when Pond does not know them. */
export async function staffStatus(db: Queryable, corpId: string, userid: string): Promise<number | null> {
  const { rows: [r] } = await db.query<Cols<'staff', 'status'>>('SELECT status FROM staff WHERE corp_id = $1 AND userid = $2', [corpId, userid]);
  return r ? r.status : null;
}
