// Handlers for change_external_contact callbacks, and for Pond's own pond_enrich event that follows an add. Each one
// re-reads WeCom where the event carries only ids, updates customers and follow relations, and appends to the
// timeline under a key derived from the inbox row, so a retried event never appends twice. app.ts registers them
// with the inbox (ARCHITECTURE.md "Events" has the table of what each writes and triggers).
import { WecomError } from '@pond/wecom';
import type pg from 'pg';
import { mapLimit } from '../../platform/concurrency';
import {
  enqueue, Priority,
  type ContactAdd, type ContactChange, type EnrichRequest, type EventContext, type HandlerResult, type InboxHandlers,
} from '../../platform/inbox';
import type { Logger } from '../../platform/log';
import type { CorpService } from '../org';
import {
  appendTimeline, applyAdds, ensureCustomers, followsBeforeAdds, refreshFollowCounts, removeUnreported, setFollowStatus, storeContactDetails,
  upsertCustomers, upsertFollows, type ContactRecord, type FollowRecord, type RelationVersion, type TimelineEvent,
} from './repo';

/**
 * One read of a customer only if WeCom's quota has a call slot free now (null otherwise: the caller queues the
 * ordinary read). A customer with more followers than one page reads the rest as usual.
 */
async function readNow(client: Awaited<ReturnType<CorpService['client']>>, ext: string) {
  let first;
  try {
    first = await client.getExternalContact(ext, undefined, { noWait: true });
  } catch (err) {
    if (err instanceof WecomError && (err.kind === 'throttled' || err.errcode === 45009)) return null;
    throw err;
  }
  if (!first.next_cursor) return first;
  const rest = await client.getExternalContactAllFollowers(ext);
  return rest;
}

export const addedKey = (ext: string, userid: string, createtime: number | string) => `added:${ext}:${userid}:${createtime}`;

export interface ContactEventHooks {
  /** Runs first on add events, at Priority.Welcome (the welcome window is 20 s). */
  onAdded?: (ctx: EventContext<ContactAdd>) => Promise<void>;
  /** What onAdded did, per inbox id, to keep on the add's timeline entry (read in the second step, maybe by another process). */
  addedOutcomes?: (corpId: string, inboxIds: number[]) => Promise<Map<number, Record<string, unknown>>>;
  /**
   * Runs after the customer and follow relation are stored (attribution, code tags, remark). `superseded`: a newer
   * event of the relation (its delete) was applied first; the add is recorded but the relation stays as that left it.
   */
  afterAdded?: (ctx: EventContext<ContactAdd>, info: { reAdd: boolean; half: boolean; superseded: boolean }) => Promise<Record<string, unknown> | void>;
  /**
   * Which of these stored adds need the customer's details at once (an invite campaign credits the friend by the
   * unionid the read brings): they are read in the add's own step (AddFacts) when WeCom's quota has a call slot free
   * now, instead of at Priority.Enrich after every other add's read (ADR 0036). `after` is what afterAdded returned for each.
   */
  readEarly?: (corpId: string, adds: { externalUserid: string; after: Record<string, unknown> | undefined }[]) => Promise<boolean[]>;
  /** The customer's details were read from WeCom after an add (`applyCode`: a fresh add, not a re-add). */
  onEnriched?: (ctx: EventContext<EnrichRequest>, info: { sourceInboxId: number; applyCode: boolean }) => Promise<void>;
  /** A follow relation ended (either side, or a transfer). */
  onDeleted?: (ctx: EventContext<ContactChange>, by: 'staff' | 'customer' | 'transfer') => Promise<void>;
}

