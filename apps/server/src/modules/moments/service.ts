// Moments (客户朋友圈, WECOM.md §11). A moment is composed in Pond (text + up to 9 images, or a video, or a link, from
// the media library; visible to chosen staff/departments and customers with some corp tags; now or scheduled) and
// issued with one add_moment_task; WeCom's job is polled for the moment id; each sender gets a post_moment task
// (an app message through the task inbox, reminders at the operator's offsets) until WeCom reports them published;
// reach, likes and comments are read per sender and the likes and comments land on the customers' timelines, with
// an optional auto-tag on the relation of an engaged customer with the sender. With the corp's `countMoments` on,
// every customer the moment would show to is planned against their contact budget when it is issued and settled
// as sent once WeCom reports they can see it (released if it never reaches them, or on cancel).
//
// Exactly once: one add_moment_task per moment, however often the job or the request runs.
// - A claimant takes the moment (scheduled and due, or a claim whose 2-minute lease ran out before a jobid was
//   stored) with a token, writes `call_started_at` under that token, then calls. The lease outlasts the longest
//   WeCom call (WECOM_JOB_TIMEOUT_MS, 60 s), so a claimant only takes over once an earlier call has ended.
// - WeCom answering with an error means nothing was made: the mark is cleared (retry later, or failed).
// - No answer (timeout, connection lost): the next claimant finds `call_started_at` set and looks for the moment
//   in get_moment_list (corp moments since the call, same text and attachments, not held by another moment of
//   Pond's) before it calls again; WeCom's job has finished by then (it takes seconds; the lease is 2 minutes).
// - The first jobid stored wins; a claimant whose jobid comes second (a late answer) cancels its moment in WeCom.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { z } from 'zod';
import { WecomArgumentError, WecomError, type AddMomentTaskRequest, type Moment as WecomMoment, type MomentAttachment as WecomMomentAttachment, type WecomClient } from '@pond/wecom';
import type { Content } from '@pond/contracts/content';
import type { WelcomeAttachment } from '@pond/contracts/welcome';
import {
  MOMENT_LIMITS, type MomentDetailOutput, type MomentInteractionQuery, type MomentListQuery, type MomentOutput, type MomentParsed, type MomentPreviewOutput, type MomentPreviewInput,
  type MomentVisibility, type StoredMomentAttachment,
} from '@pond/contracts/moments';
import type { Scope } from '../../platform/auth';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import { defineClock, defineJob, EVERY_MINUTE, type Queue } from '../../platform/queue';
import { mapLimit } from '../../platform/concurrency';
import { withTransaction } from '../../platform/db';
import { corpZone, formatDateTime } from '../../platform/time';
import type { CorpService } from '../org';
import type { MediaService } from '../media';
import type { GovernanceService } from '../governance';
import type { TaskService } from '../tasks';
import type { AutoTagRules } from '../tags';
import { appendTimeline } from '../customers';
import * as repo from './repo';

/** A claimant's hold on issuing: longer than any WeCom call in a job (WECOM_JOB_TIMEOUT_MS, 60 s). */
const LEASE_SECONDS = 120;
/** Results are read for this long after the moment was issued (or read back). */
const TRACK_DAYS = 14;
/** A media id must have this much life left when add_moment_task uses it. */
const MEDIA_MIN_VALID_MS = 3600_000;
/** A moment in get_moment_list may be dated a little before Pond's mark (clocks differ). */
const LOOKUP_SLACK_S = 120;

const seconds = (v: number | string) => Number(v);

export class MomentService {
  readonly issueJob = defineJob({
    name: 'moments.issue',
    schema: z.object({ id: z.number().int() }),
    retryLimit: 5,
    retryDelaySeconds: 30,
    handler: async ({ id }) => { await this.issue(id); },
  });

  /** Every minute: issue what is due, read job results and moments' results, cancel in WeCom, remind, finish. */
  readonly tickJob = defineClock('moments.tick', EVERY_MINUTE, () => this.tick(new Date()), { expireInMinutes: 15 });

  constructor(
    private readonly pool: pg.Pool,
    private readonly corps: CorpService,
    private readonly queue: Queue,
    private readonly media: MediaService,
    private readonly governance: GovernanceService,
    private readonly tasks: TaskService,
    private readonly rules: AutoTagRules,
    private readonly log: Logger,
    private readonly publicUrl: () => string,
  ) {}

  // ---- composing ----

