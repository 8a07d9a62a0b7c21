// Bulk tag / untag: the target list (a customer filter, or uploaded external_userids) is fixed into one
// item per follow relation when the job is created; a background job marks them through WeCom
// (`mark_tag` is per relation, within the corp's shared quota) and records each failure. Items are the
// progress: a job that dies resumes with what is still pending.
import type pg from 'pg';
import { z } from 'zod';
import { WecomError } from '@pond/wecom';
import type { Scope } from '../../platform/auth';
import { inSavedSegment } from '../segments';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import { defineJob, type Queue } from '../../platform/queue';
import { Params } from '../../platform/sql';
import { customerVisibleSql, ownWorkVisibleSql } from '../../platform/resources';
import { withTransaction } from '../../platform/db';
import type { CorpService } from '../org';
import { appendTimeline, LOCKED_FIRST, lockCustomersInOrder } from '../customers';
import { mapLimit } from '../../platform/concurrency';

export interface BulkSource {
  /** `segmentId`: the members of a saved segment, evaluated when the job is created. */
  filter?: { q?: string; tagIds?: string[]; userid?: string; storeId?: number; segmentId?: number };
  externalUserids?: string[];
}

const jobOut = (j: any) => ({
  id: j.id, action: j.action, tagIds: j.tag_ids, source: j.source, status: j.status, total: j.total, done: j.done, failed: j.failed,
  createdBy: j.created_by, createdAt: j.created_at, finishedAt: j.finished_at,
});

export class BulkTagService {
  readonly job = defineJob({
    name: 'tags.bulk',
    schema: z.object({ jobId: z.number().int() }),
    retryLimit: 10,
    retryDelaySeconds: 30,
    expireInMinutes: 240,
    handler: async ({ jobId }) => this.run(jobId),
  });

  constructor(private pool: pg.Pool, private corps: CorpService, private queue: Queue, private log: Logger) {}

  async create(scope: Scope, input: { action: 'add' | 'remove'; tagIds: string[]; source: BulkSource }, createdBy: string) {
    const { rows: tags } = await this.pool.query('SELECT id FROM tags WHERE corp_id = $1 AND id = ANY($2) AND deleted_at IS NULL', [scope.corpId, input.tagIds]);
    const missing = input.tagIds.find((t) => !tags.some((r) => r.id === t));
    if (missing) throw AppError.validation('tagIds', `no tag ${missing} in this corp`);
    if (!input.source.filter && !input.source.externalUserids) throw AppError.validation('source', 'give a filter or a list of externalUserids');
    const p = new Params();
    const where = [`f.corp_id = ${p.add(scope.corpId)}`, `f.status = 'active'`, customerVisibleSql(scope, p, 'c')];
    if (scope.staffUserid) where.push(`f.userid = ${p.add(scope.staffUserid)}`);
    if (scope.storeIds) where.push(`f.userid IN (SELECT userid FROM staff WHERE corp_id = f.corp_id AND store_id = ANY(${p.add(scope.storeIds)}::bigint[]))`);
    const f = input.source.filter;
    if (input.source.externalUserids) where.push(`f.external_userid = ANY(${p.add(input.source.externalUserids)}::text[])`);
    if (f?.q) where.push(`(c.name ILIKE ${p.add(`%${f.q}%`)} OR f.remark ILIKE ${p.add(`%${f.q}%`)})`);
    if (f?.tagIds?.length) where.push(`f.tag_ids && ${p.add(f.tagIds)}::text[]`);
    if (f?.userid) where.push(`f.userid = ${p.add(f.userid)}`);
    if (f?.storeId) where.push(`f.userid IN (SELECT userid FROM staff WHERE corp_id = f.corp_id AND store_id = ${p.add(f.storeId)})`);
    if (f?.segmentId != null) where.push(await inSavedSegment(this.pool, scope, f.segmentId, p, 'f.external_userid', 'filter.segmentId'));
    const { j, total } = await withTransaction(this.pool, async (client) => {
      const { rows: [job] } = await client.query(
        `INSERT INTO bulk_tag_jobs (corp_id, action, tag_ids, source, created_by, created_by_key) VALUES ($1,$2,$3,$4,$5,$6) RETURNING *`,
        [scope.corpId, input.action, input.tagIds, JSON.stringify(input.source), createdBy, scope.principalKey]);
      const ins = await client.query(
        `INSERT INTO bulk_tag_items (job_id, external_userid, userid)
         SELECT ${job.id}, f.external_userid, f.userid FROM follows f JOIN customers c ON c.corp_id = f.corp_id AND c.external_userid = f.external_userid
         WHERE ${where.join(' AND ')} ON CONFLICT DO NOTHING`, p.values);
      const { rows: [updated] } = await client.query('UPDATE bulk_tag_jobs SET total = $2 WHERE id = $1 RETURNING *', [job.id, ins.rowCount ?? 0]);
      return { j: updated, total: ins.rowCount ?? 0 };
    });
    if (total === 0) {
      await this.pool.query(`UPDATE bulk_tag_jobs SET status = 'done', finished_at = now() WHERE id = $1`, [j.id]);
    } else {
      await this.queue.send(this.job, { jobId: j.id }, { singletonKey: `bulk:${j.id}` });
    }
    return jobOut({ ...j, status: total === 0 ? 'done' : j.status });
  }

