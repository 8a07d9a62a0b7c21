// SQL of fission paths: the path rows, landing-page visits, sign-up submissions and the funnel's per-step reach.
import type { FissionForm, FissionLanding, FissionModel, FissionStatus } from '@pond/contracts/fission';
import type { Row } from '../../platform/db/rows';
import type { Db } from '../rewards';

export type PathRow = Row<'fission_paths'>;

export interface NewPath {
  model: FissionModel;
  name: string;
  startsAt: Date;
  endsAt: Date | null;
  inviteCampaignId: number | null;
  checkinCampaignId: number | null;
  groupCodeId: number | null;
  landing: FissionLanding | null;
  form: FissionForm | null;
}

export async function insertPath(db: Db, corpId: string, p: NewPath, actor: string | null): Promise<PathRow> {
  const { rows: [r] } = await db.query<PathRow>(
    `INSERT INTO fission_paths (corp_id, model, name, starts_at, ends_at, invite_campaign_id, checkin_campaign_id, group_code_id, landing, form, created_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING *`,
    [corpId, p.model, p.name, p.startsAt, p.endsAt, p.inviteCampaignId, p.checkinCampaignId, p.groupCodeId,
      p.landing ? JSON.stringify(p.landing) : null, p.form ? JSON.stringify(p.form) : null, actor]);
  return r;
}

export async function getPath(db: Db, corpId: string, id: number, lock = false): Promise<PathRow | undefined> {
  const { rows } = await db.query<PathRow>(`SELECT * FROM fission_paths WHERE corp_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`, [corpId, id]);
  return rows[0];
}

export async function listPaths(db: Db, corpId: string, model: FissionModel | undefined, limit: number, offset: number): Promise<PathRow[]> {
  const { rows } = await db.query<PathRow>(
    `SELECT * FROM fission_paths WHERE corp_id = $1 AND ($2::text IS NULL OR model = $2) ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4`,
    [corpId, model ?? null, limit, offset]);
  return rows;
}

export async function updatePath(db: Db, r: PathRow, patch: { name?: string; landing?: FissionLanding; form?: FissionForm; status?: FissionStatus }): Promise<PathRow> {
  const { rows: [n] } = await db.query<PathRow>(
    `UPDATE fission_paths SET name = $3, landing = $4, form = $5, status = $6, updated_at = now() WHERE corp_id = $1 AND id = $2 RETURNING *`,
    [r.corp_id, r.id, patch.name ?? r.name, JSON.stringify(patch.landing ?? r.landing), JSON.stringify(patch.form ?? r.form), patch.status ?? r.status]);
  return n;
}

export async function codeOf(db: Db, corpId: string, id: number): Promise<Pick<Row<'live_codes'>, 'id' | 'key' | 'kind' | 'state' | 'status'> | undefined> {
  const { rows } = await db.query<Pick<Row<'live_codes'>, 'id' | 'key' | 'kind' | 'state' | 'status'>>(
    'SELECT id, key, kind, state, status FROM live_codes WHERE corp_id = $1 AND id = $2', [corpId, id]);
  return rows[0];
}

/** One landing-page visit: the visitor's row made or counted again; the customer remembered once known. Returns whether it is their first. */
export async function recordVisit(db: Db, path: PathRow, v: { key: string; unionid: string | null; externalUserid: string | null }): Promise<boolean> {
  const { rows: [r] } = await db.query<{ first: boolean }>(
    `INSERT INTO fission_visits (path_id, visitor_key, corp_id, unionid, external_userid) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (path_id, visitor_key) DO UPDATE SET visits = fission_visits.visits + 1, last_at = now(),
       external_userid = coalesce(EXCLUDED.external_userid, fission_visits.external_userid), unionid = coalesce(EXCLUDED.unionid, fission_visits.unionid)
     RETURNING (xmax = 0) AS first`,
    [path.id, v.key, path.corp_id, v.unionid, v.externalUserid]);
  return r.first;
}

export type SubmissionRow = Row<'fission_submissions'>;

/** The customer's submission, made once: null when they had already submitted. */
export async function insertSubmission(db: Db, path: PathRow, externalUserid: string, answers: Record<string, string>): Promise<SubmissionRow | null> {
  const { rows } = await db.query<SubmissionRow>(
    `INSERT INTO fission_submissions (corp_id, path_id, external_userid, answers) VALUES ($1, $2, $3, $4)
     ON CONFLICT (path_id, external_userid) DO NOTHING RETURNING *`,
    [path.corp_id, path.id, externalUserid, JSON.stringify(answers)]);
  return rows[0] ?? null;
}