  /** WeCom's rules on the files, checked before anything is uploaded or stored (400 naming the attachment). */
  private async checkMedia(corpId: string, attachments: NonNullable<MomentParsed['attachments']>): Promise<StoredMomentAttachment[]> {
    const ids = attachments.map((a) => (a.type === 'link' ? a.coverMediaId : a.mediaId));
    const files = await this.media.inspect(corpId, ids);
    return attachments.map((a, i) => {
      const field = `attachments.${i}.${a.type === 'link' ? 'coverMediaId' : 'mediaId'}`;
      const f = files.get(ids[i]);
      if (!f) throw AppError.validation(field, `media file ${ids[i]} not found`);
      const want = a.type === 'video' ? 'video' : 'image';
      if (f.kind !== want) throw AppError.validation(field, `must be ${want === 'video' ? 'a video' : 'an image'} from the media library (file ${f.id} is a ${f.kind})`);
      if (want === 'image') {
        if (f.size > MOMENT_LIMITS.imageBytes) throw AppError.validation(field, `an image may be at most ${MOMENT_LIMITS.imageBytes / 1024 / 1024} MB (WeCom's limit)`);
        if (f.width !== null && f.height !== null && f.width * f.height > MOMENT_LIMITS.imagePixels) {
          throw AppError.validation(field, `an image may have at most ${MOMENT_LIMITS.imagePixels} pixels (e.g. 1440 × 1080); ${f.filename} is ${f.width} × ${f.height} (WeCom's limit)`);
        }
      } else {
        if (f.size > MOMENT_LIMITS.videoBytes) throw AppError.validation(field, `a video may be at most ${MOMENT_LIMITS.videoBytes / 1024 / 1024} MB (WeCom's limit)`);
        if (f.seconds !== null && f.seconds > MOMENT_LIMITS.videoSeconds + 0.5) {
          throw AppError.validation(field, `a video may be at most ${MOMENT_LIMITS.videoSeconds} s long; ${f.filename} is ${Math.round(f.seconds)} s (WeCom's limit)`);
        }
      }
      return a.type === 'link' ? { type: 'link', assetId: a.coverMediaId, title: a.title, url: a.url } : { type: a.type, assetId: a.mediaId };
    });
  }

  private static visibility(v: MomentVisibility | undefined) {
    return { staffUserids: [...new Set(v?.staffUserids ?? [])], departmentIds: [...new Set(v?.departmentIds ?? [])], tagIds: [...new Set(v?.tagIds ?? [])] };
  }

  /** Composes a moment; one made now is issued at once (and by the job, should that fail for a while). */
  async create(scope: Scope, input: MomentParsed, createdBy: string): Promise<MomentOutput> {
    const corpId = scope.corpId;
    if (input.requestId) {
      const { rows } = await this.pool.query<{ id: number }>('SELECT id FROM moments WHERE corp_id = $1 AND request_id = $2', [corpId, input.requestId]);
      if (rows[0]) return this.get(scope, rows[0].id);
    }
    const scheduledAt = input.scheduledAt ? new Date(input.scheduledAt) : null;
    if (scheduledAt && scheduledAt.getTime() < Date.now() - 5 * 60_000) throw AppError.validation('scheduledAt', 'must not be in the past (leave it out to post now)');
    if (scheduledAt && scheduledAt.getTime() > Date.now() + 366 * 86_400_000) throw AppError.validation('scheduledAt', 'must be within a year');
    const attachments = await this.checkMedia(corpId, input.attachments ?? []);
    const vis = MomentService.visibility(input.visibility);
    const text = (input.text ?? '').trim();
    // WeCom's copy of the files now (its errors show while the operator is here); kept fresh until a scheduled time.
    const assetIds = attachments.map((a) => a.assetId!);
    if (assetIds.length) await this.media.attachmentIds(corpId, assetIds, { keepUntil: scheduledAt, minValidMs: MEDIA_MIN_VALID_MS });
    const name = input.name?.trim() || [...text].slice(0, 20).join('') || (attachments[0] ? `${attachments[0].type} ${formatDateTime(new Date(), await corpZone(this.pool, corpId))}` : 'moment');
    const { row, created } = await repo.insertMoment(this.pool, corpId, {
      origin: 'pond', requestId: input.requestId ?? null, name, text, attachments, senderUserids: vis.staffUserids, departmentIds: vis.departmentIds,
      tagIds: vis.tagIds, scheduledAt, remindAfter: [...new Set(input.remindAfter ?? [])].sort((a, b) => a - b), autoTagId: input.autoTagId ?? null,
      status: 'scheduled', createdBy,
    });
    if (created && (!scheduledAt || scheduledAt.getTime() <= Date.now())) await this.issueNow(row.id);
    return this.get(scope, row.id);
  }

  /** Issues in the request (the answer shows the outcome); a failure that may pass is left to the job. */
  private async issueNow(id: number): Promise<void> {
    try {
      await this.issue(id);
    } catch (err) {
      this.log.warn({ err, momentId: id }, 'moments: issuing failed for now; the job retries');
    }
    await this.queue.send(this.issueJob, { id }, { singletonKey: `moment-issue:${id}`, startAfter: 5 });
  }

  /** Publishes a scheduled moment now. */
  async publishNow(scope: Scope, id: number): Promise<MomentOutput> {
    const row = await this.row(scope.corpId, id);
    if (row.status === 'scheduled') {
      await repo.dueNow(this.pool, scope.corpId, id);
      await this.issueNow(id);
    } else if (row.status !== 'issuing' && row.status !== 'issued') {
      throw new AppError('conflict', `moment ${id} is ${row.status}: only a scheduled moment can be published`);
    }
    return this.get(scope, id);
  }

