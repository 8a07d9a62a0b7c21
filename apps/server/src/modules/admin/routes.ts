// Sign-in, the current user, corps, users and API tokens (the audit log: audit-routes.ts).
import { z } from 'zod';
import type pg from 'pg';
import type { App } from '../../platform/http';
import { ALL_ROLES, type AuthService, hashPassword, requireRole, SESSION_COOKIE, SESSION_TTL_MS } from '../../platform/auth';
import { AppError } from '../../platform/errors';
import { ROLES } from '../../platform/db/schema';
import type { CorpService } from '../org/corps';
import type { SyncService } from '../sync/service';
import { patchOf } from '../../platform/schemas';
import { DEFAULT_TIMEZONE } from '../../platform/time';

const Role = z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` });

export async function adminRoutes(app: App, deps: { pool: pg.Pool; auth: AuthService; corps: CorpService; sync: SyncService; secureCookies: boolean }) {
  const { pool, auth, corps } = deps;

  const me = (req: any) => {
    const p = req.principal!;
    const corp = p.corps.find((c: any) => c.id === p.corpId);
    return corps.get(p.corpId).then((c) => ({
      user: { id: p.userId, username: p.username, displayName: p.name, kind: p.kind, locale: 'zh-CN' },
      corp: { id: p.corpId, name: corp?.name ?? c?.name ?? p.corpId, isDemo: c?.isDemo ?? false, timezone: c?.timezone ?? DEFAULT_TIMEZONE },
      role: p.role, storeIds: p.storeIds, staffUserid: p.staffUserid, corps: p.corps,
    }));
  };

  app.post('/api/auth/login', {
    config: { audit: { action: 'auth.login' } },
    schema: { tags: ['auth'], body: z.object({ username: z.string().min(1, 'is required'), password: z.string().min(1, 'is required') }), security: [] },
  }, async (req, reply) => {
    const { sessionToken } = await auth.login(req.body.username, req.body.password);
    reply.setCookie(SESSION_COOKIE, sessionToken, { path: '/', httpOnly: true, sameSite: 'lax', secure: deps.secureCookies, maxAge: SESSION_TTL_MS / 1000 });
    req.principal = (await auth.fromSession(sessionToken)) ?? undefined;
    if (!req.principal) throw AppError.forbidden('this user has no corp membership');
    return me(req);
  });

  app.post('/api/auth/logout', { config: { audit: { action: 'auth.logout' } }, schema: { tags: ['auth'] } }, async (req, reply) => {
    const cookie = req.cookies[SESSION_COOKIE];
    if (cookie) await auth.logout(cookie);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/api/me', { preHandler: requireRole(...ALL_ROLES), schema: { tags: ['auth'] } }, async (req) => me(req));

  app.post('/api/me/corp', {
    config: { audit: { action: 'auth.switch_corp' } },
    preHandler: requireRole(...ALL_ROLES), schema: { tags: ['auth'], body: z.object({ corpId: z.string().min(1) }) },
  }, async (req) => {
    const cookie = req.cookies[SESSION_COOKIE];
    if (!cookie) throw new AppError('bad_request', 'switching corp needs a console session; API tokens use the X-Pond-Corp header');
    await auth.switchCorp(cookie, req.body.corpId);
    req.principal = (await auth.fromSession(cookie))!;
    return me(req);
  });

  // Corps
  app.get('/api/corps', { preHandler: requireRole(...ALL_ROLES), schema: { tags: ['corps'] } }, async (req) => {
    const all = await corps.list();
    const mine = new Map(req.principal!.corps.map((c) => [c.id, c.role]));
    return { items: all.filter((c) => mine.has(c.id)).map((c) => ({ id: c.id, name: c.name, isDemo: c.isDemo, role: mine.get(c.id) })) };
  });

  app.post('/api/corps', {
    preHandler: requireRole(),
    schema: {
      tags: ['corps'],
      body: z.object({
        id: z.string().regex(/^[A-Za-z0-9_-]{4,64}$/, 'must be the corpid from 我的企业 → 企业信息'),
        name: z.string().trim().min(1, 'is required').max(60),
        agentId: z.string().regex(/^\d+$/, 'must be the numeric AgentId'),
        secret: z.string().min(8, "must be the self-built app's Secret"),
        callbackToken: z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'must be 1–32 letters or digits'),
        callbackAesKey: z.string().regex(/^[A-Za-z0-9]{43}$/, 'must be 43 letters or digits'),
        apiBase: z.string().url('must be an absolute URL').optional(),
      }),
    },
  }, async (req) => {
    if (await corps.get(req.body.id)) throw AppError.validation('id', `corp ${req.body.id} already exists`);
    const c = await corps.upsert(req.body);
    const p = req.principal!;
    if (p.userId) await pool.query(`INSERT INTO memberships (user_id, corp_id, role) VALUES ($1,$2,'admin') ON CONFLICT DO NOTHING`, [p.userId, c.id]);
    await deps.sync.start(c.id, 'full', p.name);
    return { id: c.id, name: c.name, isDemo: c.isDemo, role: 'admin' };
  });

  // Users (memberships of the current corp)
  const userOut = (u: any) => ({ id: u.id, username: u.username, displayName: u.display_name, role: u.role, storeIds: u.store_ids, staffUserid: u.staff_userid, disabled: !!u.disabled_at });
  app.get('/api/users', { preHandler: requireRole(), schema: { tags: ['users'] } }, async (req) => {
    const { rows } = await pool.query(
      `SELECT u.*, m.role, m.store_ids, m.staff_userid FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.corp_id = $1 ORDER BY u.id`, [req.principal!.corpId]);
    return { items: rows.map(userOut) };
  });

  const UserBody = z.object({
    username: z.string().regex(/^[A-Za-z0-9_.@-]{3,40}$/, 'must be 3–40 letters, digits or _.@-'),
    password: z.string().min(8, 'must be at least 8 characters'),
    displayName: z.string().trim().min(1, 'is required').max(40),
    role: Role,
    storeIds: z.array(z.number().int()).default([]),
    staffUserid: z.string().nullish(),
  });
  const checkRoleFields = async (corpId: string, role: string, storeIds: number[], staffUserid: string | null | undefined) => {
    if (role === 'store_manager' && storeIds.length === 0) throw AppError.validation('storeIds', 'a store manager needs at least one store');
    if (storeIds.length) {
      const { rows } = await pool.query('SELECT id FROM stores WHERE corp_id = $1 AND id = ANY($2)', [corpId, storeIds]);
      if (rows.length !== new Set(storeIds).size) throw AppError.validation('storeIds', 'contains a store that does not exist in this corp');
    }
    if (role === 'staff' && !staffUserid) throw AppError.validation('staffUserid', 'a staff user must be linked to a WeCom member (userid)');
    if (staffUserid) {
      const { rows } = await pool.query('SELECT 1 FROM staff WHERE corp_id = $1 AND userid = $2', [corpId, staffUserid]);
      if (!rows.length) throw AppError.validation('staffUserid', `no staff member ${staffUserid} in this corp`);
    }
  };

  app.post('/api/users', { preHandler: requireRole(), schema: { tags: ['users'], body: UserBody } }, async (req) => {
    const b = req.body;
    const corpId = req.principal!.corpId;
    await checkRoleFields(corpId, b.role, b.storeIds, b.staffUserid);
    const exists = await pool.query('SELECT id FROM users WHERE username = $1', [b.username]);
    if (exists.rows.length) throw AppError.validation('username', `${b.username} is taken`);
    const { rows } = await pool.query(
      'INSERT INTO users (username, password_hash, display_name) VALUES ($1,$2,$3) RETURNING *', [b.username, await hashPassword(b.password), b.displayName]);
    await pool.query('INSERT INTO memberships (user_id, corp_id, role, store_ids, staff_userid) VALUES ($1,$2,$3,$4,$5)',
      [rows[0].id, corpId, b.role, b.storeIds, b.staffUserid ?? null]);
    return userOut({ ...rows[0], role: b.role, store_ids: b.storeIds, staff_userid: b.staffUserid ?? null });
  });

  app.patch('/api/users/:id', {
    preHandler: requireRole(),
    schema: { tags: ['users'], params: z.object({ id: z.coerce.number().int() }), body: patchOf(UserBody.omit({ username: true })).extend({ disabled: z.boolean().optional() }) },
  }, async (req) => {
    const corpId = req.principal!.corpId;
    const { rows } = await pool.query(
      `SELECT u.*, m.role, m.store_ids, m.staff_userid FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.corp_id = $1 AND u.id = $2`, [corpId, req.params.id]);
    const cur = rows[0];
    if (!cur) throw AppError.notFound(`user ${req.params.id}`);
    const b = req.body;
    const role = b.role ?? cur.role;
    const storeIds = b.storeIds ?? cur.store_ids;
    const staffUserid = b.staffUserid !== undefined ? b.staffUserid : cur.staff_userid;
    await checkRoleFields(corpId, role, storeIds, staffUserid);
    if (cur.role === 'admin' && role !== 'admin' || b.disabled) {
      const { rows: admins } = await pool.query(`SELECT count(*)::int AS n FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.corp_id = $1 AND m.role = 'admin' AND u.disabled_at IS NULL AND u.id <> $2`, [corpId, cur.id]);
      if (admins[0].n === 0) throw AppError.validation('role', 'the corp must keep at least one active admin');
    }
    await pool.query('UPDATE users SET display_name = $2, password_hash = $3, disabled_at = $4 WHERE id = $1',
      [cur.id, b.displayName ?? cur.display_name, b.password ? await hashPassword(b.password) : cur.password_hash,
       b.disabled === undefined ? cur.disabled_at : b.disabled ? new Date() : null]);
    await pool.query('UPDATE memberships SET role = $3, store_ids = $4, staff_userid = $5 WHERE user_id = $1 AND corp_id = $2', [cur.id, corpId, role, storeIds, staffUserid]);
    if (b.password || b.disabled) await pool.query('DELETE FROM sessions WHERE user_id = $1', [cur.id]);
    const { rows: out } = await pool.query(`SELECT u.*, m.role, m.store_ids, m.staff_userid FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.corp_id = $1 AND u.id = $2`, [corpId, cur.id]);
    return userOut(out[0]);
  });

  // API tokens
  app.get('/api/tokens', { preHandler: requireRole(), schema: { tags: ['tokens'] } }, async (req) => {
    const { rows } = await pool.query(
      `SELECT id, name, prefix, role, store_ids, created_at, last_used_at, revoked_at FROM api_tokens WHERE corp_id = $1 OR corp_id IS NULL ORDER BY id DESC`, [req.principal!.corpId]);
    return { items: rows.map((t) => ({ id: t.id, name: t.name, prefix: t.prefix, role: t.role, storeIds: t.store_ids, createdAt: t.created_at, lastUsedAt: t.last_used_at, revokedAt: t.revoked_at })) };
  });
  app.post('/api/tokens', {
    preHandler: requireRole(),
    schema: { tags: ['tokens'], body: z.object({ name: z.string().trim().min(1, 'is required').max(60), role: Role, storeIds: z.array(z.number().int()).default([]), staffUserid: z.string().nullish() }) },
  }, async (req) => {
    const p = req.principal!;
    await checkRoleFields(p.corpId, req.body.role, req.body.storeIds, req.body.staffUserid);
    return auth.createToken({ corpId: p.corpId, name: req.body.name, role: req.body.role, storeIds: req.body.storeIds, staffUserid: req.body.staffUserid, createdBy: p.userId });
  });
  app.delete('/api/tokens/:id', { preHandler: requireRole(), schema: { tags: ['tokens'], params: z.object({ id: z.coerce.number().int() }) } }, async (req) => {
    const r = await pool.query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND corp_id = $2 AND revoked_at IS NULL', [req.params.id, req.principal!.corpId]);
    if (!r.rowCount) throw AppError.notFound(`token ${req.params.id}`);
    return { ok: true };
  });
}
