// Accounts and tenants: one corp's admin cannot take over an account another corp shares, cannot learn which
// corps or usernames exist elsewhere, and cannot guess passwords faster than the throttle allows (invitation links,
// the platform owner and tokens: tenant-isolation.test.ts).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestPond, type TestPond } from './helpers';
import { bootstrap } from '../src/bootstrap';
import { hashPassword, LOGIN_LIMITS, LoginThrottled } from '../src/platform/auth';

let pond: TestPond;
const CORP_B = 'wwaccountsb0001';
let bToken: string;
const B_ADMIN_PASSWORD = 'b-admin-password-1';

async function login(username: string, password: string) {
  const res = await fetch(`${pond.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  const cookie = res.headers.get('set-cookie')?.split(';')[0] ?? null;
  return { status: res.status, cookie, body: await res.json() as any, headers: res.headers };
}
/** JSON request with a console session. */
async function asSession(cookie: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${pond.baseUrl}${path}`, {
    method, headers: { cookie, origin: pond.baseUrl, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() as any };
}
const asB = (method: string, path: string, body?: unknown) => pond.api(method, path, body, { token: bToken });
/** An account with active memberships, as the CLI (`pond user`) makes them. */
async function account(username: string, password: string, memberships: [string, string][]): Promise<number> {
  const { rows } = await pond.app.pool.query('INSERT INTO users (username, password_hash, display_name) VALUES ($1,$2,$1) RETURNING id', [username, await hashPassword(password)]);
  for (const [corpId, role] of memberships) await pond.app.pool.query('INSERT INTO memberships (user_id, corp_id, role) VALUES ($1,$2,$3)', [rows[0].id, corpId, role]);
  return rows[0].id;
}
const codeOf = (inviteUrl: string) => new URL(inviteUrl).pathname.split('/').pop()!;
/** Accepts an invitation with its link's code: a new account's password, or the existing account's. */
async function redeem(code: string, password: string) {
  const res = await fetch(`${pond.baseUrl}/api/invitations/redeem`, { method: 'POST', headers: { 'content-type': 'application/json', origin: pond.baseUrl }, body: JSON.stringify({ code, password }) });
  return { status: res.status, body: await res.json() as any };
}
const membershipId = async (corpToken: string, username: string) =>
  ((await pond.api('GET', '/api/users', undefined, { token: corpToken })).body.items as any[]).find((u) => u.username === username)?.id;

beforeAll(async () => {
  pond = await startTestPond();
  await pond.app.corps.upsert({
    id: CORP_B, name: '另一家企业 Corp B', agentId: '1000002', secret: 'corp-b-secret-0123456789', callbackToken: 'cbB123',
    callbackAesKey: 'B'.repeat(43), apiBase: 'http://127.0.0.1:1',
  });
  await account('b_admin', B_ADMIN_PASSWORD, [[CORP_B, 'admin']]);
  bToken = (await pond.app.auth.createToken({ corpId: CORP_B, name: 'corp-b-admin', role: 'admin' })).token;
});
afterAll(async () => {
  await pond?.close();
});
beforeEach(async () => {
  await pond.app.pool.query('DELETE FROM login_failures');
});

describe('the shared admin takeover', () => {
  it('a restart adds nobody to a corp; corp B cannot reach the first admin (the audit repro)', async () => {
    await bootstrap(pond.app, pond.baseUrl); // what every API start ran
    const listed = (await asB('GET', '/api/users')).body.items.map((u: any) => u.username);
    expect(listed).toEqual(['b_admin']);
    const { rows: [adminRow] } = await pond.app.pool.query(`SELECT id FROM users WHERE username = 'admin'`);
    const patch = await asB('PATCH', `/api/users/${adminRow.id}`, { password: 'takeover-pass-1' });
    expect(patch.status).toBe(404);
    expect((await login('admin', 'takeover-pass-1')).status).toBe(401);
    expect((await login('admin', pond.adminPassword)).status).toBe(200);
  });

  it('a corp configured later gets no members, and the start says how to add an admin', async () => {
    await pond.app.corps.upsert({ id: 'wwlatercorp01', name: 'Later', agentId: '1', secret: 'later-secret-01', callbackToken: 'l1', callbackAesKey: 'E'.repeat(43), apiBase: 'http://127.0.0.1:1' });
    const r = await bootstrap(pond.app, pond.baseUrl);
    expect(r.admin).toBeUndefined();
    expect(r.corpsWithoutAdmin).toContain('wwlatercorp01');
    expect(r.corpsWithoutAdmin).not.toContain(pond.corpId);
    expect(r.noOwner).toBe(false);
    expect((await pond.app.pool.query(`SELECT 1 FROM memberships WHERE corp_id = 'wwlatercorp01'`)).rowCount).toBe(0);
  });

  it('an account in two corps: corp B manages the membership, not the password, name or account', async () => {
    const shared = await account('shared_ops', 'shared-password-1', [[pond.corpId, 'operator'], [CORP_B, 'operator']]);
    const id = await membershipId(bToken, 'shared_ops');
    expect(id).toBeDefined();
    expect(id).not.toBe(shared); // memberships have their own ids
    for (const body of [{ password: 'takeover-pass-2' }, { displayName: '被接管' }, { accountDisabled: true }]) {
      const r = await asB('PATCH', `/api/users/${id}`, body);
      expect(r.status, JSON.stringify(body)).toBe(403);
      expect(r.body.error.message).toMatch(/admin of every corp/);
    }
    expect((await login('shared_ops', 'takeover-pass-2')).status).toBe(401);
    const s = await login('shared_ops', 'shared-password-1');
    expect(s.status).toBe(200);
    expect(s.body.corps.map((c: any) => c.id).sort()).toEqual([CORP_B, pond.corpId].sort());

    // Locking the user out of corp B only: the session loses B, corp A still works.
    const off = await asB('PATCH', `/api/users/${id}`, { disabled: true, role: 'admin' });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ disabled: true, role: 'admin', status: 'active' });
    const me = await asSession(s.cookie!, 'GET', '/api/me');
    expect(me.body.corps.map((c: any) => c.id)).toEqual([pond.corpId]);
    expect((await asSession(s.cookie!, 'POST', '/api/me/corp', { corpId: CORP_B })).status).toBe(403);
    expect((await asSession(s.cookie!, 'GET', '/api/customers?pageSize=1')).status).toBe(200);
    const again = await login('shared_ops', 'shared-password-1');
    expect(again.body.corps.map((c: any) => c.id)).toEqual([pond.corpId]);
    expect((await asB('PATCH', `/api/users/${id}`, { disabled: false })).body.disabled).toBe(false);
    expect((await asSession(s.cookie!, 'POST', '/api/me/corp', { corpId: CORP_B })).status).toBe(200);
  });

  it('the user, a platform owner, or an admin of every corp the account belongs to may change it', async () => {
    await account('shared_two', 'shared-two-pass-1', [[pond.corpId, 'operator'], [CORP_B, 'operator']]);
    await account('boss_ab', 'boss-ab-password', [[pond.corpId, 'admin'], [CORP_B, 'admin']]);
    // Admin of corp A only (a corp token) may not either.
    const inA = await membershipId(pond.token, 'shared_two');
    expect((await pond.api('PATCH', `/api/users/${inA}`, { password: 'a-only-pass-1' })).status).toBe(403);
    // Admin of both corps may.
    const boss = await login('boss_ab', 'boss-ab-password');
    expect((await asSession(boss.cookie!, 'PATCH', `/api/users/${inA}`, { password: 'by-boss-pass-1' })).status).toBe(200);
    expect((await login('shared_two', 'by-boss-pass-1')).status).toBe(200);
    // The platform owner may (the first admin, owner by the first start).
    const owner = await login('admin', pond.adminPassword);
    expect(owner.body.user.owner).toBe(true);
    const renamed = await asSession(owner.cookie!, 'PATCH', `/api/users/${inA}`, { displayName: '共享运营' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.displayName).toBe('共享运营');
    // The user themself may (here boss_ab, an admin, changing their own password through corp B).
    const bossInB = await membershipId(bToken, 'boss_ab');
    await asSession(boss.cookie!, 'POST', '/api/me/corp', { corpId: CORP_B });
    expect((await asSession(boss.cookie!, 'PATCH', `/api/users/${bossInB}`, { password: 'boss-new-pass-1' })).status).toBe(200);
    expect((await login('boss_ab', 'boss-new-pass-1')).status).toBe(200);
  });

  it('keeps at least one active admin per corp', async () => {
    await pond.app.corps.upsert({ id: 'wwaccountsc001', name: 'C', agentId: '1', secret: 'corp-c-secret-01', callbackToken: 'c1', callbackAesKey: 'D'.repeat(43), apiBase: 'http://127.0.0.1:1' });
    await account('c_admin', 'c-admin-password', [['wwaccountsc001', 'admin']]);
    const cToken = (await pond.app.auth.createToken({ corpId: 'wwaccountsc001', name: 'c', role: 'admin' })).token;
    const own = await membershipId(cToken, 'c_admin');
    for (const [method, body] of [['PATCH', { role: 'operator' }], ['PATCH', { disabled: true }], ['PATCH', { accountDisabled: true }], ['DELETE', undefined]] as const) {
      const r = await pond.api(method, `/api/users/${own}`, body, { token: cToken });
      expect(r.status, `${method} ${JSON.stringify(body)}`).toBe(400);
      expect(r.body.error.message).toMatch(/at least one active admin/);
    }
  });
});

describe('no probing other tenants', () => {
  it('only a platform owner may add corps: a corp admin gets the same 403 for an existing and a new corp id', async () => {
    const input = (id: string) => ({ id, name: 'X', agentId: '1000009', secret: 'some-secret-123', callbackToken: 'tok1', callbackAesKey: 'C'.repeat(43) });
    const existing = await asB('POST', '/api/corps', input(pond.corpId));
    const fresh = await asB('POST', '/api/corps', input('wwnotacorp0001'));
    expect(existing.status).toBe(403);
    expect(fresh.status).toBe(403);
    expect(existing.body).toEqual(fresh.body);
    expect(JSON.stringify(existing.body)).not.toContain(pond.corpId);
    expect((await pond.api('POST', '/api/corps', input('wwnotacorp0001'))).status).toBe(403); // corp A's admin token too
    const owner = await login('admin', pond.adminPassword);
    expect((await asSession(owner.cookie!, 'POST', '/api/corps', input(CORP_B))).status).toBe(400);
    const made = await asSession(owner.cookie!, 'POST', '/api/corps', { ...input('wwownercorp001'), apiBase: `${pond.baseUrl}/sim` });
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({ id: 'wwownercorp001', role: 'admin' });
  });

  it('adding a user is an invitation that answers the same whether the username exists elsewhere or not', async () => {
    const body = (username: string) => ({ username, displayName: '新同事', role: 'operator' });
    const existing = await asB('POST', '/api/users', body('admin')); // corp A's owner account
    const fresh = await asB('POST', '/api/users', body('fresh_hire'));
    expect(existing.status).toBe(200);
    expect(fresh.status).toBe(200);
    const shape = (u: any) => ({ ...u, id: typeof u.id, username: typeof u.username, inviteUrl: typeof u.inviteUrl, inviteExpiresAt: typeof u.inviteExpiresAt });
    expect(shape(existing.body)).toEqual(shape(fresh.body));
    expect(existing.body).toMatchObject({ status: 'invited', displayName: '新同事', disabled: false });
    expect(fresh.body.id).toBeGreaterThan(existing.body.id); // one sequence for both: no hint in the ids
    expect(JSON.stringify((await asB('GET', '/api/users')).body)).not.toContain('管理员 Admin');
    // The inviting admin sets no password, for either (ADR 0018): the same refusal, naming the field.
    const patchExisting = await asB('PATCH', `/api/users/${existing.body.id}`, { password: 'guessed-pass-1' });
    const patchFresh = await asB('PATCH', `/api/users/${fresh.body.id}`, { password: 'fixed-typo-pass' });
    expect(patchExisting.status).toBe(400);
    expect(patchFresh.body).toEqual(patchExisting.body);
    const again = await asB('POST', '/api/users', body('admin'));
    expect(again.status).toBe(409);
    expect(again.body.error.field).toBe('username');

    // The existing account keeps its password and gains nothing until its holder accepts with the link.
    expect((await login('admin', 'guessed-pass-1')).status).toBe(401);
    const owner = await login('admin', pond.adminPassword);
    expect(owner.body.corps.map((c: any) => c.id)).not.toContain(CORP_B);
    expect((await asSession(owner.cookie!, 'POST', '/api/me/corp', { corpId: CORP_B })).status).toBe(403);
    expect((await redeem(codeOf(existing.body.inviteUrl), 'not-the-password')).status).toBe(401);
    const accepted = await redeem(codeOf(existing.body.inviteUrl), pond.adminPassword);
    expect(accepted.status).toBe(200);
    expect(accepted.body.corp.id).toBe(CORP_B);
    expect((await asSession(owner.cookie!, 'GET', '/api/me')).body.corps.map((c: any) => c.id)).toContain(CORP_B);
    expect((await asB('GET', '/api/users')).body.items.find((u: any) => u.username === 'admin')).toMatchObject({ status: 'active', displayName: '管理员 Admin' });

    // The new account: nobody can sign in to it until the link sets its password.
    expect((await login('fresh_hire', 'fixed-typo-pass')).status).toBe(401);
    const first = await redeem(codeOf(fresh.body.inviteUrl), 'fresh-hire-pass-1');
    expect(first.status).toBe(200);
    expect(first.body.corp.id).toBe(CORP_B);
    expect((await login('fresh_hire', 'fresh-hire-pass-1')).body.corp.id).toBe(CORP_B);
    expect((await asB('GET', '/api/users')).body.items.find((u: any) => u.username === 'fresh_hire').status).toBe('active');
  });

  it('an invitation grants nothing before it is accepted, and can be withdrawn', async () => {
    await account('lone_a', 'lone-a-password', [[pond.corpId, 'operator']]);
    const inv = await asB('POST', '/api/users', { username: 'lone_a', displayName: 'Lone', role: 'admin' });
    expect(inv.status).toBe(200);
    // Corp A's admin still manages the account alone: the pending invitation does not make it shared.
    const inA = await membershipId(pond.token, 'lone_a');
    expect((await pond.api('PATCH', `/api/users/${inA}`, { password: 'a-reset-pass-1' })).status).toBe(200);
    const s = await login('lone_a', 'a-reset-pass-1');
    expect(s.body.corps.map((c: any) => c.id)).toEqual([pond.corpId]);
    expect((await asB('DELETE', `/api/users/${inv.body.id}`)).status).toBe(200);
    expect((await asB('GET', '/api/users')).body.items.map((u: any) => u.username)).not.toContain('lone_a');
    expect((await redeem(codeOf(inv.body.inviteUrl), 'a-reset-pass-1')).status).toBe(404);
    expect((await pond.app.pool.query(`SELECT 1 FROM users WHERE username = 'lone_a'`)).rowCount).toBe(1);
  });

  it('removing an invitation that created an account removes that never-used account; removing a member keeps the account', async () => {
    const inv = await asB('POST', '/api/users', { username: 'typo_user', displayName: 'T', role: 'operator' });
    expect((await asB('DELETE', `/api/users/${inv.body.id}`)).status).toBe(200);
    expect((await pond.app.pool.query(`SELECT 1 FROM users WHERE username = 'typo_user'`)).rowCount).toBe(0);
    const again = await asB('POST', '/api/users', { username: 'typo_user', displayName: 'T', role: 'operator' });
    expect((await redeem(codeOf(again.body.inviteUrl), 'second-good-pass')).status).toBe(200);
    expect((await login('typo_user', 'second-good-pass')).status).toBe(200);
    const id = await membershipId(bToken, 'typo_user');
    expect((await asB('DELETE', `/api/users/${id}`)).status).toBe(200);
    expect((await asB('GET', '/api/users')).body.items.map((u: any) => u.username)).not.toContain('typo_user');
    expect((await pond.app.pool.query(`SELECT 1 FROM users WHERE username = 'typo_user'`)).rowCount).toBe(1);
  });

  it('a corp admin lists only their corp\'s API tokens (no other corp\'s, no platform-wide ones)', async () => {
    await pond.app.auth.createToken({ corpId: null, name: 'platform-wide', role: 'admin' });
    const names = (await asB('GET', '/api/tokens')).body.items.map((t: any) => t.name);
    expect(names).toEqual(['corp-b-admin']);
  });
});

describe('sign-in', () => {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

  it('takes the same work for an unknown username as for a wrong password', async () => {
    const unknown: number[] = [];
    const known: number[] = [];
    for (let i = 0; i < 9; i++) {
      // Alternating which goes first, so drift in the machine's load falls on both alike.
      const pair = [[`nobody_${i}`, unknown], ['admin', known]] as const;
      for (const [who, into] of i % 2 ? [...pair].reverse() : pair) {
        await pond.app.pool.query('DELETE FROM login_failures');
        const t0 = performance.now();
        expect((await login(who, 'wrong-password-1')).status).toBe(401);
        into.push(performance.now() - t0);
      }
    }
    const ratio = median(unknown) / median(known);
    // Without the dummy hash an unknown name answers ~20× faster (ratio ≈ 0.05); bounds wide enough for a busy machine.
    expect(ratio, `unknown ${median(unknown).toFixed(1)} ms, wrong password ${median(known).toFixed(1)} ms`).toBeGreaterThan(1 / 3);
    expect(ratio, `unknown ${median(unknown).toFixed(1)} ms, wrong password ${median(known).toFixed(1)} ms`).toBeLessThan(3);
  });

  it(`refuses a username from one address after ${LOGIN_LIMITS.perPair} failures, until the oldest leaves the window`, async () => {
    await account('target_u', 'target-password-1', [[pond.corpId, 'operator']]);
    for (let i = 0; i < LOGIN_LIMITS.perPair; i++) {
      await expect(pond.app.auth.login('target_u', `guess-${i}`, '10.0.0.1')).rejects.toMatchObject({ code: 'unauthorized' });
    }
    const blocked = await pond.app.auth.login('target_u', 'target-password-1', '10.0.0.1').catch((e) => e);
    expect(blocked).toBeInstanceOf(LoginThrottled);
    expect(blocked.retryAfterSec).toBeGreaterThan(0);
    expect(blocked.retryAfterSec).toBeLessThanOrEqual(LOGIN_LIMITS.windowMinutes * 60);
    expect(blocked.message).toMatch(/登录失败次数过多，请 15 分钟后再试 \/ too many failed sign-ins, try again in 15 minutes/);
    // Another username from the same address is not affected.
    await expect(pond.app.auth.login('someone_else', 'x', '10.0.0.1')).rejects.toMatchObject({ code: 'unauthorized' });
    // The oldest failure leaves the 15-minute window: one more try is allowed, and it succeeds.
    await pond.app.pool.query(`UPDATE login_failures SET at = now() - interval '16 minutes' WHERE id = (SELECT min(id) FROM login_failures WHERE key = 'p:10.0.0.1|target_u')`);
    await expect(pond.app.auth.login('target_u', 'target-password-1', '10.0.0.1')).resolves.toMatchObject({ sessionToken: expect.any(String) });
  });

  it('guesses of a username from many addresses slow its sign-in down but never lock its owner out', async () => {
    await account('spread_u', 'spread-password-1', [[pond.corpId, 'operator']]);
    for (let i = 0; i < LOGIN_LIMITS.perUsername; i++) {
      await expect(pond.app.auth.login('spread_u', `guess-${i}`, `10.0.1.${i + 1}`)).rejects.toMatchObject({ code: 'unauthorized' });
    }
    const t0 = performance.now();
    await expect(pond.app.auth.login('spread_u', 'spread-password-1', '10.0.9.9')).resolves.toMatchObject({ sessionToken: expect.any(String) });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(LOGIN_LIMITS.slowBaseMs - 5);
  });

  it(`refuses an address after ${LOGIN_LIMITS.perIp} failures over any usernames`, async () => {
    for (let i = 0; i < LOGIN_LIMITS.perIp; i++) {
      await expect(pond.app.auth.login(`spray_${i}`, 'password-1', '10.1.1.1')).rejects.toMatchObject({ code: 'unauthorized' });
    }
    await expect(pond.app.auth.login('admin', pond.adminPassword, '10.1.1.1')).rejects.toBeInstanceOf(LoginThrottled);
    await expect(pond.app.auth.login('admin', pond.adminPassword, '10.1.1.2')).resolves.toMatchObject({ sessionToken: expect.any(String) });
  });

  it("a success clears the username's failures", async () => {
    await account('resets_u', 'resets-password-1', [[pond.corpId, 'operator']]);
    const fail = () => expect(pond.app.auth.login('resets_u', 'nope-nope-1', '10.2.0.1')).rejects.toMatchObject({ code: 'unauthorized' });
    for (let i = 0; i < LOGIN_LIMITS.perPair - 1; i++) await fail();
    await pond.app.auth.login('resets_u', 'resets-password-1', '10.2.0.1');
    for (let i = 0; i < LOGIN_LIMITS.perPair - 1; i++) await fail(); // 8 failures in the window, none throttled
    const { rows } = await pond.app.pool.query(`SELECT count(*) FILTER (WHERE key = 'u:resets_u')::int AS u, count(*) FILTER (WHERE key = 'p:10.2.0.1|resets_u')::int AS p FROM login_failures`);
    expect(rows[0]).toEqual({ u: LOGIN_LIMITS.perPair - 1, p: LOGIN_LIMITS.perPair - 1 });
  });

  it('holds under parallel guesses: exactly the limit get through to the password check', async () => {
    await account('parallel_u', 'parallel-password-1', [[pond.corpId, 'operator']]);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      pond.app.auth.login('parallel_u', `guess-${i}`, '10.3.0.1').then(() => 'ok', (e) => (e instanceof LoginThrottled ? 'throttled' : e.code))));
    expect(results.filter((r) => r === 'unauthorized')).toHaveLength(LOGIN_LIMITS.perPair);
    expect(results.filter((r) => r === 'throttled')).toHaveLength(12 - LOGIN_LIMITS.perPair);
  });

  it('refuses oversized credentials before any work (no scrypt over megabytes, no huge throttle keys)', async () => {
    const long = await login('x'.repeat(10_000), 'p');
    expect(long.status).toBe(400);
    expect(long.body.error.field).toBe('username');
    expect((await login('admin', 'p'.repeat(100_000))).body.error.field).toBe('password');
    expect((await pond.app.pool.query('SELECT count(*)::int AS n FROM login_failures')).rows[0].n).toBe(0);
  });

  it('answers 429 over HTTP with Retry-After and the wait in Chinese and English', async () => {
    for (let i = 0; i < LOGIN_LIMITS.perPair; i++) expect((await login('admin', `wrong-${i}-pass`)).status).toBe(401);
    const r = await login('admin', pond.adminPassword);
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(r.body.error.message).toMatch(/请 \d+ 分钟后再试 \/ too many failed sign-ins, try again in \d+ minutes?/);
  });
});

