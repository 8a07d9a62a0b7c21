// Customers, follow relations and the timeline. Writes are set-based (jsonb_to_recordset) so the
// same functions serve one callback and a 100-row sync page. Below them, the reads of the customer list and page
// (always within the caller's scope) and the SQL of the customer page's edits and notes.
import type pg from 'pg';
import type { z } from 'zod';
import type { CustomerListQuery, FollowStatus } from '@pond/contracts/customers';
import type { Scope } from '../../platform/auth';
import type { Cols, Row } from '../../platform/db/rows';
import {
  attributionPartsVisibleSql, chatIdVisibleSql, customerEventVisibleSql, customerVisibleSql, followVisibleSql, noteVisibleSql,
} from '../../platform/resources';
import { Params } from '../../platform/sql';

type Queryable = Pick<pg.Pool, 'query'>;

/**
 * Statements that write several customers' rows lock them in key order first (ADR 0009): timeline inserts rewrite
 * the customer's row too (its event windows, in key order), and two statements locking the same customers in
 * different orders could wait for each other. `WITH locked AS (…)` locks the corp's ($1) customers whose
 * external_userid is in `ids` (SQL yielding them); the statement then reads `locked` — `IN (SELECT external_userid
 * FROM locked)`, or LOCKED_FIRST where it writes other rows (follows, whose trigger rewrites the customers).
 */
export const lockCustomersInOrder = (ids: string) => `WITH locked AS MATERIALIZED (
  SELECT c.external_userid FROM customers c WHERE c.corp_id = $1 AND c.external_userid IN (${ids}) ORDER BY c.external_userid FOR UPDATE OF c)`;
/** An uncorrelated subquery, so evaluated once before the first row is written: the statement takes the locks first. */
export const LOCKED_FIRST = '(SELECT count(*) FROM locked) >= 0';

/**
 * The version of a relation's state (ADR 0013): the WeCom CreateTime of the event that set it and the event's inbox
 * id (arrival order breaks ties within WeCom's one-second CreateTime). A write applies only when it is not older than
 * the stored version, so events apply in WeCom's order whichever worker handles them when, and a late one never
 * undoes a newer one. Re-reads of WeCom are versioned by the event that asked for them (the read came after it);
 * the sync's reads by their time less SYNC_CLOCK_SKEW_MS (CreateTime is WeCom's clock, the read time Pond's).
 */
export interface RelationVersion { at: Date; inbox: number }

/** How far WeCom's clock (CreateTime) and Pond's may disagree: a sync read vouches only for events older than this. */
export const SYNC_CLOCK_SKEW_MS = 30_000;

/** The version of what a sync read at `readAt` saw. */
export const syncVersion = (readAt: Date): RelationVersion => ({ at: new Date(readAt.getTime() - SYNC_CLOCK_SKEW_MS), inbox: 0 });

/** SQL: the stored version of `row` (an alias of follows or groups) is not newer than (`at`, `inbox`). */
export const notNewer = (row: string, at: string, inbox: string) =>
  `(coalesce(${row}.event_at, '-infinity'::timestamptz), coalesce(${row}.event_inbox, 0)) <= (${at}::timestamptz, ${inbox}::bigint)`;

export interface ContactRecord {
  external_userid: string;
  name?: string;
  avatar?: string;
  type?: number;
  gender?: number;
  unionid?: string;
  corp_name?: string;
  corp_full_name?: string;
  position?: string;
}

export interface FollowRecord {
  userid: string;
  remark?: string;
  description?: string;
  createtime?: number;
  tags?: { tag_id?: string; tag_name?: string; type?: number }[];
  tag_id?: string[];
  remark_corp_name?: string;
  remark_mobiles?: string[];
  add_way?: number;
  oper_userid?: string;
  state?: string;
}

export interface TimelineEvent {
  externalUserid: string;
  type: string;
  userid?: string | null;
  chatId?: string | null;
  occurredAt: Date;
  data?: Record<string, unknown> | null;
  dedupeKey?: string | null;
}

function followTagIds(f: FollowRecord): string[] {
  if (f.tag_id) return f.tag_id;
  return (f.tags ?? []).flatMap((t) => (t.tag_id && t.type !== 2 ? [t.tag_id] : []));
}

/**
 * Personal tag names (type 2) when the record came from externalcontact/get (`tags[]`); null when it
 * came from batch/get_by_user (`tag_id[]` only, personal tags omitted), meaning "unknown, keep".
 */
function followPersonalTags(f: FollowRecord): string[] | null {
  if (f.tag_id || !f.tags) return null;
  return [...new Set(f.tags.flatMap((t) => (t.type === 2 && t.tag_name ? [t.tag_name] : [])))];
}

