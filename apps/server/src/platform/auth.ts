// Who is calling and what they may see. Sessions (console cookie) and bearer tokens resolve to one
// Principal; routes declare who may call them (platform/access.ts); `Scope` carries the corp and the store/staff limits that
// repositories apply, so a store manager's reads are narrowed here and not in each route.
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { promisify } from 'node:util';
import type pg from 'pg';
import type { FastifyRequest } from 'fastify';
import { AppError } from './errors';
import { withTransaction } from './db';
import type { Role } from './db/schema';
import type { Cols } from './db/rows';

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

// Unknown users are checked against this, so that a wrong name costs the same scrypt as a wrong password.
let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= hashPassword(randomBytes(16).toString('hex')));

/**
 * Sign-in throttling (shared by every process through `login_failures`). Failures within the window refuse further
 * tries (429) per address (`perIp`; IPv6 per /64) and per username from one address (`perPair`). Per username over
 * every address they only slow the check down (from `perUsername` on, `slowBaseMs` doubling up to `slowMaxMs`):
 * whoever knows a name cannot lock its owner out, who signs in from an address that has not failed.
 */
export const LOGIN_LIMITS = { perPair: 5, perIp: 20, perUsername: 5, windowMinutes: 15, slowBaseMs: 250, slowMaxMs: 4000 };

/** The wait before checking a password of a username with `failures` recent failures from anywhere. */
export function usernameDelayMs(failures: number): number {
  if (failures < LOGIN_LIMITS.perUsername) return 0;
  return Math.min(LOGIN_LIMITS.slowMaxMs, LOGIN_LIMITS.slowBaseMs * 2 ** (failures - LOGIN_LIMITS.perUsername));
}

