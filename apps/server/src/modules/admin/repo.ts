// SQL of accounts, memberships, invitations and API tokens (ADR 0011, 0018), and of the audit log as the corp reads
// it. Accounts (`users`) are platform-wide; a corp sees its memberships, addressed by membership id.
import type pg from 'pg';
import type { Role } from '@pond/contracts/auth';
import type { Cols, Row } from '../../platform/db/rows';

type Db = pg.Pool | pg.PoolClient;

/** The password of an account an invitation created, until the invited person sets one: matches no password. */
export const NO_PASSWORD = '!';

/** A membership of the corp with what it shows of its account. */
export type MemberRow = Cols<'memberships', 'id' | 'user_id' | 'role' | 'store_ids' | 'staff_userid' | 'status' | 'accept_on_sign_in' | 'invited_name'>
  & { membership_disabled_at: Date | null; username: string; display_name: string; account_disabled_at: Date | null; is_owner: boolean };

const MEMBER_SQL = `SELECT m.id, m.user_id, m.role, m.store_ids, m.staff_userid, m.status, m.accept_on_sign_in, m.invited_name,
    m.disabled_at AS membership_disabled_at, u.username, u.display_name, u.disabled_at AS account_disabled_at, u.is_owner
  FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.corp_id = $1`;

export async function listMembers(db: Db, corpId: string): Promise<MemberRow[]> {
  return (await db.query<MemberRow>(`${MEMBER_SQL} ORDER BY m.id`, [corpId])).rows;
}

export async function findMember(db: Db, corpId: string, id: number): Promise<MemberRow | null> {
  return (await db.query<MemberRow>(`${MEMBER_SQL} AND m.id = $2`, [corpId, id])).rows[0] ?? null;
}

/** Corps where the account's membership is active (what its password, name and status serve). */
export async function activeCorpsOf(db: Db, userId: number): Promise<string[]> {
  return (await db.query<Cols<'memberships', 'corp_id'>>(`SELECT corp_id FROM memberships WHERE user_id = $1 AND status = 'active'`, [userId])).rows.map((r) => r.corp_id);
}

