// Signing in and out, the current user (who, in which corp, with which role) and switching corps; accepting an
// invitation signs in too (ADR 0011, 0018).
import { z } from 'zod';
import { CorpId, Text } from './common';

/** What a member may do in a corp (docs/api.md "Roles"). */
export const ROLES = ['admin', 'operator', 'store_manager', 'staff'] as const;
export const Role = z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` });
export type Role = z.infer<typeof Role>;

/** Who is calling: a console user, an API token, or a member signed in to the WeCom chat sidebar. */
export const PRINCIPAL_KINDS = ['user', 'token', 'sidebar'] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

export const USERNAME_MAX = 64;
export const PASSWORD_MAX = 256;
/** A new password (set with an invitation link, or changed by an admin). */
export const PASSWORD_MIN = 8;
/** The one-time code of an invitation link. */
export const INVITE_CODE_MAX = 200;

// ---- requests ----

export const LoginBody = z.object({
  username: z.string().min(1, 'is required').max(USERNAME_MAX, 'is too long'),
  password: z.string().min(1, 'is required').max(PASSWORD_MAX, 'is too long'),
});
export type LoginInput = z.input<typeof LoginBody>;

export const SwitchCorpBody = z.object({ corpId: CorpId });
export type SwitchCorpInput = z.input<typeof SwitchCorpBody>;

/** The invitation page's form (or an API caller): the link's code and the account's password, twice on the page. */
export const RedeemBody = z.object({
  code: Text(INVITE_CODE_MAX).min(1, 'is required'),
  password: Text(PASSWORD_MAX).min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`),
  confirm: Text(PASSWORD_MAX).optional(),
}).refine((b) => b.confirm === undefined || b.confirm === b.password, { message: 'the two passwords differ', path: ['confirm'] });
export type RedeemInput = z.input<typeof RedeemBody>;

/** `/invite/:code` (the invitation page, HTML). */
export const InviteCodeParams = z.object({ code: Text(INVITE_CODE_MAX) });

// ---- responses ----

export const CorpMembership = z.object({ id: z.string(), name: z.string(), role: Role });
export type CorpMembership = z.input<typeof CorpMembership>;

/** The signed-in caller: sign-in, switching corp and accepting an invitation answer it too. */
export const Me = z.object({
  user: z.object({
    /** The account's id (null for an API token made by no user). */
    id: z.number().nullable(),
    username: z.string(),
    displayName: z.string(),
    kind: z.enum(PRINCIPAL_KINDS),
    locale: z.string(),
    /** Platform owner (may add corps; granted by the CLI only). */
    owner: z.boolean(),
  }),
  /** `timezone`: the corp's IANA zone; every time in the console is shown in it. */
  corp: z.object({ id: z.string(), name: z.string(), isDemo: z.boolean(), timezone: z.string() }),
  role: Role,
  /** A store manager's stores. */
  storeIds: z.array(z.number()),
  /** The WeCom member a `staff` user is linked to. */
  staffUserid: z.string().nullable(),
  /** Every corp the caller may switch to. */
  corps: z.array(CorpMembership),
});
export type Me = z.input<typeof Me>;
export type MeOutput = z.output<typeof Me>;
