// Accounts and memberships (ADR 0011) and invitations (ADR 0018); also the caller as GET /api/me shows them, the
// corps they belong to (and adding one), and API tokens. A corp invites a username; the invitation is a
// one-time link the corp's admin hands to the person. Whoever opens it either sets the password of the account the
// invitation created (nobody, the inviting admin included, ever chose it) or proves the existing account's password.
// So an account one corp made can never be slipped into another corp: that corp's link is needed, and its holder must
// know the account's password. The answer to an invitation is the same whether the username existed or not.
import type pg from 'pg';
import type { z } from 'zod';
import type { MeOutput, Role } from '@pond/contracts/auth';
import type { ApiTokenOutput, CorpBody, CorpSummary, CreatedToken, InvitationOutput, InviteBody, MemberOutput, TokenBody, UserPatchBody } from '@pond/contracts/admin';
import { type AuthService, hashPassword, newSecret, type Principal, sha256, verifyPassword } from '../../platform/auth';
import { withTransaction } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { DEFAULT_TIMEZONE } from '../../platform/time';
import type { CorpService } from '../org';
import type { SyncService } from '../sync';
import * as repo from './repo';

/** How long an invitation link works. */
export const INVITE_TTL_DAYS = 7;

export type InviteData = z.output<typeof InviteBody>;
export type MemberPatch = z.output<typeof UserPatchBody>;
export type CorpData = z.output<typeof CorpBody>;
export type TokenData = z.output<typeof TokenBody>;

/** Until the user accepts, the corp sees only what its admin typed: nothing of an account it cannot see. */
export function memberOut(m: repo.MemberRow): MemberOutput {
  const active = m.status === 'active';
  return {
    id: m.id, username: m.username, displayName: active ? m.display_name : (m.invited_name ?? m.username), role: m.role,
    storeIds: m.store_ids, staffUserid: m.staff_userid, status: m.status,
    disabled: !!m.membership_disabled_at || (active && !!m.account_disabled_at),
  };
}

const isActiveAdmin = (m: repo.MemberRow) => m.role === 'admin' && m.status === 'active' && !m.membership_disabled_at && !m.account_disabled_at;

const INVALID_LINK = '邀请链接无效、已使用或已过期，请向管理员索取新链接 / the invitation link is wrong, already used or expired: ask your admin for a new one';

export interface AccountDeps {
  pool: pg.Pool; auth: AuthService; corps: CorpService; sync: SyncService;
  /** Pond's address, for invitation links. */
  publicUrl: () => string;
}

export class AccountService {
  private pool: pg.Pool;
  private auth: AuthService;
  private corps: CorpService;
  private sync: SyncService;
  private publicUrl: () => string;

  constructor(deps: AccountDeps) {
    ({ pool: this.pool, auth: this.auth, corps: this.corps, sync: this.sync, publicUrl: this.publicUrl } = deps);
  }

  /** The caller as GET /api/me shows them: who, in which corp (its name and time zone), with which role. */
  async me(p: Principal): Promise<MeOutput> {
    const corp = await this.corps.get(p.corpId);
    return {
      user: { id: p.userId, username: p.username, displayName: p.name, kind: p.kind, locale: 'zh-CN', owner: p.owner },
      corp: {
        id: p.corpId, name: p.corps.find((c) => c.id === p.corpId)?.name ?? corp?.name ?? p.corpId,
        isDemo: corp?.isDemo ?? false, timezone: corp?.timezone ?? DEFAULT_TIMEZONE,
      },
      role: p.role, storeIds: p.storeIds, staffUserid: p.staffUserid, corps: p.corps,
    };
  }

  /** The corps the caller belongs to, with their role in each. */
  async corpsOf(p: Principal): Promise<CorpSummary[]> {
    const mine = new Map(p.corps.map((c) => [c.id, c.role]));
    return (await this.corps.list()).flatMap((c) => {
      const role = mine.get(c.id);
      return role ? [{ id: c.id, name: c.name, isDemo: c.isDemo, role }] : [];
    });
  }

  /** Adds a corp (platform owners only): its maker becomes its admin, and its first full sync starts. */
  async addCorp(p: Principal, input: CorpData): Promise<CorpSummary> {
    // Before anything is looked up: a corp admin cannot learn which corp ids exist.
    if (!p.owner) throw AppError.forbidden('只有平台所有者可以添加企业 / only a platform owner may add corps (granted with `pond user --username U --owner`)');
    this.corps.checkBases(input);
    if (await this.corps.get(input.id)) throw AppError.validation('id', `corp ${input.id} already exists`);
    const c = await this.corps.upsert(input);
    if (p.userId) await repo.addAdmin(this.pool, p.userId, c.id);
    await this.sync.start(c.id, 'full', p.name);
    return { id: c.id, name: c.name, isDemo: c.isDemo, role: 'admin' };
  }

