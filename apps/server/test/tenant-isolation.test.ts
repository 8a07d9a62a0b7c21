// What one tenant's admin must not be able to do to Pond, to other tenants or to the platform owner (the security
// review of issue 10): point the corp's WeCom addresses at their own servers (a script on Pond's origin, SSRF), squat
// usernames other corps invite, take over the owner, keep API tokens after leaving, lock people out, and probe which
// corps exist. And a process whose cache-invalidation connection drops catches up.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword, LOGIN_LIMITS, throttleNet, usernameDelayMs } from '../src/platform/auth';
import { NEGATIVE_CACHE } from '../src/modules/org';
import { startTestPond, waitFor, type TestPond } from './helpers';

let pond: TestPond;
const CORP_B = 'wwisolationcorpb1';
let bToken: string;

/** A server inside the network that only Pond could reach: records every request it gets. */
function internalServer(): Promise<{ server: Server; url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`INTERNAL-ONLY path=${req.url} secret=AKIAEXAMPLE`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits })));
}
let allowed: Awaited<ReturnType<typeof internalServer>>;
let forbidden: Awaited<ReturnType<typeof internalServer>>;

async function login(username: string, password: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${pond.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ username, password }) });
  return { status: res.status, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? null, body: await res.json() as any };
}
async function asSession(cookie: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${pond.baseUrl}${path}`, {
    method, headers: { cookie, origin: pond.baseUrl, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: any = text;
  try { parsed = JSON.parse(text); } catch { /* html */ }
  return { status: res.status, body: parsed, headers: res.headers };
}
const asB = (method: string, path: string, body?: unknown) => pond.api(method, path, body, { token: bToken });
const codeOf = (inviteUrl: string) => new URL(inviteUrl).pathname.split('/').pop()!;
async function redeem(code: string, password: string, extra: Record<string, string> = {}) {
  const res = await fetch(`${pond.baseUrl}/api/invitations/redeem`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: pond.baseUrl }, body: JSON.stringify({ code, password, ...extra }),
  });
  return { status: res.status, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? null, body: await res.json() as any };
}
async function account(username: string, password: string, memberships: [string, string][]): Promise<number> {
  const { rows } = await pond.app.pool.query('INSERT INTO users (username, password_hash, display_name) VALUES ($1,$2,$1) RETURNING id', [username, await hashPassword(password)]);
  for (const [corpId, role] of memberships) await pond.app.pool.query('INSERT INTO memberships (user_id, corp_id, role) VALUES ($1,$2,$3)', [rows[0].id, corpId, role]);
  return rows[0].id;
}
const membershipId = async (token: string, username: string) =>
  ((await pond.api('GET', '/api/users', undefined, { token })).body.items as any[]).find((u) => u.username === username)?.id;

beforeAll(async () => {
  allowed = await internalServer();
  forbidden = await internalServer();
  // The operator allows one address besides WeCom's (a private deployment's proxy); the other is off limits.
  pond = await startTestPond({ env: { WECOM_ALLOWED_ORIGINS: allowed.url } });
  await pond.app.corps.upsert({
    id: CORP_B, name: 'Attacker corp B', agentId: '1000002', secret: 'corp-b-secret-0123456789', callbackToken: 'cbB123',
    callbackAesKey: 'B'.repeat(43), apiBase: `${pond.baseUrl}/sim`,
  });
  bToken = (await pond.app.auth.createToken({ corpId: CORP_B, name: 'b-admin', role: 'admin' })).token;
  await pond.app.pool.query(`INSERT INTO staff (corp_id, userid, name, status) VALUES ($1, 'mallory', 'M', 1)`, [CORP_B]);
}, 180_000);
afterAll(async () => {
  await pond?.close();
  allowed?.server.close();
  forbidden?.server.close();
});
beforeEach(async () => {
  await pond.app.pool.query('DELETE FROM login_failures');
});

describe("a corp's WeCom addresses", () => {
  it('may be only WeCom\'s own, the simulator\'s (demo) or one the operator allowed: 400 naming the field otherwise', async () => {
    for (const [field, value] of [
      ['wecomWebBase', 'https://evil.example'],
      ['apiBase', `${forbidden.url}/internal/admin?x=`],
      ['apiBase', forbidden.url],
      ['apiBase', 'https://qyapi.weixin.qq.com.evil.example'],
      ['apiBase', 'https://user:pw@qyapi.weixin.qq.com'],
      ['oauthOpenBase', 'https://evil.example'],
      ['oauthApiBase', 'http://169.254.169.254/latest'],
      ['wecomWebBase', `${pond.baseUrl}/api`],
    ] as const) {
      const r = await asB('PUT', '/api/settings/corp', { [field]: value });
      expect(r.status, `${field}=${value}`).toBe(400);
      expect(r.body.error.field).toBe(field);
    }
    // POST /api/corps (the platform owner) is held to the same rule.
    const owner = await login('admin', pond.adminPassword);
    const made = await asSession(owner.cookie!, 'POST', '/api/corps', {
      id: 'wwisolationnew01', name: 'N', agentId: '1000009', secret: 'some-secret-123', callbackToken: 'tok1', callbackAesKey: 'C'.repeat(43), apiBase: forbidden.url,
    });
    expect(made.status).toBe(400);
    expect(made.body.error.field).toBe('apiBase');
    for (const body of [{ apiBase: 'https://qyapi.weixin.qq.com' }, { oauthOpenBase: 'https://open.weixin.qq.com', oauthApiBase: 'https://api.weixin.qq.com/' },
      { wecomWebBase: `${pond.baseUrl}/sim` }, { apiBase: allowed.url }, { apiBase: `${pond.baseUrl}/sim` }]) {
      expect((await asB('PUT', '/api/settings/corp', body)).status, JSON.stringify(body)).toBe(200);
    }
    expect((await asB('PUT', '/api/settings/corp', { wecomWebBase: null })).status).toBe(200);
  });

  it('a web base stored before the check is not used: no foreign script, CSP origin or sign-in redirect on the sidebar page', async () => {
    await pond.app.corps.update(CORP_B, { wecomWebBase: 'https://evil.example' });
    const first = await fetch(`${pond.baseUrl}/sidebar/${CORP_B}`, { redirect: 'manual' });
    expect(first.status).toBe(302);
    expect(new URL(first.headers.get('location')!).origin).toBe('https://open.weixin.qq.com');
    expect(first.headers.get('content-security-policy')).not.toContain('evil');
    const sid = await pond.app.auth.createSidebarSession(CORP_B, 'mallory');
    const page = await fetch(`${pond.baseUrl}/sidebar/${CORP_B}`, { headers: { cookie: `pond_sidebar=${sid}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain('evil.example');
    expect(page.headers.get('content-security-policy')).not.toContain('evil');
    await pond.app.corps.update(CORP_B, { wecomWebBase: null });
  });

  it('an API base stored before the check is never called (no request leaves), and a non-WeCom answer is never echoed', async () => {
    await pond.app.corps.update(CORP_B, { apiBase: `${forbidden.url}/internal/admin?x=` });
    const refused = await asB('POST', '/api/tag-groups', { name: 'x', tags: [{ name: 'y' }] });
    expect(refused.status).toBe(502);
    expect(refused.body.error.message).toContain('not an allowed WeCom address');
    expect(forbidden.hits).toEqual([]);

    // An allowed address that is not WeCom (a misconfigured proxy): its status and content type, never its body.
    await pond.app.corps.update(CORP_B, { apiBase: allowed.url });
    const answered = await asB('POST', '/api/tag-groups', { name: 'x', tags: [{ name: 'y' }] });
    expect(answered.status).toBe(502);
    expect(allowed.hits.length).toBeGreaterThan(0);
    expect(answered.body.error.message).toContain('not a WeCom answer (HTTP 200, text/plain)');
    expect(JSON.stringify(answered.body)).not.toMatch(/INTERNAL-ONLY|AKIAEXAMPLE/);
    await pond.app.corps.update(CORP_B, { apiBase: `${pond.baseUrl}/sim` });
  });
});