export async function submissionOf(db: Db, pathId: number, externalUserid: string): Promise<SubmissionRow | undefined> {
  const { rows } = await db.query<SubmissionRow>('SELECT * FROM fission_submissions WHERE path_id = $1 AND external_userid = $2', [pathId, externalUserid]);
  return rows[0];
}

export async function countSubmissions(db: Db, pathId: number): Promise<number> {
  const { rows: [r] } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM fission_submissions WHERE path_id = $1', [pathId]);
  return r.n;
}

export interface SubmissionListRow extends SubmissionRow { customer_name: string | null; joined_at: Date | null }

/** Submissions, newest first, with the customer's name and when they joined a group of the path's group code. */
export async function submissions(db: Db, path: PathRow, limit: number, offset: number): Promise<{ total: number; rows: SubmissionListRow[] }> {
  const { rows } = await db.query<SubmissionListRow & { total: number }>(
    `SELECT s.*, c.name AS customer_name, j.joined_at, count(*) OVER ()::int AS total
     FROM fission_submissions s
     LEFT JOIN customers c ON c.corp_id = s.corp_id AND c.external_userid = s.external_userid
     LEFT JOIN LATERAL (${groupJoinSql('s')}) j ON true
     WHERE s.path_id = $1 ORDER BY s.id DESC LIMIT $2 OFFSET $3`,
    [path.id, limit, offset]);
  return { total: rows[0]?.total ?? 0, rows };
}

/** When the submitter (alias `s`) first joined a group through the path's group code (its `state`). */
const groupJoinSql = (s: string) => `
  SELECT min(coalesce(m.join_time, m.updated_at)) AS joined_at FROM group_members m
  JOIN fission_paths fp ON fp.id = ${s}.path_id
  JOIN live_codes gc ON gc.corp_id = fp.corp_id AND gc.id = fp.group_code_id
  WHERE m.corp_id = ${s}.corp_id AND m.member_id = ${s}.external_userid AND m.type = 2 AND m.state = gc.state`;

/**
 * Every step's people with when they reached it (`who`, `at`): one SELECT per step, aligned with the model's steps.
 * The people of a linked campaign's steps are those who entered it (their poster, their paid enrolment) within the
 * path's window — `$2` (starts_at) to `$3` (ends_at, null: open) of `stepDays` — so a campaign linked to a new path
 * brings none of its earlier participants into the funnel; the later steps of those who did count whenever reached.
 */
export function stepSql(p: PathRow, unlockFriends: number): string[] {
  const inv = Number(p.invite_campaign_id);
  const chk = Number(p.checkin_campaign_id);
  const within = (at: string) => `${at} >= $2 AND ($3::timestamptz IS NULL OR ${at} < $3)`;
  const poster = `SELECT external_userid AS who, joined_at AS at FROM invite_participants WHERE campaign_id = ${inv} AND ${within('joined_at')}`;
  const credited = (n: number) => `
    SELECT ip.external_userid AS who,
      (SELECT k.event_at FROM invite_credits k WHERE k.participant_id = ip.id AND k.status = 'credited' ORDER BY k.event_at, k.id OFFSET ${n - 1} LIMIT 1) AS at
    FROM invite_participants ip WHERE ip.campaign_id = ${inv} AND ip.credited >= ${n} AND ${within('ip.joined_at')}`;
  const enrolled = `FROM checkin_enrolments e WHERE e.campaign_id = ${chk} AND e.order_id IS NOT NULL AND ${within('e.created_at')}`;
  switch (p.model) {
    case 'spread': return [
      poster,
      credited(1),
      `SELECT r.external_userid AS who, min(r.created_at) AS at FROM rewards r WHERE r.campaign_id = ${inv} AND r.source = 'invite' AND r.state <> 'void'
         AND EXISTS (SELECT 1 FROM invite_participants ip WHERE ip.campaign_id = ${inv} AND ip.external_userid = r.external_userid AND ${within('ip.joined_at')})
       GROUP BY 1`,
    ];
    case 'product': return [
      `SELECT e.external_userid AS who, min(e.created_at) AS at ${enrolled} GROUP BY 1`,
      `SELECT e.external_userid AS who, min(d.at) AS at ${enrolled.replace('FROM checkin_enrolments e', 'FROM checkin_enrolments e JOIN checkin_days d ON d.enrolment_id = e.id')} GROUP BY 1`,
      `SELECT e.external_userid AS who, min(e.completed_at) AS at ${enrolled} AND e.completed_at IS NOT NULL GROUP BY 1`,
      `SELECT r.external_userid AS who, min(r.created_at) AS at FROM rewards r WHERE r.campaign_id = ${chk} AND r.kind = 'cashback' AND r.state <> 'void'
         AND EXISTS (SELECT 1 ${enrolled} AND r.source_ref = 'cashback:' || e.id)
       GROUP BY 1`,
    ];
    case 'service': return [
      `SELECT visitor_key AS who, first_at AS at FROM fission_visits WHERE path_id = ${p.id}`,
      poster,
      unlockFriends > 0 ? credited(unlockFriends) : poster,
      `SELECT external_userid AS who, created_at AS at FROM fission_submissions WHERE path_id = ${p.id}`,
      `SELECT s.external_userid AS who, j.joined_at AS at FROM fission_submissions s, LATERAL (${groupJoinSql('s')}) j WHERE s.path_id = ${p.id} AND j.joined_at IS NOT NULL`,
    ];
  }
}

