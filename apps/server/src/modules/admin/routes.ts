// Sign-in, the current user, corps, users and API tokens (the audit log: audit-routes.ts).
import { z } from 'zod';
import type pg from 'pg';
import type { App } from '../../platform/http';
import { type AuthService, hashPassword, LoginThrottled, sha256, type Principal, SESSION_COOKIE, SESSION_TTL_MS } from '../../platform/auth';
import { withTransaction } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { ROLES } from '../../platform/db/schema';
import type { CorpService } from '../org';
import type { SyncService } from '../sync';
import { Page } from '../../platform/schemas';
import { CorpId, HttpUrl, IdParams, List, RowId, Text, Userid, patchOf } from '../../platform/schemas';
import { access, publicRoute, ALL_ROLES, ADMIN_ONLY, checkSameOrigin } from '../../platform/access';
import { DEFAULT_TIMEZONE } from '../../platform/time';

const Role = z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` });

export async function adminRoutes(app: App, deps: { pool: pg.Pool; auth: AuthService; corps: CorpService; sync: SyncService; secureCookies: boolean; publicUrl: () => string }) {
  const { pool, auth, corps } = deps;

  const me = (req: any) => {
    const p = req.principal!;
    const corp = p.corps.find((c: any) => c.id === p.corpId);
    return corps.get(p.corpId).then((c) => ({
      user: { id: p.userId, username: p.username, displayName: p.name, kind: p.kind, locale: 'zh-CN', owner: p.owner },
      corp: { id: p.corpId, name: corp?.name ?? c?.name ?? p.corpId, isDemo: c?.isDemo ?? false, timezone: c?.timezone ?? DEFAULT_TIMEZONE },
      role: p.role, storeIds: p.storeIds, staffUserid: p.staffUserid, corps: p.corps,
    }));
  };

  app.post('/api/auth/login', { config: { ...publicRoute('signs in: the credentials are the body (throttled per username and IP)'), audit: { action: 'auth.login' } },
    schema: { tags: ['auth'], body: z.object({ username: z.string().min(1, 'is required').max(64, 'is too long'), password: z.string().min(1, 'is required').max(256, 'is too long') }), security: [] },
  }, async (req, reply) => {
    let sessionToken: string;
    try {
      ({ sessionToken } = await auth.login(req.body.username, req.body.password, req.ip));
    } catch (err) {
      if (err instanceof LoginThrottled) reply.header('retry-after', String(err.retryAfterSec));
      throw err;
    }
    reply.setCookie(SESSION_COOKIE, sessionToken, { path: '/', httpOnly: true, sameSite: 'lax', secure: deps.secureCookies, maxAge: SESSION_TTL_MS / 1000 });
    req.principal = (await auth.fromSession(sessionToken)) ?? undefined;
    // Signed in, but no corp yet: the session can still read and accept invitations.
    if (!req.principal) throw new AppError('forbidden', '您还没有可用的企业：请接受邀请 / no active corp membership: accept an invitation (GET /api/me/invitations)', { details: { invitations: true } });
    return me(req);
  });

  app.post('/api/auth/logout', { config: { ...publicRoute('signs out whatever session cookie is sent (none: nothing to do)'), audit: { action: 'auth.logout' } }, schema: { tags: ['auth'] } }, async (req, reply) => {
    const cookie = req.cookies[SESSION_COOKIE];
    if (cookie) await auth.logout(cookie);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/api/me', { config: access(ALL_ROLES, { scope: 'self' }), schema: { tags: ['auth'] } }, async (req) => me(req));

  app.post('/api/me/corp', {
    config: { ...access(ALL_ROLES, { scope: 'self' }), audit: { action: 'auth.switch_corp' } }, schema: { tags: ['auth'], body: z.object({ corpId: CorpId }) },
  }, async (req) => {
    const cookie = req.cookies[SESSION_COOKIE];
    if (!cookie) throw new AppError('bad_request', 'switching corp needs a console session; API tokens use the X-Pond-Corp header');
    await auth.switchCorp(cookie, req.body.corpId);
    req.principal = (await auth.fromSession(cookie))!;
    return me(req);
  });

  // Corps
  app.get('/api/corps', { config: access(ALL_ROLES, { scope: 'self' }), schema: { tags: ['corps'] } }, async (req) => {
    const all = await corps.list();
    const mine = new Map(req.principal!.corps.map((c) => [c.id, c.role]));
    return { items: all.filter((c) => mine.has(c.id)).map((c) => ({ id: c.id, name: c.name, isDemo: c.isDemo, role: mine.get(c.id) })) };
  });

  app.post('/api/corps', {
    config: access(ADMIN_ONLY),
    schema: {
      tags: ['corps'],
      body: z.object({
        id: z.string().regex(/^[A-Za-z0-9_-]{4,64}$/, 'must be the corpid from 我的企业 → 企业信息'),
        name: z.string().trim().min(1, 'is required').max(60),
        agentId: z.string().regex(/^\d+$/, 'must be the numeric AgentId'),
        secret: Text(128).min(8, "must be the self-built app's Secret"),
        callbackToken: z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'must be 1–32 letters or digits'),
        callbackAesKey: z.string().regex(/^[A-Za-z0-9]{43}$/, 'must be 43 letters or digits'),
        apiBase: HttpUrl().optional(),
      }),
    },
  }, async (req) => {
    const p = req.principal!;
    // Before anything is looked up: a corp admin cannot learn which corp ids exist.
    if (!p.owner) throw AppError.forbidden('只有平台所有者可以添加企业 / only a platform owner may add corps (granted with `pond user --username U --owner`)');
    if (await corps.get(req.body.id)) throw AppError.validation('id', `corp ${req.body.id} already exists`);
    const c = await corps.upsert(req.body);
    if (p.userId) await pool.query(`INSERT INTO memberships (user_id, corp_id, role) VALUES ($1,$2,'admin') ON CONFLICT DO NOTHING`, [p.userId, c.id]);
    await deps.sync.start(c.id, 'full', p.name);
    return { id: c.id, name: c.name, isDemo: c.isDemo, role: 'admin' };
  });

  // Users: the memberships of the current corp, addressed by membership id (the same kind of id whether the
  // username was new or not). Creating one is an invitation; see ADR 0011.
  const MEMBER_SQL = `SELECT m.id, m.user_id, m.role, m.store_ids, m.staff_userid, m.status, m.accept_on_sign_in, m.invited_name,
      m.disabled_at AS membership_disabled_at, u.username, u.display_name, u.disabled_at AS account_disabled_at
    FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.corp_id = $1`;
  // Until the user accepts, the corp sees only what its admin typed: nothing of an account it cannot see.
  const userOut = (m: any) => {
    const active = m.status === 'active';
    return {
      id: m.id, username: m.username, displayName: active ? m.display_name : (m.invited_name ?? m.username), role: m.role,
      storeIds: m.store_ids, staffUserid: m.staff_userid, status: m.status as 'active' | 'invited',
      disabled: !!m.membership_disabled_at || (active && !!m.account_disabled_at),
    };
  };
  const member = async (corpId: string, id: number) => {
    const { rows } = await pool.query(`${MEMBER_SQL} AND m.id = $2`, [corpId, id]);
    if (!rows[0]) throw AppError.notFound(`user ${id}`);
    return rows[0];
  };
  app.get('/api/users', { config: access(ADMIN_ONLY), schema: { tags: ['users'] } }, async (req) => {
    const { rows } = await pool.query(`${MEMBER_SQL} ORDER BY m.id`, [req.principal!.corpId]);
    return { items: rows.map(userOut) };
  });

  const UserBody = z.object({
    username: z.string().regex(/^[A-Za-z0-9_.@-]{3,40}$/, 'must be 3–40 letters, digits or _.@-'),
    password: Text(200).min(8, 'must be at least 8 characters'),
    displayName: z.string().trim().min(1, 'is required').max(40),
    role: Role,
    storeIds: List(RowId, 100).default([]),
    staffUserid: Userid.nullish(),
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

  /**
   * The account's password, name and status belong to everyone it serves: its owner, a platform owner, or
   * someone who is admin of every corp where the account is a member (a corp admin never reaches an account
   * that another corp shares).
   */
  const mayManageAccount = async (p: Principal, userId: number) => {
    if (p.owner || p.userId === userId) return true;
    const adminOf = new Set(p.corps.filter((c) => c.role === 'admin').map((c) => c.id));
    const { rows } = await pool.query(`SELECT corp_id FROM memberships WHERE user_id = $1 AND status = 'active'`, [userId]);
    return rows.every((r) => adminOf.has(r.corp_id));
  };
  /** The corp keeps at least one admin who can sign in. */
  const keepAnAdmin = async (corpId: string, userId: number) => {
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM memberships m JOIN users u ON u.id = m.user_id
       WHERE m.corp_id = $1 AND m.role = 'admin' AND m.status = 'active' AND m.disabled_at IS NULL AND u.disabled_at IS NULL AND m.user_id <> $2`, [corpId, userId]);
    if (rows[0].n === 0) throw AppError.validation('role', 'the corp must keep at least one active admin');
  };
  const isActiveAdmin = (m: any) => m.role === 'admin' && m.status === 'active' && !m.membership_disabled_at && !m.account_disabled_at;

  app.post('/api/users', {
    config: access(ADMIN_ONLY, { refs: { 'storeIds[]': 'store', staffUserid: 'staff' } }),
    schema: { tags: ['users'], summary: 'Invite a user to this corp (a new account, or an existing one that must accept)', body: UserBody },
  }, async (req) => {
    const b = req.body;
    const corpId = req.principal!.corpId;
    await checkRoleFields(corpId, b.role, b.storeIds, b.staffUserid);
    // Hashed whether or not the account exists, so the answer takes the same time either way.
    const hash = await hashPassword(b.password);
    const id = await withTransaction(pool, async (c) => {
      const created = await c.query(
        'INSERT INTO users (username, password_hash, display_name) VALUES ($1,$2,$3) ON CONFLICT (username) DO NOTHING RETURNING id', [b.username, hash, b.displayName]);
      const userId = created.rows[0]?.id ?? (await c.query('SELECT id FROM users WHERE username = $1', [b.username])).rows[0].id;
      const m = await c.query(
        `INSERT INTO memberships (user_id, corp_id, role, store_ids, staff_userid, status, accept_on_sign_in, invited_name)
         VALUES ($1,$2,$3,$4,$5,'invited',$6,$7) ON CONFLICT (user_id, corp_id) DO NOTHING RETURNING id`,
        [userId, corpId, b.role, b.storeIds, b.staffUserid ?? null, created.rows.length > 0, b.displayName]);
      if (!m.rows.length) throw new AppError('conflict', `username: ${b.username} is already a member of this corp`, { field: 'username' });
      return m.rows[0].id as number;
    });
    return userOut(await member(corpId, id));
  });

  app.patch('/api/users/:id', {
    config: access(ADMIN_ONLY, { params: { id: 'user' }, refs: { 'storeIds[]': 'store', staffUserid: 'staff' } }),
    schema: {
      tags: ['users'],
      summary: "Change a member's role, stores, staff link or access to this corp; password, name and accountDisabled change the account",
      params: IdParams,
      body: patchOf(UserBody.omit({ username: true })).extend({ disabled: z.boolean().optional(), accountDisabled: z.boolean().optional() }),
    },
  }, async (req) => {
    const p = req.principal!;
    const corpId = p.corpId;
    const cur = await member(corpId, req.params.id);
    const b = req.body;
    const role = b.role ?? cur.role;
    const storeIds = b.storeIds ?? cur.store_ids;
    const staffUserid = b.staffUserid !== undefined ? b.staffUserid : cur.staff_userid;
    await checkRoleFields(corpId, role, storeIds, staffUserid);
    const accountChange = b.password !== undefined || b.displayName !== undefined || b.accountDisabled !== undefined;
    // An invitation not yet accepted: the account is not this corp's to change, except one the invitation itself
    // created and nobody has signed in to. Either way the answer is the same, so it tells nothing about the account.
    let applyToAccount = false;
    if (cur.status === 'active') {
      if (accountChange && !(await mayManageAccount(p, cur.user_id))) {
        throw AppError.forbidden('该账号也属于其他企业：只有本人、平台所有者或其所属全部企业的管理员可以修改其密码、名称或停用账号 / this account also belongs to another corp: only the user, a platform owner or an admin of every corp it belongs to may change its password, name or status');
      }
      applyToAccount = accountChange;
    } else if (cur.accept_on_sign_in) {
      const { rows } = await pool.query(`SELECT 1 FROM memberships WHERE user_id = $1 AND status = 'active'`, [cur.user_id]);
      applyToAccount = accountChange && rows.length === 0;
    }
    const losesAdmin = isActiveAdmin(cur) && (role !== 'admin' || b.disabled === true || (applyToAccount && b.accountDisabled === true));
    if (losesAdmin) await keepAnAdmin(corpId, cur.user_id);
    await withTransaction(pool, async (c) => {
      await c.query(
        `UPDATE memberships SET role = $3, store_ids = $4, staff_userid = $5, invited_name = COALESCE($6, invited_name),
           disabled_at = CASE WHEN $7::boolean IS NULL THEN disabled_at WHEN $7 THEN COALESCE(disabled_at, now()) ELSE NULL END
         WHERE user_id = $1 AND corp_id = $2`,
        [cur.user_id, corpId, role, storeIds, staffUserid, cur.status === 'invited' ? b.displayName ?? null : null, b.disabled ?? null]);
      if (!applyToAccount) return;
      await c.query(
        `UPDATE users SET display_name = COALESCE($2, display_name), password_hash = COALESCE($3, password_hash),
           disabled_at = CASE WHEN $4::boolean IS NULL THEN disabled_at WHEN $4 THEN COALESCE(disabled_at, now()) ELSE NULL END
         WHERE id = $1`,
        [cur.user_id, b.displayName ?? null, b.password ? await hashPassword(b.password) : null, b.accountDisabled ?? null]);
      if (b.password || b.accountDisabled) await c.query('DELETE FROM sessions WHERE user_id = $1', [cur.user_id]);
    });
    return userOut(await member(corpId, cur.id));
  });

  app.delete('/api/users/:id', {
    config: access(ADMIN_ONLY, { params: { id: 'user' } }),
    schema: { tags: ['users'], summary: 'Remove a member (or an invitation) from this corp; the account stays', params: z.object({ id: z.coerce.number().int() }) },
  }, async (req) => {
    const corpId = req.principal!.corpId;
    const cur = await member(corpId, req.params.id);
    if (isActiveAdmin(cur)) await keepAnAdmin(corpId, cur.user_id);
    await withTransaction(pool, async (c) => {
      await c.query('DELETE FROM memberships WHERE user_id = $1 AND corp_id = $2', [cur.user_id, corpId]);
      // An account this invitation created, never signed in to and in no other corp, goes with it (a typo can be redone).
      if (cur.status === 'invited' && cur.accept_on_sign_in) {
        await c.query(`DELETE FROM users u WHERE u.id = $1 AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id)`, [cur.user_id]);
      }
    });
    return { ok: true };
  });

  // The signed-in user's own invitations. Public to the access layer because they must work for a session that
  // has no active corp yet (no principal): the route checks the session cookie itself, and Origin on writes.
  const sessionUser = async (req: any) => {
    const cookie = req.cookies[SESSION_COOKIE];
    const u = cookie ? await auth.sessionUser(cookie) : null;
    if (!u) throw new AppError('unauthorized', 'sign in to the console to see your invitations / 请先登录');
    if (req.method !== 'GET') checkSameOrigin(req, deps.publicUrl());
    return u;
  };
  const ownSession = 'the console session cookie, checked by the route: also for a user with no active corp yet';
  app.get('/api/me/invitations', { config: publicRoute(ownSession), schema: { tags: ['auth'], summary: 'Corps that invited the signed-in user' } }, async (req) => {
    const u = await sessionUser(req);
    const { rows } = await pool.query(
      `SELECT c.id, c.name, m.role, m.created_at FROM memberships m JOIN corps c ON c.id = m.corp_id
       WHERE m.user_id = $1 AND m.status = 'invited' ORDER BY m.created_at`, [u.userId]);
    return { items: rows.map((r) => ({ corpId: r.id, corpName: r.name, role: r.role, invitedAt: r.created_at })) };
  });
  for (const answer of ['accept', 'decline'] as const) {
    app.post(`/api/me/invitations/:corpId/${answer}`, {
      config: { ...publicRoute(ownSession), audit: { action: `invitation.${answer}` } },
      schema: { tags: ['auth'], summary: answer === 'accept' ? 'Accept an invitation' : 'Decline an invitation', params: z.object({ corpId: z.string().min(1) }) },
    }, async (req) => {
      const u = await sessionUser(req);
      const r = answer === 'accept'
        ? await pool.query(`UPDATE memberships SET status = 'active', accept_on_sign_in = false WHERE user_id = $1 AND corp_id = $2 AND status = 'invited'`, [u.userId, req.params.corpId])
        : await pool.query(`DELETE FROM memberships WHERE user_id = $1 AND corp_id = $2 AND status = 'invited'`, [u.userId, req.params.corpId]);
      if (!r.rowCount) throw AppError.notFound('invitation');
      // A first corp for a session that had none.
      if (answer === 'accept') await pool.query(`UPDATE sessions SET corp_id = $2 WHERE id = $1 AND corp_id IS NULL`, [sha256(req.cookies[SESSION_COOKIE]!), req.params.corpId]);
      return { ok: true };
    });
  }

  // API tokens
  app.get('/api/tokens', { config: access(ADMIN_ONLY), schema: { tags: ['tokens'] } }, async (req) => {
    const { rows } = await pool.query(
      `SELECT id, name, prefix, role, store_ids, created_at, last_used_at, revoked_at FROM api_tokens WHERE corp_id = $1 ORDER BY id DESC`, [req.principal!.corpId]);
    return { items: rows.map((t) => ({ id: t.id, name: t.name, prefix: t.prefix, role: t.role, storeIds: t.store_ids, createdAt: t.created_at, lastUsedAt: t.last_used_at, revokedAt: t.revoked_at })) };
  });
  app.post('/api/tokens', {
    config: access(ADMIN_ONLY, { refs: { 'storeIds[]': 'store', staffUserid: 'staff' } }), schema: { tags: ['tokens'], body: z.object({ name: z.string().trim().min(1, 'is required').max(60), role: Role, storeIds: List(RowId, 100).default([]), staffUserid: Userid.nullish() }) },
  }, async (req) => {
    const p = req.principal!;
    await checkRoleFields(p.corpId, req.body.role, req.body.storeIds, req.body.staffUserid);
    return auth.createToken({ corpId: p.corpId, name: req.body.name, role: req.body.role, storeIds: req.body.storeIds, staffUserid: req.body.staffUserid, createdBy: p.userId });
  });
  app.delete('/api/tokens/:id', { config: access(ADMIN_ONLY, { params: { id: 'apiToken' } }), schema: { tags: ['tokens'], params: IdParams } }, async (req) => {
    const r = await pool.query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND corp_id = $2 AND revoked_at IS NULL', [req.params.id, req.principal!.corpId]);
    if (!r.rowCount) throw AppError.notFound(`token ${req.params.id}`);
    return { ok: true };
  });

}