  /** Who would post it, which customers would see it, and (when moments count) who is over their budget. */
  async preview(scope: Scope, input: MomentPreviewInput): Promise<MomentPreviewOutput> {
    const vis = MomentService.visibility(input.visibility);
    const senders = await repo.resolveSenders(this.pool, scope.corpId, vis.staffUserids, vis.departmentIds);
    const customers = await repo.visibleCustomers(this.pool, scope.corpId, senders.map((s) => s.userid), vis.tagIds);
    const policy = await this.governance.policy(scope.corpId);
    const at = input.scheduledAt ? new Date(input.scheduledAt) : new Date();
    const budget = policy.countMoments
      ? await this.governance.preview({
        corpId: scope.corpId, targetKind: 'customer', channel: 'moment', via: 'moment', sourceKind: 'moment', sourceId: null, at,
        content: { text: input.text ?? '', attachments: [] }, targets: customers.map((c) => ({ targetId: c.external_userid, staffUserid: c.userid })),
      }, (ids) => repo.customerNames(this.pool, scope.corpId, ids))
      : null;
    return { senders: senders.length, senderNames: senders.slice(0, 20).map((s) => s.name), customers: customers.length, countsAgainstBudget: policy.countMoments, budget };
  }

  // ---- issuing (exactly once: see the header) ----

  /** The add_moment_task body, with media ids fresh enough to use now. */
  private async request(row: repo.MomentRow): Promise<AddMomentTaskRequest> {
    const ids = row.attachments.map((a) => a.assetId).filter((x): x is number => x !== null);
    const mediaIds = ids.length ? await this.media.attachmentIds(row.corp_id, ids, { minValidMs: MEDIA_MIN_VALID_MS }) : new Map<number, string>();
    const attachments: WecomMomentAttachment[] = row.attachments.map((a) => {
      const media_id = mediaIds.get(a.assetId!)!;
      if (a.type === 'link') return { msgtype: 'link', link: { title: a.title, url: a.url!, media_id } };
      return a.type === 'video' ? { msgtype: 'video', video: { media_id } } : { msgtype: 'image', image: { media_id } };
    });
    const senders = row.sender_userids.length || row.department_ids.length
      ? { sender_list: { ...(row.sender_userids.length ? { user_list: row.sender_userids } : {}), ...(row.department_ids.length ? { department_list: row.department_ids } : {}) } }
      : {};
    const tags = row.tag_ids.length ? { external_contact_list: { tag_list: row.tag_ids } } : {};
    return {
      ...(row.text ? { text: { content: row.text } } : {}),
      ...(attachments.length ? { attachments } : {}),
      ...(Object.keys(senders).length || Object.keys(tags).length ? { visible_range: { ...senders, ...tags } } : {}),
    };
  }

  /** Issues the moment if it is due and nobody else is issuing it; then reads WeCom's job result. */
  async issue(id: number): Promise<void> {
    const token = randomUUID();
    const row = await repo.claimIssue(this.pool, id, token, LEASE_SECONDS, new Date());
    if (!row) {
      // Someone else issued it (or is issuing it): its job result may be waiting.
      const now = await repo.findMoment(this.pool, id);
      if (now?.jobid && !now.wecom_moment_id) await this.readJob(now);
      return;
    }
    const client = await this.corps.client(row.corp_id);
    if (row.call_started_at) {
      // An earlier claimant called and got no answer: the moment may exist already.
      const found = await this.lookUp(client, row);
      if (found) {
        await this.stored(row.corp_id, await repo.storeResult(this.pool, id, { momentId: found, invalidUserids: [], invalidDepartmentIds: [], invalidTagIds: [], trackDays: TRACK_DAYS }));
        return;
      }
    }
    const body = await this.request(row);
    if (!(await repo.markCallStarted(this.pool, id, token))) return;
    let jobid: string;
    try {
      jobid = (await client.addMomentTask(body)).jobid;
    } catch (err) {
      if (err instanceof WecomArgumentError) {
        await repo.callRefused(this.pool, id, token, false, null, `${err.field} ${err.rule}`);
        return;
      }
      if (err instanceof WecomError && (err.kind === 'api' || err.kind === 'throttled')) {
        const retry = err.kind === 'throttled' || err.isBusy || err.isTokenError;
        await repo.callRefused(this.pool, id, token, retry, err.errcode, `${err.errcode} ${err.errmsg}`);
        if (retry) throw err;
        return;
      }
      throw err; // no answer: the next claim (after the lease) looks the moment up before calling again
    }
    if (!(await repo.storeJobid(this.pool, id, jobid))) {
      this.log.warn({ momentId: id, jobid }, 'moments: a second add_moment_task answered after another was stored; cancelling its moment');
      await this.cancelJob(client, jobid);
      return;
    }
    const stored = await repo.findMoment(this.pool, id);
    if (stored) await this.readJob(stored);
  }

