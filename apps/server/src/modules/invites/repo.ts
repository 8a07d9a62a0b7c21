// The invites module's SQL: participants (with their counters), visits of their links, credits (one per campaign
// and friend), tiers reached and cached posters. Every function takes the corp or a row already scoped to one.
import type { Row } from '../../platform/db/rows';
import { VISIT_WINDOW } from '../live-codes';
import type { Db } from '../rewards';

export type ParticipantRow = Row<'invite_participants'>;
export type VisitRow = Row<'invite_visits'>;
export type CreditRow = Row<'invite_credits'>;
export type CreditStatus = CreditRow['status'];

export async function participantByToken(db: Db, token: string): Promise<ParticipantRow | null> {
  const { rows } = await db.query<ParticipantRow>('SELECT * FROM invite_participants WHERE token = $1', [token]);
  return rows[0] ?? null;
}

export async function participantOf(db: Db, campaignId: number, externalUserid: string, lock = false): Promise<ParticipantRow | null> {
  const { rows } = await db.query<ParticipantRow>(
    `SELECT * FROM invite_participants WHERE campaign_id = $1 AND external_userid = $2${lock ? ' FOR UPDATE' : ''}`, [campaignId, externalUserid]);
  return rows[0] ?? null;
}

export async function lockParticipant(db: Db, id: number): Promise<ParticipantRow> {
  const { rows: [p] } = await db.query<ParticipantRow>('SELECT * FROM invite_participants WHERE id = $1 FOR UPDATE', [id]);
  return p;
}

export async function insertParticipant(db: Db, p: { corpId: string; campaignId: number; externalUserid: string; token: string; unionid: string | null; openid: string | null }): Promise<ParticipantRow | null> {
  const { rows } = await db.query<ParticipantRow>(
    `INSERT INTO invite_participants (corp_id, campaign_id, external_userid, token, unionid, openid, userid)
     SELECT $1, $2, $3, $4, coalesce($5, c.unionid), $6, cp.userid
     FROM (SELECT 1) one
     LEFT JOIN customers c ON c.corp_id = $1 AND c.external_userid = $3
     LEFT JOIN campaign_participants cp ON cp.campaign_id = $2 AND cp.external_userid = $3
     ON CONFLICT (campaign_id, external_userid) DO NOTHING RETURNING *`,
    [p.corpId, p.campaignId, p.externalUserid, p.token, p.unionid, p.openid]);
  return rows[0] ?? null;
}