  async list(corpId: string): Promise<MemberOutput[]> {
    return (await repo.listMembers(this.pool, corpId)).map(memberOut);
  }

  private async member(corpId: string, id: number): Promise<repo.MemberRow> {
    const m = await repo.findMember(this.pool, corpId, id);
    if (!m) throw AppError.notFound(`user ${id}`);
    return m;
  }

  /** A role's stores and staff link: a store manager needs stores of this corp, a staff user a member of it. */
  async checkRoleFields(corpId: string, role: Role, storeIds: number[], staffUserid: string | null | undefined): Promise<void> {
    if (role === 'store_manager' && storeIds.length === 0) throw AppError.validation('storeIds', 'a store manager needs at least one store');
    if (storeIds.length && (await repo.existingStores(this.pool, corpId, storeIds)) !== new Set(storeIds).size) {
      throw AppError.validation('storeIds', 'contains a store that does not exist in this corp');
    }
    if (role === 'staff' && !staffUserid) throw AppError.validation('staffUserid', 'a staff user must be linked to a WeCom member (userid)');
    if (staffUserid && !(await repo.staffExists(this.pool, corpId, staffUserid))) throw AppError.validation('staffUserid', `no staff member ${staffUserid} in this corp`);
  }

  private newLink(): { code: string; codeHash: string; expiresAt: Date } {
    const code = newSecret('');
    return { code, codeHash: sha256(code), expiresAt: new Date(Date.now() + INVITE_TTL_DAYS * 24 * 3600 * 1000) };
  }

  private async withLink(corpId: string, id: number, link: { code: string; expiresAt: Date }): Promise<InvitationOutput> {
    return { ...memberOut(await this.member(corpId, id)), inviteUrl: `${this.publicUrl()}/invite/${link.code}`, inviteExpiresAt: link.expiresAt };
  }

  /** Invites a username into the corp: the same statements and the same answer whether the account exists or not. */
  async invite(corpId: string, b: InviteData): Promise<InvitationOutput> {
    await this.checkRoleFields(corpId, b.role, b.storeIds, b.staffUserid);
    const link = this.newLink();
    const id = await withTransaction(this.pool, (c) => repo.insertInvitation(c, {
      corpId, username: b.username, displayName: b.displayName, role: b.role, storeIds: b.storeIds, staffUserid: b.staffUserid ?? null,
      codeHash: link.codeHash, expiresAt: link.expiresAt,
    }));
    if (id === null) throw new AppError('conflict', `username: ${b.username} is already a member of this corp`, { field: 'username' });
    return this.withLink(corpId, id, link);
  }

  /** A new link for an invitation not accepted yet (lost, expired); the previous link stops working. */
  async renewInvitation(corpId: string, id: number): Promise<InvitationOutput> {
    const link = this.newLink();
    if (!(await repo.renewInvitation(this.pool, corpId, id, link.codeHash, link.expiresAt))) {
      throw new AppError('conflict', 'this user has already accepted: there is no invitation to send again');
    }
    return this.withLink(corpId, id, link);
  }

  /** What the invitation page shows to whoever holds the link. */
  async invitation(code: string): Promise<{ corpName: string; username: string; role: Role } | null> {
    const inv = await repo.invitationByCode(this.pool, sha256(code));
    return inv ? { corpName: inv.corp_name, username: inv.username, role: inv.role } : null;
  }

  /**
   * Accepts the invitation whose link this is: sets the password of the account it created, or checks the existing
   * account's password (throttled like a sign-in). Returns a console session in the corp.
   */
  async redeem(code: string, password: string, ip: string): Promise<{ sessionToken: string; corpId: string }> {
    const codeHash = sha256(code);
    const inv = await repo.invitationByCode(this.pool, codeHash);
    if (!inv) throw new AppError('not_found', INVALID_LINK);
    const userId = await this.auth.attempt(inv.username, ip, () => withTransaction(this.pool, async (c) => {
      const locked = await repo.invitationByCode(c, codeHash, { lock: true });
      if (!locked) throw new AppError('not_found', INVALID_LINK);
      const account = await repo.accountForCheck(c, locked.user_id);
      if (!account) return null;
      // The same scrypt work whichever it is.
      if (account.password_hash === repo.NO_PASSWORD) {
        const hash = await hashPassword(password);
        if (account.disabled_at) return null;
        await repo.setPassword(c, locked.user_id, hash);
      } else if (!(await verifyPassword(password, account.password_hash)) || account.disabled_at) {
        return null;
      }
      await repo.acceptInvitation(c, locked.id);
      return locked.user_id;
    }));
    return { sessionToken: await this.auth.startSession(userId, inv.corp_id), corpId: inv.corp_id };
  }

