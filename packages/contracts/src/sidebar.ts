// The chat sidebar (聊天工具栏): the JS-SDK agentConfig signature its page registers with, and the customer of the
// chat as it shows them in one round trip (profile, the member's own relation and tags, groups, recent timeline,
// the corp's tags to pick from).
import { z } from 'zod';
import { DateTime, HttpUrl } from './common';
import { Customer, CustomerEvent, CustomerGroup, CustomerParams, Follow } from './customers';

// ---- requests ----

/** GET /api/sidebar/config: the page to sign (its #fragment is dropped); it must be one of this Pond's sidebar pages. */
export const SidebarConfigQuery = z.object({ url: HttpUrl('must be the absolute page URL') });
export type SidebarConfigQuery = z.input<typeof SidebarConfigQuery>;

export const SidebarCustomerParams = CustomerParams;

// ---- responses ----

/** What `wx.agentConfig` takes (the app ticket's signature of the page), and who is signed in. */
export const SidebarConfig = z.object({
  corpId: z.string(),
  agentId: z.string(),
  /** Seconds since the epoch. */
  timestamp: z.number().int(),
  nonceStr: z.string(),
  signature: z.string(),
  jsApiList: z.array(z.string()),
  /** The member signed in to the sidebar (null for a caller that is no staff member). */
  me: z.object({ userid: z.string(), name: z.string() }).nullable(),
});
export type SidebarConfig = z.input<typeof SidebarConfig>;

/** The corp's tags by group, to pick from (no counts). */
export const SidebarTagGroup = z.object({
  id: z.string(),
  name: z.string(),
  tags: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type SidebarTagGroup = z.input<typeof SidebarTagGroup>;

export const SidebarCustomer = z.object({
  customer: Customer,
  /** The member's own active relation with the customer (null: another member's customer the caller may see). */
  mine: Follow.nullable(),
  /** The other members following the customer whom the caller may see (a store manager: their stores' staff; staff: none). */
  others: z.array(z.object({ userid: z.string(), staffName: z.string().nullable(), addedAt: DateTime.nullable() })),
  /** How many other members follow the customer in all: a count only, names stay within the caller's scope. */
  otherFollowCount: z.number().int(),
  /** Groups the customer is in. */
  groups: z.array(CustomerGroup),
  /** The newest 15 events. */
  timeline: z.array(CustomerEvent),
  tagGroups: z.array(SidebarTagGroup),
});
export type SidebarCustomer = z.input<typeof SidebarCustomer>;
