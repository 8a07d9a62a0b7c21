// The demo corp: departments (head office, a region, two stores), 10 staff, ~200 customers with
// follow relations, remarks and corp tags spread over the last 60 days, and ~10 groups of 5–60
// members with 30 days of what they said in them. Everything comes from a PRNG seeded by the corp
// id and every id is derived from it, so running it again changes nothing (ON CONFLICT DO NOTHING).
// No callbacks: this is the state Pond finds when it first syncs.
import type { SimContext } from '../context';
import type { Sql } from '../db';
import { num } from '../db';
import { getCorp, upsertCorp, type CorpInput } from '../corps';
import { ControlError } from '../errors';
import { avatarDataUrl, externalUseridFor, hashId, seededRandom } from '../ids';
import { upsertDepartments, upsertStaff } from '../org';
import type { Int8, SimStaffRow } from '../rows';
import {
  CHANNELS,
  DEMO_CORP_NAME,
  DEMO_DEPARTMENTS,
  DEMO_GROUPS,
  DEMO_STAFF,
  DEMO_TAG_GROUPS,
  PERSONAL_TAGS,
  REMARKS,
  STORES,
  pickNickname,
  pickWeighted,
} from './demo-data';

export interface SeedDemoOptions extends Partial<Omit<CorpInput, 'corpId'>> {
  corpId: string;
  /** Number of simulated customers (default 200). */
  customers?: number;
  /** Number of customer groups (default 10). */
  groups?: number;
}

export interface SeedSummary {
  corpId: string;
  departments: number;
  staff: number;
  customers: number;
  follows: number;
  groups: number;
  groupMembers: number;
  tagGroups: number;
  tags: number;
}

const DAY = 86_400;
const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';

interface Follow {
  userid: string;
  ext: string;
  createtime: number;
  addWay: number;
  state: string;
  operUserid: string;
  remark: string;
  description: string;
  tagIds: string[];
  personalTags: string[];
}

