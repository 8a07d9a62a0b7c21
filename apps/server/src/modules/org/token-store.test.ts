// The token store remembers what it read for a minute, forgets on request, and a refresh for a
// rejected token replaces what it remembered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createPool, migrateDb } from '../../platform/db';
import { createTestDatabase } from '../../../test/helpers';
import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../platform/secrets';
import { PgTokenStore } from './token-store';

const box = new SecretBox(randomBytes(32));

let pool: pg.Pool;
let drop: () => Promise<void>;
beforeAll(async () => {
  const db = await createTestDatabase();
  drop = db.drop;
  pool = createPool(db.url, 4);
  await migrateDb(pool);
  await pool.query(`INSERT INTO corps (id, name, agent_id, secret, callback_token, callback_aes_key, api_base, order_webhook_token) VALUES ('wwtok', 't', '1', 's', 't', 'k', 'http://x', 'w')`);
});
afterAll(async () => { await pool?.end(); await drop?.(); });

const setToken = (value: string, inSeconds = 7200) => pool.query(
  `INSERT INTO wecom_tokens (corp_id, kind, value, expires_at) VALUES ('wwtok', 'access_token', $1, now() + make_interval(secs => $2))
   ON CONFLICT (corp_id, kind) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`, [box.encrypt(value, 'wecom_tokens:wwtok:access_token'), inSeconds]);

describe('PgTokenStore', () => {
  it('serves a token from memory for a minute, then reads Postgres again', async () => {
    let now = Date.now();
    const store = new PgTokenStore(pool, box, () => now);
    await setToken('A');
    expect((await store.read('wwtok:access_token'))?.value).toBe('A');
    await setToken('B'); // another process refreshed it
    expect((await store.read('wwtok:access_token'))?.value).toBe('A');
    now += 61_000;
    expect((await store.read('wwtok:access_token'))?.value).toBe('B');
    await setToken('C');
    store.forget('wwtok');
    expect((await store.read('wwtok:access_token'))?.value).toBe('C');
  });

  it('replaces a rejected token with the one in Postgres, or fetches one', async () => {
    const store = new PgTokenStore(pool, box);
    await setToken('D');
    expect((await store.read('wwtok:access_token'))?.value).toBe('D');
    await setToken('E');
    let fetched = 0;
    const fetch = async () => { fetched++; return { value: 'F', expiresIn: 7200 }; };
    // D was rejected: Postgres already has E (another process refreshed), no fetch.
    expect(await store.refresh('wwtok:access_token', 'D', fetch)).toBe('E');
    expect((await store.read('wwtok:access_token'))?.value).toBe('E');
    // E rejected too: fetch, store and remember F.
    expect(await store.refresh('wwtok:access_token', 'E', fetch)).toBe('F');
    expect(fetched).toBe(1);
    expect((await store.read('wwtok:access_token'))?.value).toBe('F');
    const stored = (await pool.query<{ value: string }>(`SELECT value FROM wecom_tokens WHERE corp_id = 'wwtok'`)).rows[0].value;
    expect(stored).toMatch(/^enc:v1:/);
    expect(box.decrypt(stored, 'wecom_tokens:wwtok:access_token')).toBe('F');
  });

  it('stores tokens encrypted, and treats one it cannot open (plain text from an older Pond) as absent', async () => {
    const store = new PgTokenStore(pool, box);
    await pool.query(`UPDATE wecom_tokens SET value = 'PLAIN', expires_at = now() + interval '2 hours' WHERE corp_id = 'wwtok'`);
    store.forget('wwtok');
    expect(await store.read('wwtok:access_token')).toBeNull();
    expect(await store.refresh('wwtok:access_token', null, async () => ({ value: 'H', expiresIn: 7200 }))).toBe('H');
    const stored = (await pool.query<{ value: string }>(`SELECT value FROM wecom_tokens WHERE corp_id = 'wwtok'`)).rows[0].value;
    expect(stored).toMatch(/^enc:v1:/);
    expect(box.decrypt(stored, 'wecom_tokens:wwtok:access_token')).toBe('H');
  });

  it('never serves a token about to expire, even from memory', async () => {
    let now = Date.now();
    const store = new PgTokenStore(pool, box, () => now);
    await setToken('G', 6 * 60); // expires in 6 minutes: usable for one more (5-minute safety margin)
    expect((await store.read('wwtok:access_token'))?.value).toBe('G');
    now += 61_000 + 30_000; // memory would still hold it for part of this, but it is now inside the margin
    expect(await store.read('wwtok:access_token')).toBeNull();
  });
});
