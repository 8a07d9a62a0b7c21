// The WeCom access token and JS-SDK tickets, shared by every Pond process through Postgres.
// Refresh is single-flight across processes: an advisory lock per key, and a re-read under the lock
// so that a process that waited uses the token the first one fetched instead of fetching again.
// Each process also keeps what it read for up to a minute: every WeCom call needs the token, and a read
// per call was the most frequent query of a burst of adds. A token another process replaced is still
// found in time: WeCom rejects the old one, and the refresh re-reads Postgres under the lock.
// Values are stored encrypted (platform/secrets.ts): a live token read from the database is a live key to the
// corp's WeCom. One that does not decrypt (plain text from an older Pond, a key since rotated) counts as absent.
import type pg from 'pg';
import type { Cols } from '../../platform/db/rows';
import type { SecretBox } from '../../platform/secrets';
import type { TokenStore } from '@pond/wecom';
import { withTransaction } from '../../platform/db';

const SAFETY_MS = 5 * 60 * 1000;
const MEMO_MS = 60 * 1000;

export class PgTokenStore implements TokenStore {
  private memo = new Map<string, { value: string; expiresAt: number; until: number }>();

  constructor(private pool: pg.Pool, private secrets: SecretBox, private now: () => number = Date.now) {}

  private open(corpId: string, kind: string, stored: string): string | null {
    try {
      return this.secrets.decrypt(stored, `wecom_tokens:${corpId}:${kind}`);
    } catch {
      return null;
    }
  }

  /** Drops what this process remembers of a corp's tokens (its secret or API base changed). */
  forget(corpId: string): void {
    for (const key of this.memo.keys()) if (this.split(key)[0] === corpId) this.memo.delete(key);
  }

  /** Drops everything this process remembers (invalidations may have been missed). */
  forgetAll(): void {
    this.memo.clear();
  }

  private remember(key: string, value: string, expiresAt: number): void {
    this.memo.set(key, { value, expiresAt, until: this.now() + MEMO_MS });
  }

  private split(key: string): [string, string] {
    const i = key.lastIndexOf(':');
    return [key.slice(0, i), key.slice(i + 1)];
  }

  async read(key: string): Promise<{ value: string; expiresAt: number } | null> {
    const now = this.now();
    const m = this.memo.get(key);
    if (m && m.until > now && m.expiresAt - SAFETY_MS > now) return { value: m.value, expiresAt: m.expiresAt };
    const [corpId, kind] = this.split(key);
    const { rows } = await this.pool.query<Cols<'wecom_tokens', 'value' | 'expires_at'>>(
      'SELECT value, expires_at FROM wecom_tokens WHERE corp_id = $1 AND kind = $2', [corpId, kind]);
    const r = rows[0];
    if (!r) return null;
    const expiresAt = (r.expires_at).getTime();
    if (expiresAt - SAFETY_MS <= now) return null;
    const value = this.open(corpId, kind, r.value);
    if (value == null) return null;
    this.remember(key, value, expiresAt);
    return { value, expiresAt };
  }

  async refresh(key: string, stale: string | null, fetch: () => Promise<{ value: string; expiresIn: number }>): Promise<string> {
    const [corpId, kind] = this.split(key);
    return withTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
      const { rows } = await client.query<Cols<'wecom_tokens', 'value' | 'expires_at'>>(
        'SELECT value, expires_at FROM wecom_tokens WHERE corp_id = $1 AND kind = $2', [corpId, kind]);
      const cur = rows[0];
      const curValue = cur ? this.open(corpId, kind, cur.value) : null;
      if (cur && curValue != null && curValue !== stale && (cur.expires_at).getTime() - SAFETY_MS > this.now()) {
        this.remember(key, curValue, (cur.expires_at).getTime());
        return curValue;
      }
      this.memo.delete(key);
      const fresh = await fetch();
      const expiresAt = this.now() + fresh.expiresIn * 1000;
      await client.query(
        `INSERT INTO wecom_tokens (corp_id, kind, value, expires_at, updated_at) VALUES ($1,$2,$3,$4, now())
         ON CONFLICT (corp_id, kind) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at, updated_at = now()`,
        [corpId, kind, this.secrets.encrypt(fresh.value, `wecom_tokens:${corpId}:${kind}`), new Date(expiresAt)]);
      if (kind === 'access_token') {
        // The setup checklist reads this: a token was issued, so corpid and secret are right.
        await client.query(
          `UPDATE corps SET token_ok_at = now(),
             last_error_code = CASE WHEN last_error_code IN (40001, 40013, 40014, 42001, 41001, -2) THEN NULL ELSE last_error_code END,
             last_error_api = CASE WHEN last_error_code IN (40001, 40013, 40014, 42001, 41001, -2) THEN NULL ELSE last_error_api END,
             last_error_message = CASE WHEN last_error_code IN (40001, 40013, 40014, 42001, 41001, -2) THEN NULL ELSE last_error_message END
           WHERE id = $1`, [corpId]);
      }
      this.remember(key, fresh.value, expiresAt);
      return fresh.value;
    });
  }
}
