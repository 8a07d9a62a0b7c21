// Several processes' limiters on one database never let a corp pass WeCom's per-minute quota.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, migrateDb } from '../../platform/db';
import { createTestDatabase } from '../../../test/helpers';
import { SharedQuotaLimiter } from './shared-quota';
import type pg from 'pg';

let pool: pg.Pool;
let drop: () => Promise<void>;
beforeAll(async () => {
  const db = await createTestDatabase();
  drop = db.drop;
  pool = createPool(db.url, 8);
  await migrateDb(pool);
});
afterAll(async () => { await pool?.end(); await drop?.(); });

describe('SharedQuotaLimiter', () => {
  it('shares one minute quota between limiters (processes) and makes the rest wait', async () => {
    let now = Date.UTC(2026, 10, 24, 12, 0, 5);
    const sleep = () => new Promise<void>((r) => setTimeout(r, 5)); // the test moves the clock
    const a = new SharedQuotaLimiter(pool, 'wwq', { perMinute: 50, block: 7, now: () => now, sleep });
    const b = new SharedQuotaLimiter(pool, 'wwq', { perMinute: 50, block: 7, now: () => now, sleep });
    let granted = 0;
    const calls = Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).acquire('externalcontact/get').then(() => { granted++; }));
    // Every reservation of this minute has run once the database shows the whole quota taken.
    for (let i = 0; i < 200 && granted < 50; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50)); // and nobody gets more
    expect(granted).toBe(50);
    const { rows } = await pool.query(`SELECT used FROM wecom_quota WHERE corp_id = 'wwq'`);
    expect(rows[0].used).toBe(50);
    // Next minute: the waiting ten go through.
    now += 60_000;
    await Promise.all(calls);
    expect(granted).toBe(60);
  });

  it('takes larger blocks while calls come fast, and small ones again when they slow down', async () => {
    let now = Date.UTC(2026, 10, 24, 12, 0, 5);
    const l = new SharedQuotaLimiter(pool, 'wwg', { now: () => now }); // 10,000 a minute: blocks of 20 up to 200
    const used = async () => (await pool.query(`SELECT used FROM wecom_quota WHERE corp_id = 'wwg'`)).rows[0].used as number;
    for (let i = 0; i < 300; i++) await l.acquire('externalcontact/send_welcome_msg');
    expect(await used()).toBe(20 + 40 + 80 + 160); // four reservations for 300 calls instead of fifteen
    await l.acquire('externalcontact/send_welcome_msg');
    expect(await used()).toBe(300 + 200); // still fast: doubled again, capped at 2% of the quota
    now += 1500;
    for (let i = 0; i < 200; i++) await l.acquire('externalcontact/send_welcome_msg'); // 199 left, then one more block
    expect(await used()).toBe(500 + 20); // the last block lasted longer than a second: back to the base size
  });

  it('tryAcquire never waits', async () => {
    const l = new SharedQuotaLimiter(pool, 'wwt', { perMinute: 1, block: 1 });
    expect(await l.tryAcquire('x')).toBe(true); // reserves this minute's only call
    expect(await l.tryAcquire('x')).toBe(false); // spent: answers at once instead of waiting a minute
  });
});