  /** The moment an unanswered add_moment_task may have made: a corp moment since the call, with this content, not another moment's. */
  private async lookUp(client: WecomClient, row: repo.MomentRow): Promise<string | null> {
    const since = Math.floor(row.call_started_at!.getTime() / 1000) - LOOKUP_SLACK_S;
    const candidates: WecomMoment[] = [];
    for await (const m of client.iterateMomentList({ start_time: since, end_time: Math.floor(Date.now() / 1000), filter_type: 0 })) {
      if (Number(m.create_type) === 0 && seconds(m.create_time) >= since && this.sameContent(row, m)) candidates.push(m);
    }
    if (!candidates.length) return null;
    const held = await repo.heldMomentIds(this.pool, row.corp_id, candidates.map((m) => m.moment_id), row.id);
    const free = candidates.filter((m) => !held.has(m.moment_id)).sort((a, b) => seconds(a.create_time) - seconds(b.create_time));
    return free[0]?.moment_id ?? null;
  }

  private sameContent(row: repo.MomentRow, m: WecomMoment): boolean {
    if ((m.text?.content ?? '') !== row.text) return false;
    const kinds = row.attachments.map((a) => a.type);
    const images = m.image?.length ?? 0;
    if (kinds.filter((k) => k === 'image').length !== images) return false;
    if (kinds.includes('video') !== !!m.video?.media_id) return false;
    const link = row.attachments.find((a) => a.type === 'link');
    if (!!link !== !!m.link) return false;
    return !link || link.url === m.link?.url;
  }

  /** Reads WeCom's job result for a moment that has a jobid and no moment id yet. */
  private async readJob(row: repo.MomentRow): Promise<void> {
    if (!row.jobid || row.wecom_moment_id) return;
    const client = await this.corps.client(row.corp_id);
    let res;
    try {
      res = await client.getMomentTaskResult(row.jobid);
    } catch (err) {
      // A jobid lives 24 h: past that (or refused), find the moment by its content instead.
      if (err instanceof WecomError && err.kind === 'api' && !err.isBusy && !err.isTokenError) {
        const found = row.call_started_at ? await this.lookUp(client, row) : null;
        if (found) await this.stored(row.corp_id, await repo.storeResult(this.pool, row.id, { momentId: found, invalidUserids: [], invalidDepartmentIds: [], invalidTagIds: [], trackDays: TRACK_DAYS }));
        else if (Date.now() - row.updated_at.getTime() > 86_400_000) await repo.markFailed(this.pool, row.id, err.errcode, `${err.errcode} ${err.errmsg}`);
        return;
      }
      throw err;
    }
    if (Number(res.status) !== 3 || !res.result) return;
    const r = res.result;
    if (r.errcode || !r.moment_id) {
      await repo.markFailed(this.pool, row.id, r.errcode ?? null, `${r.errcode} ${r.errmsg}`);
      return;
    }
    await this.stored(row.corp_id, await repo.storeResult(this.pool, row.id, {
      momentId: r.moment_id,
      invalidUserids: r.invalid_sender_list?.user_list ?? [],
      invalidDepartmentIds: r.invalid_sender_list?.department_list ?? [],
      invalidTagIds: r.invalid_external_contact_list?.tag_list ?? [],
      trackDays: TRACK_DAYS,
    }));
  }

  /** After the moment id is known: a cancelled moment is cancelled in WeCom, an issued one gets its senders, tasks and budget. */
  private async stored(corpId: string, row: repo.MomentRow | null): Promise<void> {
    if (!row) return;
    if (row.status === 'cancelled') await this.cancelInWecom(row);
    else await this.poll(row.id);
  }

  /** A moment nobody keeps (a second call's): cancelled in WeCom once its job is done. */
  private async cancelJob(client: WecomClient, jobid: string): Promise<void> {
    for (let i = 0; i < 5; i++) {
      const res = await client.getMomentTaskResult(jobid);
      if (Number(res.status) === 3) {
        if (res.result?.moment_id) await client.cancelMomentTask(res.result.moment_id);
        return;
      }
      await new Promise((r) => setTimeout(r, 1000 * (i + 1)));
    }
    this.log.error({ jobid }, 'moments: could not cancel the moment of a second add_moment_task (its job is not done)');
  }

  // ---- results ----

  /** The moment as tasks and the ledger show it: its text, images and link (a video has no URL to show). */
  private async contentOf(row: repo.MomentRow): Promise<Content> {
    const labels = await this.media.labels(row.corp_id, row.attachments.map((a) => a.assetId).filter((x): x is number => x !== null));
    const attachments: WelcomeAttachment[] = [];
    for (const a of row.attachments) {
      const pic = a.assetId ? labels.get(a.assetId)?.picUrl ?? undefined : undefined;
      if (a.type === 'image' && pic) attachments.push({ msgtype: 'image', image: { pic_url: pic } });
      if (a.type === 'link' && a.url) attachments.push({ msgtype: 'link', link: { title: a.title ?? a.url, url: a.url, ...(pic ? { picurl: pic } : {}) } });
    }
    return { text: row.text, attachments };
  }

