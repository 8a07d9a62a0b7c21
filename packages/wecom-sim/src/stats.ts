// Statistics computed from the simulator's own records: get_user_behavior_data (per day, summed
// over the users asked for) and the group statistics by owner or by day. Days are Beijing days.
import type { SimContext } from './context';
import { num } from './db';
import { E } from './errors';
import type { Int8, SimFollowRow, SimGroupMemberRow, SimGroupRow, SimMessageRow, SimStaffRow } from './rows';
import { limitOf, optInt, optIntArray, optStringArray, type Body } from './validate';

const DAY = 86_400;
const TZ = 8 * 3600;

export function dayStartSec(sec: number): number {
  return Math.floor((sec + TZ) / DAY) * DAY - TZ;
}

export async function getUserBehaviorData(ctx: SimContext, corpId: string, body: Body) {
  const userids = optStringArray(body, 'userid', { max: 100 }) ?? [];
  const partyids = optIntArray(body, 'partyid', { max: 100 }) ?? [];
  if (userids.length === 0 && partyids.length === 0) throw E.param('userid', 'userid and partyid cannot both be empty');
  const startRaw = optInt(body, 'start_time');
  const endRaw = optInt(body, 'end_time');
  if (startRaw === undefined) throw E.param('start_time', 'required');
  if (endRaw === undefined) throw E.param('end_time', 'required');
  const start = dayStartSec(startRaw);
  const end = dayStartSec(endRaw);
  if (end < start) throw E.param('end_time', 'must not be before start_time');
  if ((end - start) / DAY + 1 > 30) throw E.param('end_time', 'the span is at most 30 days');
  const today = dayStartSec(ctx.clock.nowSec());
  if (start < today - 180 * DAY) throw E.param('start_time', 'only the last 180 days can be queried');
  const users = new Set(userids);
  if (partyids.length) {
    const rows = await ctx.db.q<Pick<SimStaffRow, 'userid'>>(`SELECT userid FROM {s}.staff WHERE corp_id = $1 AND department && $2::int[]`, [corpId, partyids]);
    for (const r of rows) users.add(r.userid);
  }
  const list = [...users];
  const from = start;
  const to = end + DAY;
  const follows = await ctx.db.q<Pick<SimFollowRow, 'userid' | 'external_userid' | 'createtime_sec' | 'oper_userid' | 'deleted_by' | 'deleted_at'>>(
    `SELECT userid, external_userid, createtime_sec, oper_userid, deleted_by, deleted_at FROM {s}.follows
      WHERE corp_id = $1 AND userid = ANY($2::text[])
        AND ((createtime_sec >= $3::bigint AND createtime_sec < $4::bigint) OR (deleted_by = 'customer' AND deleted_at >= $3::bigint * 1000 AND deleted_at < $4::bigint * 1000))`,
    [corpId, list, from, to],
  );
  const chats = await ctx.db.q<Pick<SimMessageRow, 'userid' | 'external_userid' | 'direction' | 'created_at'>>(
    `SELECT userid, external_userid, direction, created_at FROM {s}.messages
      WHERE corp_id = $1 AND kind = 'chat' AND userid = ANY($2::text[]) AND created_at >= $3::bigint * 1000 AND created_at < $4::bigint * 1000
      ORDER BY created_at`,
    [corpId, list, from, to],
  );
  const out = [];
  for (let day = start; day <= end; day += DAY) {
    const inDay = (sec: number) => sec >= day && sec < day + DAY;
    const added = follows.filter((f) => inDay(num(f.createtime_sec)));
    const lines = chats.filter((m) => inDay(Math.floor(num(m.created_at) / 1000)));
    const staffLines = lines.filter((m) => m.direction === 'to_customer');
    // A conversation a customer started that day: their first line came before any staff line.
    const convs = new Map<string, { first: number; staffFirst?: number; reply?: number }>();
    for (const m of lines) {
      const key = `${m.userid}|${m.external_userid}`;
      const t = num(m.created_at);
      const c = convs.get(key);
      if (!c) convs.set(key, m.direction === 'from_customer' ? { first: t } : { first: -1, staffFirst: t });
      else if (c.first >= 0 && m.direction === 'to_customer' && c.reply === undefined) c.reply = t;
    }
    const started = [...convs.values()].filter((c) => c.first >= 0);
    const replied = started.filter((c) => c.reply !== undefined);
    out.push({
      stat_time: day,
      chat_cnt: new Set(staffLines.map((m) => `${m.userid}|${m.external_userid}`)).size,
      message_cnt: staffLines.length,
      ...(started.length
        ? {
            reply_percentage: Math.round((replied.length / started.length) * 10_000) / 100,
            avg_reply_time: replied.length ? Math.round(replied.reduce((s, c) => s + (c.reply! - c.first), 0) / replied.length / 60_000) : 0,
          }
        : {}),
      negative_feedback_cnt: follows.filter((f) => f.deleted_by === 'customer' && inDay(Math.floor(num(f.deleted_at) / 1000))).length,
      new_apply_cnt: added.filter((f) => f.oper_userid === f.userid).length,
      new_contact_cnt: added.length,
    });
  }
  return { behavior_data: out };
}

interface GroupFacts {
  groups: { chat_id: string; owner: string; created: number; dismissed: number | null }[];
  members: { chat_id: string; joined: number; left: number | null; type: number }[];
  /** Mass messages delivered to the group (no speaker) and members' own lines (speaker = member id). */
  msgs: { chat_id: string; at: number; speaker: string | null }[];
}

