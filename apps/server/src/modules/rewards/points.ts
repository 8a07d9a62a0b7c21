// Points: a balance per customer that never goes below zero, changed once per ref (an entry paid in points, a
// reward credited, a refund of an unused entry's points). Both return false when the ref was applied before.
import { AppError } from '../../platform/errors';
import type { Db } from './ledger';

/** Adds `delta` (may be negative) once per ref; a debit beyond the balance is a 409 and changes nothing. */
export async function applyPoints(db: Db, corpId: string, externalUserid: string, delta: number, reason: string, ref: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO points_entries (corp_id, external_userid, delta, reason, ref) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (corp_id, ref) DO NOTHING`,
    [corpId, externalUserid, delta, reason, ref]);
  if (!rowCount) return false;
  await db.query('INSERT INTO points_accounts (corp_id, external_userid) VALUES ($1, $2) ON CONFLICT DO NOTHING', [corpId, externalUserid]);
  const { rowCount: changed } = await db.query(
    `UPDATE points_accounts SET balance = balance + $3, updated_at = now() WHERE corp_id = $1 AND external_userid = $2 AND balance + $3 >= 0`,
    [corpId, externalUserid, delta]);
  // The caller's transaction is rolled back by the error: the entry above is not kept either.
  if (!changed) throw new AppError('conflict', `not enough points: ${-delta} needed`);
  return true;
}

export async function pointsBalance(db: Db, corpId: string, externalUserid: string): Promise<number> {
  const { rows } = await db.query<{ balance: number }>('SELECT balance FROM points_accounts WHERE corp_id = $1 AND external_userid = $2', [corpId, externalUserid]);
  return rows[0]?.balance ?? 0;
}
