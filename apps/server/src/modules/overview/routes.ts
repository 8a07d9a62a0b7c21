import type pg from 'pg';
import type { App } from '../../platform/http';
import { Params } from '../../platform/sql';
import { customerVisibleSql, groupVisibleSql, staffVisibleSql } from '../../platform/resources';
import { access, ALL_ROLES } from '../../platform/access';
import { bucketCode, RFM_BUCKET_NAMES } from '../commerce';
import { rfmCodeSql } from '../segments';

export async function overviewRoutes(app: App, deps: { pool: pg.Pool }) {
  const { pool } = deps;
  app.get('/api/overview', { config: access(ALL_ROLES, { scope: 'filtered' }), schema: { tags: ['overview'], summary: 'Counts and 30-day adds/deletes' } }, async (req) => {
    const scope = req.scope;
    const p = new Params();
    const corp = p.add(scope.corpId);
    const cs = customerVisibleSql(scope, p);
    const ss = staffVisibleSql(scope, p);
    const gs = groupVisibleSql(scope, p);
    const { rows } = await pool.query(
      `SELECT
         (SELECT count(*)::int FROM customers c WHERE c.corp_id = ${corp} AND c.active_follow_count > 0 AND ${cs}) AS customers,
         (SELECT count(*)::int FROM follows f JOIN staff s ON s.corp_id = f.corp_id AND s.userid = f.userid WHERE f.corp_id = ${corp} AND f.status = 'active' AND ${ss}) AS follows,
         (SELECT count(*)::int FROM staff s WHERE s.corp_id = ${corp} AND s.status <> 5 AND ${ss}) AS staff,
         (SELECT count(*)::int FROM stores WHERE corp_id = ${corp} AND archived_at IS NULL) AS stores,
         (SELECT count(*)::int FROM groups g WHERE g.corp_id = ${corp} AND g.status = 'active' AND ${gs}) AS groups,
         (SELECT coalesce(sum(g.member_count), 0)::int FROM groups g WHERE g.corp_id = ${corp} AND g.status = 'active' AND ${gs}) AS group_members,
         (SELECT count(*)::int FROM tags WHERE corp_id = ${corp} AND deleted_at IS NULL) AS tags`, p.values);
    const d = new Params();
    const dcorp = d.add(scope.corpId);
    // Days are the corp's calendar days.
    const tz = `(SELECT timezone FROM corps WHERE id = ${dcorp})`;
    const staffFilter = scope.staffUserid ? `AND e.userid = ${d.add(scope.staffUserid)}`
      : scope.storeIds ? `AND e.userid IN (SELECT userid FROM staff WHERE corp_id = ${dcorp} AND store_id = ANY(${d.add(scope.storeIds)}::bigint[]))` : '';
    const { rows: daily } = await pool.query(
      `WITH days AS (SELECT generate_series((now() AT TIME ZONE ${tz})::date - 29, (now() AT TIME ZONE ${tz})::date, '1 day')::date AS day),
            ev AS (SELECT (e.occurred_at AT TIME ZONE ${tz})::date AS day, e.type FROM customer_events e
                   WHERE e.corp_id = ${dcorp} AND e.occurred_at >= now() - interval '31 days'
                     AND e.type IN ('customer.added','customer.deleted_by_staff','customer.deleted_staff') ${staffFilter})
       SELECT to_char(days.day, 'YYYY-MM-DD') AS date,
              count(ev.type) FILTER (WHERE ev.type = 'customer.added')::int AS adds,
              count(ev.type) FILTER (WHERE ev.type <> 'customer.added')::int AS deletes
       FROM days LEFT JOIN ev ON ev.day = days.day GROUP BY days.day ORDER BY days.day`, d.values);
    // Buyers, the share who bought again (the repurchase rate), what they spent net of refunds, and the RFM buckets.
    const o = new Params();
    const ocorp = o.add(scope.corpId);
    const ocs = customerVisibleSql(scope, o);
    const { rows: buckets } = await pool.query(
      `SELECT ${rfmCodeSql(ocorp)} AS code, count(*)::int AS buyers, count(*) FILTER (WHERE c.order_count >= 2)::int AS repeat,
              sum(c.order_count)::int AS orders, sum(c.order_total)::text AS total
       FROM customers c WHERE c.corp_id = ${ocorp} AND c.order_count > 0 AND ${ocs} GROUP BY 1`, o.values);
    const buyers = buckets.reduce((n, b) => n + b.buyers, 0);
    const repeat = buckets.reduce((n, b) => n + b.repeat, 0);
    const orders = buckets.reduce((n, b) => n + b.orders, 0);
    const fen = buckets.reduce((n, b) => n + Math.round(Number(b.total) * 100), 0);
    const r = rows[0];
    return {
      counts: { customers: r.customers, follows: r.follows, staff: r.staff, stores: r.stores, groups: r.groups, groupMembers: r.group_members, tags: r.tags },
      daily: daily.map((x) => ({ date: x.date, adds: x.adds, deletes: x.deletes, net: x.adds - x.deletes })),
      orders: {
        buyers, repeatBuyers: repeat, repurchaseRate: buyers ? Math.round((repeat / buyers) * 1000) / 1000 : null, orders, total: fen / 100,
        buckets: Object.fromEntries(RFM_BUCKET_NAMES.map((b) => [b, buckets.find((x) => x.code === bucketCode(b))?.buyers ?? 0])),
      },
    };
  });
}