describe('pond user (CLI)', () => {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const pondCli = (...args: string[]) => promisify(execFile)(join(root, 'node_modules/.bin/tsx'), [join(root, 'apps/server/src/main.ts'), ...args], {
    cwd: root, env: { ...process.env, DATABASE_URL: pond.databaseUrl, POND_SECRET_KEY: pond.app.config.secretKey!.toString('base64'), LOG_LEVEL: 'warn' },
  });

  it('is the only way to make a platform owner, and adds a new user to the first corp as an active member', async () => {
    const made = await pondCli('user', '--username', 'cli_owner', '--password', 'cli-owner-pass-1', '--owner');
    expect(made.stdout).toMatch(/user cli_owner: created, admin in corp .+, platform owner/);
    const s = await login('cli_owner', 'cli-owner-pass-1');
    expect(s.status).toBe(200);
    expect(s.body.user.owner).toBe(true);
    expect(s.body.corp.id).toBe(pond.corpId);
    // Granting owner to an existing account changes nothing else (no membership added, password kept).
    await pondCli('user', '--username', 'b_admin', '--owner');
    const b = await login('b_admin', B_ADMIN_PASSWORD);
    expect(b.body.user.owner).toBe(true);
    expect(b.body.corps.map((c: any) => c.id)).toEqual([CORP_B]);
    await pondCli('user', '--username', 'b_admin', '--revoke-owner');
    expect((await login('b_admin', B_ADMIN_PASSWORD)).body.user.owner).toBe(false);
    await expect(pondCli('user', '--username', 'nobody_new')).rejects.toMatchObject({ stderr: expect.stringMatching(/--password is required to create user nobody_new/) });
  }, 120_000);
});
