// Handlers for change_external_contact callbacks. Each one re-reads WeCom where the event carries
// only ids, updates customers and follow relations, and appends to the timeline under a key derived
// from the inbox row, so a retried event never appends twice.
import { WecomError, buildEventXml } from '@pond/wecom';
import type pg from 'pg';
import type { CorpService } from '../org/corps';
import type { EventContext, HandlerMap } from '../callbacks/processor';
import {
  appendTimeline, refreshFollowCounts, setFollowStatus, upsertCustomers, upsertFollows, type FollowRecord, type TimelineEvent,
} from './repo';

/** Pond's own follow-up events share the inbox (and its retries) with WeCom's. */
export const ENRICH_EVENT = 'pond_enrich';

export const addedKey = (ext: string, userid: string, createtime: number | string) => `added:${ext}:${userid}:${createtime}`;

export interface ContactEventHooks {
  /** Runs first on add events (the welcome window is 20 s). Returns data to keep on the timeline. */
  onAdded?: (ctx: EventContext) => Promise<Record<string, unknown> | void>;
  /** Runs after the customer and follow relation are stored (attribution, code tags, remark). */
  afterAdded?: (ctx: EventContext, info: { reAdd: boolean; half: boolean }) => Promise<Record<string, unknown> | void>;
  /** The customer's details were read from WeCom after an add (`applyCode`: a fresh add, not a re-add). */
  onEnriched?: (ctx: EventContext, info: { sourceInboxId: number; applyCode: boolean }) => Promise<void>;
  /** A follow relation ended (either side, or a transfer). */
  onDeleted?: (ctx: EventContext, by: 'staff' | 'customer' | 'transfer') => Promise<void>;
}