export async function upsertCustomers(db: Queryable, corpId: string, contacts: ContactRecord[]): Promise<void> {
  if (contacts.length === 0) return;
  await db.query(
    `INSERT INTO customers (corp_id, external_userid, name, avatar, type, gender, unionid, corp_name, corp_full_name, position)
     SELECT $1, r.external_userid, coalesce(r.name, ''), r.avatar, coalesce(r.type, 1), coalesce(r.gender, 0), r.unionid,
            r.corp_name, r.corp_full_name, r.position
     FROM jsonb_to_recordset($2::jsonb) AS r(external_userid text, name text, avatar text, type smallint, gender smallint,
          unionid text, corp_name text, corp_full_name text, position text)
     ORDER BY r.external_userid
     ON CONFLICT (corp_id, external_userid) DO UPDATE SET
       name = EXCLUDED.name, avatar = coalesce(EXCLUDED.avatar, customers.avatar), type = EXCLUDED.type,
       gender = EXCLUDED.gender, unionid = coalesce(EXCLUDED.unionid, customers.unionid),
       corp_name = EXCLUDED.corp_name, corp_full_name = EXCLUDED.corp_full_name, position = EXCLUDED.position,
       updated_at = now()`,
    [corpId, JSON.stringify(contacts)]);
}

/** A relation as stored before an upsert; `applied`: the upsert stored what it read (no newer read or event was stored). */
export interface PreviousFollow { tagIds: string[]; personalTags: string[]; remark: string | null; status: FollowStatus; applied: boolean }

/** One relation as a WeCom read reported it: `version` for its state (active), `readAt` (Pond's clock) for its details. */
export interface FollowRead { externalUserid: string; follow: FollowRecord; version: RelationVersion; readAt: Date }

/**
 * Upserts follow relations as WeCom reported them (active). The relation becomes active only over an older state (a
 * delete handled since the read stays: ADR 0013); its details (remark, tags…) are written only over details from an
 * older read, and only while the relation is active. Returns the previous state of the relations that existed.
 */