  /**
   * An account's password, name and status belong to everyone it serves: the user, or someone who is admin of every
   * corp where it is a member, or a platform owner. A platform owner's account changes only by the owner (or the CLI).
   */
  private async checkMayManageAccount(p: Principal, m: repo.MemberRow): Promise<void> {
    if (p.userId === m.user_id) return;
    if (m.is_owner) {
      throw AppError.forbidden('平台所有者的账号只能由本人或命令行（pond user）修改 / a platform owner\'s password, name and status change only by the owner themself or the CLI (pond user)');
    }
    if (p.owner) return;
    const adminOf = new Set(p.corps.filter((c) => c.role === 'admin').map((c) => c.id));
    if ((await repo.activeCorpsOf(this.pool, m.user_id)).every((id) => adminOf.has(id))) return;
    throw AppError.forbidden('该账号也属于其他企业：只有本人、平台所有者或其所属全部企业的管理员可以修改其密码、名称或停用账号 / this account also belongs to another corp: only the user, a platform owner or an admin of every corp it belongs to may change its password, name or status');
  }

  /** The corp keeps at least one admin who can sign in. */
  private async keepAnAdmin(corpId: string, userId: number): Promise<void> {
    if ((await repo.otherActiveAdmins(this.pool, corpId, userId)) === 0) throw AppError.validation('role', 'the corp must keep at least one active admin');
  }

  /**
   * The membership's role, stores, staff link and access to this corp; for an active member also the account's
   * password, name and status (checkMayManageAccount). An invitation has no account of this corp's to change: its
   * password is set by the invited person, and the name typed is what the corp shows until it is accepted.
   */
  async updateMember(p: Principal, id: number, b: MemberPatch): Promise<MemberOutput> {
    const corpId = p.corpId;
    const cur = await this.member(corpId, id);
    const role = b.role ?? cur.role;
    const storeIds = b.storeIds ?? cur.store_ids;
    const staffUserid = b.staffUserid !== undefined ? b.staffUserid : cur.staff_userid;
    await this.checkRoleFields(corpId, role, storeIds, staffUserid);
    const invited = cur.status === 'invited';
    if (invited && b.password !== undefined) {
      throw AppError.validation('password', 'an invited user sets their own password with the invitation link (send a new link if it was lost)');
    }
    if (invited && b.accountDisabled !== undefined) {
      throw AppError.validation('accountDisabled', 'an invitation has no account to disable: remove the invitation instead');
    }
    const accountChange = !invited && (b.password !== undefined || b.displayName !== undefined || b.accountDisabled !== undefined);
    if (accountChange) await this.checkMayManageAccount(p, cur);
    const losesAdmin = isActiveAdmin(cur) && (role !== 'admin' || b.disabled === true || (accountChange && b.accountDisabled === true));
    if (losesAdmin) await this.keepAnAdmin(corpId, cur.user_id);
    const passwordHash = accountChange && b.password ? await hashPassword(b.password) : null;
    await withTransaction(this.pool, async (c) => {
      await repo.updateMembership(c, corpId, cur.user_id, {
        role, storeIds, staffUserid: staffUserid ?? null, invitedName: invited ? b.displayName ?? null : null, disabled: b.disabled ?? null,
      });
      if (accountChange) await repo.updateAccount(c, cur.user_id, { displayName: b.displayName ?? null, passwordHash, disabled: b.accountDisabled ?? null });
    });
    return memberOut(await this.member(corpId, cur.id));
  }

  /** Removes a member (or an invitation) from the corp, and revokes the API tokens they made in it; the account stays. */
  async removeMember(corpId: string, id: number): Promise<void> {
    const cur = await this.member(corpId, id);
    if (isActiveAdmin(cur)) await this.keepAnAdmin(corpId, cur.user_id);
    await withTransaction(this.pool, (c) => repo.removeMembership(c, corpId, cur));
  }

  /** A token for scripts, of this corp, made by the caller: it works while they stay an active admin of it. */
  async createToken(p: Principal, b: TokenData): Promise<CreatedToken> {
    await this.checkRoleFields(p.corpId, b.role, b.storeIds, b.staffUserid);
    return this.auth.createToken({ corpId: p.corpId, name: b.name, role: b.role, storeIds: b.storeIds, staffUserid: b.staffUserid, createdBy: p.userId });
  }

  async tokens(corpId: string): Promise<ApiTokenOutput[]> {
    return (await repo.listTokens(this.pool, corpId)).map((t) => ({
      id: t.id, name: t.name, prefix: t.prefix, role: t.role, storeIds: t.store_ids, createdAt: t.created_at, lastUsedAt: t.last_used_at, revokedAt: t.revoked_at,
    }));
  }

  async revokeToken(corpId: string, id: number): Promise<void> {
    if (!(await repo.revokeToken(this.pool, corpId, id))) throw AppError.notFound(`token ${id}`);
  }
}
