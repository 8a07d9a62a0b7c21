// What the CSV imports read and write: customers by external_userid or unionid, their attributes, and leads.
import type pg from 'pg';
import type { Cols, Row } from '../../platform/db/rows';

type Queryable = Pick<pg.Pool, 'query'>;

/** The customers with these ids (`external_userid` or `unionid`), as id → external_userid. */
export async function customersBy(db: Queryable, corpId: string, idCol: 'external_userid' | 'unionid', ids: string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<Cols<'customers', 'external_userid'> & { k: string }>(
    idCol === 'external_userid'
      ? 'SELECT external_userid, external_userid AS k FROM customers WHERE corp_id = $1 AND external_userid = ANY($2)'
      : 'SELECT external_userid, unionid AS k FROM customers WHERE corp_id = $1 AND unionid = ANY($2)',
    [corpId, ids]);
  return new Map(rows.map((r) => [r.k, r.external_userid]));
}

/** A customer with this unionid, if any. */
export async function customerByUnionid(db: Queryable, corpId: string, unionid: string): Promise<string | null> {
  const { rows: [c] } = await db.query<Cols<'customers', 'external_userid'>>(
    'SELECT external_userid FROM customers WHERE corp_id = $1 AND unionid = $2 LIMIT 1', [corpId, unionid]);
  return c?.external_userid ?? null;
}

/** Sets attributes (a value per customer and key; a key already set is overwritten). */
export async function upsertAttributes(db: Queryable, corpId: string, values: { ext: string; key: string; value: string }[]): Promise<void> {
  if (values.length === 0) return;
  await db.query(
    `INSERT INTO customer_attributes (corp_id, external_userid, key, value)
     SELECT $1, r.e, r.k, r.v FROM unnest($2::text[], $3::text[], $4::text[]) AS r(e, k, v)
     ON CONFLICT (corp_id, external_userid, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [corpId, values.map((g) => g.ext), values.map((g) => g.key), values.map((g) => g.value)]);
}

/** Stores a lead, or adds to the one with its unionid (what was known stays unless the new row says more). */
export async function upsertLead(
  db: Queryable, corpId: string,
  lead: Cols<'leads', 'unionid' | 'openid' | 'nickname' | 'source' | 'matched_external_userid'> & { attributes: Record<string, string> },
): Promise<void> {
  await db.query(
    `INSERT INTO leads (corp_id, unionid, openid, nickname, source, attributes, matched_external_userid) VALUES ($1,$2,$3,$4,$5,$6,$7)
     ON CONFLICT (corp_id, unionid) DO UPDATE SET openid = coalesce(EXCLUDED.openid, leads.openid), nickname = coalesce(EXCLUDED.nickname, leads.nickname),
       attributes = leads.attributes || EXCLUDED.attributes, matched_external_userid = coalesce(EXCLUDED.matched_external_userid, leads.matched_external_userid), updated_at = now()`,
    [corpId, lead.unionid, lead.openid, lead.nickname, lead.source, JSON.stringify(lead.attributes), lead.matched_external_userid]);
}

export type LeadRow = Omit<Row<'leads'>, 'attributes'> & { attributes: Record<string, string>; total: number };

/** A page of leads, the newest first, each row with the count of all. */
export async function listLeads(db: Queryable, corpId: string, page: number, pageSize: number): Promise<LeadRow[]> {
  const { rows } = await db.query<LeadRow>(
    'SELECT *, count(*) OVER ()::int AS total FROM leads WHERE corp_id = $1 ORDER BY created_at DESC LIMIT $2 OFFSET $3', [corpId, pageSize, (page - 1) * pageSize]);
  return rows;
}
