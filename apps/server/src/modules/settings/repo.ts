// SQL of the setup checklist: what the corp row remembers of its connection (the last WeCom error, the last good
// token, the callback's verification and last event), the inbox's failed and stuck events, and the last sync run.
import type pg from 'pg';
import type { Cols } from '../../platform/db/rows';

type Queryable = Pick<pg.Pool, 'query'>;

export type ConnectionState = Cols<'corps',
  'api_base' | 'timezone' | 'token_ok_at' | 'callback_verified_at' | 'last_callback_at' | 'last_error_code' | 'last_error_api' | 'last_error_message'>;
export type LastSyncRun = Cols<'sync_runs', 'status' | 'error' | 'finished_at'>;

export async function connectionState(db: Queryable, corpId: string): Promise<ConnectionState | undefined> {
  const { rows: [r] } = await db.query<ConnectionState>(
    `SELECT api_base, timezone, token_ok_at, callback_verified_at, last_callback_at, last_error_code, last_error_api, last_error_message
     FROM corps WHERE id = $1`, [corpId]);
  return r;
}

/** A check that reached WeCom without an error: the last error is forgotten. */
export async function clearLastError(db: Queryable, corpId: string): Promise<void> {
  await db.query('UPDATE corps SET last_error_code = NULL, last_error_api = NULL, last_error_message = NULL, last_error_at = NULL WHERE id = $1', [corpId]);
}

/** A check that did not reach WeCom at all (-2, `network`). */
export async function recordNetworkError(db: Queryable, corpId: string, message: string): Promise<void> {
  await db.query(`UPDATE corps SET last_error_code = -2, last_error_api = 'network', last_error_message = $2, last_error_at = now() WHERE id = $1`, [corpId, message]);
}

/** Inbox events that failed for good, and those pending for more than 5 minutes. */
export async function inboxHealth(db: Queryable, corpId: string): Promise<{ failed: number; stuck: number }> {
  const { rows: [r] } = await db.query<{ failed: number; stuck: number }>(
    `SELECT count(*) FILTER (WHERE status = 'failed')::int AS failed, count(*) FILTER (WHERE status = 'pending' AND received_at < now() - interval '5 minutes')::int AS stuck
     FROM callback_inbox WHERE corp_id = $1`, [corpId]);
  return r;
}

export async function lastSyncRun(db: Queryable, corpId: string): Promise<LastSyncRun | undefined> {
  const { rows: [r] } = await db.query<LastSyncRun>(`SELECT status, error, finished_at FROM sync_runs WHERE corp_id = $1 ORDER BY id DESC LIMIT 1`, [corpId]);
  return r;
}