/** The throttling key of an address: IPv4 as is, IPv6 by its /64 (one host holds a whole /64), IPv4-mapped IPv6 as IPv4. */
export function throttleNet(ip: string): string {
  const addr = ip.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(addr);
  if (mapped) return mapped[1];
  if (!isIPv6(addr)) return addr;
  let text = addr.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => parseInt(g || '0', 16).toString(16)).join(':')}::/64`;
}

export class LoginThrottled extends AppError {
  constructor(readonly retryAfterSec: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSec / 60));
    super('too_many_requests', `登录失败次数过多，请 ${minutes} 分钟后再试 / too many failed sign-ins, try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
      { details: { retryAfterSeconds: retryAfterSec } });
  }
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
  /** Platform owner (granted by the CLI only; the corp-less POND_API_TOKEN counts as one): may add corps and manage any account. */
  owner: boolean;
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
  constructor(private pool: pg.Pool) {
    void dummy(); // ready before the first unknown name, so that one costs no more than the others
  }

  /**
   * Checks the password with the same work whether or not the user exists or is disabled, after the throttle
   * (LOGIN_LIMITS). The session starts in the first corp where the membership is active (none: 403 at the route).
   */
  async login(username: string, password: string, ip: string): Promise<{ sessionToken: string; userId: number }> {
    const userId = await this.attempt(username, ip, async () => {
      const { rows } = await this.pool.query<Cols<'users', 'id' | 'password_hash' | 'disabled_at'>>(
        'SELECT id, password_hash, disabled_at FROM users WHERE username = $1', [username]);
      const u = rows[0];
      const ok = await verifyPassword(password, u?.password_hash ?? await dummy());
      return u && ok && !u.disabled_at ? u.id : null;
    });
    return { sessionToken: await this.startSession(userId), userId };
  }

  /**
   * One throttled check of credentials for `username` from `ip` (sign-in, or accepting an invitation with an existing
   * account's password): `check` answers the user's id or null (wrong). The attempt is recorded as a failure before the
   * check, under advisory locks, so parallel guesses cannot slip past the limits; a success removes it and clears the
   * username's failures.
   */
  async attempt<T>(username: string, ip: string, check: () => Promise<T | null>): Promise<T> {
    const net = throttleNet(ip);
    const keys = { user: `u:${username}`, pair: `p:${net}|${username}`, ip: `ip:${net}` };
    const { ids, userFailures } = await this.reserveAttempt(keys);
    const delay = usernameDelayMs(userFailures);
    if (delay) await new Promise((r) => setTimeout(r, delay));
    const out = await check();
    if (out == null) throw new AppError('unauthorized', 'wrong username or password / 用户名或密码错误');
    await this.pool.query('DELETE FROM login_failures WHERE key = ANY($1) OR id = ANY($2)', [[keys.user, keys.pair], ids]);
    return out;
  }

  /** A console session for the user, in their first active corp (none: they can sign in but reach nothing). */
  async startSession(userId: number, corpId?: string): Promise<string> {
    const token = newSecret('');
    await this.pool.query(
      `INSERT INTO sessions (id, user_id, corp_id, expires_at)
       VALUES ($1, $2, COALESCE($4, (SELECT corp_id FROM memberships WHERE user_id = $2 AND status = 'active' AND disabled_at IS NULL ORDER BY created_at LIMIT 1)), $3)`,
      [sha256(token), userId, new Date(Date.now() + SESSION_TTL_MS), corpId ?? null]);
    return token;
  }

  /**
   * Refuses with 429 when the address or this username from this address is over its limit; else records this attempt
   * as a failure under all three keys. Returns the rows' ids and the username's earlier failures from anywhere.
   */
  private async reserveAttempt(keys: { user: string; pair: string; ip: string }): Promise<{ ids: number[]; userFailures: number }> {
    return withTransaction(this.pool, async (c) => {
      for (const k of Object.values(keys).sort()) await c.query('SELECT pg_advisory_xact_lock(8410224, hashtext($1))', [k]);
      const window = `${LOGIN_LIMITS.windowMinutes} minutes`;
      // The limit-th most recent failure inside the window: the caller may try again when it leaves the window.
      const { rows } = await c.query<{ wait: number | null; user_failures: number }>(
        `SELECT (SELECT max(ceil(extract(epoch FROM (f.at + $4::interval - now()))))::int FROM (
             SELECT at FROM (SELECT at FROM login_failures WHERE key = $1 AND at > now() - $4::interval ORDER BY at DESC OFFSET $2 - 1 LIMIT 1) a
             UNION ALL
             SELECT at FROM (SELECT at FROM login_failures WHERE key = $3 AND at > now() - $4::interval ORDER BY at DESC OFFSET $5 - 1 LIMIT 1) b
           ) f) AS wait,
           (SELECT count(*)::int FROM login_failures WHERE key = $6 AND at > now() - $4::interval) AS user_failures`,
        [keys.pair, LOGIN_LIMITS.perPair, keys.ip, window, LOGIN_LIMITS.perIp, keys.user]);
      const wait = rows[0]?.wait ?? null;
      if (wait != null && wait > 0) throw new LoginThrottled(wait);
      await c.query(`DELETE FROM login_failures WHERE at < now() - $1::interval`, [window]);
      const ins = await c.query<{ id: number }>(`INSERT INTO login_failures (key) VALUES ($1), ($2), ($3) RETURNING id`, [keys.user, keys.pair, keys.ip]);
      return { ids: ins.rows.map((r) => r.id), userFailures: rows[0]?.user_failures ?? 0 };
    });
  }

  /** The signed-in user of a console session, whether or not they have an active corp (invitations). */
  async sessionUser(sessionToken: string): Promise<{ userId: number; username: string } | null> {
    const { rows } = await this.pool.query<Cols<'users', 'id' | 'username'>>(
      `SELECT u.id, u.username FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id = $1 AND s.expires_at > now() AND u.disabled_at IS NULL`, [sha256(sessionToken)]);
    return rows[0] ? { userId: rows[0].id, username: rows[0].username } : null;
  }

  async logout(sessionToken: string): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE id = $1', [sha256(sessionToken)]);
  }

  async switchCorp(sessionToken: string, corpId: string): Promise<void> {
    const r = await this.pool.query(
      `UPDATE sessions s SET corp_id = $2 FROM memberships m
       WHERE s.id = $1 AND m.user_id = s.user_id AND m.corp_id = $2 AND m.status = 'active' AND m.disabled_at IS NULL`, [sha256(sessionToken), corpId]);
    if (r.rowCount === 0) throw AppError.forbidden('you are not a member of that corp');
  }

  /** Only active memberships grant anything: not an invitation yet to accept, not one this corp's admin disabled. */
  private async corpsOfUser(userId: number) {
    const { rows } = await this.pool.query<Cols<'corps', 'id' | 'name'> & Cols<'memberships', 'store_ids' | 'staff_userid'> & { role: Role }>(
      `SELECT c.id, c.name, m.role, m.store_ids, m.staff_userid FROM memberships m JOIN corps c ON c.id = m.corp_id
       WHERE m.user_id = $1 AND m.status = 'active' AND m.disabled_at IS NULL ORDER BY m.created_at`, [userId]);
    return rows;
  }

  async fromSession(sessionToken: string): Promise<Principal | null> {
    const { rows } = await this.pool.query<Cols<'sessions', 'user_id' | 'corp_id'> & Cols<'users', 'display_name' | 'username' | 'is_owner'>>(
      `SELECT s.user_id, s.corp_id, u.display_name, u.username, u.is_owner FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id = $1 AND s.expires_at > now() AND u.disabled_at IS NULL`, [sha256(sessionToken)]);
    const s = rows[0];
    if (!s) return null;
    const corps = await this.corpsOfUser(s.user_id);
    const current = corps.find((c) => c.id === s.corp_id) ?? corps[0];
    if (!current) return null;
    return {
      kind: 'user', id: String(s.user_id), userId: s.user_id, username: s.username, name: s.display_name || s.username,
      corpId: current.id, role: current.role, storeIds: current.store_ids, staffUserid: current.staff_userid,
      corps: corps.map((c) => ({ id: c.id, name: c.name, role: c.role })), owner: s.is_owner,
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
    const { rows } = await this.pool.query<Cols<'sidebar_sessions', 'corp_id' | 'staff_userid'> & Cols<'staff', 'name'> & { corp_name: string }>(
      `SELECT ss.corp_id, ss.staff_userid, st.name, c.name AS corp_name FROM sidebar_sessions ss
         JOIN staff st ON st.corp_id = ss.corp_id AND st.userid = ss.staff_userid AND st.status = 1
         JOIN corps c ON c.id = ss.corp_id
       WHERE ss.id = $1 AND ss.expires_at > now()`, [sha256(token)]);
    const s = rows[0];
    if (!s) return null;
    return {
      kind: 'sidebar', id: `sidebar:${s.staff_userid}`, userId: null, username: `sidebar:${s.staff_userid}`, name: s.name || s.staff_userid,
      corpId: s.corp_id, role: 'staff', storeIds: [], staffUserid: s.staff_userid, corps: [{ id: s.corp_id, name: s.corp_name, role: 'staff' }], owner: false,
    };
  }

  /** A token bound to one corp, or (corp_id null, the POND_API_TOKEN bootstrap) to every corp: pick with X-Pond-Corp. */
  async fromToken(token: string, wantedCorp: string | undefined): Promise<Principal | null> {
    const { rows } = await this.pool.query<Cols<'api_tokens', 'id' | 'corp_id' | 'name' | 'store_ids' | 'staff_userid'> & { role: Role }>(
      `UPDATE api_tokens t SET last_used_at = now() WHERE t.token_hash = $1 AND t.revoked_at IS NULL
         -- A token an admin made lives only while its maker is an active admin of its corp.
         AND (t.created_by IS NULL OR EXISTS (
           SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id
           WHERE m.user_id = t.created_by AND m.corp_id = t.corp_id AND m.role = 'admin' AND m.status = 'active'
             AND m.disabled_at IS NULL AND u.disabled_at IS NULL))
       RETURNING t.id, t.corp_id, t.name, t.role, t.store_ids, t.staff_userid`, [sha256(token)]);
    const t = rows[0];
    if (!t) return null;
    let corps: { id: string; name: string; role: Role }[];
    if (t.corp_id) {
      const c = await this.pool.query<Cols<'corps', 'id' | 'name'>>('SELECT id, name FROM corps WHERE id = $1', [t.corp_id]);
      corps = c.rows.map((r) => ({ id: r.id, name: r.name, role: t.role }));
    } else {
      const c = await this.pool.query<Cols<'corps', 'id' | 'name'>>('SELECT id, name FROM corps ORDER BY created_at');
      corps = c.rows.map((r) => ({ id: r.id, name: r.name, role: t.role }));
    }
    const current = wantedCorp ? corps.find((c) => c.id === wantedCorp) : corps[0];
    if (!current) {
      if (wantedCorp) throw AppError.forbidden(`this token has no access to corp ${wantedCorp}`);
      return null;
    }
    return {
      kind: 'token', id: String(t.id), userId: null, username: `token:${t.name}`, name: `token:${t.name}`, corpId: current.id, role: t.role,
      storeIds: t.store_ids, staffUserid: t.staff_userid, corps, owner: t.corp_id == null,
    };
  }

  async createToken(input: { corpId: string | null; name: string; role: Role; storeIds?: number[]; staffUserid?: string | null; createdBy?: number | null; token?: string }): Promise<{ id: number; token: string }> {
    const token = input.token ?? newSecret('pond_');
    const { rows } = await this.pool.query<Cols<'api_tokens', 'id'>>(
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
    const p = await auth.fromToken(m[1], corpHeader);
    if (!p) throw new AppError('unauthorized', 'invalid or revoked API token');
    return p;
  }
  // The two sessions never stand in for each other: the sidebar page's requests say so and are its member or
  // nobody (never the console user of the same browser); every other request is the console session or nobody.
  if (req.headers['x-pond-sidebar']) {
    const sidebar = req.cookies?.[SIDEBAR_COOKIE];
    return sidebar ? auth.fromSidebarSession(sidebar) : null;
  }
  const cookie = req.cookies?.[SESSION_COOKIE];
  return cookie ? auth.fromSession(cookie) : null;
}
