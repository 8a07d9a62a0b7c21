// What happens when a customer added through a code: the welcome message first (20 s window), then —
// once the customer is stored — the code's tags and remark, the attribution row (code, channel,
// store, staff, visit) and the lock confirmed. Re-adds after a one-sided delete arrive with an empty
// state: they keep the earlier attribution's code and get no second round of tags. An add through a link mode code's
// acquisition link names the visit itself in its State (ADR 0037).
import type pg from 'pg';
import type { CorpService } from '../org';
import type { Logger } from '../../platform/log';
import type { ContactEventHooks } from '../customers';
import type { ContactAdd, EventContext } from '../../platform/inbox';
import { markRelationTags } from '../customers';
import * as repo from './repo';
import { loadCode, type CodeConfig } from './repo';
import { ASSIGNING_REASONS, countsOnScan, splitState, type LiveCodeService } from './service';

export interface WelcomeSender {
  sendForAdd(args: {
    corpId: string; inboxId: number; externalUserid: string; userid: string; welcomeCode: string | undefined;
    codeId: number | null; codeWelcomeId: number | null; channel?: string | null; storeName?: string | null; receivedAt: Date; lease?: string;
  }): Promise<{ status: string; templateId: number | null; errcode?: number; latencyMs?: number }>;
  /** The recorded outcome of the welcome of each of these add events. */
  outcomesFor(corpId: string, inboxIds: number[]): Promise<Map<number, { status: string; errcode: number | null }>>;
}

