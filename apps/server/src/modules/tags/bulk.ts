// Bulk tag / untag: the target list (a customer filter, or uploaded external_userids) is fixed into one
// item per follow relation when the job is created; a background job marks them through WeCom
// (`mark_tag` is per relation, within the corp's shared quota) and records each failure. Items are the
// progress: a job that dies resumes with what is still pending.
import type pg from 'pg';
import { z } from 'zod';
import { WecomError } from '@pond/wecom';
import type { BulkTagAction, BulkTagSource } from '@pond/contracts/tags';
import type { Scope } from '../../platform/auth';
import { inSavedSegment } from '../segments';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import { defineJob, type Queue } from '../../platform/queue';
import { Params } from '../../platform/sql';
import type { CorpService } from '../org';
import { appendTimeline } from '../customers';
import { mapLimit } from '../../platform/concurrency';
import {
  applyBulkTags, bulkTagFailures, bulkTagJobStatus, bulkTagTargetConditions, cancelBulkTagJob, countBulkTagProgress, findBulkTagJob,
  finishBulkTagJob, insertBulkTagJob, listBulkTagJobs, liveTagIds, markBulkTagItemFailed, markBulkTagItemsDone, pendingBulkTagItems,
  setBulkTagJobRunning, type BulkTagJobRow,
} from './repo';

const jobOut = (j: BulkTagJobRow) => ({
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

  async create(scope: Scope, input: { action: BulkTagAction; tagIds: string[]; source: BulkTagSource }, createdBy: string) {
    const live = await liveTagIds(this.pool, scope.corpId, input.tagIds);
    const missing = input.tagIds.find((t) => !live.includes(t));
    if (missing) throw AppError.validation('tagIds', `no tag ${missing} in this corp`);
    if (!input.source.filter && !input.source.externalUserids) throw AppError.validation('source', 'give a filter or a list of externalUserids');
    const p = new Params();
    const where = bulkTagTargetConditions(scope, input.source, p);
    const segmentId = input.source.filter?.segmentId;
    if (segmentId != null) where.push(await inSavedSegment(this.pool, scope, segmentId, p, 'f.external_userid', 'filter.segmentId'));
    const j = await insertBulkTagJob(this.pool, scope, input, createdBy, where.join(' AND '), p);
    if (j.status !== 'done') await this.queue.send(this.job, { jobId: j.id }, { singletonKey: `bulk:${j.id}` });
    return jobOut(j);
  }

  async run(jobId: number): Promise<void> {
    const job = await findBulkTagJob(this.pool, jobId);
    if (!job || job.status === 'done' || job.status === 'cancelled') return;
    await setBulkTagJobRunning(this.pool, jobId);
    const client = await this.corps.client(job.corp_id);
    for (;;) {
      if ((await bulkTagJobStatus(this.pool, jobId)) === 'cancelled') return;
      const items = await pendingBulkTagItems(this.pool, jobId, 100);
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
        await applyBulkTags(this.pool, job, ok);
        await appendTimeline(this.pool, job.corp_id, ok.map((r) => ({
          externalUserid: r.external_userid, type: job.action === 'add' ? 'tag.added' : 'tag.removed', userid: r.userid, occurredAt: new Date(),
          data: { tagIds: job.tag_ids, bulkJobId: jobId }, dedupeKey: `bulk:${jobId}:${r.external_userid}:${r.userid}`,
        })));
        await markBulkTagItemsDone(this.pool, jobId, ok);
      }
      for (const b of bad) await markBulkTagItemFailed(this.pool, jobId, b, b.error);
      await countBulkTagProgress(this.pool, jobId);
    }
    await finishBulkTagJob(this.pool, jobId);
    this.log.info({ jobId }, 'bulk tag job finished');
  }

  /** The latest jobs; a store manager or staff member sees the ones they started. */
  async list(scope: Scope) {
    return (await listBulkTagJobs(this.pool, scope)).map(jobOut);
  }

  async get(corpId: string, id: number) {
    const j = await findBulkTagJob(this.pool, id, corpId);
    if (!j) throw AppError.notFound(`bulk tag job ${id}`);
    const failures = await bulkTagFailures(this.pool, corpId, id);
    return { ...jobOut(j), failures: failures.map((f) => ({ externalUserid: f.external_userid, name: f.name, userid: f.userid, error: f.error })) };
  }

  async cancel(corpId: string, id: number) {
    if (!(await cancelBulkTagJob(this.pool, corpId, id))) throw new AppError('conflict', `bulk tag job ${id} is not running`);
  }
}