  /**
   * Reads the moment's results from WeCom: who posted (their tasks end), who can see each post (the budget settles), likes
   * and comments (the timelines; the auto-tag). Also the first read after the moment id is known: senders, tasks, budget.
   */
  async poll(id: number): Promise<void> {
    let row = await repo.findMoment(this.pool, id);
    if (!row) return;
    if (!row.wecom_moment_id) { await this.readJob(row); return; }
    if (row.status === 'cancelled' && !row.wecom_cancelled_at) {
      // WeCom is told first; the posts made before the cancel stay up, and their results are still read.
      await this.cancelInWecom(row);
      row = await repo.findMoment(this.pool, id);
      if (!row?.wecom_cancelled_at) return;
    }
    const momentId = row.wecom_moment_id!;
    const client = await this.corps.client(row.corp_id);
    const corpId = row.corp_id;
    // Who was given it and who posted (get_moment_task lists corp moments; a staff member's own moment is theirs alone).
    const list: { userid: string; published: boolean }[] = [];
    if (row.create_type === 1 && row.creator) list.push({ userid: row.creator, published: true });
    else for await (const t of client.iterateMomentTask(momentId)) list.push({ userid: t.userid, published: Number(t.publish_status) === 1 });
    const newlyPublished = await repo.upsertSenders(this.pool, corpId, id, list);
    row = (await repo.findMoment(this.pool, id))!;
    if (row.origin === 'pond' && row.status !== 'cancelled') {
      await this.makeTasks(row);
      if (!row.planned_at) await this.planBudget(row);
      for (const userid of newlyPublished) await this.tasks.endOfSource(corpId, 'moment', id, 'done', { via: 'wecom', ownerUserid: userid });
    }
    const senders = (await repo.sendersOf(this.pool, id)).filter((s) => s.published);
    const policy = await this.governance.policy(corpId);
    const content = policy.countMoments ? await this.contentOf(row) : null;
    await mapLimit(senders, 4, async (s) => {
      const at = s.published_at ?? new Date();
      // Reach: the customers WeCom says can see this post.
      const reach: string[] = [];
      for await (const c of client.iterateMomentSendResult(momentId, s.userid)) reach.push(c.external_userid);
      const fresh = await repo.markReached(this.pool, corpId, id, s.userid, reach, at);
      if (content && fresh.length) await this.settleReached(row, s.userid, fresh, content, at);
      // Likes and comments on this post.
      const res = await client.getMomentComments(momentId, s.userid);
      const seen = [
        ...(res.like_list ?? []).map((x) => ({ kind: 'like' as const, externalUserid: x.external_userid ?? null, userid: x.external_userid ? null : x.userid ?? null, at: new Date(seconds(x.create_time) * 1000) })),
        ...(res.comment_list ?? []).map((x) => ({ kind: 'comment' as const, externalUserid: x.external_userid ?? null, userid: x.external_userid ? null : x.userid ?? null, at: new Date(seconds(x.create_time) * 1000) })),
      ].filter((x) => x.externalUserid || x.userid);
      const added = await repo.insertInteractions(this.pool, corpId, id, s.userid, seen);
      await appendTimeline(this.pool, corpId, added.filter((x) => x.externalUserid).map((x) => ({
        externalUserid: x.externalUserid!, type: x.kind === 'like' ? 'moment.liked' : 'moment.commented', userid: s.userid, occurredAt: x.at,
        data: { momentId: id, momentName: row.name, origin: row.origin },
        dedupeKey: `moment:${id}:${s.userid}:${x.kind}:${x.externalUserid}:${x.at.getTime()}`,
      })));
      await repo.setSenderStats(this.pool, id, s.userid, { reach: reach.length, likes: res.like_list?.length ?? 0, comments: res.comment_list?.length ?? 0 });
    });
    if (row.auto_tag_id) await this.autoTag(row);
    await repo.setPolled(this.pool, id);
  }

  /** A post_moment task per sender (once each, by dedupe key): the task inbox tells them with an app message. */
  private async makeTasks(row: repo.MomentRow): Promise<void> {
    const missing = (await repo.sendersOf(this.pool, row.id)).filter((s) => !s.task_id && !s.published);
    if (!missing.length) return;
    const content = await this.contentOf(row);
    const ids = await this.tasks.create(row.corp_id, missing.map((s) => ({
      kind: 'post_moment' as const, ownerUserid: s.userid, dueAt: row.issued_at ?? new Date(), targetKind: 'none' as const, content,
      sourceKind: 'moment' as const, sourceId: row.id, sourceName: row.name, dedupeKey: `moment:${row.id}:${s.userid}`, createdBy: row.created_by,
    })));
    await repo.setSenderTasks(this.pool, row.id, missing.map((s) => s.userid), ids);
  }

  /** With the corp counting moments: each customer the senders' posts would show to is planned against their budget. */
  private async planBudget(row: repo.MomentRow): Promise<void> {
    const policy = await this.governance.policy(row.corp_id);
    if (policy.countMoments) {
      const senders = (await repo.sendersOf(this.pool, row.id)).map((s) => s.userid);
      const customers = await repo.visibleCustomers(this.pool, row.corp_id, senders, row.tag_ids);
      const outcomes = await this.governance.plan({
        corpId: row.corp_id, targetKind: 'customer', channel: 'moment', via: 'moment', sourceKind: 'moment', sourceId: row.id,
        content: await this.contentOf(row), at: row.issued_at ?? new Date(), quietAction: 'defer',
        targets: customers.map((c) => ({ targetId: c.external_userid, staffUserid: c.userid })),
      });
      const sender = new Map(customers.map((c) => [c.external_userid, c.userid]));
      await repo.insertPlanned(this.pool, row.corp_id, row.id, outcomes.map((o) => ({
        externalUserid: o.targetId, sender: sender.get(o.targetId) ?? null, ledgerId: o.ledgerId,
        status: o.status === 'skipped' ? 'skipped' as const : 'planned' as const, reason: o.reason,
      })));
    }
    await repo.setPlanned(this.pool, row.id);
  }