export function acquireHooks(deps: { pool: pg.Pool; corps: CorpService; codes: LiveCodeService; welcome?: WelcomeSender; log: Logger }): ContactEventHooks {
  const { pool, corps, codes } = deps;

  /**
   * The code an add came through, by its State: a code's state, or — through a link mode code's landing page — the code's
   * state and the visit's token (`<state>.<token>`, the customer_channel the page sent the customer on with).
   */
  async function codeOf(ctx: EventContext<ContactAdd>): Promise<{ code: CodeConfig | null; reAdd: boolean; token?: string | null }> {
    const state = ctx.ev.State || '';
    if (state) {
      const { codeState, token } = splitState(state);
      const id = await codes.cache.idForState(ctx.corpId, codeState);
      return { code: id ? await loadCode(pool, { id, corpId: ctx.corpId }) : null, reAdd: false, token };
    }
    const codeId = await repo.lastAttributedCode(pool, ctx.corpId, String(ctx.ev.ExternalUserID), String(ctx.ev.UserID));
    if (codeId === null) return { code: null, reAdd: false };
    return { code: await loadCode(pool, { id: codeId, corpId: ctx.corpId }), reAdd: true };
  }

  return {
    async onAdded(ctx) {
      if (!deps.welcome) return;
      const found = await codeOf(ctx);
      const storeName = found.code?.storeId ? await repo.storeName(pool, found.code.storeId) : null;
      await deps.welcome.sendForAdd({
        corpId: ctx.corpId, inboxId: ctx.inboxId, externalUserid: String(ctx.ev.ExternalUserID), userid: String(ctx.ev.UserID),
        welcomeCode: ctx.ev.WelcomeCode || undefined, codeId: found.code?.id ?? null,
        codeWelcomeId: found.code?.welcomeId ?? null, channel: found.code?.channel ?? null, storeName, receivedAt: ctx.receivedAt ?? ctx.at,
        lease: ctx.lease,
      });
    },

    async addedOutcomes(corpId, inboxIds) {
      const out = new Map<number, Record<string, unknown>>();
      if (!deps.welcome) return out;
      for (const [inboxId, w] of await deps.welcome.outcomesFor(corpId, inboxIds)) {
        out.set(inboxId, { welcome: w.status, ...(w.errcode ? { welcomeErrcode: w.errcode } : {}) });
      }
      return out;
    },

    async afterAdded(ctx, info) {
      const found = await codeOf(ctx);
      const { code } = found;
      if (!code) return {};
      const ext = String(ctx.ev.ExternalUserID);
      const userid = String(ctx.ev.UserID);
      const reAdd = found.reAdd || info.reAdd;
      // Match the scan that led here: same code and staff, the customer's unionid when already known,
      // else the latest open visit of the last day (not one without a unionid because the add has none yet).
      const unionid = (await repo.customerNames(pool, ctx.corpId, ext))?.unionid ?? null;
      // A link mode add names its visit (ADR 0037): that one, and no guessing. One without (the link's own channel, or a
      // backup member's contact way) takes only a visit that assigned this very staff member (a backup's).
      const link = code.mode === 'link';
      const byChannel = link && !!found.token;
      const v = byChannel
        ? await repo.takeChannelVisit(pool, { codeId: code.id, token: found.token!, externalUserid: ext, at: ctx.at })
        : await repo.takeVisit(pool, { codeId: code.id, userid, unionid, externalUserid: ext, at: ctx.at, exactStaff: link });
      // A scan that was not counted when shown counts now that the person added (once: the visit is taken).
      if (v && !reAdd && v.userid === userid && ASSIGNING_REASONS.includes(v.reason) && !countsOnScan({ key: v.visitor_key, kind: v.visitor_kind, unionid: null })) {
        await codes.countAdd(code, userid, ctx.at);
      }
      if (v) await repo.confirmLock(pool, code.id, v.visitor_key, ext);
      // An add whose relation a newer delete already ended (handled first) is attributed, and ended as that delete says.
      await repo.insertAttribution(pool, {
        corpId: ctx.corpId, externalUserid: ext, userid, codeId: code.id, channel: code.channel, storeId: code.storeId, visitId: v?.id ?? null,
        state: ctx.ev.State || code.state, addedAt: ctx.at, inboxId: ctx.inboxId, superseded: info.superseded,
      });
      return { codeId: code.id, codeName: code.name, channel: code.channel, visitId: v?.id ?? null, reAdd, ...(byChannel && v ? { channelVisit: true } : {}) };
    },

    /** Once the customer is read from WeCom: the code's tags and remark (fresh adds only) and the unionid lock. */
    async onEnriched(ctx, info) {
      const codeId = await repo.attributedCodeOf(pool, ctx.corpId, info.sourceInboxId);
      if (!codeId) return;
      const code = await loadCode(pool, { id: codeId, corpId: ctx.corpId });
      if (!code) return;
      const ext = String(ctx.ev.ExternalUserID);
      const userid = String(ctx.ev.UserID);
      const client = await corps.client(ctx.corpId);
      const cust = await repo.customerNames(pool, ctx.corpId, ext);
      if (info.applyCode) {
        // WeCom fires no callback for our own writes: store what we set.
        const liveTags = code.tagIds.length ? await repo.liveTagIds(pool, ctx.corpId, code.tagIds) : [];
        await markRelationTags(pool, client, { corpId: ctx.corpId, externalUserid: ext, userid, add: liveTags, at: ctx.at, data: { codeId: code.id }, dedupeKey: `inbox:${info.sourceInboxId}:codetags` });
        if (code.remarkTemplate) {
          const remark = code.remarkTemplate.replaceAll('{nickname}', cust?.name ?? '').replaceAll('{channel}', code.channel).replaceAll('{code}', code.name).slice(0, 20);
          await client.remark({ userid, external_userid: ext, remark });
          await repo.setFollowRemark(pool, ctx.corpId, ext, userid, remark);
        }
      }
      // The unionid is the lock key across devices: a later scan from any phone finds this staff member.
      if (code.lockEnabled && cust?.unionid) {
        await repo.lockUnionid(pool, { codeId: code.id, unionid: cust.unionid, corpId: ctx.corpId, userid, externalUserid: ext });
      }
    },

    async onDeleted(ctx) {
      // The relation this delete ended began before it: a later re-add handled first keeps its own attribution open.
      await repo.endAttribution(pool, ctx.corpId, String(ctx.ev.ExternalUserID), String(ctx.ev.UserID), ctx.at);
    },
  };
}
