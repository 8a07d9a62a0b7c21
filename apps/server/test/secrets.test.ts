// Corps' credentials at rest: what Postgres holds is ciphertext; plain rows of an older Pond are encrypted at
// start (once, also when processes start together); `pond rotate-secrets` moves every value to the new key.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createTestDatabase } from './helpers';
import { createPool, migrateDb } from '../src/platform/db';
import { createLogger } from '../src/platform/log';
import { SecretBox } from '../src/platform/secrets';
import { CorpService, encryptCorpSecrets, SECRET_COLUMNS } from '../src/modules/org/corps';
import { loadConfig } from '../src/config';
import { buildApp } from '../src/app';

const log = createLogger('silent', false);
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
const oldKey = randomBytes(32);
const box = new SecretBox(oldKey);
const newKey = randomBytes(32);

const plain = (id: string) => ({
  id, name: id, agentId: '1000002', secret: `wecom-secret-${id}-0123456789`, callbackToken: `cbtok${id.slice(-4)}`,
  callbackAesKey: 'A'.repeat(40) + id.slice(-3).padStart(3, 'x'), oauthSecret: `oauth-secret-${id}-abcdef`,
});
const raw = async (id: string) => (await pool.query(`SELECT ${SECRET_COLUMNS.join(', ')} FROM corps WHERE id = $1`, [id])).rows[0] as Record<string, string>;
/** A row as a Pond from before encryption wrote it. */
const insertPlain = async (id: string) => {
  const c = plain(id);
  await pool.query(
    `INSERT INTO corps (id, name, agent_id, secret, callback_token, callback_aes_key, api_base, oauth_secret, order_webhook_token)
     VALUES ($1,$2,$3,$4,$5,$6,'http://127.0.0.1:1',$7,$8)`,
    [id, c.name, c.agentId, c.secret, c.callbackToken, c.callbackAesKey, c.oauthSecret, `hook-${id}-0123456789`]);
};

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool(db.url, 8);
  await migrateDb(pool);
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe('corps credentials at rest', () => {
  it('are written encrypted by CorpService: the raw row holds no plain text, and reads give it back', async () => {
    const corps = new CorpService(pool, log, box);
    const c = plain('wwenc0001');
    await corps.upsert(c);
    await corps.update(c.id, { oauthSecret: c.oauthSecret, oauthAppId: 'wx0123456789abcdef' });
    const token = await corps.regenerateWebhookToken(c.id);
    const row = await raw(c.id);
    const read = (await new CorpService(pool, log, box).get(c.id))!;
    expect(read).toMatchObject({ secret: c.secret, callbackToken: c.callbackToken, callbackAesKey: c.callbackAesKey, oauthSecret: c.oauthSecret, orderWebhookToken: token });
    for (const [col, clear] of [['secret', c.secret], ['callback_token', c.callbackToken], ['callback_aes_key', c.callbackAesKey], ['oauth_secret', c.oauthSecret], ['order_webhook_token', token]] as const) {
      expect(row[col], col).toMatch(/^enc:v1:/);
      expect(row[col], col).not.toContain(clear);
    }
    // A ciphertext copied into another corp's row does not open there.
    await corps.upsert(plain('wwenc0002'));
    await pool.query('UPDATE corps SET secret = $2 WHERE id = $1', ['wwenc0002', row.secret]);
    await expect(new CorpService(pool, log, box).get('wwenc0002')).rejects.toThrow(/corps\.secret:wwenc0002 does not decrypt/);
    await pool.query('DELETE FROM corps WHERE id = $1', ['wwenc0002']);
  });

  it('plain rows are encrypted at start, once, even by several processes starting together', async () => {
    await insertPlain('wwlegacy01');
    await insertPlain('wwlegacy02');
    const pools = [pool, createPool(db.url, 2), createPool(db.url, 2)];
    const counts = await Promise.all(pools.map((p) => encryptCorpSecrets(p, box)));
    await Promise.all(pools.slice(1).map((p) => p.end()));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10); // 5 columns × 2 corps, each converted by exactly one
    for (const id of ['wwlegacy01', 'wwlegacy02']) {
      const row = await raw(id);
      for (const col of SECRET_COLUMNS) expect(row[col], col).toMatch(/^enc:v1:/);
      expect((await new CorpService(pool, log, box).get(id))).toMatchObject({ secret: plain(id).secret, oauthSecret: plain(id).oauthSecret, orderWebhookToken: `hook-${id}-0123456789` });
    }
    expect(await encryptCorpSecrets(pool, box)).toBe(0);
  });

  it('buildApp encrypts them before serving (the code migration after the SQL ones)', async () => {
    await insertPlain('wwlegacy03');
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', POND_SECRET_KEY: oldKey.toString('base64') });
    const app = await buildApp({ config, databaseUrl: db.url, roles: { api: false, worker: false }, log, poolSize: 6 });
    try {
      const row = await raw('wwlegacy03');
      for (const col of SECRET_COLUMNS) expect(SecretBox.keyIdOf(row[col]), col).toBe(box.currentKeyId);
      expect((await app.corps.get('wwlegacy03'))!.secret).toBe(plain('wwlegacy03').secret);
    } finally {
      await app.close();
    }
  });

  it('rotate-secrets re-encrypts every value under the new key; the old key alone then fails with a clear error', async () => {
    const rotated = new SecretBox(newKey, [oldKey]);
    const n = await encryptCorpSecrets(pool, rotated, { rotate: true });
    expect(n).toBeGreaterThan(0);
    const { rows } = await pool.query(`SELECT id, ${SECRET_COLUMNS.join(', ')} FROM corps`);
    for (const r of rows) for (const col of SECRET_COLUMNS) if (r[col] != null) expect(SecretBox.keyIdOf(r[col]), `${r.id}.${col}`).toBe(rotated.currentKeyId);
    expect(await encryptCorpSecrets(pool, rotated, { rotate: true })).toBe(0);
    expect((await new CorpService(pool, log, new SecretBox(newKey)).get('wwlegacy01'))!.secret).toBe(plain('wwlegacy01').secret);
    await expect(new CorpService(pool, log, box).get('wwlegacy01'))
      .rejects.toThrow(new RegExp(`encrypted with key ${rotated.currentKeyId}, which is neither POND_SECRET_KEY \\(key ${box.currentKeyId}\\) nor in POND_SECRET_KEY_PREVIOUS`));
  });

  it('`pond rotate-secrets` does it from the command line and says how many values it moved', async () => {
    const third = randomBytes(32);
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const out = await promisify(execFile)(join(root, 'node_modules/.bin/tsx'), [join(root, 'apps/server/src/main.ts'), 'rotate-secrets'], {
      cwd: root, env: { ...process.env, DATABASE_URL: db.url, POND_SECRET_KEY: third.toString('hex'), POND_SECRET_KEY_PREVIOUS: newKey.toString('base64'), LOG_LEVEL: 'warn' },
    });
    const thirdId = new SecretBox(third).currentKeyId;
    expect(out.stdout).toMatch(new RegExp(`^\\d+ stored secrets re-encrypted with key ${thirdId}`, 'm'));
    expect((await new CorpService(pool, log, new SecretBox(third)).get('wwlegacy02'))!.callbackToken).toBe(plain('wwlegacy02').callbackToken);
  }, 120_000);
});