export async function seedDemo(ctx: SimContext, opts: SeedDemoOptions): Promise<SeedSummary> {
  const { customers: nCustomers = 200, groups: nGroups = 10, ...corpInput } = opts;
  if (!Number.isInteger(nCustomers) || nCustomers < 0 || nCustomers > 100_000) throw new ControlError('customers: a whole number 0–100000');
  if (!Number.isInteger(nGroups) || nGroups < 0 || nGroups > 1000) throw new ControlError('groups: a whole number 0–1000');
  const existing = await getCorp(ctx, opts.corpId);
  await upsertCorp(ctx, existing ? corpInput : { name: DEMO_CORP_NAME, ...corpInput });
  const corpId = opts.corpId;
  const rand = seededRandom(`pond-demo|${corpId}`);
  // A separate stream, so adding personal tags left every other demo value as it was.
  const randPersonal = seededRandom(`pond-demo-personal|${corpId}`);
  const personalTags = (): string[] => {
    if (randPersonal() >= 0.2) return [];
    const n = randPersonal() < 0.7 ? 1 : 2;
    const out = new Set<string>();
    for (let k = 0; k < n; k++) out.add(PERSONAL_TAGS[Math.floor(randPersonal() * PERSONAL_TAGS.length)]);
    return [...out];
  };
  const id = (kind: string, n: number, len = 30) => hashId(`demo|${corpId}|${kind}|${n}`, len);
  const now = ctx.clock.now();
  const nowSec = Math.floor(now / 1000);

  // Tags: deterministic ids per group and name.
  const tagIdOf = new Map<string, string>();
  const tagGroups = DEMO_TAG_GROUPS.map((g, gi) => ({
    groupId: 'et' + id(`tg:${g.name}`, gi),
    name: g.name,
    order: g.order,
    tags: g.tags.map((t, ti) => {
      const tid = 'et' + id(`tag:${g.name}:${t}`, ti);
      tagIdOf.set(t, tid);
      return { id: tid, name: t, order: g.tags.length - ti };
    }),
  }));
  const levels = [
    { weight: 60, tag: '普通会员' },
    { weight: 25, tag: '银卡会员' },
    { weight: 12, tag: '金卡会员' },
    { weight: 3, tag: '钻石会员' },
  ];
  const interests = DEMO_TAG_GROUPS[1].tags;

  // Customers and their follow relations.
  const users: { id: string; nickname: string; gender: number; unionid: string; openid: string; createdAt: number }[] = [];
  const follows: Follow[] = [];
  const storeOf = new Map<string, number>();
  for (let i = 0; i < nCustomers; i++) {
    const wid = 'wxid_' + hashId(`demo|${corpId}|wx|${i}`, 14, LOWER);
    const nickname = pickNickname(rand);
    const g = rand();
    const gender = g < 0.45 ? 2 : g < 0.85 ? 1 : 0;
    const store = rand() < 0.55 ? 0 : 1;
    const guide = STORES[store].guides[Math.floor(rand() * STORES[store].guides.length)];
    const channel = pickWeighted(rand, CHANNELS);
    const createtime = nowSec - Math.floor(rand() * 60 * DAY);
    const tags = [tagIdOf.get(pickWeighted(rand, levels).tag)!];
    const nInterests = Math.floor(rand() * 3);
    for (let k = 0; k < nInterests; k++) tags.push(tagIdOf.get(interests[Math.floor(rand() * interests.length)])!);
    if (channel.tag) tags.push(tagIdOf.get(channel.tag)!);
    const remark = rand() < 0.3 ? `${nickname}·${REMARKS[Math.floor(rand() * REMARKS.length)]}` : '';
    const description = rand() < 0.1 ? REMARKS[Math.floor(rand() * REMARKS.length)] : '';
    const ext = externalUseridFor(corpId, wid);
    users.push({
      id: wid,
      nickname,
      gender,
      unionid: 'o' + hashId(`demo|${corpId}|union|${i}`, 27),
      openid: 'o' + hashId(`demo|${corpId}|open|${i}`, 27),
      createdAt: createtime * 1000,
    });
    storeOf.set(ext, store);
    follows.push({
      userid: guide,
      ext,
      createtime,
      addWay: channel.addWay,
      state: channel.state ?? STORES[store].state,
      operUserid: ext,
      remark: remark.slice(0, 20),
      description,
      tagIds: [...new Set(tags)].sort(),
      personalTags: personalTags(),
    });
    if (rand() < 0.15) {
      const second = guide === STORES[store].manager ? 'chensiyuan' : STORES[store].manager;
      follows.push({
        userid: second,
        ext,
        createtime: Math.min(nowSec, createtime + Math.floor(rand() * 10 * DAY)),
        addWay: 3,
        state: '',
        operUserid: ext,
        remark: '',
        description: '',
        tagIds: [tags[0]],
        personalTags: [],
      });
    }
  }

  // Groups: owners are staff, members are customers (mostly of the owner's store) and staff.
  const customersOfStore = (s: number) => follows.filter((f) => f.operUserid === f.ext && (s < 0 || storeOf.get(f.ext) === s)).map((f) => f.ext);
  const groups: { chatId: string; name: string; owner: string; createTime: number; version: string }[] = [];
  const members: { chatId: string; memberId: string; type: number; wechatUserId: string | null; join: number; scene: number; invitor: string | null }[] = [];
  const wechatOf = new Map(users.map((u) => [externalUseridFor(corpId, u.id), u.id]));
  for (let k = 0; k < nGroups; k++) {
    const def = DEMO_GROUPS[k % DEMO_GROUPS.length];
    const round = Math.floor(k / DEMO_GROUPS.length);
    const chatId = 'wr' + id('group', k);
    const createTime = nowSec - Math.floor((30 + rand() * 30) * DAY);
    groups.push({ chatId, name: round ? `${def.name}${round + 1}` : def.name, owner: def.owner, createTime, version: id('memver', k, 32) });
    members.push({ chatId, memberId: def.owner, type: 1, wechatUserId: null, join: createTime, scene: 1, invitor: null });
    const helper = def.store >= 0 ? STORES[def.store].manager : 'linxiao';
    if (helper !== def.owner) members.push({ chatId, memberId: helper, type: 1, wechatUserId: null, join: createTime + 60, scene: 1, invitor: def.owner });
    const pool = [...new Set(customersOfStore(def.store))];
    const want = Math.min(pool.length, 5 + Math.floor(rand() * 56));
    for (let m = 0; m < want; m++) {
      const pick = pool.splice(Math.floor(rand() * pool.length), 1)[0];
      const s = rand();
      const scene = s < 0.6 ? 3 : s < 0.9 ? 1 : 2;
      members.push({
        chatId,
        memberId: pick,
        type: 2,
        wechatUserId: wechatOf.get(pick) ?? null,
        join: createTime + Math.floor(rand() * (nowSec - createTime)),
        scene,
        invitor: scene === 3 ? null : def.owner,
      });
    }
  }

  // What members said in their groups over the last 30 days (group statistics count it): each group
  // has its own liveliness, from nearly silent to a few dozen lines a day.
  const lines: { chatId: string; memberId: string; customer: boolean; at: number }[] = [];
  for (const g of groups) {
    const perDay = Math.floor(rand() * rand() * 30);
    const inGroup = members.filter((m) => m.chatId === g.chatId);
    for (let d = 30; d >= 1 && perDay > 0; d--) {
      const dayStart = nowSec - d * DAY;
      const present = inGroup.filter((m) => m.join < dayStart);
      for (let n = Math.floor(rand() * 2 * perDay); n > 0 && present.length; n--) {
        const m = present[Math.floor(rand() * present.length)];
        lines.push({ chatId: g.chatId, memberId: m.memberId, customer: m.type === 2, at: dayStart + Math.floor(rand() * DAY) });
      }
    }
  }

  // 1:1 chats over the last 30 days (get_user_behavior_data counts them): some customers write, the member answers
  // after a few minutes (or not), and members reach out on their own.
  const chats: { userid: string; ext: string; toCustomer: boolean; at: number }[] = [];
  for (const f of follows) {
    const talks = Math.floor(rand() * rand() * 6);
    for (let t = 0; t < talks; t++) {
      const at = Math.max(f.createtime, nowSec - 30 * DAY) + Math.floor(rand() * Math.max(1, nowSec - Math.max(f.createtime, nowSec - 30 * DAY) - DAY));
      const byCustomer = rand() < 0.6;
      chats.push({ userid: f.userid, ext: f.ext, toCustomer: !byCustomer, at });
      if (byCustomer && rand() < 0.8) chats.push({ userid: f.userid, ext: f.ext, toCustomer: true, at: at + 60 + Math.floor(rand() * 1800) });
    }
  }

  await ctx.db.tx(async (tx) => {
    await tx.q(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`wecom-sim:seed:${corpId}`]);
    await upsertDepartments(tx, corpId, DEMO_DEPARTMENTS);
    const known = await tx.q<Pick<SimStaffRow, 'userid'>>(`SELECT userid FROM {s}.staff WHERE corp_id = $1`, [corpId]);
    await upsertStaff(
      tx,
      corpId,
      DEMO_STAFF.filter((s) => !known.some((k) => k.userid === s.userid)).map((s) => ({
        ...s,
        mobile: '138' + hashId(`demo|${corpId}|mobile|${s.userid}`, 8, '0123456789'),
        email: `${s.userid}@pond-demo.example`,
        avatar: avatarDataUrl(s.name),
      })),
      now - 90 * DAY * 1000,
    );
    await insertTags(tx, corpId, tagGroups, nowSec - 90 * DAY);
    await tx.q(
      `INSERT INTO {s}.wechat_users (id, nickname, avatar, gender, unionid, openid, created_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::bigint[])
       ON CONFLICT DO NOTHING`,
      [
        users.map((u) => u.id),
        users.map((u) => u.nickname),
        users.map((u) => avatarDataUrl(u.nickname)),
        users.map((u) => u.gender),
        users.map((u) => u.unionid),
        users.map((u) => u.openid),
        users.map((u) => u.createdAt),
      ],
    );
    await tx.q(
      `INSERT INTO {s}.customers (corp_id, external_userid, wechat_user_id, created_at)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[]) ON CONFLICT DO NOTHING`,
      [corpId, users.map((u) => externalUseridFor(corpId, u.id)), users.map((u) => u.id), users.map((u) => u.createdAt)],
    );
    await tx.q(
      `INSERT INTO {s}.follows (corp_id, userid, external_userid, status, remark, description, tag_ids, createtime_sec, add_way,
                                oper_userid, state, updated_at, personal_tags)
       SELECT $1, f.userid, f.ext, 'active', f.remark, f.description,
              ARRAY(SELECT jsonb_array_elements_text(f.tags)), f.createtime, f.add_way, f.oper, f.state, $11,
              ARRAY(SELECT jsonb_array_elements_text(f.personal))
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::bigint[], $8::int[], $9::text[], $10::text[], $12::jsonb[])
           AS f(userid, ext, remark, description, tags, createtime, add_way, oper, state, personal)
       ON CONFLICT DO NOTHING`,
      [
        corpId,
        follows.map((f) => f.userid),
        follows.map((f) => f.ext),
        follows.map((f) => f.remark),
        follows.map((f) => f.description),
        follows.map((f) => JSON.stringify(f.tagIds)),
        follows.map((f) => f.createtime),
        follows.map((f) => f.addWay),
        follows.map((f) => f.operUserid),
        follows.map((f) => f.state),
        now,
        follows.map((f) => JSON.stringify(f.personalTags)),
      ],
    );
    await tx.q(
      `INSERT INTO {s}.groups (corp_id, chat_id, name, owner, notice, create_time_sec, member_version)
       SELECT $1, g.chat_id, g.name, g.owner, '欢迎加入！群内每周三发福利 (Welcome! Offers every Wednesday)', g.ct, g.ver
         FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[]) AS g(chat_id, name, owner, ct, ver)
       ON CONFLICT DO NOTHING`,
      [corpId, groups.map((g) => g.chatId), groups.map((g) => g.name), groups.map((g) => g.owner), groups.map((g) => g.createTime), groups.map((g) => g.version)],
    );
    await tx.q(
      `INSERT INTO {s}.group_members (corp_id, chat_id, member_id, type, wechat_user_id, join_time_sec, join_scene, invitor)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::bigint[], $7::int[], $8::text[])
       ON CONFLICT DO NOTHING`,
      [
        corpId,
        members.map((m) => m.chatId),
        members.map((m) => m.memberId),
        members.map((m) => m.type),
        members.map((m) => m.wechatUserId),
        members.map((m) => m.join),
        members.map((m) => m.scene),
        members.map((m) => m.invitor),
      ],
    );
    // Only on the first seed: lines have no natural key to skip on conflict.
    await tx.q(
      `INSERT INTO {s}.messages (corp_id, kind, direction, external_userid, userid, chat_id, ref_id, payload, created_at)
       SELECT $1, 'group_chat', 'in_group', CASE WHEN l.customer THEN l.member_id END, CASE WHEN NOT l.customer THEN l.member_id END,
              l.chat_id, l.member_id, '{"msgtype":"text","text":{"content":"…"}}'::jsonb, l.at * 1000
         FROM unnest($2::text[], $3::text[], $4::bool[], $5::bigint[]) AS l(chat_id, member_id, customer, at)
        WHERE NOT EXISTS (SELECT 1 FROM {s}.corps c WHERE c.corp_id = $1 AND c.seeded_at IS NOT NULL)`,
      [corpId, lines.map((l) => l.chatId), lines.map((l) => l.memberId), lines.map((l) => l.customer), lines.map((l) => l.at)],
    );
    await tx.q(
      `INSERT INTO {s}.messages (corp_id, kind, direction, external_userid, userid, payload, created_at)
       SELECT $1, 'chat', CASE WHEN l.to_customer THEN 'to_customer' ELSE 'from_customer' END, l.ext, l.userid, '{"msgtype":"text","text":{"content":"…"}}'::jsonb, l.at * 1000
         FROM unnest($2::text[], $3::text[], $4::bool[], $5::bigint[]) AS l(userid, ext, to_customer, at)
        WHERE NOT EXISTS (SELECT 1 FROM {s}.corps c WHERE c.corp_id = $1 AND c.seeded_at IS NOT NULL)`,
      [corpId, chats.map((c) => c.userid), chats.map((c) => c.ext), chats.map((c) => c.toCustomer), chats.map((c) => c.at)],
    );
    await tx.q(`UPDATE {s}.corps SET seeded_at = coalesce(seeded_at, $2) WHERE corp_id = $1`, [corpId, now]);
  });
  return summarize(ctx.db, corpId);
}

