// Sign-in, the current user, corps, users and API tokens (the audit log: audit-routes.ts).
import type pg from 'pg';
import type { App } from '../../platform/http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Ok } from '@pond/contracts/common';
import { InviteCodeParams, LoginBody, Me, RedeemBody, SwitchCorpBody } from '@pond/contracts/auth';
import {
  ApiTokenList, CorpBody, CorpList, CorpSummary, CreatedToken, Invitation, InviteBody, Member, MemberList, TokenBody, UserPatchBody,
} from '@pond/contracts/admin';
import { type AuthService, LoginThrottled, SESSION_COOKIE, SESSION_TTL_MS } from '../../platform/auth';
import { AppError, asAppError } from '../../platform/errors';
import { AccountService } from './accounts';
import { invitePage, inviteNotice, inviteRetry } from './invite-page';
import type { CorpService } from '../org';
import type { SyncService } from '../sync';
import { IdParams } from '../../platform/schemas';
import { access, publicRoute, ALL_ROLES, ADMIN_ONLY, checkSameOrigin } from '../../platform/access';

const ok = { ok: true as const };

export async function adminRoutes(app: App, deps: { pool: pg.Pool; auth: AuthService; corps: CorpService; sync: SyncService; secureCookies: boolean; publicUrl: () => string }) {
  const { auth } = deps;
  const accounts = new AccountService(deps);
  const sessionCookie = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: deps.secureCookies, maxAge: SESSION_TTL_MS / 1000 };
  const me = (req: FastifyRequest) => accounts.me(req.principal!);

  app.post('/api/auth/login', { config: { ...publicRoute('signs in: the credentials are the body (throttled per address and per username and address)'), audit: { action: 'auth.login' } },
    schema: { tags: ['auth'], body: LoginBody, security: [], response: { 200: Me } },
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

  app.post('/api/auth/logout', {
    config: { ...publicRoute('signs out whatever session cookie is sent (none: nothing to do)'), audit: { action: 'auth.logout' } },
    schema: { tags: ['auth'], response: { 200: Ok } },
  }, async (req, reply) => {
    const cookie = req.cookies[SESSION_COOKIE];
    if (cookie) {
      // Like every write with a session cookie: only from Pond's own pages.
      checkSameOrigin(req, deps.publicUrl());
      await auth.logout(cookie);
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return ok;
  });

  app.get('/api/me', { config: access(ALL_ROLES, { scope: 'self' }), schema: { tags: ['auth'], response: { 200: Me } } }, async (req) => me(req));

  app.post('/api/me/corp', {
    config: { ...access(ALL_ROLES, { scope: 'self' }), audit: { action: 'auth.switch_corp' } }, schema: { tags: ['auth'], body: SwitchCorpBody, response: { 200: Me } },
  }, async (req) => {
    const cookie = req.cookies[SESSION_COOKIE];
    if (!cookie) throw new AppError('bad_request', 'switching corp needs a console session; API tokens use the X-Pond-Corp header');
    await auth.switchCorp(cookie, req.body.corpId);
    req.principal = (await auth.fromSession(cookie))!;
    return me(req);
  });

  // Corps
  app.get('/api/corps', {
    config: access(ALL_ROLES, { scope: 'self' }), schema: { tags: ['corps'], response: { 200: CorpList } },
  }, async (req) => ({ items: await accounts.corpsOf(req.principal!) }));

  app.post('/api/corps', {
    config: access(ADMIN_ONLY), schema: { tags: ['corps'], summary: 'Add a corp (platform owners only): its maker becomes its admin and its first sync starts', body: CorpBody, response: { 200: CorpSummary } },
  }, async (req) => accounts.addCorp(req.principal!, req.body));

  // Users: the memberships of the current corp, addressed by membership id (the same kind of id whether the
  // username was new or not). Creating one is an invitation, accepted with its link (ADR 0011, 0018).
  app.get('/api/users', {
    config: access(ADMIN_ONLY), schema: { tags: ['users'], response: { 200: MemberList } },
  }, async (req) => ({ items: await accounts.list(req.principal!.corpId) }));

  app.post('/api/users', {
    config: { ...access(ADMIN_ONLY, { refs: { 'storeIds[]': 'store', staffUserid: 'staff' } }), audit: { action: 'invitation.create' } },
    schema: {
      tags: ['users'],
      summary: 'Invite a user to this corp: the answer carries the invitation link to hand to the person (shown once), who sets their password with it — or, for an existing account, enters its password',
      body: InviteBody, response: { 200: Invitation },
    },
  }, async (req) => accounts.invite(req.principal!.corpId, req.body));

  app.post('/api/users/:id/invitation', {
    config: { ...access(ADMIN_ONLY, { params: { id: 'user' } }), audit: { action: 'invitation.create' } },
    schema: { tags: ['users'], summary: 'A new invitation link for a user who has not accepted yet (the previous link stops working)', params: IdParams, response: { 200: Invitation } },
  }, async (req) => accounts.renewInvitation(req.principal!.corpId, req.params.id));

  app.patch('/api/users/:id', {
    config: access(ADMIN_ONLY, { params: { id: 'user' }, refs: { 'storeIds[]': 'store', staffUserid: 'staff' } }),
    schema: {
      tags: ['users'],
      summary: "Change a member's role, stores, staff link or access to this corp; password, name and accountDisabled change the account (an active member's only)",
      params: IdParams, body: UserPatchBody, response: { 200: Member },
    },
  }, async (req) => accounts.updateMember(req.principal!, req.params.id, req.body));

  app.delete('/api/users/:id', {
    config: access(ADMIN_ONLY, { params: { id: 'user' } }),
    schema: { tags: ['users'], summary: 'Remove a member (or an invitation) from this corp and revoke the API tokens they made in it; the account stays', params: IdParams, response: { 200: Ok } },
  }, async (req) => {
    await accounts.removeMember(req.principal!.corpId, req.params.id);
    return ok;
  });

  // The invitation link: a page for whoever holds it, and the answer it posts.
  app.get('/invite/:code', {
    config: publicRoute('the invitation page: the one-time code in the path is the credential'),
    schema: { hide: true, params: InviteCodeParams },
  }, async (req, reply) => {
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
    const inv = await accounts.invitation(req.params.code);
    if (!inv) return reply.code(404).send(inviteNotice('邀请链接无效、已使用或已过期', 'The invitation link is wrong, already used or expired: ask your admin for a new one.'));
    return reply.send(invitePage({ code: req.params.code, ...inv }));
  });

  const isForm = (req: FastifyRequest) => (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  await app.register((plain, _opts, registered) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    // The invitation page posts a plain form.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    scope.post('/api/invitations/redeem', {
      config: { ...publicRoute('accepts an invitation: the one-time code from its link is the credential, with the account\'s password (throttled like a sign-in)'), audit: { action: 'invitation.accept' } },
      schema: {
        tags: ['auth'], summary: 'Accept an invitation with its link\'s code: sets the new account\'s password, or checks the existing account\'s; signs in (the page\'s form is redirected to the console: 303)',
        body: RedeemBody, security: [], response: { 200: Me },
      },
      // The page's form gets a page saying why, with the way back to the form; API callers get the usual JSON error.
      errorHandler: (err, req, reply) => {
        if (!isForm(req)) throw err;
        const code = (req.body as { code?: unknown } | undefined)?.code;
        const known = asAppError(err);
        if (known instanceof LoginThrottled) reply.header('retry-after', String(known.retryAfterSec));
        const status = known?.status ?? (err as { statusCode?: number }).statusCode ?? 400;
        // An HTML page, not the JSON the response schema types.
        void (reply as unknown as FastifyReply).code(status >= 500 ? 500 : status).type('text/html; charset=utf-8')
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
  app.get('/api/tokens', {
    config: access(ADMIN_ONLY), schema: { tags: ['tokens'], response: { 200: ApiTokenList } },
  }, async (req) => ({ items: await accounts.tokens(req.principal!.corpId) }));
  app.post('/api/tokens', {
    config: access(ADMIN_ONLY, { refs: { 'storeIds[]': 'store', staffUserid: 'staff' } }),
    schema: { tags: ['tokens'], summary: 'A token for scripts: works while its maker stays an active admin of this corp (the secret is shown once)', body: TokenBody, response: { 200: CreatedToken } },
  }, async (req) => accounts.createToken(req.principal!, req.body));
  app.delete('/api/tokens/:id', {
    config: access(ADMIN_ONLY, { params: { id: 'apiToken' } }), schema: { tags: ['tokens'], params: IdParams, response: { 200: Ok } },
  }, async (req) => {
    await accounts.revokeToken(req.principal!.corpId, req.params.id);
    return ok;
  });
}
