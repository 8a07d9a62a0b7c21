// WeCom group statistics (groupchat/statistic) stored per owner and Beijing day in group_owner_stats.
// WeCom answers only for days that are over and at most 180 days back, and a day's figures may still
// grow the next morning, so each pull re-reads the last stored day before moving on to yesterday.
import type pg from 'pg';
import type { WecomClient } from '@pond/wecom';

const DAY_MS = 86_400_000;
const FIRST_PULL_DAYS = 30;
const MAX_DAYS = 180;

/** Beijing calendar day (YYYY-MM-DD) of a time. */
export const beijingDay = (t: number): string => new Date(t + 8 * 3600_000).toISOString().slice(0, 10);
/** Unix seconds of 00:00 Beijing time on a YYYY-MM-DD day. */
const dayStartSec = (day: string): number => Date.parse(`${day}T00:00:00+08:00`) / 1000;
const addDays = (day: string, n: number): string => beijingDay(Date.parse(`${day}T12:00:00+08:00`) + n * DAY_MS);

/** The days a pull should cover: from the last stored day (or 30 days back) to yesterday. */
export async function daysToPull(pool: pg.Pool, corpId: string, now = Date.now()): Promise<string[]> {
  const yesterday = beijingDay(now - DAY_MS);
  const oldest = beijingDay(now - MAX_DAYS * DAY_MS);
  const { rows: [r] } = await pool.query<{ last: string | null }>(`SELECT max(day)::text AS last FROM group_owner_stats WHERE corp_id = $1`, [corpId]);
  let from = r.last ?? beijingDay(now - FIRST_PULL_DAYS * DAY_MS);
  if (from < oldest) from = oldest;
  const days: string[] = [];
  for (let d = from; d <= yesterday; d = addDays(d, 1)) days.push(d);
  return days;
}

/** Pulls one day for every group owner (100 owners a call, paged) and stores a row per owner. */
export async function pullGroupStatsDay(pool: pg.Pool, client: WecomClient, corpId: string, day: string): Promise<number> {
  const { rows } = await pool.query<{ owner_userid: string }>(
    `SELECT DISTINCT owner_userid FROM groups WHERE corp_id = $1 AND owner_userid IS NOT NULL ORDER BY owner_userid`, [corpId]);
  const owners = rows.map((r) => r.owner_userid);
  const start = dayStartSec(day);
  let stored = 0;
  for (let i = 0; i < owners.length; i += 100) {
    const userids = owners.slice(i, i + 100);
    let offset = 0;
    for (;;) {
      const res = await client.groupchatStatistic({ day_begin_time: start, day_end_time: start, owner_filter: { userid_list: userids }, offset, limit: 1000 });
      const items = res.items ?? [];
      if (items.length) {
        await pool.query(
          `INSERT INTO group_owner_stats (corp_id, owner_userid, day, new_chat_cnt, chat_total, chat_has_msg, new_member_cnt, member_total, member_has_msg, msg_total, synced_at)
           SELECT $1, r.owner, $2::date, coalesce(r.new_chat_cnt, 0), coalesce(r.chat_total, 0), coalesce(r.chat_has_msg, 0), coalesce(r.new_member_cnt, 0),
                  coalesce(r.member_total, 0), coalesce(r.member_has_msg, 0), coalesce(r.msg_total, 0), now()
           FROM jsonb_to_recordset($3::jsonb) AS r(owner text, new_chat_cnt int, chat_total int, chat_has_msg int, new_member_cnt int, member_total int, member_has_msg int, msg_total int)
           ON CONFLICT (corp_id, owner_userid, day) DO UPDATE SET new_chat_cnt = EXCLUDED.new_chat_cnt, chat_total = EXCLUDED.chat_total,
             chat_has_msg = EXCLUDED.chat_has_msg, new_member_cnt = EXCLUDED.new_member_cnt, member_total = EXCLUDED.member_total,
             member_has_msg = EXCLUDED.member_has_msg, msg_total = EXCLUDED.msg_total, synced_at = now()`,
          [corpId, day, JSON.stringify(items.map((it) => ({ owner: it.owner, ...it.data })))]);
        stored += items.length;
      }
      if (!res.next_offset || res.next_offset <= offset || res.next_offset >= (res.total ?? 0)) break;
      offset = res.next_offset;
    }
  }
  return stored;
}

/** The latest day stored and when, for "activity figures up to …" in the console. */
export async function groupStatsStatus(pool: pg.Pool, corpId: string): Promise<{ through: string | null; syncedAt: Date | null }> {
  const { rows: [r] } = await pool.query<{ through: string | null; synced_at: Date | null }>(
    `SELECT max(day)::text AS through, max(synced_at) AS synced_at FROM group_owner_stats WHERE corp_id = $1`, [corpId]);
  return { through: r.through, syncedAt: r.synced_at };
}