  /** Customers reached for the first time: planned ones are settled as sent; ones Pond had not planned (its copy of the
   * corp was behind, or the moment was made in WeCom) are planned now and settled at once. */
  private async settleReached(row: repo.MomentRow, sender: string, fresh: { external_userid: string; ledger_id: number | null; plan_status: string | null }[], content: Content, at: Date): Promise<void> {
    const planned = fresh.filter((f) => f.plan_status === 'planned' && f.ledger_id).map((f) => f.ledger_id!);
    const unplanned = fresh.filter((f) => f.plan_status === null).map((f) => f.external_userid);
    if (unplanned.length) {
      const outcomes = await this.governance.plan({
        corpId: row.corp_id, targetKind: 'customer', channel: row.origin === 'wecom' ? 'wecom' : 'moment', via: 'moment', sourceKind: 'moment', sourceId: row.id,
        content, at, quietAction: 'defer', override: null, targets: unplanned.map((ext) => ({ targetId: ext, staffUserid: sender, at })),
      });
      await repo.setCustomerLedger(this.pool, row.id, outcomes.map((o) => ({
        externalUserid: o.targetId, ledgerId: o.ledgerId, status: o.status === 'skipped' ? 'skipped' as const : 'planned' as const, reason: o.reason,
      })));
      planned.push(...outcomes.filter((o) => o.status === 'planned' && o.ledgerId).map((o) => o.ledgerId!));
    }
    if (planned.length) await this.governance.settle(row.corp_id, planned, 'sent', at);
  }

  /** The moment's tag on the relation of every customer who liked or commented with the staff member whose post it was. */
  private async autoTag(row: repo.MomentRow): Promise<void> {
    for (;;) {
      const batch = await repo.untaggedEngaged(this.pool, row.id);
      if (!batch.length) return;
      const relations = batch.map((b) => ({ externalUserid: b.external_userid, userid: b.sender_userid }));
      const { failed } = await this.rules.tagRelations(row.corp_id, relations, [row.auto_tag_id!], new Date(), { by: 'moment', momentId: row.id, momentName: row.name });
      const error = new Map(failed.map((f) => [`${f.externalUserid}\u0000${f.userid}`, f.error]));
      await repo.markTagged(this.pool, row.id, relations.map((r) => ({ ...r, error: error.get(`${r.externalUserid}\u0000${r.userid}`) ?? null })));
      if (batch.length < 500) return;
    }
  }

  // ---- cancel, remind, finish ----

  /** Cancels a moment: in WeCom (cancel_moment_task stops the posts not yet made), its open tasks, the budget not yet spent. */
  async cancel(scope: Scope, id: number): Promise<MomentOutput> {
    const row = await this.row(scope.corpId, id);
    if (row.status === 'cancelled') return this.get(scope, id);
    if (row.status === 'failed' || row.status === 'done') throw new AppError('conflict', `moment ${id} is ${row.status}: it can no longer be cancelled`);
    if (row.origin === 'wecom' && row.create_type === 1) throw new AppError('conflict', `moment ${id} is a staff member's own: only its author can take it down`);
    if (row.wecom_moment_id) await (await this.corps.client(row.corp_id)).cancelMomentTask(row.wecom_moment_id);
    const cancelled = await repo.markCancelled(this.pool, scope.corpId, id, row.wecom_moment_id);
    if (cancelled) await this.afterCancel(cancelled);
    return this.get(scope, id);
  }

  private async afterCancel(row: repo.MomentRow): Promise<void> {
    await this.tasks.endOfSource(row.corp_id, 'moment', row.id, 'cancelled');
    const planned = await repo.unreachedPlanned(this.pool, row.id);
    if (planned.length) await this.governance.settle(row.corp_id, planned, 'released');
  }

  /** A cancelled moment WeCom has not been told about: its moment id once known, or (an interrupted call) looked up. */
  private async cancelInWecom(row: repo.MomentRow): Promise<void> {
    if (row.wecom_cancelled_at) return;
    const client = await this.corps.client(row.corp_id);
    let momentId = row.wecom_moment_id;
    if (!momentId && row.jobid) { await this.readJob(row); return; }
    if (!momentId && row.call_started_at) {
      momentId = await this.lookUp(client, row);
      if (momentId) await repo.storeResult(this.pool, row.id, { momentId, invalidUserids: [], invalidDepartmentIds: [], invalidTagIds: [], trackDays: TRACK_DAYS });
    }
    if (momentId) await client.cancelMomentTask(momentId);
    await repo.markWecomCancelled(this.pool, row.id);
  }