/** Active, enabled admins of the corp other than this user, whose accounts can sign in. */
export async function otherActiveAdmins(db: Db, corpId: string, userId: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.corp_id = $1 AND m.role = 'admin' AND m.status = 'active' AND m.disabled_at IS NULL AND u.disabled_at IS NULL AND m.user_id <> $2`, [corpId, userId]);
  return rows[0]?.n ?? 0;
}

/** Of these store ids, those that are the corp's. */
export async function existingStores(db: Db, corpId: string, storeIds: number[]): Promise<number> {
  const { rows } = await db.query<Cols<'stores', 'id'>>('SELECT id FROM stores WHERE corp_id = $1 AND id = ANY($2)', [corpId, storeIds]);
  return rows.length;
}

export async function staffExists(db: Db, corpId: string, userid: string): Promise<boolean> {
  return ((await db.query('SELECT 1 FROM staff WHERE corp_id = $1 AND userid = $2', [corpId, userid])).rowCount ?? 0) > 0;
}

export interface InvitationInput {
  corpId: string; username: string; displayName: string; role: Role; storeIds: number[]; staffUserid: string | null;
  codeHash: string; expiresAt: Date;
}

/**
 * An invitation: the account (made without a password if the username is new — the same statements either way)
 * and an `invited` membership holding the link's code. Null when the account is already in the corp.
 */
export async function insertInvitation(c: pg.PoolClient, i: InvitationInput): Promise<number | null> {
  const created = await c.query<Cols<'users', 'id'>>(
    'INSERT INTO users (username, password_hash, display_name) VALUES ($1,$2,$3) ON CONFLICT (username) DO NOTHING RETURNING id',
    [i.username, NO_PASSWORD, i.displayName]);
  const userId = created.rows[0]?.id
    ?? (await c.query<Cols<'users', 'id'>>('SELECT id FROM users WHERE username = $1', [i.username])).rows[0].id;
  const m = await c.query<Cols<'memberships', 'id'>>(
    `INSERT INTO memberships (user_id, corp_id, role, store_ids, staff_userid, status, accept_on_sign_in, invited_name, invite_code_hash, invite_expires_at)
     VALUES ($1,$2,$3,$4,$5,'invited',$6,$7,$8,$9) ON CONFLICT (user_id, corp_id) DO NOTHING RETURNING id`,
    [userId, i.corpId, i.role, i.storeIds, i.staffUserid, created.rows.length > 0, i.displayName, i.codeHash, i.expiresAt]);
  return m.rows[0]?.id ?? null;
}

/** A new link for an invitation not yet accepted (the old one stops working). False when the member is active. */
export async function renewInvitation(db: Db, corpId: string, id: number, codeHash: string, expiresAt: Date): Promise<boolean> {
  const r = await db.query(
    `UPDATE memberships SET invite_code_hash = $3, invite_expires_at = $4 WHERE corp_id = $1 AND id = $2 AND status = 'invited'`,
    [corpId, id, codeHash, expiresAt]);
  return (r.rowCount ?? 0) > 0;
}

export type InvitationRow = Cols<'memberships', 'id' | 'user_id' | 'corp_id' | 'role'> & { username: string; corp_name: string };

/** The invitation a link's code opens, while it is pending and not expired. */
export async function invitationByCode(db: Db, codeHash: string, opts: { lock?: boolean } = {}): Promise<InvitationRow | null> {
  const { rows } = await db.query<InvitationRow>(
    `SELECT m.id, m.user_id, m.corp_id, m.role, u.username, c.name AS corp_name
     FROM memberships m JOIN users u ON u.id = m.user_id JOIN corps c ON c.id = m.corp_id
     WHERE m.invite_code_hash = $1 AND m.status = 'invited' AND m.invite_expires_at > now()${opts.lock ? ' FOR UPDATE OF m, u' : ''}`, [codeHash]);
  return rows[0] ?? null;
}

export async function accountForCheck(db: Db, userId: number): Promise<Cols<'users', 'password_hash' | 'disabled_at'> | null> {
  return (await db.query<Cols<'users', 'password_hash' | 'disabled_at'>>('SELECT password_hash, disabled_at FROM users WHERE id = $1', [userId])).rows[0] ?? null;
}

export async function setPassword(db: Db, userId: number, hash: string): Promise<void> {
  await db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [userId, hash]);
}

export async function acceptInvitation(db: Db, membershipId: number): Promise<void> {
  await db.query(`UPDATE memberships SET status = 'active', invite_code_hash = NULL, invite_expires_at = NULL WHERE id = $1`, [membershipId]);
}

export interface MembershipPatch {
  role: Role; storeIds: number[]; staffUserid: string | null;
  /** For an invitation: the name the corp shows until it is accepted. */
  invitedName: string | null;
  /** true: disable in this corp, false: enable, null: unchanged. */
  disabled: boolean | null;
}

export async function updateMembership(db: Db, corpId: string, userId: number, p: MembershipPatch): Promise<void> {
  await db.query(
    `UPDATE memberships SET role = $3, store_ids = $4, staff_userid = $5, invited_name = COALESCE($6, invited_name),
       disabled_at = CASE WHEN $7::boolean IS NULL THEN disabled_at WHEN $7 THEN COALESCE(disabled_at, now()) ELSE NULL END
     WHERE user_id = $1 AND corp_id = $2`,
    [userId, corpId, p.role, p.storeIds, p.staffUserid, p.invitedName, p.disabled]);
}

export interface AccountPatch { displayName: string | null; passwordHash: string | null; disabled: boolean | null }

/** Changes the account; a new password or disabling ends its sessions. */
export async function updateAccount(db: Db, userId: number, p: AccountPatch): Promise<void> {
  await db.query(
    `UPDATE users SET display_name = COALESCE($2, display_name), password_hash = COALESCE($3, password_hash),
       disabled_at = CASE WHEN $4::boolean IS NULL THEN disabled_at WHEN $4 THEN COALESCE(disabled_at, now()) ELSE NULL END
     WHERE id = $1`,
    [userId, p.displayName, p.passwordHash, p.disabled]);
  if (p.passwordHash || p.disabled) await db.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
}

/**
 * Removes the membership and revokes the API tokens the user made in this corp; an account the invitation created
 * that nobody set a password for and that belongs to no other corp goes with it (a typo can be redone).
 */
export async function removeMembership(c: pg.PoolClient, corpId: string, m: Pick<MemberRow, 'user_id' | 'status' | 'accept_on_sign_in'>): Promise<void> {
  await c.query('DELETE FROM memberships WHERE user_id = $1 AND corp_id = $2', [m.user_id, corpId]);
  await c.query('UPDATE api_tokens SET revoked_at = now() WHERE corp_id = $1 AND created_by = $2 AND revoked_at IS NULL', [corpId, m.user_id]);
  if (m.status === 'invited' && m.accept_on_sign_in) {
    await c.query(`DELETE FROM users u WHERE u.id = $1 AND u.password_hash = $2 AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id)`, [m.user_id, NO_PASSWORD]);
  }
}

export async function addAdmin(db: Db, userId: number, corpId: string): Promise<void> {
  await db.query(`INSERT INTO memberships (user_id, corp_id, role) VALUES ($1,$2,'admin') ON CONFLICT DO NOTHING`, [userId, corpId]);
}

export type TokenRow = Cols<'api_tokens', 'id' | 'name' | 'prefix' | 'role' | 'store_ids' | 'created_at' | 'last_used_at' | 'revoked_at'>;

export async function listTokens(db: Db, corpId: string): Promise<TokenRow[]> {
  return (await db.query<TokenRow>(
    `SELECT id, name, prefix, role, store_ids, created_at, last_used_at, revoked_at FROM api_tokens WHERE corp_id = $1 ORDER BY id DESC`, [corpId])).rows;
}

export async function revokeToken(db: Db, corpId: string, id: number): Promise<boolean> {
  const r = await db.query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND corp_id = $2 AND revoked_at IS NULL', [id, corpId]);
  return (r.rowCount ?? 0) > 0;
}

// ---- the audit log ----

export type AuditRow = Row<'audit_log'> & { total: number };

/** One page of the corp's audit log, newest first, optionally of one action; `total` on every row. */
export async function auditPage(db: Db, corpId: string, q: { action: string | null; limit: number; offset: number }): Promise<AuditRow[]> {
  return (await db.query<AuditRow>(
    `SELECT *, count(*) OVER ()::int AS total FROM audit_log WHERE corp_id = $1 AND ($2::text IS NULL OR action = $2)
     ORDER BY id DESC LIMIT $3 OFFSET $4`, [corpId, q.action, q.limit, q.offset])).rows;
}

const digits = (ids: string[]) => ids.filter((id) => /^\d{1,18}$/.test(id));
const byBigint = (table: string, name = 'name') => (corpId: string, ids: string[]) => ({
  sql: `SELECT id::text AS id, ${name} AS name FROM ${table} WHERE corp_id = $1 AND id = ANY($2::bigint[])`, values: [corpId, digits(ids)],
});
const byText = (table: string, key: string, name = 'name') => (corpId: string, ids: string[]) => ({
  sql: `SELECT ${key} AS id, ${name} AS name FROM ${table} WHERE corp_id = $1 AND ${key} = ANY($2::text[])`, values: [corpId, ids],
});

/** How to find a target's name, per target type; types without a name (jobs, alerts) show their id. */
const TARGET_NAMES: Record<string, (corpId: string, ids: string[]) => { sql: string; values: unknown[] }> = {
  live_code: byBigint('live_codes'),
  auto_tag_rule: byBigint('auto_tag_rules'),
  segment: byBigint('segments'),
  group_segment: byBigint('group_segments'),
  store: byBigint('stores'),
  script: byBigint('scripts', 'title'),
  script_folder: byBigint('script_folders'),
  welcome_template: byBigint('welcome_templates'),
  group_welcome_template: byText('group_welcome_templates', 'template_id'),
  tag: byText('tags', 'id'),
  tag_group: byText('tag_groups', 'id'),
  customer: byText('customers', 'external_userid'),
  group: byText('groups', 'chat_id'),
  token: byBigint('api_tokens'),
  // The API's user ids are memberships of the corp (platform/resources.ts).
  user: (corpId, ids) => ({
    sql: `SELECT m.id::text AS id, CASE WHEN m.status = 'invited' THEN coalesce(m.invited_name, u.display_name) ELSE u.display_name END AS name
          FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE m.corp_id = $1 AND m.id = ANY($2::bigint[])`,
    values: [corpId, digits(ids)],
  }),
  invitation: (_corpId, ids) => ({ sql: 'SELECT id, name FROM corps WHERE id = ANY($1::text[])', values: [ids] }),
  corp: (_corpId, ids) => ({ sql: 'SELECT id, name FROM corps WHERE id = ANY($1::text[])', values: [ids] }),
  corp_settings: (corpId) => ({ sql: 'SELECT id, name FROM corps WHERE id = $1', values: [corpId] }),
};

/** The names of these audit targets, keyed `type|id` (targets of a type with no name, or gone, are left out). */
export async function targetNames(db: Db, corpId: string, targets: { type: string; id: string }[]): Promise<Map<string, string>> {
  const wanted = new Map<string, Set<string>>();
  for (const t of targets) {
    if (TARGET_NAMES[t.type]) wanted.set(t.type, (wanted.get(t.type) ?? new Set()).add(t.id));
  }
  const names = new Map<string, string>();
  await Promise.all([...wanted].map(async ([type, ids]) => {
    const q = TARGET_NAMES[type](corpId, [...ids]);
    const { rows: found } = await db.query<{ id: string | number; name: string | null }>(q.sql, q.values);
    for (const f of found) if (f.name) names.set(`${type}|${f.id}`, f.name);
  }));
  return names;
}