export async function upsertFollows(db: Queryable, corpId: string, rows: FollowRead[]): Promise<Map<string, PreviousFollow>> {
  const prev = new Map<string, PreviousFollow>();
  if (rows.length === 0) return prev;
  const payload = rows.map(({ externalUserid, follow: f, version, readAt }) => ({
    external_userid: externalUserid, userid: f.userid, remark: f.remark ?? null, description: f.description ?? null,
    remark_corp_name: f.remark_corp_name ?? null, remark_mobiles: f.remark_mobiles ?? [], add_way: f.add_way ?? null,
    oper_userid: f.oper_userid ?? null, state: f.state || null, tag_ids: followTagIds(f), personal_tags: followPersonalTags(f),
    added_at: f.createtime ? new Date(f.createtime * 1000).toISOString() : null,
    event_at: version.at.toISOString(), event_inbox: version.inbox, read_at: readAt.toISOString(),
  }));
  const { rows: old } = await db.query<Cols<'follows', 'external_userid' | 'userid' | 'tag_ids' | 'personal_tags' | 'remark' | 'status'>>(
    `SELECT f.external_userid, f.userid, f.tag_ids, f.personal_tags, f.remark, f.status FROM follows f
     JOIN jsonb_to_recordset($2::jsonb) AS r(external_userid text, userid text)
       ON f.external_userid = r.external_userid AND f.userid = r.userid
     WHERE f.corp_id = $1`, [corpId, JSON.stringify(payload)]);
  for (const o of old) prev.set(`${o.external_userid}|${o.userid}`, { tagIds: o.tag_ids, personalTags: o.personal_tags, remark: o.remark, status: o.status, applied: false });
  const newer = notNewer('follows', 'EXCLUDED.event_at', 'EXCLUDED.event_inbox');
  const fresh = `((follows.read_at IS NULL OR follows.read_at <= EXCLUDED.read_at) AND (follows.status = 'active' OR ${newer}))`;
  const details = (col: string, value = `EXCLUDED.${col}`) => `${col} = CASE WHEN ${fresh} THEN ${value} ELSE follows.${col} END`;
  const state = (col: string, value: string) => `${col} = CASE WHEN ${newer} THEN ${value} ELSE follows.${col} END`;
  const { rows: written } = await db.query<Cols<'follows', 'external_userid' | 'userid' | 'read_at'>>(
    `INSERT INTO follows (corp_id, external_userid, userid, remark, description, remark_corp_name, remark_mobiles, add_way,
                          oper_userid, state, tag_ids, added_at, status, deleted_at, event_at, event_inbox, read_at, updated_at)
     SELECT $1, r.external_userid, r.userid, r.remark, r.description, r.remark_corp_name,
            coalesce(ARRAY(SELECT jsonb_array_elements_text(r.remark_mobiles)), '{}'), r.add_way, r.oper_userid, r.state,
            coalesce(ARRAY(SELECT jsonb_array_elements_text(r.tag_ids)), '{}'), r.added_at, 'active', NULL, r.event_at, r.event_inbox, r.read_at, now()
     FROM jsonb_to_recordset($2::jsonb) AS r(external_userid text, userid text, remark text, description text,
          remark_corp_name text, remark_mobiles jsonb, add_way int, oper_userid text, state text, tag_ids jsonb, added_at timestamptz,
          event_at timestamptz, event_inbox bigint, read_at timestamptz)
     ORDER BY r.external_userid, r.userid
     ON CONFLICT (corp_id, external_userid, userid) DO UPDATE SET
       ${details('remark')}, ${details('description')}, ${details('remark_corp_name')}, ${details('remark_mobiles')},
       ${details('add_way', 'coalesce(EXCLUDED.add_way, follows.add_way)')}, ${details('oper_userid', 'coalesce(EXCLUDED.oper_userid, follows.oper_userid)')},
       ${details('state', 'coalesce(EXCLUDED.state, follows.state)')}, ${details('tag_ids')},
       ${details('added_at', 'coalesce(EXCLUDED.added_at, follows.added_at)')}, ${details('read_at')},
       ${state('status', `'active'`)}, ${state('deleted_at', 'NULL')}, ${state('event_at', 'EXCLUDED.event_at')}, ${state('event_inbox', 'EXCLUDED.event_inbox')},
       updated_at = now()
     WHERE ${newer} OR ${fresh}
     RETURNING external_userid, userid, read_at`,
    [corpId, JSON.stringify(payload)]);
  const readOf = new Map(payload.map((p) => [`${p.external_userid}|${p.userid}`, p.read_at]));
  for (const w of written) {
    const key = `${w.external_userid}|${w.userid}`;
    const p = prev.get(key);
    if (p && w.read_at?.toISOString() === readOf.get(key)) p.applied = true;
  }
  // Personal tags only where the source carried them (externalcontact/get), and where this read's details were stored.
  const personal = payload.filter((p) => p.personal_tags);
  if (personal.length) {
    await db.query(
      `UPDATE follows f SET personal_tags = ARRAY(SELECT jsonb_array_elements_text(r.personal_tags))
       FROM jsonb_to_recordset($2::jsonb) AS r(external_userid text, userid text, personal_tags jsonb, read_at timestamptz)
       WHERE f.corp_id = $1 AND f.external_userid = r.external_userid AND f.userid = r.userid AND f.read_at = r.read_at`,
      [corpId, JSON.stringify(personal.map((p) => ({
        external_userid: p.external_userid, userid: p.userid, personal_tags: p.personal_tags, read_at: p.read_at,
      })))]);
  }
  return prev;
}

/**
 * Relations of these customers that WeCom no longer reports are gone (deletes whose callbacks were missed): marked
 * 'removed', each as of its customer's version — unless a newer event is stored. The customers are locked in key
 * order first (the follows trigger rewrites them).
 */
export async function removeUnreported(
  db: Queryable, corpId: string, items: { externalUserid: string; userids: string[]; version: RelationVersion }[],
): Promise<void> {
  if (items.length === 0) return;
  await db.query(
    `${lockCustomersInOrder('SELECT r.external_userid FROM jsonb_to_recordset($2::jsonb) AS r(external_userid text)')}
     UPDATE follows f SET status = 'removed', deleted_at = now(), event_at = r.event_at, event_inbox = r.event_inbox, updated_at = now()
     FROM jsonb_to_recordset($2::jsonb) AS r(external_userid text, userids text[], event_at timestamptz, event_inbox bigint)
     WHERE f.corp_id = $1 AND f.external_userid = r.external_userid AND f.status = 'active' AND NOT (f.userid = ANY(r.userids))
       AND ${notNewer('f', 'r.event_at', 'r.event_inbox')} AND ${LOCKED_FIRST}`,
    [corpId, JSON.stringify(items.map((i) => ({
      external_userid: i.externalUserid, userids: i.userids, event_at: i.version.at.toISOString(), event_inbox: i.version.inbox,
    })))]);
}

/**
 * Stores customers as externalcontact/get reports them, with every follower: the contact, each
 * relation (remarks, corp and personal tags…) through upsertFollows, and relations WeCom no longer
 * reports as removed (a delete we missed) — each item as of its version (the add that asked for the read, or the
 * sync's read time) and, for the details, of the read's time. The callback enrich and the full sync's details stage share it.
 * The caller then matches shop orders that waited for these customers' unionids (commerce), now the relations are known.
 */