/** Whether this WeChat user already followed a staff member of the corp (before scanning). */
export async function isCustomerByUnionid(db: Db, corpId: string, unionid: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM customers c JOIN follows f ON f.corp_id = c.corp_id AND f.external_userid = c.external_userid
     WHERE c.corp_id = $1 AND c.unionid = $2 AND f.status = 'active' LIMIT 1`, [corpId, unionid]);
  return rows.length > 0;
}

export async function insertVisit(db: Db, v: Omit<VisitRow, 'id' | 'created_at'>): Promise<number> {
  const { rows: [r] } = await db.query<{ id: number }>(
    `INSERT INTO invite_visits (corp_id, campaign_id, participant_id, visitor_key, unionid, openid, ip, code_visit_id, was_customer)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id`,
    [v.corp_id, v.campaign_id, v.participant_id, v.visitor_key, v.unionid, v.openid, v.ip, v.code_visit_id, v.was_customer]);
  return r.id;
}

/** The newest visit of the campaign's links by this WeChat user, up to `at` (VISIT_WINDOW back at most, as live codes' visits). */
export async function visitByUnionid(db: Db, campaignId: number, unionid: string, at: Date): Promise<VisitRow | null> {
  const { rows } = await db.query<VisitRow>(
    `SELECT * FROM invite_visits WHERE campaign_id = $1 AND unionid = $2 AND created_at <= $3::timestamptz + interval '5 seconds'
       AND created_at > $3::timestamptz - $4::interval
     ORDER BY created_at DESC LIMIT 1`, [campaignId, unionid, at, VISIT_WINDOW]);
  return rows[0] ?? null;
}

export async function visitByCodeVisit(db: Db, codeVisitId: number): Promise<VisitRow | null> {
  const { rows } = await db.query<VisitRow>('SELECT * FROM invite_visits WHERE code_visit_id = $1', [codeVisitId]);
  return rows[0] ?? null;
}

/** The live code and visit an add event was attributed to (live-codes' attribution, written before the enrich). */
export async function attributionOf(db: Db, corpId: string, inboxId: number): Promise<{ code_id: number | null; visit_id: number | null; added_at: Date } | null> {
  const { rows } = await db.query<Pick<Row<'attributions'>, 'code_id' | 'visit_id' | 'added_at'>>(
    'SELECT code_id, visit_id, added_at FROM attributions WHERE corp_id = $1 AND inbox_id = $2', [corpId, inboxId]);
  return rows[0] ?? null;
}

/** Active invite campaigns routing through this live code (rules: `add`-like or `group`). */
export async function campaignsForCode(db: Db, corpId: string, codeId: number, group: boolean): Promise<Row<'campaigns'>[]> {
  const { rows } = await db.query<Row<'campaigns'>>(
    `SELECT * FROM campaigns WHERE corp_id = $1 AND kind = 'invite' AND status = 'active' AND (config->>'codeId')::bigint = $2
       AND (config->>'rule' = 'group') = $3 ORDER BY id`, [corpId, codeId, group]);
  return rows;
}

/** Of these live codes, those an active invite campaign counts adds through (rules `add`, `add_and_stay`). */
export async function codesWithAddCampaigns(db: Db, corpId: string, codeIds: number[]): Promise<number[]> {
  const { rows } = await db.query<{ code_id: number }>(
    `SELECT DISTINCT (config->>'codeId')::bigint AS code_id FROM campaigns
     WHERE corp_id = $1 AND kind = 'invite' AND status = 'active' AND config->>'rule' <> 'group' AND (config->>'codeId')::bigint = ANY($2::bigint[])`,
    [corpId, codeIds]);
  return rows.map((r) => Number(r.code_id));
}

export async function codeByState(db: Db, corpId: string, state: string): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(`SELECT id FROM live_codes WHERE corp_id = $1 AND state = $2 AND kind = 'group'`, [corpId, state]);
  return rows[0]?.id ?? null;
}

export async function customerUnionid(db: Db, corpId: string, externalUserid: string): Promise<string | null> {
  const { rows } = await db.query<{ unionid: string | null }>('SELECT unionid FROM customers WHERE corp_id = $1 AND external_userid = $2', [corpId, externalUserid]);
  return rows[0]?.unionid ?? null;
}

export async function groupMember(db: Db, corpId: string, chatId: string, memberId: string): Promise<Pick<Row<'group_members'>, 'unionid' | 'state' | 'join_time' | 'left_at'> | null> {
  const { rows } = await db.query<Pick<Row<'group_members'>, 'unionid' | 'state' | 'join_time' | 'left_at'>>(
    'SELECT unionid, state, join_time, left_at FROM group_members WHERE corp_id = $1 AND chat_id = $2 AND member_id = $3', [corpId, chatId, memberId]);
  return rows[0] ?? null;
}

/**
 * Whether the friend was someone the corp knew before the scan: a relation with any staff member that began before
 * it (an add on the timeline, or a follow), or — for group fission — a join of one of the code's groups before it.
 */
export async function knownBefore(db: Db, corpId: string, externalUserid: string, before: Date, codeId: number | null): Promise<boolean> {
  // WeCom's times are whole seconds: an add in the second of the scan came after it.
  const { rows: [r] } = await db.query<{ known: boolean }>(
    `WITH b AS (SELECT date_trunc('second', $3::timestamptz) AS t)
     SELECT EXISTS (SELECT 1 FROM follows f WHERE f.corp_id = $1 AND f.external_userid = $2 AND f.added_at < (SELECT t FROM b))
         OR EXISTS (SELECT 1 FROM customer_events e WHERE e.corp_id = $1 AND e.external_userid = $2 AND e.type = 'customer.added' AND e.occurred_at < (SELECT t FROM b))
         OR ($4::bigint IS NOT NULL AND EXISTS (
              SELECT 1 FROM group_members m JOIN live_code_groups g ON g.chat_id = m.chat_id AND g.code_id = $4
              WHERE m.corp_id = $1 AND m.member_id = $2 AND m.join_time < (SELECT t FROM b))) AS known`,
    [corpId, externalUserid, before, codeId]);
  return r.known;
}

export async function followActive(db: Db, corpId: string, externalUserid: string, userid: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM follows WHERE corp_id = $1 AND external_userid = $2 AND userid = $3 AND status = 'active'`, [corpId, externalUserid, userid]);
  return rows.length > 0;
}