  /** App messages to the senders who have not posted, pointing at their task. */
  async remind(scope: Scope, id: number): Promise<{ reminded: number }> {
    const row = await this.row(scope.corpId, id);
    if (row.status !== 'issued' || row.origin !== 'pond') throw new AppError('conflict', `moment ${id} is ${row.status}${row.origin === 'wecom' ? ' (made in WeCom)' : ''}: only staff of an issued moment of Pond's can be reminded`);
    return { reminded: await this.remindUnposted(row, scope) };
  }

  /** Each waiting sender's reminder is counted and its card queued in the outbox in one transaction, then sent. */
  private async remindUnposted(row: repo.MomentRow, scope?: Scope): Promise<number> {
    const visible = scope ? new Set((await repo.sendersRead(this.pool, scope, row.id)).map((s) => s.userid)) : null;
    const waiting = (await repo.sendersOf(this.pool, row.id)).filter((s) => !s.published && (!visible || visible.has(s.userid)));
    if (!waiting.length) return 0;
    const tz = await corpZone(this.pool, row.corp_id);
    const reminded = await withTransaction(this.pool, async (db) => {
      const counted = await repo.markReminded(db, row.id, waiting.map((s) => s.userid));
      await this.tasks.queueAppMessages(row.corp_id, counted.map((s) => {
        const url = new URL(`/tasks/${encodeURIComponent(row.corp_id)}`, this.publicUrl());
        if (s.task_id) url.searchParams.set('task', String(s.task_id));
        return {
          // The n-th reminder of this sender: a retried pass queues it once.
          key: `moment:${row.id}:remind:${s.userid}:${s.reminders}`, touser: s.userid,
          // Numbered: WeCom's duplicate check (the outbox's exactly-once) would hide a second identical card within 4 hours.
          title: `提醒：发表朋友圈 Reminder: post a moment${s.reminders > 1 ? `（第 ${s.reminders} 次 #${s.reminders}）` : ''}`,
          description: `「${row.name}」 · ${formatDateTime(row.issued_at ?? new Date(), tz)} · 在企业微信「客户朋友圈」中发表 / post it from WeCom's Customer Moments`,
          url: url.toString(),
        };
      }), { db });
      return counted.length;
    });
    await this.tasks.flushAppMessages(new Date());
    return reminded;
  }

  /** Results are no longer read: planned budget that never reached anyone is released. */
  private async finish(id: number): Promise<void> {
    const row = await repo.findMoment(this.pool, id);
    if (!row || !(await repo.markDone(this.pool, id))) return;
    const planned = await repo.unreachedPlanned(this.pool, id);
    if (planned.length) await this.governance.settle(row.corp_id, planned, 'released');
    await this.tasks.endOfSource(row.corp_id, 'moment', id, 'cancelled');
  }

  /** One pass of the clock (the job runs it every minute; tests call it with their own time). Each moment's failure is logged and left for the next pass. */
  async tick(now: Date): Promise<repo.DueWork> {
    const due = await repo.dueWork(this.pool, now);
    const each = async (ids: number[], fn: (id: number) => Promise<void>, what: string) => {
      for (const id of ids) {
        try { await fn(id); } catch (err) { this.log.warn({ err, momentId: id }, `moments: ${what} failed`); }
      }
    };
    await each(due.issue, (id) => this.issue(id), 'issue');
    await each(due.jobs, async (id) => { const r = await repo.findMoment(this.pool, id); if (r) await this.readJob(r); }, 'job result');
    await each(due.cancels, async (id) => { const r = await repo.findMoment(this.pool, id); if (r) await this.cancelInWecom(r); }, 'cancel');
    await each(due.polls, (id) => this.poll(id), 'poll');
    for (const [id, n] of due.reminders) {
      try {
        if (!(await repo.claimReminder(this.pool, id, n))) continue;
        await this.poll(id).catch((err: unknown) => this.log.warn({ err, momentId: id }, 'moments: poll before a reminder failed'));
        const row = await repo.findMoment(this.pool, id);
        if (row?.status === 'issued') await this.remindUnposted(row);
      } catch (err) {
        this.log.warn({ err, momentId: id }, 'moments: reminder failed');
      }
    }
    await each(due.finish, (id) => this.finish(id), 'finish');
    return due;
  }

  /** Reads results now (the results page's refresh). */
  async refresh(scope: Scope, id: number): Promise<MomentDetailOutput> {
    const row = await this.row(scope.corpId, id);
    if (row.status === 'issuing' && !row.jobid) await this.issue(id);
    else await this.poll(id);
    return this.detail(scope, id);
  }

  // ---- moments made in WeCom ----

