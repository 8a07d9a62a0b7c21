// Numbers per code (or per channel) by day: scans, unique visitors, adds, net adds (minus deletes
// within 1 and 7 days), group joins, welcome sent/failed, and scan → add conversion — of the codes the scope sees,
// counting what it sees on them (a staff member: their own; a store manager: their stores' staff's; ADR 0010 addendum).
import type pg from 'pg';
import type { DayStats, TotalStats } from '@pond/contracts/live-codes';
import type { Scope } from '../../platform/auth';
import { assignedVisibleSql, chatIdVisibleSql, liveCodeVisibleSql } from '../../platform/resources';
import { Params } from '../../platform/sql';

interface DayRow { date: string; scans: number; visitors: number; adds: number; d1: number; d7: number; joins: number; sent: number; failed: number }

/** Days are the corp's calendar days (an init plan: read once per statement). */
const TZ = '(SELECT timezone FROM corps WHERE id = $1)';

export async function codeStats(
  db: Pick<pg.Pool, 'query'>, scope: Scope, by: { codeIds: number[] } | { channel: string }, from: string, to: string,
): Promise<DayStats[]> {
  const p = new Params();
  p.add(scope.corpId); p.add(from); p.add(to); // $1 $2 $3
  const codeFilter = 'codeIds' in by ? `c.id = ANY(${p.add(by.codeIds)}::bigint[])` : `c.channel = ${p.add(by.channel)}`;
  // A store manager's channel numbers count their stores' codes only.
  const visible = liveCodeVisibleSql(scope, p, 'c');
  // …and of those codes, what the scope sees: a staff member's own scans, adds and welcomes, joins of groups they own.
  const mine = (column: string) => assignedVisibleSql(scope, p, column, '$1');
  const { rows } = await db.query<DayRow>(
    `WITH codes AS (SELECT c.id, c.state FROM live_codes c WHERE c.corp_id = $1 AND ${codeFilter} AND ${visible}),
          days AS (SELECT generate_series($2::date, $3::date, '1 day')::date AS day),
          v AS (SELECT (created_at AT TIME ZONE ${TZ})::date AS day, count(*) AS scans, count(DISTINCT visitor_key) AS visitors
                FROM code_visits WHERE code_id IN (SELECT id FROM codes) AND ${mine('userid')} AND created_at >= ($2::date)::timestamp AT TIME ZONE ${TZ}
                  AND created_at < ($3::date + 1)::timestamp AT TIME ZONE ${TZ} GROUP BY 1),
          a AS (SELECT (added_at AT TIME ZONE ${TZ})::date AS day, count(*) AS adds,
                       count(*) FILTER (WHERE deleted_at < added_at + interval '1 day') AS d1,
                       count(*) FILTER (WHERE deleted_at < added_at + interval '7 days') AS d7
                FROM attributions WHERE corp_id = $1 AND code_id IN (SELECT id FROM codes) AND ${mine('userid')}
                  AND added_at >= ($2::date)::timestamp AT TIME ZONE ${TZ} AND added_at < ($3::date + 1)::timestamp AT TIME ZONE ${TZ} GROUP BY 1),
          g AS (SELECT (gm.join_time AT TIME ZONE ${TZ})::date AS day, count(*) AS joins FROM group_members gm
                WHERE gm.corp_id = $1 AND gm.type = 2 AND gm.state IN (SELECT state FROM codes) AND ${chatIdVisibleSql(scope, p, 'gm.chat_id', '$1')}
                  AND gm.join_time >= ($2::date)::timestamp AT TIME ZONE ${TZ} AND gm.join_time < ($3::date + 1)::timestamp AT TIME ZONE ${TZ} GROUP BY 1),
          w AS (SELECT (received_at AT TIME ZONE ${TZ})::date AS day, count(*) FILTER (WHERE status = 'sent') AS sent,
                       count(*) FILTER (WHERE status = 'failed') AS failed
                FROM welcome_sends WHERE corp_id = $1 AND code_id IN (SELECT id FROM codes) AND ${mine('userid')}
                  AND received_at >= ($2::date)::timestamp AT TIME ZONE ${TZ} AND received_at < ($3::date + 1)::timestamp AT TIME ZONE ${TZ} GROUP BY 1)
     SELECT to_char(days.day, 'YYYY-MM-DD') AS date, coalesce(v.scans,0)::int AS scans, coalesce(v.visitors,0)::int AS visitors,
            coalesce(a.adds,0)::int AS adds, coalesce(a.d1,0)::int AS d1, coalesce(a.d7,0)::int AS d7, coalesce(g.joins,0)::int AS joins,
            coalesce(w.sent,0)::int AS sent, coalesce(w.failed,0)::int AS failed
     FROM days LEFT JOIN v USING (day) LEFT JOIN a USING (day) LEFT JOIN g USING (day) LEFT JOIN w USING (day) ORDER BY days.day`,
    p.values);
  return rows.map((r) => ({
    date: r.date, scans: r.scans, visitors: r.visitors, adds: r.adds, deletes1d: r.d1, deletes7d: r.d7, net1d: r.adds - r.d1, net7d: r.adds - r.d7,
    groupJoins: r.joins, welcomeSent: r.sent, welcomeFailed: r.failed, conversion: r.visitors ? Math.round((r.adds / r.visitors) * 1000) / 1000 : null,
  }));
}

export function sumStats(days: DayStats[]): TotalStats {
  const t = days.reduce((a, d) => ({
    scans: a.scans + d.scans, visitors: a.visitors + d.visitors, adds: a.adds + d.adds, deletes1d: a.deletes1d + d.deletes1d,
    deletes7d: a.deletes7d + d.deletes7d, net1d: a.net1d + d.net1d, net7d: a.net7d + d.net7d, groupJoins: a.groupJoins + d.groupJoins,
    welcomeSent: a.welcomeSent + d.welcomeSent, welcomeFailed: a.welcomeFailed + d.welcomeFailed, conversion: null,
  }), { scans: 0, visitors: 0, adds: 0, deletes1d: 0, deletes7d: 0, net1d: 0, net7d: 0, groupJoins: 0, welcomeSent: 0, welcomeFailed: 0, conversion: null as number | null });
  t.conversion = t.visitors ? Math.round((t.adds / t.visitors) * 1000) / 1000 : null;
  return t;
}

const CSV_COLUMNS: [keyof DayStats, string][] = [
  ['date', '日期 date'], ['scans', '扫码 scans'], ['visitors', '访客 visitors'], ['adds', '添加 adds'], ['deletes1d', '1日内删除 deletes_1d'],
  ['deletes7d', '7日内删除 deletes_7d'], ['net1d', '1日净增 net_1d'], ['net7d', '7日净增 net_7d'], ['groupJoins', '入群 group_joins'],
  ['welcomeSent', '欢迎语成功 welcome_sent'], ['welcomeFailed', '欢迎语失败 welcome_failed'], ['conversion', '转化率 conversion'],
];

/** CSV with a BOM so Excel opens the Chinese headers correctly. */
export function statsCsv(days: DayStats[]): string {
  const cell = (v: string | number | null) => (v == null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return `\ufeff${[CSV_COLUMNS.map(([, h]) => h).join(','), ...days.map((d) => CSV_COLUMNS.map(([k]) => cell(d[k])).join(','))].join('\n')}\n`;
}