  async run(jobId: number): Promise<void> {
    const { rows: [job] } = await this.pool.query('SELECT * FROM bulk_tag_jobs WHERE id = $1', [jobId]);
    if (!job || job.status === 'done' || job.status === 'cancelled') return;
    await this.pool.query(`UPDATE bulk_tag_jobs SET status = 'running' WHERE id = $1`, [jobId]);
    const client = await this.corps.client(job.corp_id);
    for (;;) {
      const { rows: [cur] } = await this.pool.query('SELECT status FROM bulk_tag_jobs WHERE id = $1', [jobId]);
      if (cur.status === 'cancelled') return;
      const { rows: items } = await this.pool.query(
        `SELECT external_userid, userid FROM bulk_tag_items WHERE job_id = $1 AND status = 'pending' LIMIT 100`, [jobId]);
      if (items.length === 0) break;
      const results = await mapLimit(items, 8, async (it) => {
        try {
          await client.markTag({ userid: it.userid, external_userid: it.external_userid, ...(job.action === 'add' ? { add_tag: job.tag_ids } : { remove_tag: job.tag_ids }) });
          return { ...it, ok: true as const };
        } catch (err) {
          // Relation gone (84061) or another per-customer refusal: recorded, the run goes on.
          if (err instanceof WecomError && err.kind === 'api' && !err.isBusy && !err.isTokenError) return { ...it, ok: false as const, error: `${err.errcode} ${err.errmsg}` };
          throw err; // quota, token, network: the job retries and resumes
        }
      });
      const ok = results.filter((r) => r.ok);
      const bad = results.filter((r): r is typeof r & { ok: false; error: string } => !r.ok);
      if (ok.length) {
        const pairs = JSON.stringify(ok.map((r) => ({ e: r.external_userid, u: r.userid })));
        const tagIds = job.action === 'add' ? 'ARRAY(SELECT DISTINCT x FROM unnest(f.tag_ids || $3::text[]) x)' : 'ARRAY(SELECT x FROM unnest(f.tag_ids) x WHERE NOT (x = ANY($3)))';
        // The follows trigger rewrites each relation's customer: those customers are locked in key order first.
        await this.pool.query(
          `${lockCustomersInOrder('SELECT r.e FROM jsonb_to_recordset($2::jsonb) r(e text)')}
           UPDATE follows f SET tag_ids = ${tagIds}, updated_at = now()
           FROM jsonb_to_recordset($2::jsonb) r(e text, u text) WHERE f.corp_id = $1 AND f.external_userid = r.e AND f.userid = r.u AND ${LOCKED_FIRST}`,
          [job.corp_id, pairs, job.tag_ids]);
        await appendTimeline(this.pool, job.corp_id, ok.map((r) => ({
          externalUserid: r.external_userid, type: job.action === 'add' ? 'tag.added' : 'tag.removed', userid: r.userid, occurredAt: new Date(),
          data: { tagIds: job.tag_ids, bulkJobId: jobId }, dedupeKey: `bulk:${jobId}:${r.external_userid}:${r.userid}`,
        })));
        await this.pool.query(
          `UPDATE bulk_tag_items i SET status = 'done' FROM jsonb_to_recordset($2::jsonb) r(e text, u text)
           WHERE i.job_id = $1 AND i.external_userid = r.e AND i.userid = r.u`, [jobId, pairs]);
      }
      for (const b of bad) {
        await this.pool.query(`UPDATE bulk_tag_items SET status = 'failed', error = $4 WHERE job_id = $1 AND external_userid = $2 AND userid = $3`, [jobId, b.external_userid, b.userid, b.error]);
      }
      await this.pool.query(
        `UPDATE bulk_tag_jobs SET done = (SELECT count(*) FROM bulk_tag_items WHERE job_id = $1 AND status = 'done'),
           failed = (SELECT count(*) FROM bulk_tag_items WHERE job_id = $1 AND status = 'failed') WHERE id = $1`, [jobId]);
    }
    await this.pool.query(`UPDATE bulk_tag_jobs SET status = 'done', finished_at = now() WHERE id = $1 AND status = 'running'`, [jobId]);
    this.log.info({ jobId }, 'bulk tag job finished');
  }

  /** The latest jobs; a store manager or staff member sees the ones they started. */
  async list(scope: Scope) {
    const p = new Params();
    const { rows } = await this.pool.query(
      `SELECT * FROM bulk_tag_jobs j WHERE j.corp_id = ${p.add(scope.corpId)} AND ${ownWorkVisibleSql(scope, p, 'j')} ORDER BY j.id DESC LIMIT 50`, p.values);
    return rows.map(jobOut);
  }

  async get(corpId: string, id: number) {
    const { rows: [j] } = await this.pool.query('SELECT * FROM bulk_tag_jobs WHERE corp_id = $1 AND id = $2', [corpId, id]);
    if (!j) throw AppError.notFound(`bulk tag job ${id}`);
    const { rows: failures } = await this.pool.query(
      `SELECT i.external_userid, i.userid, i.error, c.name FROM bulk_tag_items i LEFT JOIN customers c ON c.corp_id = $2 AND c.external_userid = i.external_userid
       WHERE i.job_id = $1 AND i.status = 'failed' LIMIT 1000`, [id, corpId]);
    return { ...jobOut(j), failures: failures.map((f) => ({ externalUserid: f.external_userid, name: f.name, userid: f.userid, error: f.error })) };
  }

  async cancel(corpId: string, id: number) {
    const r = await this.pool.query(`UPDATE bulk_tag_jobs SET status = 'cancelled', finished_at = now() WHERE corp_id = $1 AND id = $2 AND status IN ('queued','running')`, [corpId, id]);
    if (!r.rowCount) throw new AppError('conflict', `bulk tag job ${id} is not running`);
  }
}