async function loadGroupFacts(ctx: SimContext, corpId: string, owners: string[] | null): Promise<GroupFacts> {
  const groups = await ctx.db.q<Pick<SimGroupRow, 'chat_id' | 'owner' | 'create_time_sec' | 'dismissed_at'>>(
    `SELECT chat_id, owner, create_time_sec, dismissed_at FROM {s}.groups WHERE corp_id = $1 AND ($2::text[] IS NULL OR owner = ANY($2))`,
    [corpId, owners],
  );
  const ids = groups.map((g) => g.chat_id);
  const members = await ctx.db.q<Pick<SimGroupMemberRow, 'chat_id' | 'join_time_sec' | 'left_at' | 'type'>>(
    `SELECT chat_id, join_time_sec, left_at, type FROM {s}.group_members WHERE corp_id = $1 AND chat_id = ANY($2::text[])`,
    [corpId, ids],
  );
  // chat_id is set: both halves select by it.
  const msgs = await ctx.db.q<{ chat_id: string; ref_id: SimMessageRow['ref_id']; created_at: Int8; speaker: string | null }>(
    `SELECT DISTINCT chat_id, ref_id, created_at, NULL AS speaker FROM {s}.messages WHERE corp_id = $1 AND kind = 'mass' AND chat_id = ANY($2::text[])
     UNION ALL
     SELECT chat_id, ref_id, created_at, ref_id AS speaker FROM {s}.messages WHERE corp_id = $1 AND kind = 'group_chat' AND chat_id = ANY($2::text[])`,
    [corpId, ids],
  );
  return {
    groups: groups.map((g) => ({
      chat_id: g.chat_id,
      owner: g.owner,
      created: num(g.create_time_sec),
      dismissed: g.dismissed_at ? Math.floor(num(g.dismissed_at) / 1000) : null,
    })),
    members: members.map((m) => ({ chat_id: m.chat_id, joined: num(m.join_time_sec), left: m.left_at ? Math.floor(num(m.left_at) / 1000) : null, type: m.type })),
    msgs: msgs.map((m) => ({ chat_id: m.chat_id, at: Math.floor(num(m.created_at) / 1000), speaker: m.speaker ?? null })),
  };
}

function groupData(f: GroupFacts, chatIds: Set<string>, from: number, to: number) {
  const alive = f.groups.filter((g) => chatIds.has(g.chat_id) && g.created < to && (g.dismissed === null || g.dismissed >= to));
  const aliveIds = new Set(alive.map((g) => g.chat_id));
  const members = f.members.filter((m) => aliveIds.has(m.chat_id));
  const msgs = f.msgs.filter((m) => aliveIds.has(m.chat_id) && m.at >= from && m.at < to);
  return {
    new_chat_cnt: alive.filter((g) => g.created >= from).length,
    chat_total: alive.length,
    chat_has_msg: new Set(msgs.map((m) => m.chat_id)).size,
    new_member_cnt: members.filter((m) => m.joined >= from && m.joined < to).length,
    member_total: members.filter((m) => m.joined < to && (m.left === null || m.left >= to)).length,
    member_has_msg: new Set(msgs.filter((m) => m.speaker).map((m) => `${m.chat_id}|${m.speaker}`)).size,
    msg_total: msgs.length,
    migrate_trainee_chat_cnt: 0,
  };
}

function readRange(ctx: SimContext, body: Body) {
  const begin = optInt(body, 'day_begin_time');
  if (begin === undefined) throw E.param('day_begin_time', 'required');
  const end = optInt(body, 'day_end_time') ?? begin;
  const from = dayStartSec(begin);
  const last = dayStartSec(end);
  if (last < from) throw E.param('day_end_time', 'must not be before day_begin_time');
  if (from < dayStartSec(ctx.clock.nowSec()) - 180 * DAY) throw E.param('day_begin_time', 'only the last 180 days can be queried');
  const owners = optStringArray(body.owner_filter ?? {}, 'userid_list', { max: 100 });
  return { from, last, owners: owners?.length ? owners : null };
}

export async function groupStatisticByOwner(ctx: SimContext, corpId: string, body: Body) {
  const { from, last, owners } = readRange(ctx, body);
  const orderBy = optInt(body, 'order_by', { allowed: [1, 2, 3, 4] }) ?? 1;
  const asc = optInt(body, 'order_asc', { allowed: [0, 1] }) ?? 0;
  const offset = optInt(body, 'offset', { min: 0 }) ?? 0;
  const limit = limitOf(body, 'limit', 500, 1000);
  const facts = await loadGroupFacts(ctx, corpId, owners);
  const ownerList = owners ?? [...new Set(facts.groups.map((g) => g.owner))];
  const key = ['new_chat_cnt', 'chat_total', 'new_member_cnt', 'member_total'][orderBy - 1] as 'new_chat_cnt';
  const items = ownerList
    .map((owner) => ({ owner, data: groupData(facts, new Set(facts.groups.filter((g) => g.owner === owner).map((g) => g.chat_id)), from, last + DAY) }))
    .sort((a, b) => (asc ? a.data[key] - b.data[key] : b.data[key] - a.data[key]) || a.owner.localeCompare(b.owner));
  const page = items.slice(offset, offset + limit);
  return { total: items.length, next_offset: offset + page.length, items: page };
}

export async function groupStatisticByDay(ctx: SimContext, corpId: string, body: Body) {
  const { from, last, owners } = readRange(ctx, body);
  const facts = await loadGroupFacts(ctx, corpId, owners);
  const ids = new Set(facts.groups.map((g) => g.chat_id));
  const items = [];
  for (let day = from; day <= last; day += DAY) {
    const d = groupData(facts, ids, day, day + DAY);
    items.push({ stat_time: day, data: d });
  }
  return { items };
}
