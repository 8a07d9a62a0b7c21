// What happens when a customer added through a code: the welcome message first (20 s window), then —
// once the customer is stored — the code's tags and remark, the attribution row (code, channel,
// store, staff, visit) and the lock confirmed. Re-adds after a one-sided delete arrive with an empty
// state: they keep the earlier attribution's code and get no second round of tags.
import type pg from 'pg';
import type { CorpService } from '../org';
import type { Logger } from '../../platform/log';
import type { ContactEventHooks } from '../customers';
import type { EventContext } from '../callbacks';
import { markRelationTags } from '../customers';
import { loadCode, type CodeConfig } from './repo';
import { ASSIGNING_REASONS, countsOnScan, type LiveCodeService } from './service';

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

  async function codeOf(ctx: EventContext): Promise<{ code: CodeConfig | null; reAdd: boolean }> {
    const state = (ctx.ev.State as string | undefined) || '';
    if (state) {
      const id = await codes.cache.idForState(ctx.corpId, state);
      return { code: id ? await loadCode(pool, { id, corpId: ctx.corpId }) : null, reAdd: false };
    }
    const { rows } = await pool.query(
      `SELECT code_id FROM attributions WHERE corp_id = $1 AND external_userid = $2 AND userid = $3 AND code_id IS NOT NULL
       ORDER BY added_at DESC LIMIT 1`, [ctx.corpId, ctx.ev.ExternalUserID, ctx.ev.UserID]);
    if (!rows[0]) return { code: null, reAdd: false };
    return { code: await loadCode(pool, { id: rows[0].code_id, corpId: ctx.corpId }), reAdd: true };
  }

  return {
    async onAdded(ctx) {
      if (!deps.welcome) return;
      const found = await codeOf(ctx);
      const storeName = found.code?.storeId
        ? (await pool.query('SELECT name FROM stores WHERE id = $1', [found.code.storeId])).rows[0]?.name ?? null : null;
      await deps.welcome.sendForAdd({
        corpId: ctx.corpId, inboxId: ctx.inboxId, externalUserid: String(ctx.ev.ExternalUserID), userid: String(ctx.ev.UserID),
        welcomeCode: (ctx.ev.WelcomeCode as string | undefined) || undefined, codeId: found.code?.id ?? null,
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
      const { rows: [cust] } = await pool.query('SELECT unionid FROM customers WHERE corp_id = $1 AND external_userid = $2', [ctx.corpId, ext]);
      const unionid = cust?.unionid ?? null;
      const { rows: visit } = await pool.query(
        `UPDATE code_visits SET external_userid = $4 WHERE id = (
           SELECT id FROM code_visits WHERE code_id = $1 AND (userid = $2 OR userid IS NULL) AND external_userid IS NULL
             AND created_at > $5::timestamptz - interval '1 day' AND ($3::text IS NULL OR unionid IS NULL OR unionid = $3)
           ORDER BY (unionid = $3) IS TRUE DESC, created_at DESC LIMIT 1)
         RETURNING id, visitor_key, visitor_kind, userid, reason`, [code.id, userid, unionid, ext, ctx.at]);
      const v = visit[0];
      // A scan that was not counted when shown counts now that the person added (once: the visit is taken).
      if (v && !reAdd && v.userid === userid && ASSIGNING_REASONS.includes(v.reason) && !countsOnScan({ key: v.visitor_key, kind: v.visitor_kind, unionid: null })) {
        await codes.countAdd(code, userid, ctx.at);
      }
      if (v) {
        await pool.query(`UPDATE code_locks SET external_userid = $3, confirmed_at = now() WHERE code_id = $1 AND visitor_key = $2`, [code.id, v.visitor_key, ext]);
      }
      // An add whose relation a newer delete already ended (handled first) is attributed, and ended as that delete says.
      await pool.query(
        `INSERT INTO attributions (corp_id, external_userid, userid, code_id, channel, store_id, visit_id, state, added_at, inbox_id, deleted_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,
                 CASE WHEN $11 THEN (SELECT f.deleted_at FROM follows f WHERE f.corp_id = $1 AND f.external_userid = $2 AND f.userid = $3 AND f.status <> 'active') END)
         ON CONFLICT (corp_id, inbox_id) DO NOTHING`,
        [ctx.corpId, ext, userid, code.id, code.channel, code.storeId, v?.id ?? null, (ctx.ev.State as string) || code.state, ctx.at, ctx.inboxId, info.superseded]);
      return { codeId: code.id, codeName: code.name, channel: code.channel, visitId: v?.id ?? null, reAdd };
    },

    /** Once the customer is read from WeCom: the code's tags and remark (fresh adds only) and the unionid lock. */
    async onEnriched(ctx, info) {
      const { rows: [a] } = await pool.query('SELECT code_id FROM attributions WHERE corp_id = $1 AND inbox_id = $2', [ctx.corpId, info.sourceInboxId]);
      if (!a?.code_id) return;
      const code = await loadCode(pool, { id: a.code_id, corpId: ctx.corpId });
      if (!code) return;
      const ext = String(ctx.ev.ExternalUserID);
      const userid = String(ctx.ev.UserID);
      const client = await corps.client(ctx.corpId);
      const { rows: [cust] } = await pool.query('SELECT name, unionid FROM customers WHERE corp_id = $1 AND external_userid = $2', [ctx.corpId, ext]);
      if (info.applyCode) {
        // WeCom fires no callback for our own writes: store what we set.
        const liveTags = code.tagIds.length
          ? (await pool.query('SELECT id FROM tags WHERE corp_id = $1 AND id = ANY($2) AND deleted_at IS NULL', [ctx.corpId, code.tagIds])).rows.map((r) => r.id as string)
          : [];
        await markRelationTags(pool, client, { corpId: ctx.corpId, externalUserid: ext, userid, add: liveTags, at: ctx.at, data: { codeId: code.id }, dedupeKey: `inbox:${info.sourceInboxId}:codetags` });
        if (code.remarkTemplate) {
          const remark = code.remarkTemplate.replaceAll('{nickname}', cust?.name ?? '').replaceAll('{channel}', code.channel).replaceAll('{code}', code.name).slice(0, 20);
          await client.remark({ userid, external_userid: ext, remark });
          await pool.query('UPDATE follows SET remark = $4, updated_at = now() WHERE corp_id = $1 AND external_userid = $2 AND userid = $3', [ctx.corpId, ext, userid, remark]);
        }
      }
      // The unionid is the lock key across devices: a later scan from any phone finds this staff member.
      if (code.lockEnabled && cust?.unionid) {
        await pool.query(
          `INSERT INTO code_locks (code_id, visitor_key, corp_id, userid, external_userid, confirmed_at) VALUES ($1,$2,$3,$4,$5, now())
           ON CONFLICT (code_id, visitor_key) DO UPDATE SET userid = EXCLUDED.userid, external_userid = EXCLUDED.external_userid, confirmed_at = now()`,
          [code.id, `u:${cust.unionid}`, ctx.corpId, userid, ext]);
      }
    },

    async onDeleted(ctx) {
      // The relation this delete ended began before it: a later re-add handled first keeps its own attribution open.
      await pool.query(
        `UPDATE attributions SET deleted_at = $4 WHERE id = (
           SELECT id FROM attributions WHERE corp_id = $1 AND external_userid = $2 AND userid = $3 AND deleted_at IS NULL AND added_at <= $4
           ORDER BY added_at DESC LIMIT 1)`,
        [ctx.corpId, ctx.ev.ExternalUserID, ctx.ev.UserID, ctx.at]);
    },
  };
}
