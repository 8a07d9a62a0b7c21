// Who is calling and what they may see. Sessions (console cookie) and bearer tokens resolve to one
// Principal; `requireRole` guards routes; `Scope` carries the corp and the store/staff limits that
// repositories apply, so a store manager's reads are narrowed here and not in each route.
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type pg from 'pg';
import type { FastifyRequest } from 'fastify';
import { AppError } from './errors';
import type { Role } from './db/schema';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number) => Promise<Buffer>;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 32);
  return `scrypt$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, saltB64, keyB64] = stored.split('$');
  if (alg !== 'scrypt' || !saltB64 || !keyB64) return false;
  const key = await scrypt(password, Buffer.from(saltB64, 'base64'), 32);
  const want = Buffer.from(keyB64, 'base64');
  return key.length === want.length && timingSafeEqual(key, want);
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
export const newSecret = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;

export interface Principal {
  /** `sidebar`: a member signed in to the WeCom chat sidebar by WeCom OAuth (staff role, own customers). */
  kind: 'user' | 'token' | 'sidebar';
  id: string;
  userId: number | null;
  /** Sign-in name for users, `token:<name>` for tokens. */
  username: string;
  name: string;
  corpId: string;
  role: Role;
  storeIds: number[];
  staffUserid: string | null;
  corps: { id: string; name: string; role: Role }[];
}

/** What a caller may see inside their corp. Repositories take this instead of a bare corpId for reads. */
export interface Scope {
  corpId: string;
  /** null = every store */
  storeIds: number[] | null;
  /** set for the staff role: only this member's own customers and groups */
  staffUserid: string | null;
  /** Who is asking (`user:<id>`, `token:<id>`, `sidebar:<userid>`): the work they started is theirs to see. */
  principalKey: string;
}

export function scopeOf(p: Principal): Scope {
  return {
    corpId: p.corpId,
    storeIds: p.role === 'store_manager' ? p.storeIds : null,
    staffUserid: p.role === 'staff' ? (p.staffUserid ?? '\u0000none') : null,
    principalKey: principalKey(p),
  };
}

/** The whole corp, for work Pond does by itself (rules, jobs) rather than for a caller. */
export function corpScope(corpId: string): Scope {
  return { corpId, storeIds: null, staffUserid: null, principalKey: 'system' };
}

export function principalKey(p: Pick<Principal, 'kind' | 'id' | 'userId'>): string {
  return p.kind === 'user' ? `user:${p.userId}` : p.kind === 'token' ? `token:${p.id}` : p.id;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export const SESSION_COOKIE = 'pond_session';
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;
export const SIDEBAR_COOKIE = 'pond_sidebar';
export const SIDEBAR_TTL_MS = 7 * 24 * 3600 * 1000;

export class AuthService {
  constructor(private pool: pg.Pool) {}

  async login(username: string, password: string): Promise<{ sessionToken: string; userId: number }> {
    const { rows } = await this.pool.query(
      'SELECT id, password_hash, disabled_at FROM users WHERE username = $1', [username]);
    const u = rows[0];
    if (!u || u.disabled_at || !(await verifyPassword(password, u.password_hash))) {
      throw new AppError('unauthorized', 'wrong username or password / 用户名或密码错误');
    }
    const token = newSecret('');
    await this.pool.query(
      `INSERT INTO sessions (id, user_id, corp_id, expires_at)
       VALUES ($1, $2, (SELECT corp_id FROM memberships WHERE user_id = $2 ORDER BY created_at LIMIT 1), $3)`,
      [sha256(token), u.id, new Date(Date.now() + SESSION_TTL_MS)]);
    return { sessionToken: token, userId: u.id };
  }

  async logout(sessionToken: string): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE id = $1', [sha256(sessionToken)]);
  }

  async switchCorp(sessionToken: string, corpId: string): Promise<void> {
    const r = await this.pool.query(
      `UPDATE sessions s SET corp_id = $2 FROM memberships m
       WHERE s.id = $1 AND m.user_id = s.user_id AND m.corp_id = $2`, [sha256(sessionToken), corpId]);
    if (r.rowCount === 0) throw AppError.forbidden('you are not a member of that corp');
  }

  private async corpsOfUser(userId: number) {
    const { rows } = await this.pool.query(
      `SELECT c.id, c.name, m.role, m.store_ids, m.staff_userid FROM memberships m JOIN corps c ON c.id = m.corp_id
       WHERE m.user_id = $1 ORDER BY m.created_at`, [userId]);
    return rows as { id: string; name: string; role: Role; store_ids: number[]; staff_userid: string | null }[];
  }

  async fromSession(sessionToken: string): Promise<Principal | null> {
    const { rows } = await this.pool.query(
      `SELECT s.user_id, s.corp_id, u.display_name, u.username FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id = $1 AND s.expires_at > now() AND u.disabled_at IS NULL`, [sha256(sessionToken)]);
    const s = rows[0];
    if (!s) return null;
    const corps = await this.corpsOfUser(s.user_id);
    const current = corps.find((c) => c.id === s.corp_id) ?? corps[0];
    if (!current) return null;
    return {
      kind: 'user', id: String(s.user_id), userId: s.user_id, username: s.username, name: s.display_name || s.username,
      corpId: current.id, role: current.role, storeIds: current.store_ids, staffUserid: current.staff_userid,
      corps: corps.map((c) => ({ id: c.id, name: c.name, role: c.role })),
    };
  }

  /** Signs a member in to the sidebar (after WeCom OAuth said who they are); the cookie value is returned once. */
  async createSidebarSession(corpId: string, staffUserid: string): Promise<string> {
    const token = newSecret('');
    await this.pool.query(`DELETE FROM sidebar_sessions WHERE expires_at < now()`);
    await this.pool.query(
      `INSERT INTO sidebar_sessions (id, corp_id, staff_userid, expires_at) VALUES ($1,$2,$3,$4)`,
      [sha256(token), corpId, staffUserid, new Date(Date.now() + SIDEBAR_TTL_MS)]);
    return token;
  }

  /** A sidebar session is the staff role over the member's own customers, for as long as they are active staff. */
  async fromSidebarSession(token: string): Promise<Principal | null> {
    const { rows } = await this.pool.query(
      `SELECT ss.corp_id, ss.staff_userid, st.name, c.name AS corp_name FROM sidebar_sessions ss
         JOIN staff st ON st.corp_id = ss.corp_id AND st.userid = ss.staff_userid AND st.status = 1
         JOIN corps c ON c.id = ss.corp_id
       WHERE ss.id = $1 AND ss.expires_at > now()`, [sha256(token)]);
    const s = rows[0];
    if (!s) return null;
    return {
      kind: 'sidebar', id: `sidebar:${s.staff_userid}`, userId: null, username: `sidebar:${s.staff_userid}`, name: s.name || s.staff_userid,
      corpId: s.corp_id, role: 'staff', storeIds: [], staffUserid: s.staff_userid, corps: [{ id: s.corp_id, name: s.corp_name, role: 'staff' }],
    };
  }

  /** A token bound to one corp, or (corp_id null, the POND_API_TOKEN bootstrap) to every corp: pick with X-Pond-Corp. */
  async fromToken(token: string, wantedCorp: string | undefined): Promise<Principal | null> {
    const { rows } = await this.pool.query(
      `UPDATE api_tokens SET last_used_at = now() WHERE token_hash = $1 AND revoked_at IS NULL
       RETURNING id, corp_id, name, role, store_ids, staff_userid`, [sha256(token)]);
    const t = rows[0];
    if (!t) return null;
    let corps: { id: string; name: string; role: Role }[];
    if (t.corp_id) {
      const c = await this.pool.query('SELECT id, name FROM corps WHERE id = $1', [t.corp_id]);
      corps = c.rows.map((r) => ({ id: r.id, name: r.name, role: t.role }));
    } else {
      const c = await this.pool.query('SELECT id, name FROM corps ORDER BY created_at');
      corps = c.rows.map((r) => ({ id: r.id, name: r.name, role: t.role }));
    }
    const current = wantedCorp ? corps.find((c) => c.id === wantedCorp) : corps[0];
    if (!current) {
      if (wantedCorp) throw AppError.forbidden(`this token has no access to corp ${wantedCorp}`);
      return null;
    }
    return {
      kind: 'token', id: String(t.id), userId: null, username: `token:${t.name}`, name: `token:${t.name}`, corpId: current.id, role: t.role,
      storeIds: t.store_ids, staffUserid: t.staff_userid, corps,
    };
  }

  async createToken(input: { corpId: string | null; name: string; role: Role; storeIds?: number[]; staffUserid?: string | null; createdBy?: number | null; token?: string }): Promise<{ id: number; token: string }> {
    const token = input.token ?? newSecret('pond_');
    const { rows } = await this.pool.query(
      `INSERT INTO api_tokens (corp_id, name, token_hash, prefix, role, store_ids, staff_userid, created_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
       ON CONFLICT (token_hash) DO UPDATE SET revoked_at = NULL RETURNING id`,
      [input.corpId, input.name, sha256(token), token.slice(0, 9), input.role, input.storeIds ?? [], input.staffUserid ?? null, input.createdBy ?? null]);
    return { id: rows[0].id, token };
  }
}

export async function authenticate(auth: AuthService, req: FastifyRequest): Promise<Principal | null> {
  const header = req.headers.authorization;
  const corpHeader = typeof req.headers['x-pond-corp'] === 'string' ? req.headers['x-pond-corp'] : undefined;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new AppError('unauthorized', 'Authorization must be "Bearer <token>"');
    const p = await auth.fromToken(m[1]!, corpHeader);
    if (!p) throw new AppError('unauthorized', 'invalid or revoked API token');
    return p;
  }
  const sidebar = req.cookies?.[SIDEBAR_COOKIE];
  // The sidebar page asks for its member explicitly, so a console session in the same browser (demo) does not win.
  if (req.headers['x-pond-sidebar']) return sidebar ? auth.fromSidebarSession(sidebar) : null;
  const cookie = req.cookies?.[SESSION_COOKIE];
  const fromConsole = cookie ? await auth.fromSession(cookie) : null;
  if (fromConsole) return fromConsole;
  return sidebar ? auth.fromSidebarSession(sidebar) : null;
}
