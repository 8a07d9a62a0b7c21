// Shared request and response pieces of Pond's API, used by the server (validation, serialization,
// OpenAPI at /docs) and the console (types). The input limits are declared here once: ids that fit their
// columns, bounded texts and lists, WeCom ids at WeCom's lengths, yuan as numeric(12,2) holds it, and the
// size of nested and/or rules. A bad value is a 400 naming the field and the rule, never a database error.
import { z } from 'zod';

const encoder = new TextEncoder();
const utf8Bytes = (s: string) => encoder.encode(s).length;

/**
 * A PATCH body from a create body: every field optional and — unlike `.partial()`, which keeps
 * `.default()`s — absent fields stay absent, so a PATCH never resets what it didn't mention.
 */
export function patchOf<T extends z.ZodRawShape>(schema: z.ZodObject<T>) {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const f = field as z.ZodType;
    shape[key] = (f instanceof z.ZodDefault ? (f.unwrap() as z.ZodType) : f).optional();
  }
  return z.object(shape) as unknown as z.ZodObject<{ [K in keyof T]: z.ZodOptional<T[K] extends z.ZodDefault<infer I> ? I : T[K]> }>;
}

// ---- numbers ----

/** Largest value of an `integer` (int4) column. */
export const INT4_MAX = 2 ** 31 - 1;
/** Largest id of a `bigserial` row a JSON number carries exactly. */
export const ID_MAX = Number.MAX_SAFE_INTEGER;