export function contactEventHandlers(deps: { pool: pg.Pool; corps: CorpService; hooks?: ContactEventHooks }): HandlerMap {
  const { pool, corps } = deps;

  /** Re-reads one customer from WeCom and stores it with every follow relation; returns tag diffs per staff. */
  async function refreshCustomer(corpId: string, externalUserid: string) {
    const client = await corps.client(corpId);
    const follows: FollowRecord[] = [];
    let contact: any;
    let cursor: string | undefined;
    do {
      const res = await client.getExternalContact(externalUserid, cursor);
      contact = res.external_contact;
      follows.push(...((res.follow_user ?? []) as FollowRecord[]));
      cursor = res.next_cursor || undefined;
    } while (cursor);
    await upsertCustomers(pool, corpId, [contact]);
    const prev = await upsertFollows(pool, corpId, follows.map((f) => ({ externalUserid, follow: f })));
    // Relations WeCom no longer reports are gone (a delete we missed).
    await pool.query(
      `UPDATE follows SET status = 'removed', deleted_at = now(), updated_at = now()
       WHERE corp_id = $1 AND external_userid = $2 AND status = 'active' AND NOT (userid = ANY($3))`,
      [corpId, externalUserid, follows.map((f) => f.userid)]);
    await refreshFollowCounts(pool, corpId, [externalUserid]);
    return { follows, prev };
  }

  function tagDiff(ctx: EventContext, ext: string, userid: string, before: string[], after: string[]): TimelineEvent[] {
    const added = after.filter((t) => !before.includes(t));
    const removed = before.filter((t) => !after.includes(t));
    const out: TimelineEvent[] = [];
    if (added.length) out.push({ externalUserid: ext, type: 'tag.added', userid, occurredAt: ctx.at, data: { tagIds: added }, dedupeKey: `inbox:${ctx.inboxId}:tag.added:${userid}:${added.join(',')}` });
    if (removed.length) out.push({ externalUserid: ext, type: 'tag.removed', userid, occurredAt: ctx.at, data: { tagIds: removed }, dedupeKey: `inbox:${ctx.inboxId}:tag.removed:${userid}:${removed.join(',')}` });
    return out;
  }

  async function onAdd(ctx: EventContext, half: boolean) {
    const ext = String(ctx.ev.ExternalUserID ?? '');
    const userid = String(ctx.ev.UserID ?? '');
    const state = (ctx.ev.State as string | undefined) || null;
    // The welcome code is valid 20 s: it goes first.
    const hookData = deps.hooks?.onAdded ? await deps.hooks.onAdded(ctx) : undefined;
    // Then the facts the event itself carries. Nothing here calls WeCom: its quotas are per minute,
    // and a burst of adds must not hold the next customer's welcome back. Details follow (enrich).
    const { rows: [prev] } = await pool.query(
      'SELECT status FROM follows WHERE corp_id = $1 AND external_userid = $2 AND userid = $3', [ctx.corpId, ext, userid]);
    const reAdd = !!prev && prev.status !== 'active';
    await pool.query('INSERT INTO customers (corp_id, external_userid) VALUES ($1,$2) ON CONFLICT DO NOTHING', [ctx.corpId, ext]);
    await pool.query(
      `INSERT INTO follows (corp_id, external_userid, userid, state, added_at, status) VALUES ($1,$2,$3,$4,$5,'active')
       ON CONFLICT (corp_id, external_userid, userid) DO UPDATE SET status = 'active', deleted_at = NULL,
         state = coalesce(EXCLUDED.state, follows.state),
         added_at = CASE WHEN follows.status <> 'active' OR follows.added_at IS NULL THEN EXCLUDED.added_at ELSE follows.added_at END,
         updated_at = now()`,
      [ctx.corpId, ext, userid, state, ctx.at]);
    await refreshFollowCounts(pool, ctx.corpId, [ext]);
    const afterData = deps.hooks?.afterAdded ? await deps.hooks.afterAdded(ctx, { reAdd, half }) : undefined;
    await appendTimeline(pool, ctx.corpId, [{
      externalUserid: ext, type: half ? 'customer.half_added' : 'customer.added', userid, occurredAt: ctx.at,
      data: { state, reAdd, ...(hookData ?? {}), ...(afterData ?? {}) },
      // Same key as the sync uses, so a relation seen both ways is recorded once.
      dedupeKey: half ? `inbox:${ctx.inboxId}:half` : reAdd ? `inbox:${ctx.inboxId}:readded` : addedKey(ext, userid, ctx.ev.CreateTime as string ?? `inbox${ctx.inboxId}`),
    }]);
    await enqueueEnrich(ctx, ext, userid, !reAdd && !half);
  }

  /** A follow-up event in the same durable inbox: read the customer from WeCom, rate-limited, after the rush. */
  async function enqueueEnrich(ctx: EventContext, ext: string, userid: string, applyCode: boolean) {
    const xml = buildEventXml({ Event: ENRICH_EVENT, ChangeType: 'contact', ExternalUserID: ext, UserID: userid, SourceInbox: String(ctx.inboxId), ApplyCode: applyCode ? '1' : '0', CreateTime: String(ctx.ev.CreateTime ?? '') });
    await pool.query(
      `INSERT INTO callback_inbox (corp_id, event_key, event, change_type, priority, xml) VALUES ($1,$2,$3,'contact',6,$4)
       ON CONFLICT (corp_id, event_key) DO NOTHING`, [ctx.corpId, `enrich:${ctx.inboxId}`, ENRICH_EVENT, xml]);
  }

  return {
    [`${ENRICH_EVENT}/contact`]: async (ctx) => {
      const ext = String(ctx.ev.ExternalUserID ?? '');
      try {
        await refreshCustomer(ctx.corpId, ext);
      } catch (err) {
        if (err instanceof WecomError && err.errcode === 84061) return; // gone again already
        throw err;
      }
      await deps.hooks?.onEnriched?.(ctx, { sourceInboxId: Number(ctx.ev.SourceInbox), applyCode: ctx.ev.ApplyCode === '1' });
    },
    'change_external_contact/add_external_contact': (ctx) => onAdd(ctx, false),
    'change_external_contact/add_half_external_contact': (ctx) => onAdd(ctx, true),

    'change_external_contact/edit_external_contact': async (ctx) => {
      const ext = String(ctx.ev.ExternalUserID ?? '');
      const userid = String(ctx.ev.UserID ?? '');
      try {
        const { follows, prev } = await refreshCustomer(ctx.corpId, ext);
        const f = follows.find((x) => x.userid === userid);
        const before = prev.get(`${ext}|${userid}`);
        const events: TimelineEvent[] = [];
        if (f) {
          const after = f.tag_id ?? (f.tags ?? []).filter((t) => t.tag_id && t.type !== 2).map((t) => t.tag_id!);
          events.push(...tagDiff(ctx, ext, userid, before?.tagIds ?? [], after));
          if ((before?.remark ?? null) !== (f.remark ?? null)) {
            events.push({ externalUserid: ext, type: 'remark.changed', userid, occurredAt: ctx.at, data: { from: before?.remark ?? null, to: f.remark ?? null }, dedupeKey: `inbox:${ctx.inboxId}:remark:${f.remark ?? ''}` });
          }
        }
        if (events.length === 0) events.push({ externalUserid: ext, type: 'follow.edited', userid, occurredAt: ctx.at, data: {}, dedupeKey: `inbox:${ctx.inboxId}:edited` });
        await appendTimeline(pool, ctx.corpId, events);
      } catch (err) {
        if (!(err instanceof WecomError && err.errcode === 84061)) throw err;
      }
    },

    'change_external_contact/del_external_contact': async (ctx) => {
      const ext = String(ctx.ev.ExternalUserID ?? '');
      const userid = String(ctx.ev.UserID ?? '');
      const byTransfer = ctx.ev.Source === 'DELETE_BY_TRANSFER';
      await pool.query(
        `INSERT INTO customers (corp_id, external_userid) VALUES ($1,$2) ON CONFLICT DO NOTHING`, [ctx.corpId, ext]);
      await setFollowStatus(pool, ctx.corpId, ext, userid, byTransfer ? 'transferred' : 'deleted_by_staff', ctx.at);
      await deps.hooks?.onDeleted?.(ctx, byTransfer ? 'transfer' : 'staff');
      await refreshFollowCounts(pool, ctx.corpId, [ext]);
      await appendTimeline(pool, ctx.corpId, [{
        externalUserid: ext, type: byTransfer ? 'follow.transferred' : 'customer.deleted_by_staff', userid,
        occurredAt: ctx.at, data: { source: ctx.ev.Source ?? null }, dedupeKey: `inbox:${ctx.inboxId}:del`,
      }]);
    },

    'change_external_contact/del_follow_user': async (ctx) => {
      const ext = String(ctx.ev.ExternalUserID ?? '');
      const userid = String(ctx.ev.UserID ?? '');
      await pool.query(`INSERT INTO customers (corp_id, external_userid) VALUES ($1,$2) ON CONFLICT DO NOTHING`, [ctx.corpId, ext]);
      await setFollowStatus(pool, ctx.corpId, ext, userid, 'deleted_by_customer', ctx.at);
      await deps.hooks?.onDeleted?.(ctx, 'customer');
      await refreshFollowCounts(pool, ctx.corpId, [ext]);
      await appendTimeline(pool, ctx.corpId, [{
        externalUserid: ext, type: 'customer.deleted_staff', userid, occurredAt: ctx.at, data: {}, dedupeKey: `inbox:${ctx.inboxId}:delfollow`,
      }]);
    },

    'change_external_contact/transfer_fail': async (ctx) => {
      const ext = String(ctx.ev.ExternalUserID ?? '');
      await pool.query(`INSERT INTO customers (corp_id, external_userid) VALUES ($1,$2) ON CONFLICT DO NOTHING`, [ctx.corpId, ext]);
      await appendTimeline(pool, ctx.corpId, [{
        externalUserid: ext, type: 'follow.transfer_failed', userid: String(ctx.ev.UserID ?? ''), occurredAt: ctx.at,
        data: { reason: ctx.ev.FailReason ?? null }, dedupeKey: `inbox:${ctx.inboxId}:transfer_fail`,
      }]);
    },
  };
}