export async function storeContactDetails(
  db: Queryable, corpId: string,
  items: { externalUserid: string; contact: ContactRecord; follows: FollowRecord[]; version: RelationVersion; readAt: Date }[],
): Promise<void> {
  if (items.length === 0) return;
  await upsertCustomers(db, corpId, items.map((i) => i.contact));
  await upsertFollows(db, corpId, items.flatMap((i) => i.follows.map((follow) => ({ externalUserid: i.externalUserid, follow, version: i.version, readAt: i.readAt }))));
  await removeUnreported(db, corpId, items.map((i) => ({ externalUserid: i.externalUserid, userids: i.follows.map((x) => x.userid), version: i.version })));
  await refreshFollowCounts(db, corpId, items.map((i) => i.externalUserid));
}

/** Customers' rows, created where missing (ids only; details come with the read), in key order. */
export async function ensureCustomers(db: Queryable, corpId: string, externalUserids: string[]): Promise<void> {
  if (externalUserids.length === 0) return;
  await db.query(
    `INSERT INTO customers (corp_id, external_userid) SELECT $1, e FROM unnest($2::text[]) AS e ORDER BY e ON CONFLICT DO NOTHING`,
    [corpId, [...new Set(externalUserids)]]);
}

/** The add events of one claim: `[{external_userid, userid, state, added_at, inbox}]` as JSON (jsonb_to_recordset). */
export type AddsJson = string;

/** The relations a set of adds meets, and whether each is at most as new as its add (`older`: the add applies over it). */
export async function followsBeforeAdds(db: Queryable, corpId: string, adds: AddsJson) {
  const { rows } = await db.query<Cols<'follows', 'external_userid' | 'userid' | 'status' | 'added_at'> & { older: boolean }>(
    `SELECT f.external_userid, f.userid, f.status, f.added_at, ${notNewer('f', 'r.added_at', 'r.inbox')} AS older
     FROM follows f
     JOIN jsonb_to_recordset($2::jsonb) AS r(external_userid text, userid text, added_at timestamptz, inbox bigint)
       ON f.external_userid = r.external_userid AND f.userid = r.userid
     WHERE f.corp_id = $1`, [corpId, adds]);
  return rows;
}

/**
 * Stores the relations the adds begin, in key order. An add applies only over an older state: a delete handled first
 * (another worker, or while the add's second step waited to be retried) is newer and stays. Over a newer state the add
 * still dates the relation (added_at) if it began later. Returns every relation written, with the version it now has.
 */
export async function applyAdds(db: Queryable, corpId: string, adds: AddsJson) {
  const newer = notNewer('follows', 'EXCLUDED.event_at', 'EXCLUDED.event_inbox');
  const { rows } = await db.query<Cols<'follows', 'external_userid' | 'userid' | 'event_inbox'>>(
    `INSERT INTO follows (corp_id, external_userid, userid, state, added_at, status, event_at, event_inbox)
     SELECT $1, r.external_userid, r.userid, r.state, r.added_at, 'active', r.added_at, r.inbox
     FROM jsonb_to_recordset($2::jsonb) AS r(external_userid text, userid text, state text, added_at timestamptz, inbox bigint)
     ORDER BY r.external_userid, r.userid ON CONFLICT (corp_id, external_userid, userid) DO UPDATE SET
       status = CASE WHEN ${newer} THEN 'active' ELSE follows.status END,
       deleted_at = CASE WHEN ${newer} THEN NULL ELSE follows.deleted_at END,
       state = CASE WHEN ${newer} THEN coalesce(EXCLUDED.state, follows.state) ELSE follows.state END,
       added_at = CASE WHEN ${newer} THEN CASE WHEN follows.status <> 'active' OR follows.added_at IS NULL THEN EXCLUDED.added_at ELSE follows.added_at END
                       WHEN follows.added_at IS NULL OR follows.added_at < EXCLUDED.added_at THEN EXCLUDED.added_at ELSE follows.added_at END,
       event_at = CASE WHEN ${newer} THEN EXCLUDED.event_at ELSE follows.event_at END,
       event_inbox = CASE WHEN ${newer} THEN EXCLUDED.event_inbox ELSE follows.event_inbox END,
       updated_at = now()
     RETURNING external_userid, userid, event_inbox`, [corpId, adds]);
  return rows;
}