describe('the two sessions', () => {
  it("the sidebar's session answers only requests that say they are the sidebar's, and the console's never does", async () => {
    const sid = await pond.app.auth.createSidebarSession(CORP_B, 'mallory');
    const owner = await login('admin', pond.adminPassword);
    expect((await asSession(`pond_sidebar=${sid}`, 'GET', '/api/me', undefined, { 'x-pond-sidebar': '1' })).status).toBe(200);
    expect((await asSession(`pond_sidebar=${sid}`, 'GET', '/api/me')).status).toBe(401);
    expect((await asSession(owner.cookie!, 'GET', '/api/me', undefined, { 'x-pond-sidebar': '1' })).status).toBe(401);
    const both = await asSession(`${owner.cookie!}; pond_sidebar=${sid}`, 'GET', '/api/me', undefined, { 'x-pond-sidebar': '1' });
    expect(both.body.user.kind).toBe('sidebar');
  });
});

describe('invitations', () => {
  it('carry no password: the invited person sets it with the link, and nobody can sign in to the account before', async () => {
    const withPassword = await asB('POST', '/api/users', { username: 'li.wei', password: 'attacker-pass-1', displayName: 'x', role: 'operator' });
    expect(withPassword.status).toBe(400);
    expect(withPassword.body.error.field).toBe('password');
    const inv = await asB('POST', '/api/users', { username: 'li.wei', displayName: 'x', role: 'operator' });
    expect(inv.status).toBe(200);
    expect(inv.body).toMatchObject({ status: 'invited', inviteUrl: expect.stringMatching(new RegExp(`^${pond.baseUrl}/invite/`)) });
    for (const guess of ['attacker-pass-1', '!', '']) expect((await login('li.wei', guess || 'x')).status).toBe(401);
    // Nor can the inviting admin set it.
    expect((await asB('PATCH', `/api/users/${inv.body.id}`, { password: 'attacker-pass-2' })).status).toBe(400);
    expect((await login('li.wei', 'attacker-pass-2')).status).toBe(401);
  });

  it("a username corp B squatted cannot be slipped into corp A: A's invitation needs A's link and the account's password", async () => {
    // Corp B squats a guessable name: invites it and redeems its own link, so B knows the password.
    const squat = await asB('POST', '/api/users', { username: 'wang.fang', displayName: 'x', role: 'operator' });
    expect((await redeem(codeOf(squat.body.inviteUrl), 'attacker-pass-1')).status).toBe(200);
    // Corp A later invites the real Wang Fang as an admin: the same answer as for a new username.
    const inv = await pond.api('POST', '/api/users', { username: 'wang.fang', displayName: '王芳', role: 'admin' });
    const fresh = await pond.api('POST', '/api/users', { username: 'zhou.min', displayName: '周敏', role: 'admin' });
    const shape = (u: any) => Object.fromEntries(Object.entries(u).map(([k, v]) => [k, k === 'role' || k === 'status' ? v : typeof v]));
    expect(shape(inv.body)).toEqual(shape(fresh.body));
    // B signs in as wang.fang: nothing of corp A, no way to list or accept A's invitation without A's link.
    const b = await login('wang.fang', 'attacker-pass-1');
    expect(b.status).toBe(200);
    expect(b.body.corps.map((c: any) => c.id)).toEqual([CORP_B]);
    expect((await asSession(b.cookie!, 'POST', '/api/me/corp', { corpId: pond.corpId })).status).toBe(403);
    expect((await asSession(b.cookie!, 'GET', '/api/me/invitations')).status).toBe(404);
    expect((await asSession(b.cookie!, 'POST', `/api/me/invitations/${pond.corpId}/accept`)).status).toBe(404);
    // The real person has A's link but not B's password: refused, and A sees the invitation still pending.
    const real = await redeem(codeOf(inv.body.inviteUrl), 'real-wang-fang-pass');
    expect(real.status).toBe(401);
    expect((await pond.api('GET', '/api/users')).body.items.find((u: any) => u.username === 'wang.fang').status).toBe('invited');
    // Only link + password together accept it (here B would need A's link, which A gave only to the real person).
    const both = await redeem(codeOf(inv.body.inviteUrl), 'attacker-pass-1');
    expect(both.status).toBe(200);
    expect(both.body.corp.id).toBe(pond.corpId);
  });

  it('a new account: the link sets its password once, signs in to the corp, and is used up', async () => {
    const inv = await pond.api('POST', '/api/users', { username: 'new.hire', displayName: '新同事', role: 'operator' });
    const code = codeOf(inv.body.inviteUrl);
    const page = await fetch(`${pond.baseUrl}/invite/${code}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('new.hire');
    expect(html).toContain('鱼塘演示企业');
    expect(html).not.toMatch(/<script/i);
    expect((await redeem(code, 'short')).status).toBe(400);
    const mismatch = await redeem(code, 'new-hire-pass-1', { confirm: 'new-hire-pass-2' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.field).toBe('confirm');
    const ok = await redeem(code, 'new-hire-pass-1', { confirm: 'new-hire-pass-1' });
    expect(ok.status).toBe(200);
    expect(ok.body.corp.id).toBe(pond.corpId);
    expect((await asSession(ok.cookie!, 'GET', '/api/me')).body.role).toBe('operator');
    expect((await redeem(code, 'new-hire-pass-1')).status).toBe(404);
    expect((await fetch(`${pond.baseUrl}/invite/${code}`)).status).toBe(404);
    expect((await login('new.hire', 'new-hire-pass-1')).status).toBe(200);
    expect((await pond.api('GET', '/api/users')).body.items.find((u: any) => u.username === 'new.hire')).toMatchObject({ status: 'active', displayName: '新同事' });
  });

  it('the page\'s form: accepted with a redirect into the console, or the page again saying why; never from another site', async () => {
    const inv = await pond.api('POST', '/api/users', { username: 'form.user', displayName: 'F', role: 'operator' });
    const code = codeOf(inv.body.inviteUrl);
    const post = (form: Record<string, string>, origin = pond.baseUrl) => fetch(`${pond.baseUrl}/api/invitations/redeem`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin }, body: new URLSearchParams(form).toString(),
    });
    const foreign = await post({ code, password: 'form-user-pass-1', confirm: 'form-user-pass-1' }, 'https://evil.example');
    expect(foreign.status).toBe(403);
    const differ = await post({ code, password: 'form-user-pass-1', confirm: 'other-pass-123' });
    expect(differ.status).toBe(400);
    expect(differ.headers.get('content-type')).toContain('text/html');
    const page = await differ.text();
    expect(page).toContain('the two passwords differ');
    expect(page).toContain(`href="/invite/${code}"`);
    const done = await post({ code, password: 'form-user-pass-1', confirm: 'form-user-pass-1' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/');
    expect(done.headers.get('set-cookie')).toMatch(/pond_session=/);
  });

  it('a lost link can be sent again (the old one stops working); an accepted member has none', async () => {
    const inv = await pond.api('POST', '/api/users', { username: 'lost.link', displayName: 'L', role: 'operator' });
    const again = await pond.api('POST', `/api/users/${inv.body.id}/invitation`);
    expect(again.status).toBe(200);
    expect(again.body.inviteUrl).not.toBe(inv.body.inviteUrl);
    expect((await redeem(codeOf(inv.body.inviteUrl), 'lost-link-pass-1')).status).toBe(404);
    expect((await redeem(codeOf(again.body.inviteUrl), 'lost-link-pass-1')).status).toBe(200);
    expect((await pond.api('POST', `/api/users/${inv.body.id}/invitation`)).status).toBe(409);
  });

  it('an existing account proving its password through the link counts as a sign-in attempt (throttled)', async () => {
    await account('proven_u', 'proven-password-1', [[CORP_B, 'operator']]);
    const inv = await pond.api('POST', '/api/users', { username: 'proven_u', displayName: 'P', role: 'operator' });
    const code = codeOf(inv.body.inviteUrl);
    for (let i = 0; i < LOGIN_LIMITS.perPair; i++) expect((await redeem(code, `wrong-guess-${i}`)).status).toBe(401);
    expect((await redeem(code, 'proven-password-1')).status).toBe(429);
    await pond.app.pool.query('DELETE FROM login_failures');
    expect((await redeem(code, 'proven-password-1')).status).toBe(200);
  });
});

describe('the platform owner', () => {
  it("another admin of the owner's corp cannot change the owner's password, name or account", async () => {
    const inv = await pond.api('POST', '/api/users', { username: 'it_admin', displayName: 'IT', role: 'admin' });
    const it = await redeem(codeOf(inv.body.inviteUrl), 'it-admin-pass-1');
    expect(it.status).toBe(200);
    const ownerMember = await membershipId(pond.token, 'admin');
    for (const body of [{ password: 'taken-over-pass' }, { displayName: 'pwned' }, { accountDisabled: true }]) {
      const r = await asSession(it.cookie!, 'PATCH', `/api/users/${ownerMember}`, body);
      expect(r.status, JSON.stringify(body)).toBe(403);
      expect(r.body.error.message).toMatch(/platform owner/);
    }
    expect((await login('admin', 'taken-over-pass')).status).toBe(401);
    // The owner themself may.
    const owner = await login('admin', pond.adminPassword);
    expect((await asSession(owner.cookie!, 'PATCH', `/api/users/${ownerMember}`, { displayName: '平台所有者 Owner' })).status).toBe(200);
  });
});

describe('API tokens', () => {
  it('stop working when their maker is removed, disabled, demoted or their account disabled', async () => {
    const inv = await pond.api('POST', '/api/users', { username: 'temp_admin', displayName: 't', role: 'admin' });
    const s = await redeem(codeOf(inv.body.inviteUrl), 'temp-admin-pass');
    const tok = (await asSession(s.cookie!, 'POST', '/api/tokens', { name: 'mine', role: 'admin' })).body.token as string;
    const use = async () => (await pond.api('GET', '/api/users', undefined, { token: tok })).status;
    expect(await use()).toBe(200);
    for (const [off, on] of [[{ disabled: true }, { disabled: false }], [{ role: 'operator' }, { role: 'admin' }]] as const) {
      expect((await pond.api('PATCH', `/api/users/${inv.body.id}`, off)).status).toBe(200);
      expect(await use(), JSON.stringify(off)).toBe(401);
      expect((await pond.api('PATCH', `/api/users/${inv.body.id}`, on)).status).toBe(200);
      expect(await use()).toBe(200);
    }
    expect((await pond.api('DELETE', `/api/users/${inv.body.id}`)).status).toBe(200);
    expect(await use()).toBe(401);
    expect((await pond.app.pool.query(`SELECT revoked_at FROM api_tokens WHERE name = 'mine'`)).rows[0].revoked_at).not.toBeNull();
  });
});

describe('sign-in', () => {
  it('whoever knows a username cannot lock its owner out: failures from elsewhere only slow the owner down', async () => {
    await account('target_x', 'target-password-1', [[pond.corpId, 'operator']]);
    for (let i = 0; i < LOGIN_LIMITS.perUsername + 2; i++) {
      await expect(pond.app.auth.login('target_x', `guess-${i}`, `10.9.${i}.1`)).rejects.toMatchObject({ code: 'unauthorized' });
    }
    const t0 = performance.now();
    await expect(pond.app.auth.login('target_x', 'target-password-1', '10.9.99.1')).resolves.toMatchObject({ sessionToken: expect.any(String) });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(usernameDelayMs(LOGIN_LIMITS.perUsername + 2) - 5);
    expect(usernameDelayMs(LOGIN_LIMITS.perUsername - 1)).toBe(0);
    expect(usernameDelayMs(1000)).toBe(LOGIN_LIMITS.slowMaxMs);
  });

  it('refuses one address guessing one username, and an IPv6 /64 as one address', async () => {
    await account('pair_u', 'pair-password-1', [[pond.corpId, 'operator']]);
    for (let i = 0; i < LOGIN_LIMITS.perPair; i++) {
      // Each guess from another address of the same /64.
      await expect(pond.app.auth.login('pair_u', `guess-${i}`, `2001:db8:1:2::${i + 1}`)).rejects.toMatchObject({ code: 'unauthorized' });
    }
    await expect(pond.app.auth.login('pair_u', 'pair-password-1', '2001:db8:1:2:ffff::9')).rejects.toMatchObject({ code: 'too_many_requests' });
    await expect(pond.app.auth.login('pair_u', 'pair-password-1', '2001:db8:1:3::1')).resolves.toMatchObject({ sessionToken: expect.any(String) });
    expect(throttleNet('2001:db8:1:2::1')).toBe(throttleNet('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'));
    expect(throttleNet('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(throttleNet('::1')).toBe('0:0:0:0::/64');
    expect(throttleNet('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('refuses sign-in and sign-out sent by another site\'s page (login CSRF)', async () => {
    expect((await login('admin', pond.adminPassword, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await login('admin', pond.adminPassword, { referer: 'https://evil.example/x' })).status).toBe(403);
    const s = await login('admin', pond.adminPassword, { origin: pond.baseUrl });
    expect(s.status).toBe(200);
    const out = await asSession(s.cookie!, 'POST', '/api/auth/logout', undefined, { origin: 'https://evil.example' });
    expect(out.status).toBe(403);
    expect((await asSession(s.cookie!, 'GET', '/api/me')).status).toBe(200);
    expect((await asSession(s.cookie!, 'POST', '/api/auth/logout')).status).toBe(200);
    expect((await asSession(s.cookie!, 'GET', '/api/me')).status).toBe(401);
  });
});

describe('what a corp shows, and to whom', () => {
  it('the callback Token only to admins', async () => {
    const operator = (await pond.api('POST', '/api/tokens', { name: 'op', role: 'operator' })).body.token;
    const asOperator = await pond.api('GET', '/api/settings/corp', undefined, { token: operator });
    expect(asOperator.status).toBe(200);
    expect(asOperator.body).toMatchObject({ callbackToken: null, callbackTokenSet: true });
    expect((await pond.api('GET', '/api/settings/corp')).body.callbackToken).toMatch(/^[A-Za-z0-9]{16}$/);
  });

  it('the sidebar signs only this Pond\'s own sidebar pages', async () => {
    const sid = await pond.app.auth.createSidebarSession(CORP_B, 'mallory');
    const config = (url: string) => asSession(`pond_sidebar=${sid}`, 'GET', `/api/sidebar/config?url=${encodeURIComponent(url)}`, undefined, { 'x-pond-sidebar': '1' });
    for (const url of ['https://evil.example/sidebar/x', `http://127.0.0.2:${new URL(pond.baseUrl).port}/sidebar/${CORP_B}`, `${pond.baseUrl}/l/x`]) {
      const r = await config(url);
      expect(r.status, url).toBe(400);
      expect(r.body.error.field).toBe('url');
    }
    expect((await config(`${pond.baseUrl}/sidebar/${CORP_B}`)).status).not.toBe(400);
  });

  it("a staff member's welcome preview shows only staff they may see", async () => {
    const { rows } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND status = 1 ORDER BY userid LIMIT 2`, [pond.corpId]);
    const staff = (await pond.api('POST', '/api/tokens', { name: 'st', role: 'staff', staffUserid: rows[0].userid })).body.token;
    const other = await pond.api('POST', '/api/welcome-templates/preview', { text: '{staff}', vars: { userid: rows[1].userid } }, { token: staff });
    expect(other.status).toBe(400);
    expect(other.body.error.field).toBe('vars.userid');
    expect((await pond.api('POST', '/api/welcome-templates/preview', { text: '{staff}', vars: { userid: rows[0].userid } }, { token: staff })).status).toBe(200);
  });
});

describe('probing for corps', () => {
  it('/sidebar/<id> answers an unknown id as it answers a corp: a sign-in redirect, then a code WeCom does not know', async () => {
    const hop = async (corpId: string) => {
      const first = await fetch(`${pond.baseUrl}/sidebar/${corpId}`, { redirect: 'manual' });
      const to = new URL(first.headers.get('location')!.split('#')[0]);
      const cookie = first.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const back = await fetch(`${pond.baseUrl}/sidebar/${corpId}?code=bogus&state=${to.searchParams.get('state')}`, { redirect: 'manual', headers: { cookie } });
      return { status: first.status, origin: to.origin, params: [...to.searchParams.keys()].sort(), back: back.status, text: (await back.text()).replaceAll(corpId, 'ID') };
    };
    const known = await hop(pond.corpId);
    const unknown = await hop('wwnosuchcorp0001');
    expect(unknown.status).toBe(302);
    expect(unknown.params).toEqual(known.params);
    expect(unknown.back).toBe(400);
    expect(unknown.back).toBe(known.back);
    expect(unknown.text).toBe(known.text);
  });

  it('/wecom/callback/<id> answers an unknown id as a wrong signature', async () => {
    const q = '?msg_signature=abc&timestamp=1&nonce=2&echostr=xyz';
    for (const method of ['GET', 'POST']) {
      const body = method === 'POST' ? '<xml><ToUserName><![CDATA[x]]></ToUserName><Encrypt><![CDATA[abcd]]></Encrypt></xml>' : undefined;
      const known = await fetch(`${pond.baseUrl}/wecom/callback/${pond.corpId}${q}`, { method, body });
      const unknown = await fetch(`${pond.baseUrl}/wecom/callback/wwnosuchcorp0001${q}`, { method, body });
      expect(unknown.status, method).toBe(known.status);
      expect(await unknown.text()).toBe(await known.text());
      expect(known.status).toBe(401);
    }
  });

  it('remembers a bounded number of unknown ids', async () => {
    for (let i = 0; i < NEGATIVE_CACHE.max + 50; i++) expect(await pond.app.corps.get(`wwprobe${i}`)).toBeNull();
    expect(pond.app.corps.unknownCached).toBeLessThanOrEqual(NEGATIVE_CACHE.max);
    // A corp created since its id was probed is found.
    await pond.app.corps.upsert({ id: `wwprobe${NEGATIVE_CACHE.max + 49}`, name: 'late', agentId: '1', secret: 'late-secret-01', callbackToken: 't', callbackAesKey: 'L'.repeat(43), apiBase: `${pond.baseUrl}/sim` });
    expect((await pond.app.corps.get(`wwprobe${NEGATIVE_CACHE.max + 49}`))?.name).toBe('late');
  });
});

describe('the corp cache across processes', () => {
  it('catches up after its LISTEN connection is dropped: reconnects, and nothing it cached before stays stale', async () => {
    const corps = pond.app.corps;
    expect((await corps.get(CORP_B))?.name).toBe('Attacker corp B');
    const other = new pg.Pool({ connectionString: pond.databaseUrl, max: 1 }); // another process
    try {
      const { rows } = await other.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN pond_corp_changed'`);
      expect(rows).toHaveLength(1);
      await other.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
      await waitFor(() => !corps.listening, { message: 'the drop is noticed' });
      // Changed elsewhere while this process is not listening: its NOTIFY reaches nobody here.
      await other.query(`UPDATE corps SET name = 'Renamed elsewhere' WHERE id = $1`, [CORP_B]);
      await other.query(`SELECT pg_notify('pond_corp_changed', $1)`, [CORP_B]);
      await waitFor(() => corps.listening, { message: 'LISTEN again' });
      expect((await corps.get(CORP_B))?.name).toBe('Renamed elsewhere');
      // And later changes arrive as before.
      await other.query(`UPDATE corps SET name = 'Attacker corp B' WHERE id = $1`, [CORP_B]);
      await other.query(`SELECT pg_notify('pond_corp_changed', $1)`, [CORP_B]);
      await waitFor(async () => (await corps.get(CORP_B))?.name === 'Attacker corp B', { message: 'the NOTIFY after reconnecting' });
    } finally {
      await other.end();
    }
  });
});