async function insertTags(tx: Sql, corpId: string, groups: { groupId: string; name: string; order: number; tags: { id: string; name: string; order: number }[] }[], createSec: number) {
  await tx.q(
    `INSERT INTO {s}.tag_groups (corp_id, group_id, name, sort, create_time_sec)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[]) ON CONFLICT DO NOTHING`,
    [corpId, groups.map((g) => g.groupId), groups.map((g) => g.name), groups.map((g) => g.order), groups.map(() => createSec)],
  );
  const tags = groups.flatMap((g) => g.tags.map((t) => ({ ...t, groupId: g.groupId })));
  await tx.q(
    `INSERT INTO {s}.tags (corp_id, id, group_id, name, sort, create_time_sec)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[]) ON CONFLICT DO NOTHING`,
    [corpId, tags.map((t) => t.id), tags.map((t) => t.groupId), tags.map((t) => t.name), tags.map((t) => t.order), tags.map(() => createSec)],
  );
}

async function summarize(sql: Sql, corpId: string): Promise<SeedSummary> {
  const r = (await sql.one<Record<'departments' | 'staff' | 'customers' | 'follows' | 'groups' | 'group_members' | 'tag_groups' | 'tags', Int8>>(
    `SELECT (SELECT count(*) FROM {s}.departments WHERE corp_id = $1) AS departments,
            (SELECT count(*) FROM {s}.staff WHERE corp_id = $1 AND status = 1) AS staff,
            (SELECT count(DISTINCT external_userid) FROM {s}.follows WHERE corp_id = $1 AND status IN ('active', 'half', 'customer_deleted')) AS customers,
            (SELECT count(*) FROM {s}.follows WHERE corp_id = $1 AND status IN ('active', 'half', 'customer_deleted')) AS follows,
            (SELECT count(*) FROM {s}.groups WHERE corp_id = $1 AND dismissed_at IS NULL) AS groups,
            (SELECT count(*) FROM {s}.group_members WHERE corp_id = $1 AND left_at IS NULL) AS group_members,
            (SELECT count(*) FROM {s}.tag_groups WHERE corp_id = $1 AND NOT deleted) AS tag_groups,
            (SELECT count(*) FROM {s}.tags WHERE corp_id = $1 AND NOT deleted) AS tags`,
    [corpId],
  ))!;
  return {
    corpId,
    departments: num(r.departments),
    staff: num(r.staff),
    customers: num(r.customers),
    follows: num(r.follows),
    groups: num(r.groups),
    groupMembers: num(r.group_members),
    tagGroups: num(r.tag_groups),
    tags: num(r.tags),
  };
}