export async function refreshFollowCounts(db: Queryable, corpId: string, externalUserids: string[]): Promise<void> {
  if (externalUserids.length === 0) return;
  await db.query(
    `${lockCustomersInOrder('SELECT unnest($2::text[])')}
     UPDATE customers c SET
       active_follow_count = s.n,
       first_added_at = coalesce(least(c.first_added_at, s.first), s.first, c.first_added_at),
       updated_at = now()
     FROM (SELECT u.id AS external_userid,
                  count(f.userid) FILTER (WHERE f.status = 'active') AS n,
                  min(f.added_at) AS first
           FROM unnest($2::text[]) AS u(id) LEFT JOIN follows f ON f.corp_id = $1 AND f.external_userid = u.id
           GROUP BY u.id) s
     WHERE c.corp_id = $1 AND c.external_userid = s.external_userid AND c.external_userid IN (SELECT external_userid FROM locked)`,
    [corpId, externalUserids]);
}

/**
 * A relation ended (a delete event at `version`): applied unless a newer event is stored — a delete handled after a
 * later re-add changes nothing, and a delete handled before its add is kept (the add is older). True when applied.
 */
export async function setFollowStatus(
  db: Queryable, corpId: string, externalUserid: string, userid: string, status: FollowStatus, version: RelationVersion,
): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO follows (corp_id, external_userid, userid, status, deleted_at, event_at, event_inbox)
     VALUES ($1,$2,$3,$4,$5,$5,$6)
     ON CONFLICT (corp_id, external_userid, userid) DO UPDATE SET status = EXCLUDED.status, deleted_at = EXCLUDED.deleted_at,
       event_at = EXCLUDED.event_at, event_inbox = EXCLUDED.event_inbox, updated_at = now()
     WHERE ${notNewer('follows', 'EXCLUDED.event_at', 'EXCLUDED.event_inbox')}`,
    [corpId, externalUserid, userid, status, version.at, version.inbox]);
  return (r.rowCount ?? 0) > 0;
}

export async function appendTimeline(db: Queryable, corpId: string, events: TimelineEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db.query(
    `INSERT INTO customer_events (corp_id, external_userid, type, userid, chat_id, occurred_at, data, dedupe_key)
     SELECT $1, r.external_userid, r.type, r.userid, r.chat_id, r.occurred_at, r.data, r.dedupe_key
     FROM jsonb_to_recordset($2::jsonb) AS r(external_userid text, type text, userid text, chat_id text,
          occurred_at timestamptz, data jsonb, dedupe_key text)
     ORDER BY r.external_userid
     ON CONFLICT (corp_id, dedupe_key) DO NOTHING`,
    [corpId, JSON.stringify(events.map((e) => ({
      external_userid: e.externalUserid, type: e.type, userid: e.userid ?? null, chat_id: e.chatId ?? null,
      occurred_at: e.occurredAt.toISOString(), data: e.data ?? null, dedupe_key: e.dedupeKey ?? null,
    })))]);
  const ids = [...new Set(events.map((e) => e.externalUserid))];
  await db.query(
    `${lockCustomersInOrder('SELECT unnest($2::text[])')}
     UPDATE customers SET last_event_at = greatest(coalesce(last_event_at, 'epoch'), $3)
     WHERE corp_id = $1 AND external_userid IN (SELECT external_userid FROM locked)`,
    [corpId, ids, new Date(Math.max(...events.map((e) => e.occurredAt.getTime())))]);
}

// ---- the customer list and page: reads within the caller's scope ----

/** A relation as the list's rows carry it (json_build_object: times as text). */
export interface CustomerListFollowJson {
  userid: string; staffName: string | null; addedAt: string | null; remark: string | null; status: FollowStatus; personalTags: string[];
}
export type CustomerListRow = Cols<'customers', 'external_userid' | 'name' | 'avatar' | 'type' | 'gender' | 'corp_name' | 'first_added_at'
  | 'order_count' | 'order_total' | 'last_order_at'> & { follows: CustomerListFollowJson[]; tag_ids: string[] };

const likePattern = (s: string) => s.replace(/[%_\\]/g, (m) => `\\${m}`);

/** A page of the customers the scope sees, newest first, with the filtered count. */
export async function listCustomers(db: Queryable, scope: Scope, query: z.output<typeof CustomerListQuery>): Promise<{ rows: CustomerListRow[]; total: number }> {
  const p = new Params();
  const where = [`c.corp_id = ${p.add(scope.corpId)}`, customerVisibleSql(scope, p)];
  if (query.q) {
    const like = p.add(`%${likePattern(query.q)}%`);
    // Remarks are the relation's: searched only in the relations the scope sees.
    where.push(`(c.name ILIKE ${like} OR EXISTS (SELECT 1 FROM follows qf WHERE qf.corp_id = c.corp_id AND qf.external_userid = c.external_userid AND qf.remark ILIKE ${like} AND ${followVisibleSql(scope, p, 'qf')}))`);
  }
  const followConds: string[] = [];
  if (query.tagIds?.length) followConds.push(`ff.tag_ids && ${p.add(query.tagIds)}::text[]`);
  if (query.userid) followConds.push(`ff.userid = ${p.add(query.userid)}`);
  if (query.storeId) followConds.push(`ff.userid IN (SELECT userid FROM staff WHERE corp_id = c.corp_id AND store_id = ${p.add(query.storeId)})`);
  if (query.channel) {
    const ch = query.channel;
    if (/^\d+$/.test(ch)) followConds.push(`ff.add_way = ${p.add(Number(ch))}`);
    else followConds.push(`ff.state LIKE ${p.add(`${likePattern(ch)}%`)}`);
  }
  if (followConds.length) {
    followConds.push(followVisibleSql(scope, p, 'ff'));
    where.push(`EXISTS (SELECT 1 FROM follows ff WHERE ff.corp_id = c.corp_id AND ff.external_userid = c.external_userid AND ff.status = 'active' AND ${followConds.join(' AND ')})`);
  }
  const whereSql = where.join(' AND ');
  const countP = p.values.length;
  // The columns show the relations the scope sees (their staff, remarks, tags), not other stores' or staff members'.
  const shownFollow = followVisibleSql(scope, p, 'f');
  const limit = p.add(query.pageSize);
  const offset = p.add((query.page - 1) * query.pageSize);
  const [{ rows }, { rows: [count] }] = await Promise.all([
    db.query<CustomerListRow>(
      `SELECT c.external_userid, c.name, c.avatar, c.type, c.gender, c.corp_name, c.first_added_at, c.order_count, c.order_total, c.last_order_at,
         coalesce((SELECT json_agg(json_build_object('userid', f.userid, 'staffName', s.name, 'addedAt', f.added_at, 'remark', f.remark, 'status', f.status, 'personalTags', f.personal_tags) ORDER BY f.added_at)
                   FROM follows f LEFT JOIN staff s ON s.corp_id = f.corp_id AND s.userid = f.userid
                   WHERE f.corp_id = c.corp_id AND f.external_userid = c.external_userid AND ${shownFollow}), '[]') AS follows,
         coalesce((SELECT array_agg(DISTINCT t) FROM follows f, unnest(f.tag_ids) t
                   WHERE f.corp_id = c.corp_id AND f.external_userid = c.external_userid AND f.status = 'active' AND ${shownFollow}), '{}') AS tag_ids
       FROM customers c WHERE ${whereSql}
       ORDER BY c.first_added_at DESC NULLS LAST, c.external_userid LIMIT ${limit} OFFSET ${offset}`, p.values),
    db.query<{ n: number }>(`SELECT count(*)::int AS n FROM customers c WHERE ${whereSql}`, p.values.slice(0, countP)),
  ]);
  return { rows, total: count?.n ?? 0 };
}

export interface IdName { id: string; name: string }

/** Every tag of the corp, deleted ones too (exports and timelines name what was). */
export async function tagNames(db: Queryable, corpId: string): Promise<IdName[]> {
  const { rows } = await db.query<IdName>('SELECT id, name FROM tags WHERE corp_id = $1', [corpId]);
  return rows;
}

/** The customer, if the scope sees them. */
export async function findVisibleCustomer(db: Queryable, scope: Scope, externalUserid: string): Promise<Row<'customers'> | undefined> {
  const p = new Params();
  const { rows: [c] } = await db.query<Row<'customers'>>(
    `SELECT * FROM customers c WHERE c.corp_id = ${p.add(scope.corpId)} AND c.external_userid = ${p.add(externalUserid)} AND ${customerVisibleSql(scope, p)}`,
    p.values);
  return c;
}

export type FollowWithStaff = Row<'follows'> & { staff_name: string | null };

/** A customer's relations that the scope sees, ended ones too, the first added first. */
export async function followsOf(db: Queryable, scope: Scope, externalUserid: string): Promise<FollowWithStaff[]> {
  const p = new Params();
  const { rows } = await db.query<FollowWithStaff>(
    `SELECT f.*, s.name AS staff_name FROM follows f LEFT JOIN staff s ON s.corp_id = f.corp_id AND s.userid = f.userid
     WHERE f.corp_id = ${p.add(scope.corpId)} AND f.external_userid = ${p.add(externalUserid)} AND ${followVisibleSql(scope, p)}
     ORDER BY f.added_at NULLS LAST`, p.values);
  return rows;
}

export type CustomerGroupRow = Cols<'group_members', 'chat_id' | 'join_time' | 'join_scene' | 'left_at' | 'quit_scene'> & { name: string | null };

/** The groups the customer is or was in that the scope sees (by their owners), the latest joined first. */
export async function groupsOf(db: Queryable, scope: Scope, externalUserid: string): Promise<CustomerGroupRow[]> {
  const p = new Params();
  const { rows } = await db.query<CustomerGroupRow>(
    `SELECT m.chat_id, g.name, m.join_time, m.join_scene, m.left_at, m.quit_scene FROM group_members m
     LEFT JOIN groups g ON g.corp_id = m.corp_id AND g.chat_id = m.chat_id
     WHERE m.corp_id = ${p.add(scope.corpId)} AND m.member_id = ${p.add(externalUserid)} AND ${chatIdVisibleSql(scope, p, 'm.chat_id', 'm.corp_id')}
     ORDER BY m.join_time DESC NULLS LAST`, p.values);
  return rows;
}

/** The customer's imported attributes, by key. */
export async function attributesOf(db: Queryable, corpId: string, externalUserid: string): Promise<Cols<'customer_attributes', 'key' | 'value'>[]> {
  const { rows } = await db.query<Cols<'customer_attributes', 'key' | 'value'>>(
    'SELECT key, value FROM customer_attributes WHERE corp_id = $1 AND external_userid = $2 ORDER BY key', [corpId, externalUserid]);
  return rows;
}

export type TimelineRow = Cols<'customer_events', 'id' | 'type' | 'occurred_at' | 'userid' | 'chat_id'>
  & { staff_name: string | null; data: Record<string, unknown> | null };

/**
 * A customer's events that the scope sees, newest first, before the event `before` (an id) when given. An order
 * whose attribution has a part the scope does not see (the staff member, the code) is shown without it (staff, code, channel).
 */
export async function timelineOf(db: Queryable, scope: Scope, externalUserid: string, opts: { before?: number; limit: number }): Promise<TimelineRow[]> {
  const p = new Params();
  const corp = p.add(scope.corpId);
  const ext = p.add(externalUserid);
  const before = p.add(opts.before ?? null);
  const codeId = `CASE WHEN e.data->>'codeId' ~ '^[0-9]{1,18}$' THEN (e.data->>'codeId')::bigint END`;
  const attributed = attributionPartsVisibleSql(scope, p, { userid: 'e.userid', codeId, corp: 'e.corp_id' });
  const { rows } = await db.query<TimelineRow>(
    `SELECT e.id, e.type, e.occurred_at, CASE WHEN ${attributed} THEN e.userid END AS userid,
            CASE WHEN ${attributed} THEN s.name END AS staff_name, e.chat_id,
            CASE WHEN ${attributed} THEN e.data ELSE e.data - 'codeId' - 'code_id' - 'codeName' - 'channel' - 'state' END AS data
     FROM customer_events e LEFT JOIN staff s ON s.corp_id = e.corp_id AND s.userid = e.userid
     WHERE e.corp_id = ${corp} AND e.external_userid = ${ext} AND (${before}::bigint IS NULL OR e.id < ${before})
       AND ${customerEventVisibleSql(scope, p, 'e')}
     ORDER BY e.occurred_at DESC, e.id DESC LIMIT ${p.add(opts.limit)}`, p.values);
  return rows;
}

/** Names of the live codes, tags (deleted ones too: the event happened), named groups and staff with these ids. */
export async function namesOf(
  db: Queryable, corpId: string, ids: { codeIds: string[]; tagIds: string[]; chatIds: string[]; userids: string[] },
): Promise<{ codes: IdName[]; tags: IdName[]; groups: IdName[]; staff: IdName[] }> {
  const read = async (ids: string[], sql: string) => (ids.length ? (await db.query<IdName>(sql, [corpId, ids])).rows : []);
  const [codes, tags, groups, staff] = await Promise.all([
    read(ids.codeIds.filter((x) => /^\d{1,18}$/.test(x)), 'SELECT id::text AS id, name FROM live_codes WHERE corp_id = $1 AND id = ANY($2::bigint[])'),
    read(ids.tagIds, 'SELECT id, name FROM tags WHERE corp_id = $1 AND id = ANY($2::text[])'),
    read(ids.chatIds, `SELECT chat_id AS id, name FROM groups WHERE corp_id = $1 AND chat_id = ANY($2::text[]) AND name <> ''`),
    read(ids.userids, 'SELECT userid AS id, name FROM staff WHERE corp_id = $1 AND userid = ANY($2::text[])'),
  ]);
  return { codes, tags, groups, staff };
}

// ---- the customer page's edits: relations (remark, corp tags) and notes ----

export type EditableFollow = FollowWithStaff & { store_id: number | null };

/** A relation with its staff member's name and store. */
export async function findFollow(db: Queryable, corpId: string, externalUserid: string, userid: string): Promise<EditableFollow | undefined> {
  const { rows: [f] } = await db.query<EditableFollow>(
    `SELECT f.*, s.name AS staff_name, s.store_id FROM follows f LEFT JOIN staff s ON s.corp_id = f.corp_id AND s.userid = f.userid
     WHERE f.corp_id = $1 AND f.external_userid = $2 AND f.userid = $3`, [corpId, externalUserid, userid]);
  return f;
}

/** Stores what Pond wrote to WeCom's remark (fields left null stay as they are). */
export async function updateFollowRemark(
  db: Queryable, corpId: string, externalUserid: string, userid: string,
  patch: { remark: string | null; description: string | null; remarkMobiles: string[] | null; remarkCorpName: string | null },
): Promise<Row<'follows'> | undefined> {
  const { rows: [f] } = await db.query<Row<'follows'>>(
    `UPDATE follows SET remark = coalesce($4, remark), description = coalesce($5, description),
       remark_mobiles = coalesce($6, remark_mobiles), remark_corp_name = coalesce($7, remark_corp_name), updated_at = now()
     WHERE corp_id = $1 AND external_userid = $2 AND userid = $3 RETURNING *`,
    [corpId, externalUserid, userid, patch.remark, patch.description, patch.remarkMobiles, patch.remarkCorpName]);
  return f;
}

/** Which of these tag ids are the corp's live tags. */
export async function liveTagIds(db: Queryable, corpId: string, ids: string[]): Promise<string[]> {
  const { rows } = await db.query<Cols<'tags', 'id'>>('SELECT id FROM tags WHERE corp_id = $1 AND id = ANY($2) AND deleted_at IS NULL', [corpId, ids]);
  return rows.map((r) => r.id);
}

/** A relation's corp tags; undefined when there is no such relation. */
export async function relationTagIds(db: Queryable, corpId: string, externalUserid: string, userid: string): Promise<string[] | undefined> {
  const { rows: [f] } = await db.query<Cols<'follows', 'tag_ids'>>(
    'SELECT tag_ids FROM follows WHERE corp_id = $1 AND external_userid = $2 AND userid = $3', [corpId, externalUserid, userid]);
  return f?.tag_ids;
}

/** Adds and removes corp tags on a relation as WeCom now has them. */
export async function changeFollowTagIds(
  db: Queryable, corpId: string, externalUserid: string, userid: string, add: string[], remove: string[],
): Promise<Row<'follows'> | undefined> {
  const { rows: [f] } = await db.query<Row<'follows'>>(
    `UPDATE follows SET tag_ids = ARRAY(SELECT DISTINCT x FROM unnest(tag_ids || $4::text[]) x WHERE NOT (x = ANY($5))), updated_at = now()
     WHERE corp_id = $1 AND external_userid = $2 AND userid = $3 RETURNING *`, [corpId, externalUserid, userid, add, remove]);
  return f;
}

/** The customer's notes that the scope sees (by their authors), newest first (the latest 200). */
export async function notesOf(db: Queryable, scope: Scope, externalUserid: string): Promise<Row<'customer_notes'>[]> {
  const p = new Params();
  const { rows } = await db.query<Row<'customer_notes'>>(
    `SELECT * FROM customer_notes n WHERE n.corp_id = ${p.add(scope.corpId)} AND n.external_userid = ${p.add(externalUserid)} AND n.deleted_at IS NULL
       AND ${noteVisibleSql(scope, p, 'n')} ORDER BY n.created_at DESC LIMIT 200`, p.values);
  return rows;
}

export async function insertNote(
  db: Queryable, corpId: string, externalUserid: string,
  note: Cols<'customer_notes', 'text' | 'author_type' | 'author_id' | 'author_name' | 'author_userid' | 'author_store_ids'>,
): Promise<Row<'customer_notes'>> {
  const { rows: [n] } = await db.query<Row<'customer_notes'>>(
    `INSERT INTO customer_notes (corp_id, external_userid, text, author_type, author_id, author_name, author_userid, author_store_ids)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING *`,
    [corpId, externalUserid, note.text, note.author_type, note.author_id, note.author_name, note.author_userid, note.author_store_ids]);
  return n;
}

/** A note not deleted. */
export async function findNote(db: Queryable, corpId: string, externalUserid: string, id: number): Promise<Row<'customer_notes'> | undefined> {
  const { rows: [n] } = await db.query<Row<'customer_notes'>>(
    'SELECT * FROM customer_notes WHERE corp_id = $1 AND external_userid = $2 AND id = $3 AND deleted_at IS NULL', [corpId, externalUserid, id]);
  return n;
}

export async function deleteNote(db: Queryable, id: number): Promise<void> {
  await db.query('UPDATE customer_notes SET deleted_at = now() WHERE id = $1', [id]);
}