const whole = (min: number, max: number) =>
  z.number({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a number') }).int('must be a whole number').min(min, `must be ≥ ${min}`).max(max, `must be at most ${max}`);
const wholeParam = (min: number, max: number) =>
  z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(min, `must be ≥ ${min}`).max(max, `must be at most ${max}`);

/** A whole number an `integer` column holds (min 0 unless given). */
export const Int4 = (min = 0, max = INT4_MAX) => whole(min, Math.min(max, INT4_MAX));
/** The id of a `bigserial` row, in a body. */
export const RowId = whole(1, ID_MAX);
/** The id of an `integer` row (a WeCom department), in a body. */
export const Int4Id = whole(1, INT4_MAX);
/** The same in a path or query string. */
export const RowIdParam = wholeParam(1, ID_MAX);
export const Int4IdParam = wholeParam(1, INT4_MAX);
export const Int4Param = (min = 0, max = INT4_MAX) => wholeParam(min, Math.min(max, INT4_MAX));
/** `{ id }` path parameters of a bigserial row. */
export const IdParams = z.object({ id: RowIdParam });

/** Yuan with at most two decimals (fen), as numeric(12,2) holds them. */
export const Yuan = (what = 'an amount of yuan') => z.number({ message: `must be ${what}` })
  .max(9_999_999_999.99, 'must be below 10,000,000,000 yuan')
  .min(-9_999_999_999.99, 'must be above -10,000,000,000 yuan')
  .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, 'must have at most 2 decimals (fen)');

// ---- texts and lists ----

const stringError = (what: string) => ({ error: (iss: { input?: unknown }) => (iss.input === undefined ? 'is required' : `must be ${what}`) });

/** A string of at most `max` characters. */
export const Text = (max: number) => z.string(stringError('a string')).max(max, `must be at most ${max} characters`);
/** A non-empty string of at most `max` characters. */
export const RequiredText = (max: number) => Text(max).min(1, 'is required');
/** An absolute URL (at most 2,000 characters). */
export const HttpUrl = (message = 'must be an absolute URL') => Text(2000).url(message);
/** A calendar day, YYYY-MM-DD, that exists. */
export const Day = z.iso.date({ message: 'must be a date (YYYY-MM-DD)' });
/** A list of at most `max` items. */
export const List = <T extends z.ZodType>(item: T, max: number) => z.array(item, { message: 'must be a list' }).max(max, `at most ${max} items`);

/** A WeCom member's userid (WeCom: 1–64 bytes). */
export const Userid = z.string(stringError('a WeCom userid')).min(1, 'is required')
  .refine((s) => utf8Bytes(s) <= 64, 'must be at most 64 bytes (a WeCom userid)');
/** Ids WeCom issues (external_userid, chat_id, tag and template ids: 32 characters today), with room to spare. */
export const WecomId = (what: string) => z.string(stringError(what)).min(1, 'is required').max(128, `must be at most 128 characters (${what})`);
export const ExternalUserid = WecomId('an external_userid');
export const ChatId = WecomId('a group chat_id');
export const TagId = WecomId('a tag id');
/** A corpid (我的企业 → 企业信息). */
export const CorpId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a corpid (letters, digits, _ and -, at most 64)');

// ---- nested and/or rules ----

export interface RuleLimits {
  /** Levels of and/or groups. */
  depth: number;
  /** Conditions and groups in the whole rule. */
  nodes: number;
}

/**
 * The shape of a nested rule (`{ op, conditions: [...] }` groups over conditions), checked iteratively before a
 * recursive schema or compiler sees it: a rule nested 2,000 levels or with 75,000 conditions is a 400, not a stack
 * overflow or a statement with more parameters than Postgres takes.
 */
export function ruleShapeProblem(rule: unknown, limits: RuleLimits): string | null {
  const stack: [unknown, number][] = [[rule, 0]];
  let nodes = 0;
  while (stack.length) {
    const [node, level] = stack.pop()!;
    if (++nodes > limits.nodes) return `has more than ${limits.nodes} conditions and groups`;
    const conditions = node && typeof node === 'object' ? (node as { conditions?: unknown }).conditions : undefined;
    if (!Array.isArray(conditions)) continue;
    if (level + 1 > limits.depth) return `nested deeper than ${limits.depth} levels`;
    for (const c of conditions) stack.push([c, level + 1]);
  }
  return null;
}

/** A recursive rule schema behind the iterative shape check: the recursive schema only ever sees bounded rules (a
 * preprocess step whose issue stops the parse; the OpenAPI description still shows the rule's own schema). */
export function boundedRule<T extends z.ZodType>(schema: T, limits: RuleLimits) {
  return z.preprocess((v, ctx) => {
    const problem = ruleShapeProblem(v, limits);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
    return v;
  }, schema);
}

// ---- responses ----

/** An IANA zone name Node knows (`Asia/Shanghai`, `Europe/Berlin`, `UTC`); offsets and abbreviations are not zones. */
export function isTimeZone(tz: string): boolean {
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A corp's or a schedule's time zone (the server also asks Postgres whether it knows the zone, where it matters). */
export const TimeZone = z.string().trim().refine(isTimeZone, 'must be an IANA time zone, e.g. Asia/Shanghai or Europe/Berlin');

/** A moment, sent as an ISO 8601 string; handlers return Dates (what pg gives for timestamptz). */
export const DateTime = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (s) => new Date(s),
  encode: (d) => d.toISOString(),
});

/** `?page=&pageSize=` of every list route. */
export const Page = z.object({
  page: z.coerce.number().int().min(1, 'must be ≥ 1').default(1),
  pageSize: z.coerce.number().int().min(1).max(200, 'must be ≤ 200').default(20),
});
export type PageQuery = z.input<typeof Page>;

/** One page of a list: the items and how many there are in all. */
export const PageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number().int() });
export interface Paged<T> { items: T[]; total: number }
/** A whole list, as `ItemsOf(item)` declares it. */
export interface Items<T> { items: T[] }

/** A list returned whole (bounded by its own limits). */
export const ItemsOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/** `{ ok: true }` of a write that returns nothing else. */
export const Ok = z.object({ ok: z.literal(true) });

/** Every 4xx/5xx answer (docs/api.md "Errors"). */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().optional(),
    details: z.unknown().optional(),
    /** wecom_error: the failing WeCom call and what to do. */
    errcode: z.number().optional(),
    api: z.string().optional(),
    hint: z.string().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