  /** Reads moments made directly in WeCom (in the admin, or staff's own) in the last `days` days into the list. */
  async syncFromWecom(corpId: string, days: number): Promise<{ read: number; added: number }> {
    const client = await this.corps.client(corpId);
    const end = Math.floor(Date.now() / 1000);
    const list: WecomMoment[] = [];
    for await (const m of client.iterateMomentList({ start_time: end - days * 86_400, end_time: end, filter_type: 2 })) list.push(m);
    const { known, pendingSince } = await repo.knownMomentIds(this.pool, corpId, list.map((m) => m.moment_id));
    let added = 0;
    for (const m of list) {
      if (known.has(m.moment_id)) continue;
      const created = new Date(seconds(m.create_time) * 1000);
      // A corp moment made while one of Pond's awaits its id may be Pond's own: it is read next time.
      if (Number(m.create_type) === 0 && pendingSince && created.getTime() >= pendingSince.getTime() - LOOKUP_SLACK_S * 1000) continue;
      const attachments: StoredMomentAttachment[] = [
        ...(m.image ?? []).map((i) => ({ type: 'image' as const, assetId: null, wecomMediaId: i.media_id })),
        ...(m.video?.media_id ? [{ type: 'video' as const, assetId: null, wecomMediaId: m.video.media_id }] : []),
        ...(m.link ? [{ type: 'link' as const, assetId: null, title: m.link.title, url: m.link.url }] : []),
      ];
      const text = m.text?.content ?? '';
      const { created: isNew } = await repo.insertMoment(this.pool, corpId, {
        origin: 'wecom', requestId: null, name: [...text].slice(0, 20).join('') || (m.creator ? `${m.creator}` : 'WeCom'), text, attachments,
        senderUserids: [], departmentIds: [], tagIds: [], scheduledAt: null, remindAfter: [], autoTagId: null, status: 'issued', createdBy: null,
        wecom: { momentId: m.moment_id, creator: m.creator ?? null, createType: Number(m.create_type), createdAt: created, trackUntil: new Date(created.getTime() + TRACK_DAYS * 86_400_000) },
      });
      if (isNew) added++;
    }
    return { read: list.length, added };
  }

  // ---- reads ----

  private async row(corpId: string, id: number): Promise<repo.MomentRow> {
    const row = await repo.getMoment(this.pool, corpId, id);
    if (!row) throw AppError.notFound(`moment ${id}`);
    return row;
  }

  private async out(r: repo.MomentListRow): Promise<MomentOutput> {
    const labels = await this.media.labels(r.corp_id, r.attachments.map((a) => a.assetId).filter((x): x is number => x !== null));
    return {
      id: r.id, origin: r.origin, name: r.name, text: r.text,
      attachments: r.attachments.map((a) => {
        const l = a.assetId ? labels.get(a.assetId) : undefined;
        return { type: a.type, mediaId: a.assetId, filename: l?.filename ?? null, picUrl: l?.picUrl ?? null, title: a.title ?? null, url: a.url ?? null };
      }),
      visibility: { staffUserids: r.sender_userids, departmentIds: r.department_ids, tagIds: r.tag_ids },
      scheduledAt: r.scheduled_at, remindAfter: r.remind_after,
      autoTag: r.auto_tag_id ? { id: r.auto_tag_id, name: r.auto_tag_name ?? r.auto_tag_id } : null,
      status: r.status, momentId: r.wecom_moment_id, creator: r.creator,
      invalid: { staffUserids: r.invalid_userids, departmentIds: r.invalid_department_ids, tagIds: r.invalid_tag_ids },
      error: r.error, issuedAt: r.issued_at, cancelledAt: r.cancelled_at, polledAt: r.polled_at,
      counts: { senders: r.senders, published: r.published, reach: r.reach, likes: r.likes, comments: r.comments, planned: r.planned, overBudget: r.over_budget },
      createdBy: r.created_by, createdAt: r.created_at,
    };
  }

  async list(scope: Scope, q: MomentListQuery & { limit: number; offset: number }): Promise<{ items: MomentOutput[]; total: number }> {
    const { rows, total } = await repo.listMoments(this.pool, scope, q);
    return { items: await Promise.all(rows.map((r) => this.out(r))), total };
  }

  async get(scope: Scope, id: number): Promise<MomentOutput> {
    const r = await repo.getMomentRead(this.pool, scope, id);
    if (!r) throw AppError.notFound(`moment ${id}`);
    return this.out(r);
  }

  async detail(scope: Scope, id: number): Promise<MomentDetailOutput> {
    const m = await this.get(scope, id);
    const senders = await repo.sendersRead(this.pool, scope, id);
    return {
      ...m,
      senders: senders.map((s) => ({
        userid: s.userid, name: s.name ?? s.userid, published: s.published, publishedAt: s.published_at, reach: s.reach, likes: s.likes,
        comments: s.comments, reminders: s.reminders, lastRemindedAt: s.last_reminded_at, taskId: s.task_id,
      })),
    };
  }

  async interactions(scope: Scope, id: number, q: MomentInteractionQuery & { limit: number; offset: number }) {
    const { rows, total } = await repo.interactionsRead(this.pool, scope, id, q);
    return {
      total,
      items: rows.map((r) => ({
        kind: r.kind, externalUserid: r.external_userid, customerName: r.customer_name, userid: r.userid, senderUserid: r.sender_userid,
        senderName: r.sender_name ?? r.sender_userid, at: r.at,
      })),
    };
  }
}