export async function inGroup(db: Db, corpId: string, chatId: string, externalUserid: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM group_members WHERE corp_id = $1 AND chat_id = $2 AND member_id = $3 AND left_at IS NULL', [corpId, chatId, externalUserid]);
  return rows.length > 0;
}

/** Friends of the campaign (not voided) whose scan came from this IP within a day before `at`. */
export async function creditsFromIp(db: Db, campaignId: number, ip: string, at: Date): Promise<number> {
  const { rows: [r] } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM invite_credits WHERE campaign_id = $1 AND ip = $2 AND status <> 'voided' AND event_at > $3::timestamptz - interval '1 day'`,
    [campaignId, ip, at]);
  return r.n;
}

/** The participant's friends credited (not voided) within `seconds` before `at`. */
export async function recentCredits(db: Db, participantId: number, at: Date, seconds: number): Promise<number> {
  const { rows: [r] } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM invite_credits WHERE participant_id = $1 AND status <> 'voided' AND event_at > $2::timestamptz - make_interval(secs => $3)`,
    [participantId, at, seconds]);
  return r.n;
}

export async function insertCredit(db: Db, c: Omit<CreditRow, 'id' | 'created_at' | 'decided_by' | 'decided_at'>): Promise<CreditRow | null> {
  const { rows } = await db.query<CreditRow>(
    `INSERT INTO invite_credits (corp_id, campaign_id, participant_id, invitee_external_userid, visit_id, kind, userid, chat_id, status, reason, flags, ip, event_at, hold_until)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)
     ON CONFLICT (campaign_id, invitee_external_userid) DO NOTHING RETURNING *`,
    [c.corp_id, c.campaign_id, c.participant_id, c.invitee_external_userid, c.visit_id, c.kind, c.userid, c.chat_id, c.status, c.reason, c.flags, c.ip, c.event_at, c.hold_until]);
  return rows[0] ?? null;
}

export async function creditById(db: Db, id: number, lock = false): Promise<CreditRow | null> {
  const { rows } = await db.query<CreditRow>(`SELECT * FROM invite_credits WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ?? null;
}

/** Changes a credit's status from what it was read as; false when it changed meanwhile. */
export async function setCreditStatus(db: Db, id: number, from: CreditStatus, to: CreditStatus, f: { reason?: string | null; by?: string | null } = {}): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE invite_credits SET status = $3, reason = coalesce($4, reason), decided_by = coalesce($5, decided_by),
       decided_at = CASE WHEN $5::text IS NOT NULL THEN now() ELSE decided_at END
     WHERE id = $1 AND status = $2`, [id, from, to, f.reason ?? null, f.by ?? null]);
  return !!rowCount;
}

const bucket = (s: CreditStatus) => (s === 'credited' ? 'credited' : s === 'voided' ? 'voided' : 'pending');

/** Keeps the participant's counters in line with a credit that entered `to` (from `from`, or new). */
export async function moveCounters(db: Db, participantId: number, from: CreditStatus | null, to: CreditStatus): Promise<void> {
  const d = { credited: 0, pending: 0, voided: 0 };
  if (from) d[bucket(from)] -= 1;
  d[bucket(to)] += 1;
  if (from && bucket(from) === bucket(to)) return;
  await db.query(
    `UPDATE invite_participants SET credited = credited + $2, pending = pending + $3, voided = voided + $4,
       credited_at = CASE WHEN $2 > 0 THEN now() ELSE credited_at END WHERE id = $1`,
    [participantId, d.credited, d.pending, d.voided]);
}

/** Open credits of a friend's relation (pending or in review, within the holding period) that its end voids. */
export async function openCreditsOfRelation(db: Db, corpId: string, externalUserid: string, rel: { userid: string } | { chatId: string }, at: Date): Promise<CreditRow[]> {
  const { rows } = await db.query<CreditRow>(
    `SELECT * FROM invite_credits WHERE corp_id = $1 AND invitee_external_userid = $2 AND status IN ('pending', 'review') AND hold_until > $4
       AND ${'userid' in rel ? "kind = 'add' AND userid = $3" : "kind = 'group' AND chat_id = $3"}`,
    [corpId, externalUserid, 'userid' in rel ? rel.userid : rel.chatId, at]);
  return rows;
}

export async function dueCredits(db: Db, now: Date, limit: number): Promise<CreditRow[]> {
  const { rows } = await db.query<CreditRow>(
    `SELECT * FROM invite_credits WHERE status = 'pending' AND hold_until <= $1 ORDER BY hold_until, id LIMIT $2`, [now, limit]);
  return rows;
}