/** The contact events' handlers, to register with the inbox: adds and enrich also in bulk (one statement per set). */
export function contactEventHandlers(deps: {
  pool: pg.Pool; corps: CorpService; hooks?: ContactEventHooks; log?: Logger;
  /** After customers' details (unionids) are stored: commerce matches the orders that waited for them. */
  afterDetailsStored?: (corpId: string, externalUserids: string[]) => Promise<unknown>;
}) {
  const { pool, corps, log } = deps;

  /** The version an event gives what it writes, or what a re-read it asked for found (ADR 0013). */
  const versionOf = (ctx: EventContext<ContactChange>): RelationVersion => ({ at: ctx.at, inbox: ctx.inboxId });

  /** Re-reads one customer from WeCom and stores it with every follow relation, as of the event; returns tag diffs per staff. */
  async function refreshCustomer(ctx: EventContext<ContactChange>, externalUserid: string) {
    const corpId = ctx.corpId;
    const client = await corps.client(corpId);
    const follows: FollowRecord[] = [];
    let contact: ContactRecord | undefined;
    let cursor: string | undefined;
    const readAt = new Date();
    do {
      const res = await client.getExternalContact(externalUserid, cursor);
      contact = res.external_contact;
      follows.push(...(res.follow_user ?? []));
      cursor = res.next_cursor || undefined;
    } while (cursor);
    await upsertCustomers(pool, corpId, contact ? [contact] : []);
    const prev = await upsertFollows(pool, corpId, follows.map((f) => ({ externalUserid, follow: f, version: versionOf(ctx), readAt })));
    // Relations WeCom no longer reports are gone (a delete we missed).
    await removeUnreported(pool, corpId, [{ externalUserid, userids: follows.map((f) => f.userid), version: versionOf(ctx) }]);
    await refreshFollowCounts(pool, corpId, [externalUserid]);
    return { follows, prev };
  }

  function tagDiff(ctx: EventContext<ContactChange>, ext: string, userid: string, before: string[], after: string[]): TimelineEvent[] {
    const added = after.filter((t) => !before.includes(t));
    const removed = before.filter((t) => !after.includes(t));
    const out: TimelineEvent[] = [];
    if (added.length) out.push({ externalUserid: ext, type: 'tag.added', userid, occurredAt: ctx.at, data: { tagIds: added }, dedupeKey: `inbox:${ctx.inboxId}:tag.added:${userid}:${added.join(',')}` });
    if (removed.length) out.push({ externalUserid: ext, type: 'tag.removed', userid, occurredAt: ctx.at, data: { tagIds: removed }, dedupeKey: `inbox:${ctx.inboxId}:tag.removed:${userid}:${removed.join(',')}` });
    return out;
  }

  /**
   * Adds, as a set, in two steps. At Priority.Welcome the welcomes go out (the code is valid 20 s) and the
   * events are requeued at Priority.AddFacts; only then are the facts the events carry stored — nothing
   * here calls WeCom, whose quotas are per minute, and nothing in the first step writes the timeline, so
   * neither a burst nor the nightly roll of segment windows holds the next customer's welcome back. The
   * customers' details follow (a pond_enrich event each, at Priority.Enrich).
   */
  async function onAdds(ctxs: EventContext<ContactAdd>[], half: boolean): Promise<HandlerResult> {
    if ((ctxs[0].priority ?? Priority.Welcome) < Priority.AddFacts) {
      // Each welcome is one WeCom call; many go out at once (WeCom's answer time, not our CPU, is the cost).
      await mapLimit(ctxs, 64, (ctx) => deps.hooks?.onAdded?.(ctx) ?? Promise.resolve());
      return { requeueAt: Priority.AddFacts };
    }
    const items = ctxs.map((ctx) => ({
      ctx, ext: ctx.ev.ExternalUserID ?? '', userid: ctx.ev.UserID ?? '', state: ctx.ev.State || null,
    }));
    const corpId = ctxs[0].corpId;
    const welcome = (await deps.hooks?.addedOutcomes?.(corpId, ctxs.map((c) => c.inboxId))) ?? new Map<number, Record<string, unknown>>();
    const pairs = JSON.stringify(items.map((i) => ({
      external_userid: i.ext, userid: i.userid, state: i.state, added_at: i.ctx.at.toISOString(), inbox: i.ctx.inboxId,
    })));
    const prev = new Map((await followsBeforeAdds(pool, corpId, pairs)).map((r) => [`${r.external_userid}|${r.userid}`, r]));
    await ensureCustomers(pool, corpId, [...new Set(items.map((i) => i.ext))]);
    const appliedRows = await applyAdds(pool, corpId, pairs);
    const applied = new Set(appliedRows.filter((r) => Number(r.event_inbox) > 0).map((r) => `${r.external_userid}|${r.userid}|${r.event_inbox}`));
    const superseded = items.map((i) => !applied.has(`${i.ext}|${i.userid}|${i.ctx.inboxId}`));
    await refreshFollowCounts(pool, corpId, [...new Set(items.map((i) => i.ext))]);
    // A re-add: the relation existed before this add. Read from the state it replaced — or, when a newer event was
    // applied first, from when that relation began.
    const reAdds = items.map((i) => {
      const p = prev.get(`${i.ext}|${i.userid}`);
      if (!p) return false;
      return p.older ? p.status !== 'active' : p.added_at !== null && p.added_at < i.ctx.at;
    });
    const after = await mapLimit(items, 16, (i, k) => deps.hooks?.afterAdded?.(i.ctx, { reAdd: reAdds[k], half, superseded: superseded[k] }) ?? Promise.resolve(undefined));
    await appendTimeline(pool, corpId, items.map((i, k) => ({
      externalUserid: i.ext, type: half ? 'customer.half_added' : 'customer.added', userid: i.userid, occurredAt: i.ctx.at,
      data: { state: i.state, reAdd: reAdds[k], ...(welcome.get(i.ctx.inboxId) ?? {}), ...(after[k] ?? {}) },
      // Same key as the sync uses, so a relation seen both ways is recorded once.
      dedupeKey: half ? `inbox:${i.ctx.inboxId}:half` : reAdds[k] ? `inbox:${i.ctx.inboxId}:readded` : addedKey(i.ext, i.userid, i.ctx.ev.CreateTime ?? `inbox${i.ctx.inboxId}`),
    })));
    // Follow-up events in the same durable inbox: read each customer from WeCom, rate-limited, after the rush.
    // (A superseded add's relation is already gone: its code's tags and remark are not applied.) Adds a module needs
    // the details of now (an invite campaign's friends: ADR 0036) are read here, when WeCom's quota has a slot free now.
    const reads = items.map((i, k): { ctx: typeof i.ctx; payload: EnrichRequest } => ({
      ctx: i.ctx,
      payload: {
        ExternalUserID: i.ext, UserID: i.userid, SourceInbox: String(i.ctx.inboxId),
        ApplyCode: (!reAdds[k] && !half && !superseded[k] ? '1' : '0'), CreateTime: i.ctx.ev.CreateTime ?? '',
      },
    }));
    const early = (await deps.hooks?.readEarly?.(corpId, items.map((i, k) => ({ externalUserid: i.ext, after: after[k] ?? undefined })))) ?? [];
    const now = reads.filter((_, k) => early[k]);
    const read = new Set<number>();
    if (now.length) {
      try {
        const done = await enrich(now.map((r) => ({ ...r.ctx, ev: { ...r.payload, Event: 'pond_enrich', ChangeType: 'contact' } })), true);
        for (const c of done) read.add(c.inboxId);
      } catch (err) {
        // The add is stored; its read waits at Priority.Enrich like any other.
        log?.warn({ err, corpId, n: now.length }, 'early read of invite friends failed; queued as ordinary reads');
      }
    }
    await enqueue(pool, 'pond_enrich/contact', reads.filter((r) => !read.has(r.ctx.inboxId)).map((r) => ({ corpId, key: `enrich:${r.ctx.inboxId}`, payload: r.payload })), Priority.Enrich);
  }

  /**
   * Reads customers from WeCom after their add and stores them with every follow relation; returns the events whose
   * customer was read. `early` (in the add's own step): only reads a call slot is free for now are made.
   */
  async function enrich(ctxs: EventContext<EnrichRequest>[], early = false): Promise<EventContext<EnrichRequest>[]> {
    const client = await corps.client(ctxs[0].corpId);
    const corpId = ctxs[0].corpId;
    const fetched = await mapLimit(ctxs, 16, async (ctx) => {
      const ext = ctx.ev.ExternalUserID ?? '';
      try {
        const readAt = new Date();
        const res = early ? await readNow(client, ext) : await client.getExternalContactAllFollowers(ext);
        return res ? { ctx, ext, readAt, contact: res.external_contact, follows: (res.follow_user ?? []) } : null;
      } catch (err) {
        if (err instanceof WecomError && err.errcode === 84061) return { ctx, ext, readAt: new Date(), gone: true as const }; // gone again already
        throw err;
      }
    });
    const ok = fetched.filter((f) => !!f && !('gone' in f)) as { ctx: EventContext<EnrichRequest>; ext: string; readAt: Date; contact: ContactRecord; follows: FollowRecord[] }[];
    // As of the add that asked for the read (the read came after it): a delete handled since is newer and stays.
    // Relations WeCom no longer reports are marked removed (a delete we missed).
    await storeContactDetails(pool, corpId, ok.map((f) => ({
      externalUserid: f.ext, contact: f.contact, follows: f.follows, version: { at: f.ctx.at, inbox: Number(f.ctx.ev.SourceInbox) || f.ctx.inboxId }, readAt: f.readAt,
    })));
    await deps.afterDetailsStored?.(corpId, ok.map((f) => f.ext));
    // The code's tags and remark go on the relation only while WeCom still has it (mark_tag on a deleted one fails).
    const live = ok.filter((f) => f.follows.some((x) => x.userid === (f.ctx.ev.UserID ?? '')));
    await mapLimit(live, 16, (f) => deps.hooks?.onEnriched?.(f.ctx, { sourceInboxId: Number(f.ctx.ev.SourceInbox), applyCode: f.ctx.ev.ApplyCode === '1' }) ?? Promise.resolve());
    return fetched.filter((f) => !!f).map((f) => f.ctx);
  }

  /** pond_enrich/contact: the reads queued after adds. They may wait for WeCom's per-minute quota: the claim is renewed first. */
  async function onEnrich(ctxs: EventContext<EnrichRequest>[]): Promise<void> {
    if (ctxs[0].renew && !(await ctxs[0].renew())) return;
    await enrich(ctxs);
  }

  return {
    'change_external_contact/add_external_contact': { batch: (ctxs) => onAdds(ctxs, false) },
    'change_external_contact/add_half_external_contact': { batch: (ctxs) => onAdds(ctxs, true) },
    'pond_enrich/contact': { batch: onEnrich },

    'change_external_contact/edit_external_contact': async (ctx) => {
      const ext = ctx.ev.ExternalUserID ?? '';
      const userid = ctx.ev.UserID ?? '';
      try {
        const { follows, prev } = await refreshCustomer(ctx, ext);
        const f = follows.find((x) => x.userid === userid);
        const before = prev.get(`${ext}|${userid}`);
        const events: TimelineEvent[] = [];
        // A newer event of the relation was applied first: the edit is recorded, but what changed is not this read's to tell.
        if (before && !before.applied) {
          await appendTimeline(pool, ctx.corpId, [{ externalUserid: ext, type: 'follow.edited', userid, occurredAt: ctx.at, data: {}, dedupeKey: `inbox:${ctx.inboxId}:edited` }]);
          return;
        }
        if (f) {
          const after = f.tag_id ?? (f.tags ?? []).filter((t) => t.tag_id && t.type !== 2).map((t) => t.tag_id!);
          events.push(...tagDiff(ctx, ext, userid, before?.tagIds ?? [], after));
          if ((before?.remark ?? null) !== (f.remark ?? null)) {
            events.push({ externalUserid: ext, type: 'remark.changed', userid, occurredAt: ctx.at, data: { from: before?.remark ?? null, to: f.remark ?? null }, dedupeKey: `inbox:${ctx.inboxId}:remark:${f.remark ?? ''}` });
          }
        }
        if (events.length === 0) {
          // Personal tags (type 2) are the member's own; note a change on the generic edit event.
          const data: Record<string, unknown> = {};
          if (f) {
            const beforeP = before?.personalTags ?? [];
            const afterP = (f.tags ?? []).filter((t) => t.type === 2 && t.tag_name).map((t) => t.tag_name!);
            const added = afterP.filter((n) => !beforeP.includes(n));
            const removed = beforeP.filter((n) => !afterP.includes(n));
            if (added.length) data.personalTagsAdded = added;
            if (removed.length) data.personalTagsRemoved = removed;
          }
          events.push({ externalUserid: ext, type: 'follow.edited', userid, occurredAt: ctx.at, data, dedupeKey: `inbox:${ctx.inboxId}:edited` });
        }
        await appendTimeline(pool, ctx.corpId, events);
      } catch (err) {
        if (!(err instanceof WecomError && err.errcode === 84061)) throw err;
      }
    },

    'change_external_contact/del_external_contact': async (ctx) => {
      const ext = ctx.ev.ExternalUserID ?? '';
      const userid = ctx.ev.UserID ?? '';
      const byTransfer = ctx.ev.Source === 'DELETE_BY_TRANSFER';
      await ensureCustomers(pool, ctx.corpId, [ext]);
      await setFollowStatus(pool, ctx.corpId, ext, userid, byTransfer ? 'transferred' : 'deleted_by_staff', versionOf(ctx));
      await deps.hooks?.onDeleted?.(ctx, byTransfer ? 'transfer' : 'staff');
      await refreshFollowCounts(pool, ctx.corpId, [ext]);
      await appendTimeline(pool, ctx.corpId, [{
        externalUserid: ext, type: byTransfer ? 'follow.transferred' : 'customer.deleted_by_staff', userid,
        occurredAt: ctx.at, data: { source: ctx.ev.Source ?? null }, dedupeKey: `inbox:${ctx.inboxId}:del`,
      }]);
    },

    'change_external_contact/del_follow_user': async (ctx) => {
      const ext = ctx.ev.ExternalUserID ?? '';
      const userid = ctx.ev.UserID ?? '';
      await ensureCustomers(pool, ctx.corpId, [ext]);
      await setFollowStatus(pool, ctx.corpId, ext, userid, 'deleted_by_customer', versionOf(ctx));
      await deps.hooks?.onDeleted?.(ctx, 'customer');
      await refreshFollowCounts(pool, ctx.corpId, [ext]);
      await appendTimeline(pool, ctx.corpId, [{
        externalUserid: ext, type: 'customer.deleted_staff', userid, occurredAt: ctx.at, data: {}, dedupeKey: `inbox:${ctx.inboxId}:delfollow`,
      }]);
    },

    'change_external_contact/transfer_fail': async (ctx) => {
      const ext = ctx.ev.ExternalUserID ?? '';
      await ensureCustomers(pool, ctx.corpId, [ext]);
      await appendTimeline(pool, ctx.corpId, [{
        externalUserid: ext, type: 'follow.transfer_failed', userid: ctx.ev.UserID ?? '', occurredAt: ctx.at,
        data: { reason: ctx.ev.FailReason ?? null }, dedupeKey: `inbox:${ctx.inboxId}:transfer_fail`,
      }]);
    },
  } satisfies InboxHandlers;
}