/** Each step's people per corp day (the steps of `stepSql` for the path `p`). */
export async function stepDays(db: Db, p: PathRow, steps: string[], tz: string): Promise<{ step: number; day: string; n: number }[]> {
  const sql = steps.map((s, i) => `SELECT ${i} AS step, (x.at AT TIME ZONE $1)::date::text AS day, count(*)::int AS n FROM (${s}) x WHERE x.at IS NOT NULL GROUP BY 2`).join('\nUNION ALL\n');
  const { rows } = await db.query<{ step: number; day: string; n: number }>(sql, [tz, p.starts_at, p.ends_at]);
  return rows;
}

/** Service paths: landing-page views and the customers among the visitors. */
export async function landingFigures(db: Db, pathId: number): Promise<{ views: number; customers: number }> {
  const { rows: [r] } = await db.query<{ views: number; customers: number }>(
    'SELECT coalesce(sum(visits), 0)::int AS views, count(external_userid)::int AS customers FROM fission_visits WHERE path_id = $1', [pathId]);
  return r;
}

// ---- linking existing campaigns ----

/** The path a campaign is linked to (by any step), if any. */
export async function pathOfCampaign(db: Db, campaignId: number): Promise<Pick<PathRow, 'id' | 'name'> | undefined> {
  const { rows } = await db.query<Pick<PathRow, 'id' | 'name'>>(
    'SELECT id, name FROM fission_paths WHERE invite_campaign_id = $1 OR checkin_campaign_id = $1 LIMIT 1', [campaignId]);
  return rows[0];
}

/** The campaign, locked: a link and the campaign's own changes (status, window) go one after the other. */
export async function lockCampaign(db: Db, corpId: string, id: number): Promise<Row<'campaigns'> | undefined> {
  const { rows } = await db.query<Row<'campaigns'>>('SELECT * FROM campaigns WHERE corp_id = $1 AND id = $2 FOR UPDATE', [corpId, id]);
  return rows[0];
}

/**
 * Campaigns a path could link: those `linkable` admits (the service's LINKABLE_SQL, over `campaigns c`: kind, config, not
 * ended), linked to no path; newest first, with their participants. The filter is applied before the limit.
 */
export async function linkCandidates(db: Db, corpId: string, linkable: string, limit: number): Promise<(Row<'campaigns'> & { participants: number })[]> {
  const { rows } = await db.query<Row<'campaigns'> & { participants: number }>(
    `SELECT c.*, (SELECT count(*)::int FROM campaign_participants p WHERE p.campaign_id = c.id) AS participants
     FROM campaigns c
     WHERE c.corp_id = $1 AND (${linkable})
       AND NOT EXISTS (SELECT 1 FROM fission_paths fp WHERE fp.invite_campaign_id = c.id OR fp.checkin_campaign_id = c.id)
     ORDER BY c.created_at DESC, c.id DESC LIMIT $2`,
    [corpId, limit]);
  return rows;
}

/** A draft path's links and window (linking another campaign may take its end). */
export async function setLinks(db: Db, r: PathRow, l: { inviteCampaignId: number | null; checkinCampaignId: number | null; groupCodeId: number | null; endsAt: Date | null }): Promise<PathRow> {
  const { rows: [n] } = await db.query<PathRow>(
    `UPDATE fission_paths SET invite_campaign_id = $3, checkin_campaign_id = $4, group_code_id = $5, ends_at = $6, updated_at = now()
     WHERE corp_id = $1 AND id = $2 RETURNING *`,
    [r.corp_id, r.id, l.inviteCampaignId, l.checkinCampaignId, l.groupCodeId, l.endsAt]);
  return n;
}