export async function insertTier(db: Db, t: { participantId: number; friends: number; corpId: string; campaignId: number }): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO invite_tiers (participant_id, friends, corp_id, campaign_id) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING`,
    [t.participantId, t.friends, t.corpId, t.campaignId]);
  return !!rowCount;
}

export async function setTierReward(db: Db, participantId: number, friends: number, rewardId: number): Promise<void> {
  await db.query('UPDATE invite_tiers SET reward_id = $3 WHERE participant_id = $1 AND friends = $2', [participantId, friends, rewardId]);
}

export type TierToNotify = Row<'invite_tiers'> & { external_userid: string; userid: string | null; name: string | null; campaign_name: string };

export async function tiersToNotify(db: Db, limit: number): Promise<TierToNotify[]> {
  const { rows } = await db.query<TierToNotify>(
    `SELECT t.*, p.external_userid, p.userid, c.name, cp.name AS campaign_name
     FROM invite_tiers t JOIN invite_participants p ON p.id = t.participant_id
     JOIN campaigns cp ON cp.id = t.campaign_id
     LEFT JOIN customers c ON c.corp_id = p.corp_id AND c.external_userid = p.external_userid
     WHERE t.notified_at IS NULL ORDER BY t.reached_at LIMIT $1`, [limit]);
  return rows;
}

export async function markNotified(db: Db, participantId: number, friends: number): Promise<void> {
  await db.query('UPDATE invite_tiers SET notified_at = now() WHERE participant_id = $1 AND friends = $2', [participantId, friends]);
}

export async function tiersOf(db: Db, participantId: number): Promise<(Row<'invite_tiers'> & { state: string | null; coupon_code: string | null })[]> {
  const { rows } = await db.query<Row<'invite_tiers'> & { state: string | null; coupon_code: string | null }>(
    `SELECT t.*, r.state, r.coupon_code FROM invite_tiers t LEFT JOIN rewards r ON r.id = t.reward_id WHERE t.participant_id = $1`, [participantId]);
  return rows;
}

export async function friendsOf(db: Db, participantId: number, limit: number): Promise<{ name: string | null; status: CreditStatus; event_at: Date }[]> {
  const { rows } = await db.query<{ name: string | null; status: CreditStatus; event_at: Date }>(
    `SELECT coalesce(c.name, m.name) AS name, k.status, k.event_at FROM invite_credits k
     LEFT JOIN customers c ON c.corp_id = k.corp_id AND c.external_userid = k.invitee_external_userid
     LEFT JOIN group_members m ON m.corp_id = k.corp_id AND m.chat_id = k.chat_id AND m.member_id = k.invitee_external_userid
     WHERE k.participant_id = $1 ORDER BY k.event_at DESC, k.id DESC LIMIT $2`, [participantId, limit]);
  return rows;
}

export async function leaderboard(db: Db, campaignId: number, limit: number): Promise<{ id: number; name: string | null; credited: number }[]> {
  const { rows } = await db.query<{ id: number; name: string | null; credited: number }>(
    `SELECT p.id, c.name, p.credited FROM invite_participants p
     LEFT JOIN customers c ON c.corp_id = p.corp_id AND c.external_userid = p.external_userid
     WHERE p.campaign_id = $1 AND p.credited > 0 ORDER BY p.credited DESC, p.credited_at, p.id LIMIT $2`, [campaignId, limit]);
  return rows;
}

export async function rankOf(db: Db, p: ParticipantRow): Promise<number | null> {
  if (p.credited <= 0) return null;
  const { rows: [r] } = await db.query<{ n: number }>(
    `SELECT count(*)::int + 1 AS n FROM invite_participants WHERE campaign_id = $1 AND credited > 0
       AND (credited > $2 OR (credited = $2 AND (credited_at, id) < ($3::timestamptz, $4::bigint)))`,
    [p.campaign_id, p.credited, p.credited_at, p.id]);
  return r.n;
}

export async function cachedPoster(db: Db, participantId: number, hash: string): Promise<Buffer | null> {
  const { rows } = await db.query<{ png: Buffer }>('SELECT png FROM invite_posters WHERE participant_id = $1 AND hash = $2', [participantId, hash]);
  return rows[0]?.png ?? null;
}

export async function storePoster(db: Db, participantId: number, hash: string, png: Buffer): Promise<void> {
  // One poster kept per participant: a new hash (the campaign's copy changed) replaces the old ones.
  await db.query('DELETE FROM invite_posters WHERE participant_id = $1 AND hash <> $2', [participantId, hash]);
  await db.query('INSERT INTO invite_posters (participant_id, hash, png) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING', [participantId, hash, png]);
}

export async function numbers(db: Db, campaignId: number) {
  const { rows: [r] } = await db.query<{
    participants: number; active: number; scanned: number; invitees: number; pending: number; review: number; credited: number; voided: number;
  }>(
    `SELECT (SELECT count(*)::int FROM invite_participants WHERE campaign_id = $1) AS participants,
            (SELECT count(*)::int FROM invite_participants WHERE campaign_id = $1 AND credited > 0) AS active,
            (SELECT count(DISTINCT visitor_key)::int FROM invite_visits WHERE campaign_id = $1) AS scanned,
            count(k.id)::int AS invitees,
            count(k.id) FILTER (WHERE k.status = 'pending')::int AS pending,
            count(k.id) FILTER (WHERE k.status = 'review')::int AS review,
            count(k.id) FILTER (WHERE k.status = 'credited')::int AS credited,
            count(k.id) FILTER (WHERE k.status = 'voided')::int AS voided
     FROM invite_credits k WHERE k.campaign_id = $1`, [campaignId]);
  const { rows: tiers } = await db.query<{ friends: number; n: number }>(
    'SELECT friends, count(*)::int AS n FROM invite_tiers WHERE campaign_id = $1 GROUP BY friends', [campaignId]);
  const { rows: reasons } = await db.query<{ reason: string; n: number }>(
    `SELECT coalesce(reason, 'unknown') AS reason, count(*)::int AS n FROM invite_credits WHERE campaign_id = $1 AND status = 'voided' GROUP BY 1 ORDER BY 2 DESC`, [campaignId]);
  return { ...r, tiers: new Map(tiers.map((t) => [t.friends, t.n])), reasons };
}

export async function participants(db: Db, campaignId: number, limit: number, offset: number) {
  const { rows } = await db.query<ParticipantRow & { name: string | null; tiers: number; total: number }>(
    `SELECT p.*, c.name, (SELECT count(*)::int FROM invite_tiers t WHERE t.participant_id = p.id) AS tiers, count(*) OVER ()::int AS total
     FROM invite_participants p LEFT JOIN customers c ON c.corp_id = p.corp_id AND c.external_userid = p.external_userid
     WHERE p.campaign_id = $1 ORDER BY p.credited DESC, p.credited_at, p.id LIMIT $2 OFFSET $3`, [campaignId, limit, offset]);
  return rows;
}

export async function credits(db: Db, campaignId: number, status: CreditStatus | undefined, limit: number, offset: number, id?: number) {
  const { rows } = await db.query<CreditRow & { inviter: string; inviter_name: string | null; invitee_name: string | null; total: number }>(
    `SELECT k.*, p.external_userid AS inviter, pc.name AS inviter_name, coalesce(c.name, m.name) AS invitee_name, count(*) OVER ()::int AS total
     FROM invite_credits k JOIN invite_participants p ON p.id = k.participant_id
     LEFT JOIN customers pc ON pc.corp_id = p.corp_id AND pc.external_userid = p.external_userid
     LEFT JOIN customers c ON c.corp_id = k.corp_id AND c.external_userid = k.invitee_external_userid
     LEFT JOIN group_members m ON m.corp_id = k.corp_id AND m.chat_id = k.chat_id AND m.member_id = k.invitee_external_userid
     WHERE k.campaign_id = $1 AND ($2::text IS NULL OR k.status = $2) AND ($5::bigint IS NULL OR k.id = $5) ORDER BY k.id DESC LIMIT $3 OFFSET $4`,
    [campaignId, status ?? null, limit, offset, id ?? null]);
  return rows;
}

export async function codeKey(db: Db, corpId: string, codeId: number): Promise<{ key: string; kind: string; status: string } | null> {
  const { rows } = await db.query<Pick<Row<'live_codes'>, 'key' | 'kind' | 'status'>>('SELECT key, kind, status FROM live_codes WHERE corp_id = $1 AND id = $2', [corpId, codeId]);
  return rows[0] ?? null;
}

export async function staffName(db: Db, corpId: string, userid: string | null): Promise<string | null> {
  if (!userid) return null;
  const { rows } = await db.query<{ name: string }>('SELECT name FROM staff WHERE corp_id = $1 AND userid = $2', [corpId, userid]);
  return rows[0]?.name ?? null;
}
