// The overview's reads, each within the caller's scope (platform/resources): counts, adds and deletes per corp
// calendar day, and buyers by RFM bucket.
import type pg from 'pg';
import type { Scope } from '../../platform/auth';
import { customerVisibleSql, groupVisibleSql, staffVisibleSql } from '../../platform/resources';
import { Params } from '../../platform/sql';
import { rfmCodeSql } from '../segments';

type Queryable = Pick<pg.Pool, 'query'>;

export interface CountsRow {
  customers: number; follows: number; staff: number; stores: number; groups: number; group_members: number; tags: number;
}

/** Customers with an active relation, relations, staff, stores, groups and their members, tags. */
export async function counts(db: Queryable, scope: Scope): Promise<CountsRow> {
  const p = new Params();
  const corp = p.add(scope.corpId);
  const cs = customerVisibleSql(scope, p);
  const ss = staffVisibleSql(scope, p);
  const gs = groupVisibleSql(scope, p);
  const { rows: [r] } = await db.query<CountsRow>(
    `SELECT
       (SELECT count(*)::int FROM customers c WHERE c.corp_id = ${corp} AND c.active_follow_count > 0 AND ${cs}) AS customers,
       (SELECT count(*)::int FROM follows f JOIN staff s ON s.corp_id = f.corp_id AND s.userid = f.userid WHERE f.corp_id = ${corp} AND f.status = 'active' AND ${ss}) AS follows,
       (SELECT count(*)::int FROM staff s WHERE s.corp_id = ${corp} AND s.status <> 5 AND ${ss}) AS staff,
       (SELECT count(*)::int FROM stores WHERE corp_id = ${corp} AND archived_at IS NULL) AS stores,
       (SELECT count(*)::int FROM groups g WHERE g.corp_id = ${corp} AND g.status = 'active' AND ${gs}) AS groups,
       (SELECT coalesce(sum(g.member_count), 0)::int FROM groups g WHERE g.corp_id = ${corp} AND g.status = 'active' AND ${gs}) AS group_members,
       (SELECT count(*)::int FROM tags WHERE corp_id = ${corp} AND deleted_at IS NULL) AS tags`, p.values);
  return r;
}

export interface DayRow { date: string; adds: number; deletes: number }

/** Adds and deletes (by staff or customer) on each of the corp's last 30 calendar days, today included. */
export async function dailyChanges(db: Queryable, scope: Scope): Promise<DayRow[]> {
  const d = new Params();
  const corp = d.add(scope.corpId);
  // Days are the corp's calendar days.
  const tz = `(SELECT timezone FROM corps WHERE id = ${corp})`;
  const staffFilter = scope.staffUserid ? `AND e.userid = ${d.add(scope.staffUserid)}`
    : scope.storeIds ? `AND e.userid IN (SELECT userid FROM staff WHERE corp_id = ${corp} AND store_id = ANY(${d.add(scope.storeIds)}::bigint[]))` : '';
  const { rows } = await db.query<DayRow>(
    `WITH days AS (SELECT generate_series((now() AT TIME ZONE ${tz})::date - 29, (now() AT TIME ZONE ${tz})::date, '1 day')::date AS day),
          ev AS (SELECT (e.occurred_at AT TIME ZONE ${tz})::date AS day, e.type FROM customer_events e
                 WHERE e.corp_id = ${corp} AND e.occurred_at >= now() - interval '31 days'
                   AND e.type IN ('customer.added','customer.deleted_by_staff','customer.deleted_staff') ${staffFilter})
     SELECT to_char(days.day, 'YYYY-MM-DD') AS date,
            count(ev.type) FILTER (WHERE ev.type = 'customer.added')::int AS adds,
            count(ev.type) FILTER (WHERE ev.type <> 'customer.added')::int AS deletes
     FROM days LEFT JOIN ev ON ev.day = days.day GROUP BY days.day ORDER BY days.day`, d.values);
  return rows;
}

/** Buyers in one RFM bucket (its code: segments' rfmCodeSql): how many, how many bought again, their orders and total. */
export interface BucketRow { code: number; buyers: number; repeat: number; orders: number; total: string }

export async function buyersByBucket(db: Queryable, scope: Scope): Promise<BucketRow[]> {
  const o = new Params();
  const corp = o.add(scope.corpId);
  const cs = customerVisibleSql(scope, o);
  const { rows } = await db.query<BucketRow>(
    `SELECT ${rfmCodeSql(corp)} AS code, count(*)::int AS buyers, count(*) FILTER (WHERE c.order_count >= 2)::int AS repeat,
            sum(c.order_count)::int AS orders, sum(c.order_total)::text AS total
     FROM customers c WHERE c.corp_id = ${corp} AND c.order_count > 0 AND ${cs} GROUP BY 1`, o.values);
  return rows;
}
