// CSV imports (the body is the CSV, text/csv): customer attributes, and 公众号 followers matched to customers or
// kept as leads. A dry run (the default) only reports what an import would do.
import { z } from 'zod';
import { DateTime, PageOf } from './common';

export const ImportQuery = z.object({
  dryRun: z.enum(['true', 'false'], { message: 'must be true or false' }).default('true').transform((v) => v === 'true'),
});
export type ImportQuery = z.input<typeof ImportQuery>;
export const FollowersImportQuery = ImportQuery.extend({
  /** Where the followers come from (stored on the leads); 公众号 by default. */
  source: z.string().max(30).optional(),
});
export type FollowersImportQuery = z.input<typeof FollowersImportQuery>;

/** A bad row: its number in the file (the header is row 1), the column and the rule. */
export const ImportError = z.object({ row: z.number(), field: z.string(), message: z.string() });
export type ImportError = z.infer<typeof ImportError>;

export const ImportReport = z.object({
  /** Data rows in the file. */
  rows: z.number(),
  /** Rows that were (or, in a dry run, would be) applied. */
  ok: z.number(),
  errors: z.array(ImportError),
  /** Followers: matched to customers, and kept as leads. */
  matched: z.number().optional(),
  leads: z.number().optional(),
  dryRun: z.boolean(),
});
export type ImportReport = z.infer<typeof ImportReport>;

/** Someone known by unionid (a 公众号 follower) who may not be a customer yet. */
export const Lead = z.object({
  unionid: z.string(),
  openid: z.string().nullable(),
  nickname: z.string().nullable(),
  source: z.string().nullable(),
  /** The import's other columns. */
  attributes: z.record(z.string(), z.string()),
  matchedExternalUserid: z.string().nullable(),
  createdAt: DateTime,
});
export type Lead = z.input<typeof Lead>;
export const LeadList = PageOf(Lead);
export type LeadList = z.input<typeof LeadList>;
