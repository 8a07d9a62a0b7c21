// The staff pages inside WeCom (the chat sidebar 聊天工具栏, the task page): the JS-SDK signature a page registers
// with, and the customer of the chat as the sidebar shows them in one round trip (profile, the member's own
// relation and tags, groups, recent timeline, the corp's tags to pick from).
import { z } from 'zod';
import { DateTime, HttpUrl } from './common';
import { Customer, CustomerEvent, CustomerGroup, CustomerParams, Follow } from './customers';

// ---- requests ----

export const JSSDK_TICKETS = ['agent', 'corp'] as const;

/**
 * GET /api/sidebar/config: the page to sign (its #fragment is dropped); it must be one of this Pond's staff pages
 * (/sidebar/…, /tasks/…). `ticket`: `agent` (default) signs for agentConfig with the app ticket, `corp` for config
 * with the corp ticket.
 */
export const SidebarConfigQuery = z.object({
  url: HttpUrl('must be the absolute page URL'),
  ticket: z.enum(JSSDK_TICKETS, { message: `must be one of ${JSSDK_TICKETS.join(', ')}` }).optional(),
});
export type SidebarConfigQuery = z.input<typeof SidebarConfigQuery>;

export const SidebarCustomerParams = CustomerParams;

// ---- responses ----

/** What `ww.register`'s signature functions answer (agentConfig's or config's signature of the page), and who is signed in. */
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
