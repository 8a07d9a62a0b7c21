// Sign-in, the current user, corps, users and API tokens (the audit log: audit-routes.ts).
import { z } from 'zod';
import type pg from 'pg';
import type { App } from '../../platform/http';
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type AuthService, LoginThrottled, SESSION_COOKIE, SESSION_TTL_MS } from '../../platform/auth';
import { AppError, asAppError } from '../../platform/errors';
import { AccountService } from './accounts';
import { invitePage, inviteNotice, inviteRetry } from './invite-page';
import { ROLES } from '../../platform/db/schema';
import type { CorpService } from '../org';
import type { SyncService } from '../sync';
import { CorpId, HttpUrl, IdParams, List, RowId, Text, Userid, patchOf } from '../../platform/schemas';
import { access, publicRoute, ALL_ROLES, ADMIN_ONLY, checkSameOrigin } from '../../platform/access';
import { DEFAULT_TIMEZONE } from '../../platform/time';

const Role = z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` });

export async function adminRoutes(app: App, deps: { pool: pg.Pool; auth: AuthService; corps: CorpService; sync: SyncService; secureCookies: boolean; publicUrl: () => string }) {
  const { pool, auth, corps } = deps;
  const accounts = new AccountService(pool, auth, deps.publicUrl);
  const sessionCookie = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: deps.secureCookies, maxAge: SESSION_TTL_MS / 1000 };

  const me = (req: any) => {
    const p = req.principal!;
    const corp = p.corps.find((c: any) => c.id === p.corpId);
    return corps.get(p.corpId).then((c) => ({
      user: { id: p.userId, username: p.username, displayName: p.name, kind: p.kind, locale: 'zh-CN', owner: p.owner },
      corp: { id: p.corpId, name: corp?.name ?? c?.name ?? p.corpId, isDemo: c?.isDemo ?? false, timezone: c?.timezone ?? DEFAULT_TIMEZONE },
      role: p.role, storeIds: p.storeIds, staffUserid: p.staffUserid, corps: p.corps,
    }));
  };

  app.post('/api/auth/login', { config: { ...publicRoute('signs in: the credentials are the body (throttled per address and per username and address)'), audit: { action: 'auth.login' } },
    schema: { tags: ['auth'], body: z.object({ username: z.string().min(1, 'is required').max(64, 'is too long'), password: z.string().min(1, 'is required').max(256, 'is too long') }), security: [] },
  }, async (req, reply) => {
    // Another site's page may not sign the browser in (to an account of its choosing).
    checkSameOrigin(req, deps.publicUrl(), { ifSent: true });
    let sessionToken: string;
    try {
      ({ sessionToken } = await auth.login(req.body.username, req.body.password, req.ip));
    } catch (err) {
      if (err instanceof LoginThrottled) reply.header('retry-after', String(err.retryAfterSec));
      throw err;
    }
    reply.setCookie(SESSION_COOKIE, sessionToken, sessionCookie);
    req.principal = (await auth.fromSession(sessionToken)) ?? undefined;
    if (!req.principal) throw new AppError('forbidden', '您还没有可用的企业：请打开管理员发给您的邀请链接 / no active corp membership: open the invitation link your admin sent you');
    return me(req);
  });

  app.post('/api/auth/logout', { config: { ...publicRoute('signs out whatever session cookie is sent (none: nothing to do)'), audit: { action: 'auth.logout' } }, schema: { tags: ['auth'] } }, async (req, reply) => {
    const cookie = req.cookies[SESSION_COOKIE];
    if (cookie) {
      // Like every write with a session cookie: only from Pond's own pages.
      checkSameOrigin(req, deps.publicUrl());
      await auth.logout(cookie);
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true as const };
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
    corps.checkBases(req.body);
    if (await corps.get(req.body.id)) throw AppError.validation('id', `corp ${req.body.id} already exists`);
    const c = await corps.upsert(req.body);
    if (p.userId) await accounts.addCorpAdmin(p.userId, c.id);
    await deps.sync.start(c.id, 'full', p.name);
    return { id: c.id, name: c.name, isDemo: c.isDemo, role: 'admin' as const };
  });

  // Users: the memberships of the current corp, addressed by membership id (the same kind of id whether the
  // username was new or not). Creating one is an invitation, accepted with its link (ADR 0011, 0018).
  app.get('/api/users', { config: access(ADMIN_ONLY), schema: { tags: ['users'] } }, async (req) => ({ items: await accounts.list(req.principal!.corpId) }));

  const UserBody = z.object({
    username: z.string().regex(/^[A-Za-z0-9_.@-]{3,40}$/, 'must be 3–40 letters, digits or _.@-'),
    password: Text(200).min(8, 'must be at least 8 characters'),
    displayName: z.string().trim().min(1, 'is required').max(40),
    role: Role,
    storeIds: List(RowId, 100).default([]),
    staffUserid: Userid.nullish(),
  });

  app.post('/api/users', {
    config: { ...access(ADMIN_ONLY, { refs: { 'storeIds[]': 'store', staffUserid: 'staff' } }), audit: { action: 'invitation.create' } },
    schema: {
      tags: ['users'],
      summary: 'Invite a user to this corp: the answer carries the invitation link to hand to the person (shown once), who sets their password with it — or, for an existing account, enters its password',
      body: UserBody.omit({ password: true }).extend({
        password: z.never({ error: 'an invitation carries no password: the invited person sets it with the invitation link' }).optional(),
      }),
    },
  }, async (req) => accounts.invite(req.principal!.corpId, req.body));

  app.post('/api/users/:id/invitation', {
    config: { ...access(ADMIN_ONLY, { params: { id: 'user' } }), audit: { action: 'invitation.create' } },
    schema: { tags: ['users'], summary: 'A new invitation link for a user who has not accepted yet (the previous link stops working)', params: IdParams },
  }, async (req) => accounts.renewInvitation(req.principal!.corpId, req.params.id));

  app.patch('/api/users/:id', {
    config: access(ADMIN_ONLY, { params: { id: 'user' }, refs: { 'storeIds[]': 'store', staffUserid: 'staff' } }),
    schema: {
      tags: ['users'],
      summary: "Change a member's role, stores, staff link or access to this corp; password, name and accountDisabled change the account (an active member's only)",
      params: IdParams,
      body: patchOf(UserBody.omit({ username: true })).extend({ disabled: z.boolean().optional(), accountDisabled: z.boolean().optional() }),
    },
  }, async (req) => accounts.updateMember(req.principal!, req.params.id, req.body));

  app.delete('/api/users/:id', {
    config: access(ADMIN_ONLY, { params: { id: 'user' } }),
    schema: { tags: ['users'], summary: 'Remove a member (or an invitation) from this corp and revoke the API tokens they made in it; the account stays', params: IdParams },
  }, async (req) => {
    await accounts.removeMember(req.principal!.corpId, req.params.id);
    return { ok: true as const };
  });

  // The invitation link: a page for whoever holds it, and the answer it posts.
  app.get('/invite/:code', {
    config: publicRoute('the invitation page: the one-time code in the path is the credential'),
    schema: { hide: true, params: z.object({ code: Text(200) }) },
  }, async (req, reply) => {
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
    const inv = await accounts.invitation(req.params.code);
    if (!inv) return reply.code(404).send(inviteNotice('邀请链接无效、已使用或已过期', 'The invitation link is wrong, already used or expired: ask your admin for a new one.'));
    return reply.send(invitePage({ code: req.params.code, ...inv }));
  });

  const RedeemBody = z.object({
    code: Text(200).min(1, 'is required'),
    password: Text(256).min(8, 'must be at least 8 characters'),
    confirm: Text(256).optional(),
  }).refine((b) => b.confirm === undefined || b.confirm === b.password, { message: 'the two passwords differ', path: ['confirm'] });
  const isForm = (req: FastifyRequest) => (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  await app.register((plain, _opts, registered) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    // The invitation page posts a plain form.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    scope.post('/api/invitations/redeem', {
      config: { ...publicRoute('accepts an invitation: the one-time code from its link is the credential, with the account\'s password (throttled like a sign-in)'), audit: { action: 'invitation.accept' } },
      schema: { tags: ['auth'], summary: 'Accept an invitation with its link\'s code: sets the new account\'s password, or checks the existing account\'s; signs in', body: RedeemBody, security: [] },
      // The page's form gets a page saying why, with the way back to the form; API callers get the usual JSON error.
      errorHandler: (err, req, reply) => {
        if (!isForm(req)) throw err;
        const code = (req.body as { code?: unknown } | undefined)?.code;
        const known = asAppError(err);
        if (known instanceof LoginThrottled) reply.header('retry-after', String(known.retryAfterSec));
        const status = known?.status ?? (err as { statusCode?: number }).statusCode ?? 400;
        void reply.code(status >= 500 ? 500 : status).type('text/html; charset=utf-8')
          .send(inviteRetry(known && status < 500 ? known.message : status < 500 ? `请检查输入 / check your input: ${err.message}` : '出错了，请稍后再试 / something went wrong: try again later', typeof code === 'string' ? code : null));
      },
    }, async (req, reply) => {
      checkSameOrigin(req, deps.publicUrl(), { ifSent: true });
      const { sessionToken } = await accounts.redeem(req.body.code, req.body.password, req.ip);
      reply.setCookie(SESSION_COOKIE, sessionToken, sessionCookie);
      req.principal = (await auth.fromSession(sessionToken)) ?? undefined;
      if (isForm(req)) return reply.redirect('/', 303);
      return me(req);
    });
    registered();
  });

  // API tokens
  app.get('/api/tokens', { config: access(ADMIN_ONLY), schema: { tags: ['tokens'] } }, async (req) => ({ items: await accounts.tokens(req.principal!.corpId) }));
  app.post('/api/tokens', {
    config: access(ADMIN_ONLY, { refs: { 'storeIds[]': 'store', staffUserid: 'staff' } }),
    schema: { tags: ['tokens'], summary: 'A token for scripts: works while its maker stays an active admin of this corp', body: z.object({ name: z.string().trim().min(1, 'is required').max(60), role: Role, storeIds: List(RowId, 100).default([]), staffUserid: Userid.nullish() }) },
  }, async (req) => {
    const p = req.principal!;
    await accounts.checkRoleFields(p.corpId, req.body.role, req.body.storeIds, req.body.staffUserid);
    return auth.createToken({ corpId: p.corpId, name: req.body.name, role: req.body.role, storeIds: req.body.storeIds, staffUserid: req.body.staffUserid, createdBy: p.userId });
  });
  app.delete('/api/tokens/:id', { config: access(ADMIN_ONLY, { params: { id: 'apiToken' } }), schema: { tags: ['tokens'], params: IdParams } }, async (req) => {
    await accounts.revokeToken(req.principal!.corpId, req.params.id);
    return { ok: true as const };
  });
}
