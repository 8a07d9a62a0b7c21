// The customer pages' API (/c/api/…): what a customer inside WeChat sees of a campaign. Who they are is never in
// these bodies: the server's session (WeChat OAuth) says it.
import { z } from 'zod';
import { CampaignKind, EntryCost } from './activate';
import { CorpId, DateTime, RowIdParam } from './common';

export const CustomerCampaignParams = z.object({ corpId: CorpId, id: RowIdParam });

/** A client's id for one action (a draw, a check-in, a join): a retried request with the same id gets the same answer. */
export const RequestId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8–64 letters, digits, _ or -');

export const CustomerCampaignView = z.object({
  id: z.number(),
  kind: CampaignKind,
  name: z.string(),
  rules: z.string(),
  startsAt: DateTime,
  endsAt: DateTime.nullable(),
  entry: EntryCost,
  /** Customers may act now; else why not (not started, paused, ended). */
  open: z.boolean(),
  closedReason: z.string().nullable(),
  me: z.object({
    /** false: a WeChat user who has not added the corp yet (show joinUrl). */
    isCustomer: z.boolean(),
    name: z.string().nullable(),
    eligible: z.boolean(),
    ineligibleReason: z.string().nullable(),
    points: z.number(),
  }),
  /** The campaign's live code page: add, then come back. */
  joinUrl: z.string().nullable(),
});
export type CustomerCampaignView = z.infer<typeof CustomerCampaignView>;
