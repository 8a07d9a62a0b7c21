// What the phone view shows about one simulated WeChat user, across every simulated corp.
import type { SimContext } from '../context';
import { num } from '../db';
import type { Int8, SimCorpRow, SimFollowRow, SimGroupRow, SimStaffRow } from '../rows';

export interface PhoneContact {
  corpId: string;
  corpName: string;
  userid: string;
  name: string;
  avatar: string;
  position: string;
  status: string;
  since: number;
}

export async function contactsOf(ctx: SimContext, wechatUserId: string): Promise<PhoneContact[]> {
  const rows = await ctx.db.q<
    Pick<SimFollowRow, 'corp_id' | 'userid' | 'status' | 'createtime_sec'> & Pick<SimStaffRow, 'name' | 'avatar' | 'position'> & { corp_name: SimCorpRow['name'] }
  >(
    `SELECT f.corp_id, co.name AS corp_name, f.userid, s.name, s.avatar, s.position, f.status, f.createtime_sec
       FROM {s}.customers c
       JOIN {s}.follows f ON f.corp_id = c.corp_id AND f.external_userid = c.external_userid
       JOIN {s}.staff s ON s.corp_id = f.corp_id AND s.userid = f.userid
       JOIN {s}.corps co ON co.corp_id = c.corp_id
      WHERE c.wechat_user_id = $1 AND f.status IN ('active', 'half')
      ORDER BY f.createtime_sec DESC`,
    [wechatUserId],
  );
  return rows.map((r) => ({
    corpId: r.corp_id,
    corpName: r.corp_name,
    userid: r.userid,
    name: r.name,
    avatar: r.avatar,
    position: r.position,
    status: r.status,
    since: num(r.createtime_sec) * 1000,
  }));
}

export async function groupsOf(ctx: SimContext, wechatUserId: string) {
  const rows = await ctx.db.q<Pick<SimGroupRow, 'chat_id' | 'name' | 'corp_id'> & { corp_name: SimCorpRow['name']; members: Int8 }>(
    `SELECT g.chat_id, g.name, g.corp_id, co.name AS corp_name,
            (SELECT count(*) FROM {s}.group_members x WHERE x.corp_id = g.corp_id AND x.chat_id = g.chat_id AND x.left_at IS NULL) AS members
       FROM {s}.group_members m
       JOIN {s}.groups g ON g.corp_id = m.corp_id AND g.chat_id = m.chat_id AND g.dismissed_at IS NULL
       JOIN {s}.corps co ON co.corp_id = g.corp_id
      WHERE m.wechat_user_id = $1 AND m.left_at IS NULL
      ORDER BY m.join_time_sec DESC`,
    [wechatUserId],
  );
  return rows.map((r) => ({ chatId: r.chat_id, name: r.name, corpName: r.corp_name, members: num(r.members) }));
}

/** Groups of corps the person already knows (or every corp when none), minus the ones they are in. */
export async function joinableGroups(ctx: SimContext, wechatUserId: string) {
  const rows = await ctx.db.q<Pick<SimGroupRow, 'chat_id' | 'name'> & { corp_name: SimCorpRow['name']; members: Int8 }>(
    `SELECT g.chat_id, g.name, co.name AS corp_name,
            (SELECT count(*) FROM {s}.group_members x WHERE x.corp_id = g.corp_id AND x.chat_id = g.chat_id AND x.left_at IS NULL) AS members
       FROM {s}.groups g JOIN {s}.corps co ON co.corp_id = g.corp_id
      WHERE g.dismissed_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM {s}.group_members m WHERE m.corp_id = g.corp_id AND m.chat_id = g.chat_id AND m.wechat_user_id = $1 AND m.left_at IS NULL)
      ORDER BY g.corp_id, g.create_time_sec DESC
      LIMIT 50`,
    [wechatUserId],
  );
  return rows.map((r) => ({ chatId: r.chat_id, name: r.name, corpName: r.corp_name, members: num(r.members) }));
}

export async function staffDirectory(ctx: SimContext) {
  const rows = await ctx.db.q<Pick<SimStaffRow, 'corp_id' | 'userid' | 'name' | 'position'> & { corp_name: SimCorpRow['name'] }>(
    `SELECT s.corp_id, co.name AS corp_name, s.userid, s.name, s.position FROM {s}.staff s JOIN {s}.corps co ON co.corp_id = s.corp_id
      WHERE s.status = 1 AND s.is_follow_user ORDER BY co.created_at, s.created_at, s.userid LIMIT 500`,
  );
  return rows.map((r) => ({ corpId: r.corp_id, corpName: r.corp_name, userid: r.userid, name: r.name, position: r.position }));
}

/** Each corp's time zone: the phone shows a corp's messages and orders in that corp's zone. */
export async function corpZones(ctx: SimContext): Promise<Map<string, string>> {
  const rows = await ctx.db.q<Pick<SimCorpRow, 'corp_id' | 'timezone'>>(`SELECT corp_id, timezone FROM {s}.corps`);
  return new Map(rows.map((r) => [r.corp_id, r.timezone]));
}
