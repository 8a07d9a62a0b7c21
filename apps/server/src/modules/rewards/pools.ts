// Coupon pools: a pool's face value, threshold and validity, and its codes — imported from the shop (CSV, one code per
// line, first column; a header line `code` is skipped) or generated with a prefix. A code is unique in the corp (the
// order webhook names codes without their pool); duplicates are counted, not added. Codes are handed out by
// takeCode (coupons.ts) and redeemed by orders that carry them.
import { randomInt } from 'node:crypto';
import type pg from 'pg';
import { COUPON_CODE_RE, MAX_CODES_PER_IMPORT, type CodeImportReport, type CouponPool } from '@pond/contracts/rewards';
import { withTransaction } from '../../platform/db';
import type { Row } from '../../platform/db/rows';
import { AppError } from '../../platform/errors';
import { Params } from '../../platform/sql';

type PoolRow = Row<'coupon_pools'>;
type Counts = CouponPool['counts'];
export interface PoolInput {
  name: string; faceValueFen: number; thresholdFen: number; validUntil: Date | null; validDays: number | null; useUrl: string | null;
}

/** Most rejected lines an import report lists (rejectedTotal counts them all). */
export const MAX_REJECTED_LISTED = 200;
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function toPool(r: PoolRow, counts: Counts): CouponPool {
  return {
    id: r.id, name: r.name, faceValueFen: r.face_value_fen, thresholdFen: r.threshold_fen, validUntil: r.valid_until, validDays: r.valid_days,
    useUrl: r.use_url, counts, createdBy: r.created_by, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export class CouponPools {
  constructor(private pool: pg.Pool) {}

  private async counts(corpId: string, ids: number[]): Promise<Map<number, Counts>> {
    const { rows } = await this.pool.query<{ pool_id: number; state: keyof Counts; n: number }>(
      'SELECT pool_id, state, count(*)::int AS n FROM coupon_codes WHERE corp_id = $1 AND pool_id = ANY($2::bigint[]) GROUP BY pool_id, state', [corpId, ids]);
    const out = new Map<number, Counts>(ids.map((id) => [id, { available: 0, claimed: 0, redeemed: 0, void: 0 }]));
    for (const r of rows) out.get(r.pool_id)![r.state] = r.n;
    return out;
  }

  async list(corpId: string): Promise<CouponPool[]> {
    const { rows } = await this.pool.query<PoolRow>('SELECT * FROM coupon_pools WHERE corp_id = $1 ORDER BY id DESC', [corpId]);
    const counts = await this.counts(corpId, rows.map((r) => r.id));
    return rows.map((r) => toPool(r, counts.get(r.id)!));
  }

  async get(corpId: string, id: number): Promise<CouponPool> {
    const { rows: [r] } = await this.pool.query<PoolRow>('SELECT * FROM coupon_pools WHERE corp_id = $1 AND id = $2', [corpId, id]);
    if (!r) throw AppError.notFound(`coupon pool ${id}`);
    return toPool(r, (await this.counts(corpId, [id])).get(id)!);
  }

  async create(corpId: string, input: PoolInput, actor: string): Promise<CouponPool> {
    const { rows: [r] } = await this.pool.query<PoolRow>(
      `INSERT INTO coupon_pools (corp_id, name, face_value_fen, threshold_fen, valid_until, valid_days, use_url, created_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING *`,
      [corpId, input.name, input.faceValueFen, input.thresholdFen, input.validUntil, input.validDays, input.useUrl, actor]);
    return toPool(r, { available: 0, claimed: 0, redeemed: 0, void: 0 });
  }

  async update(corpId: string, id: number, patch: Partial<PoolInput>): Promise<CouponPool> {
    const p = new Params();
    const cols: [string, unknown][] = [['name', patch.name], ['face_value_fen', patch.faceValueFen], ['threshold_fen', patch.thresholdFen],
      ['valid_until', patch.validUntil], ['valid_days', patch.validDays], ['use_url', patch.useUrl]];
    const sets = cols.filter(([, v]) => v !== undefined).map(([c, v]) => `${c} = ${p.add(v)}`);
    await this.pool.query(`UPDATE coupon_pools SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE corp_id = ${p.add(corpId)} AND id = ${p.add(id)}`, p.values);
    return this.get(corpId, id);
  }

  /** Deletes a pool none of whose codes was handed out and that no prize or reward names. */
  async remove(corpId: string, id: number): Promise<void> {
    await withTransaction(this.pool, async (db) => {
      await db.query('SELECT 1 FROM coupon_pools WHERE corp_id = $1 AND id = $2 FOR UPDATE', [corpId, id]);
      const { rows: [u] } = await db.query<{ codes: boolean; prizes: boolean; rewards: boolean; campaigns: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM coupon_codes WHERE corp_id = $1 AND pool_id = $2 AND state IN ('claimed', 'redeemed')) AS codes,
                EXISTS (SELECT 1 FROM lottery_prizes WHERE corp_id = $1 AND coupon_pool_id = $2) AS prizes,
                EXISTS (SELECT 1 FROM rewards WHERE corp_id = $1 AND coupon_pool_id = $2) AS rewards,
                EXISTS (SELECT 1 FROM campaigns WHERE corp_id = $1 AND config->>'couponPoolId' = $2::text) AS campaigns`, [corpId, id]);
      if (u.codes || u.rewards) throw new AppError('conflict', `coupon pool ${id} has codes handed out: it is kept for their record (优惠券已发放，不能删除)`);
      if (u.campaigns) throw new AppError('conflict', `coupon pool ${id} is an offer's pool: pick another pool there first (活动正在使用该券库)`);
      if (u.prizes) throw new AppError('conflict', `coupon pool ${id} is a lottery prize's pool: remove it from the prize first (奖品正在使用该券库)`);
      await db.query('DELETE FROM coupon_pools WHERE corp_id = $1 AND id = $2', [corpId, id]);
    });
  }

  /** Adds the codes of a CSV (first column), reporting every refused line by its number; one transaction. */
  async importCsv(corpId: string, poolId: number, text: string): Promise<CodeImportReport> {
    if (!text.trim()) throw AppError.validation('body', 'is empty: send the CSV (one code per line) as text/csv');
    const lines = text.replace(/^\ufeff/, '').split(/\r\n|\n|\r/);
    const rejected: CodeImportReport['rejected'] = [];
    let rejectedTotal = 0;
    const seen = new Set<string>();
    let dupInFile = 0;
    const codes: string[] = [];
    lines.forEach((raw, i) => {
      const line = i + 1;
      const cell = (raw.split(',')[0] ?? '').trim().replace(/^"(.*)"$/, '$1').trim();
      if (!cell) return;
      if (line === 1 && /^(code|codes|券码|优惠码|coupon_?code)$/i.test(cell)) return;
      const reason = !COUPON_CODE_RE.test(cell) ? 'must be 4-64 letters, digits, _ or - (券码格式不正确)' : null;
      if (reason) {
        rejectedTotal++;
        if (rejected.length < MAX_REJECTED_LISTED) rejected.push({ line, value: cell.slice(0, 80), reason });
        return;
      }
      if (seen.has(cell)) { dupInFile++; return; }
      seen.add(cell);
      codes.push(cell);
    });
    if (codes.length > MAX_CODES_PER_IMPORT) throw AppError.validation('body', `has ${codes.length} codes: at most ${MAX_CODES_PER_IMPORT} per import`);
    const added = codes.length ? await this.insert(corpId, poolId, codes) : 0;
    return { added, duplicates: dupInFile + (codes.length - added), rejected, rejectedTotal };
  }

  /** Generates `count` new codes `<prefix><10 random characters>` (no 0/O/1/I), all added. */
  async generate(corpId: string, poolId: number, count: number, prefix: string): Promise<{ added: number; sample: string[] }> {
    const sample: string[] = [];
    let added = 0;
    return withTransaction(this.pool, async (db) => {
      for (let round = 0; added < count && round < 5; round++) {
        const batch = new Set<string>();
        while (batch.size < count - added) {
          let s = prefix;
          for (let i = 0; i < 10; i++) s += ALPHABET[randomInt(ALPHABET.length)];
          batch.add(s);
        }
        const got = await this.insertWith(db, corpId, poolId, [...batch]);
        added += got.length;
        sample.push(...got.slice(0, Math.max(0, 5 - sample.length)));
      }
      if (added < count) throw new AppError('conflict', `could not make ${count} unique codes with prefix "${prefix}"`);
      return { added, sample };
    });
  }

  private insert(corpId: string, poolId: number, codes: string[]): Promise<number> {
    return withTransaction(this.pool, async (db) => (await this.insertWith(db, corpId, poolId, codes)).length);
  }

  private async insertWith(db: Pick<pg.PoolClient, 'query'>, corpId: string, poolId: number, codes: string[]): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < codes.length; i += 5000) {
      const { rows } = await db.query<{ code: string }>(
        `INSERT INTO coupon_codes (corp_id, code, pool_id) SELECT $1, c, $2 FROM unnest($3::text[]) c ON CONFLICT (corp_id, code) DO NOTHING RETURNING code`,
        [corpId, poolId, codes.slice(i, i + 5000)]);
      out.push(...rows.map((r) => r.code));
    }
    return out;
  }

  async codes(corpId: string, poolId: number, q: { state?: string; q?: string; page: number; pageSize: number }) {
    const p = new Params();
    const w = [`corp_id = ${p.add(corpId)}`, `pool_id = ${p.add(poolId)}`];
    if (q.state) w.push(`state = ${p.add(q.state)}`);
    if (q.q) w.push(`code ILIKE ${p.add(`%${q.q.replace(/[\\%_]/g, '\\$&')}%`)}`);
    const { rows: [n] } = await this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM coupon_codes WHERE ${w.join(' AND ')}`, p.values);
    const { rows } = await this.pool.query<Row<'coupon_codes'>>(
      `SELECT * FROM coupon_codes WHERE ${w.join(' AND ')} ORDER BY created_at DESC, code LIMIT ${p.add(q.pageSize)} OFFSET ${p.add((q.page - 1) * q.pageSize)}`, p.values);
    return {
      total: n.n,
      items: rows.map((r) => ({
        code: r.code, state: r.state, externalUserid: r.external_userid, rewardId: r.reward_id, campaignId: r.campaign_id,
        claimedAt: r.claimed_at, expiresAt: r.expires_at, redeemedAt: r.redeemed_at, orderId: r.order_id,
      })),
    };
  }
}
