// Handover (继承): on-job and resigned customer transfers (≤ 100 per call, each customer at most
// twice in 90 days, takeover after the corp's delay — 24 h by default — unless the customer
// refuses), and group ownership transfers (resigned owner, or on-job at most twice in 90 days,
// 300 groups per original owner per day). Error codes WeCom does not document publicly are
// chosen from its global error list and named in errmsg.
import type { SimContext } from './context';
import type { Sql } from './db';
import { num } from './db';
import { ControlError, E, SimError } from './errors';
import { chatEvent, contactEvent, type SimEvent } from './events';
import { encodeCursor, readKeyCursor, readPairCursor } from './cursor';
import { mapGroup, setOwnerTx } from './groups';
import { getStaff, STAFF_RESIGNED } from './org';
import type { Count, SimCorpRow, SimFollowRow, SimGroupRow, SimGroupTransferRow, SimStaffRow, SimTransferRow } from './rows';
import { limitOf, optString, optStringArray, reqString, type Body } from './validate';

const DAY_MS = 86_400_000;
const WINDOW_90D_MS = 90 * DAY_MS;
const YEAR_MS = 365 * DAY_MS;

type Kind = 'onjob' | 'resigned';

export async function transferCustomers(ctx: SimContext, corpId: string, body: Body, kind: Kind) {
  const handover = reqString(body, 'handover_userid');
  const takeover = reqString(body, 'takeover_userid');
  const ext = optStringArray(body, 'external_userid', { max: 100 });
  if (!ext?.length) throw E.param('external_userid', 'required, 1–100 ids');
  if (handover === takeover) throw E.param('takeover_userid', 'must differ from handover_userid');
  const msg = kind === 'onjob' ? optString(body, 'transfer_success_msg', { max: 200 }) : undefined;
  const now = ctx.clock.now();
  const from = await getStaff(ctx.db, corpId, handover);
  if (!from) throw E.invalidUserid(handover);
  if (kind === 'onjob' && from.status === STAFF_RESIGNED) throw new SimError(40097, `handover_userid ${handover} has resigned: use resigned/transfer_customer`);
  if (kind === 'resigned') {
    if (from.status !== STAFF_RESIGNED) throw new SimError(40097, `handover_userid ${handover} has not resigned`);
    if (from.resignedAt && from.resignedAt < now - YEAR_MS) throw new SimError(40097, `handover_userid ${handover} resigned more than a year ago`);
  }
  const to = await getStaff(ctx.db, corpId, takeover);
  if (!to || to.status !== 1) throw E.invalidUserid(takeover);
  if (!to.isFollowUser) throw new SimError(84074, `no external contact permission: ${takeover}`);
  const corp = await ctx.db.one<Pick<SimCorpRow, 'transfer_delay_ms'>>(`SELECT transfer_delay_ms FROM {s}.corps WHERE corp_id = $1`, [corpId]);
  const dueAt = now + num(corp?.transfer_delay_ms ?? DAY_MS);
  const customer: { external_userid: string; errcode: number }[] = [];
  await ctx.db.tx(async (tx) => {
    for (const id of ext) {
      const f = await tx.one<Pick<SimFollowRow, 'status'>>(
        `SELECT status FROM {s}.follows WHERE corp_id = $1 AND userid = $2 AND external_userid = $3 AND status IN ('active', 'customer_deleted') FOR UPDATE`,
        [corpId, handover, id],
      );
      if (!f) {
        customer.push({ external_userid: id, errcode: 84061 });
        continue;
      }
      const history = await tx.q<Pick<SimTransferRow, 'status' | 'created_at'>>(
        `SELECT status, created_at FROM {s}.transfers WHERE corp_id = $1 AND external_userid = $2 AND created_at > $3`,
        [corpId, id, now - WINDOW_90D_MS],
      );
      if (history.some((h) => h.status === 2)) {
        customer.push({ external_userid: id, errcode: 40100 }); // already in a transfer
        continue;
      }
      if (kind === 'onjob' && history.filter((h) => h.status === 1 || h.status === 2).length >= 2) {
        customer.push({ external_userid: id, errcode: 40128 }); // transferred twice within 90 days
        continue;
      }
      await tx.q(
        `INSERT INTO {s}.transfers (corp_id, kind, handover_userid, takeover_userid, external_userid, status, success_msg, created_at, due_at)
         VALUES ($1, $2, $3, $4, $5, 2, $6, $7, $8)`,
        [corpId, kind, handover, takeover, id, msg ?? null, now, dueAt],
      );
      customer.push({ external_userid: id, errcode: 0 });
    }
  });
  return { customer };
}

export async function transferResult(ctx: SimContext, corpId: string, body: Body, kind: Kind) {
  await processDueTransfers(ctx);
  const handover = reqString(body, 'handover_userid');
  const takeover = reqString(body, 'takeover_userid');
  const after = readKeyCursor(body.cursor);
  const rows = await ctx.db.q<SimTransferRow>(
    `SELECT DISTINCT ON (external_userid) * FROM {s}.transfers
      WHERE corp_id = $1 AND kind = $2 AND handover_userid = $3 AND takeover_userid = $4 AND ($5::text IS NULL OR external_userid > $5)
      ORDER BY external_userid, id DESC`,
    [corpId, kind, handover, takeover, after],
  );
  const page = rows.slice(0, 1000);
  return {
    customer: page.map((r) => ({
      external_userid: r.external_userid,
      status: r.status,
      takeover_time: Math.floor(num(r.done_at ?? r.due_at) / 1000),
    })),
    next_cursor: rows.length > 1000 ? encodeCursor(page[page.length - 1].external_userid) : '',
  };
}

export async function getUnassignedList(ctx: SimContext, corpId: string, body: Body) {
  const size = limitOf(body, 'page_size', 1000, 1000);
  const after = readPairCursor(body.cursor, 'string');
  const rows = await ctx.db.q<Pick<SimFollowRow, 'userid' | 'external_userid'> & Pick<SimStaffRow, 'resigned_at'>>(
    `SELECT f.userid, f.external_userid, s.resigned_at FROM {s}.follows f
       JOIN {s}.staff s ON s.corp_id = f.corp_id AND s.userid = f.userid AND s.status = 5
      WHERE f.corp_id = $1 AND f.status IN ('active', 'customer_deleted')
        AND NOT EXISTS (SELECT 1 FROM {s}.transfers t WHERE t.corp_id = f.corp_id AND t.external_userid = f.external_userid
                         AND t.handover_userid = f.userid AND t.status IN (1, 2))
        AND ($2::text IS NULL OR (f.userid, f.external_userid) > ($2, $3))
      ORDER BY f.userid, f.external_userid LIMIT $4`,
    [corpId, after?.[0] ?? null, after?.[1] ?? null, size + 1],
  );
  const more = rows.length > size;
  const page = more ? rows.slice(0, size) : rows;
  const last = page[page.length - 1];
  return {
    info: page.map((r) => ({ handover_userid: r.userid, external_userid: r.external_userid, dimission_time: Math.floor(num(r.resigned_at) / 1000) })),
    is_last: !more,
    next_cursor: more ? encodeCursor([last.userid, last.external_userid]) : '',
  };
}

/** Applies every transfer whose takeover time has come. Safe to run from several processes. */
export async function processDueTransfers(ctx: SimContext): Promise<number> {
  const now = ctx.clock.now();
  const nowSec = Math.floor(now / 1000);
  const events: SimEvent[] = [];
  const done = await ctx.db.tx(async (tx) => {
    const due = await tx.q<SimTransferRow>(`SELECT * FROM {s}.transfers WHERE status = 2 AND due_at <= $1 ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED`, [now]);
    for (const t of due) await completeTransfer(tx, t, now, nowSec, events);
    return due.length;
  });
  await ctx.callbacks.emit(events);
  return done;
}

async function completeTransfer(tx: Sql, t: SimTransferRow, now: number, nowSec: number, events: SimEvent[]) {
  const corp = await tx.one<Pick<SimCorpRow, 'staff_customer_limit'>>(`SELECT staff_customer_limit FROM {s}.corps WHERE corp_id = $1`, [t.corp_id]);
  const old = await tx.one<SimFollowRow>(
    `SELECT * FROM {s}.follows WHERE corp_id = $1 AND userid = $2 AND external_userid = $3 AND status IN ('active', 'customer_deleted') FOR UPDATE`,
    [t.corp_id, t.handover_userid, t.external_userid],
  );
  if (!old) {
    // The relationship ended meanwhile; nothing to move.
    await tx.q(`UPDATE {s}.transfers SET status = 3, done_at = $2 WHERE id = $1`, [t.id, now]);
    return;
  }
  const load = await tx.one<Count>(`SELECT count(*) AS n FROM {s}.follows WHERE corp_id = $1 AND userid = $2 AND status IN ('active', 'half')`, [
    t.corp_id,
    t.takeover_userid,
  ]);
  if (num(load?.n) >= (corp?.staff_customer_limit ?? 5000)) {
    await tx.q(`UPDATE {s}.transfers SET status = 4, done_at = $2 WHERE id = $1`, [t.id, now]);
    events.push(contactEvent(t.corp_id, nowSec, 'transfer_fail', { userid: t.takeover_userid, externalUserid: t.external_userid, failReason: 'customer_limit_exceed' }));
    return;
  }
  const existing = await tx.one<Pick<SimFollowRow, 'status'>>(
    `SELECT status FROM {s}.follows WHERE corp_id = $1 AND userid = $2 AND external_userid = $3 FOR UPDATE`,
    [t.corp_id, t.takeover_userid, t.external_userid],
  );
  const alreadyFriend = existing && (existing.status === 'active' || existing.status === 'half');
  if (!alreadyFriend) {
    await tx.q(
      `INSERT INTO {s}.follows (corp_id, userid, external_userid, status, remark, description, remark_corp_name, remark_mobiles, tag_ids,
                                createtime_sec, add_way, oper_userid, state, updated_at)
       VALUES ($1, $2, $3, 'active', $4, $5, $6, $7, $8, $9, 202, $10, $11, $12)
       ON CONFLICT (corp_id, userid, external_userid) DO UPDATE SET status = 'active', remark = EXCLUDED.remark,
         description = EXCLUDED.description, remark_corp_name = EXCLUDED.remark_corp_name, remark_mobiles = EXCLUDED.remark_mobiles,
         tag_ids = EXCLUDED.tag_ids, personal_tags = '{}', createtime_sec = EXCLUDED.createtime_sec, add_way = 202, oper_userid = EXCLUDED.oper_userid,
         state = EXCLUDED.state, deleted_by = NULL, deleted_at = NULL, updated_at = EXCLUDED.updated_at`,
      [
        t.corp_id,
        t.takeover_userid,
        t.external_userid,
        old.remark,
        old.description,
        old.remark_corp_name,
        old.remark_mobiles,
        old.tag_ids,
        nowSec,
        t.handover_userid,
        old.state,
        now,
      ],
    );
    events.push(contactEvent(t.corp_id, nowSec, 'add_external_contact', { userid: t.takeover_userid, externalUserid: t.external_userid }));
  }
  await tx.q(
    `UPDATE {s}.follows SET status = 'transferred', deleted_by = 'transfer', deleted_at = $4, updated_at = $4
      WHERE corp_id = $1 AND userid = $2 AND external_userid = $3`,
    [t.corp_id, t.handover_userid, t.external_userid, now],
  );
  events.push(contactEvent(t.corp_id, nowSec, 'del_external_contact', { userid: t.handover_userid, externalUserid: t.external_userid, source: 'DELETE_BY_TRANSFER' }));
  if (t.success_msg) {
    await tx.q(
      `INSERT INTO {s}.messages (corp_id, kind, direction, wechat_user_id, external_userid, userid, payload, created_at)
       SELECT $1, 'transfer', 'to_customer', c.wechat_user_id, c.external_userid, $3, $4, $5 FROM {s}.customers c
        WHERE c.corp_id = $1 AND c.external_userid = $2`,
      [t.corp_id, t.external_userid, t.takeover_userid, JSON.stringify({ msgtype: 'text', text: { content: t.success_msg } }), now],
    );
  }
  await tx.q(`UPDATE {s}.transfers SET status = 1, done_at = $2 WHERE id = $1`, [t.id, now]);
}

/** The customer taps "refuse" on the transfer notice: status 3 and transfer_fail (customer_refused). */
export async function refuseTransfer(ctx: SimContext, externalUserid: string): Promise<number> {
  const nowSec = ctx.clock.nowSec();
  const rows = await ctx.db.q<Pick<SimTransferRow, 'corp_id' | 'takeover_userid'>>(
    `UPDATE {s}.transfers SET status = 3, done_at = $2 WHERE external_userid = $1 AND status = 2 RETURNING corp_id, takeover_userid`,
    [externalUserid, ctx.clock.now()],
  );
  if (rows.length === 0) throw new ControlError(`no transfer is waiting for ${externalUserid}`, 404);
  await ctx.callbacks.emit(
    rows.map((r) => contactEvent(r.corp_id, nowSec, 'transfer_fail', { userid: r.takeover_userid, externalUserid, failReason: 'customer_refused' })),
  );
  return rows.length;
}

// ---- group ownership --------------------------------------------------------------------------

export async function transferGroups(ctx: SimContext, corpId: string, body: Body, kind: Kind) {
  const chatIds = optStringArray(body, 'chat_id_list', { max: 100 });
  if (!chatIds?.length) throw E.param('chat_id_list', 'required, 1–100 chat ids');
  const newOwner = reqString(body, 'new_owner');
  const to = await getStaff(ctx.db, corpId, newOwner);
  if (!to || to.status !== 1) throw E.invalidUserid(newOwner);
  const now = ctx.clock.now();
  const nowSec = Math.floor(now / 1000);
  const failed: { chat_id: string; errcode: number; errmsg: string }[] = [];
  const events: SimEvent[] = [];
  await ctx.db.tx(async (tx) => {
    for (const chatId of chatIds) {
      const row = await tx.one<SimGroupRow>(`SELECT * FROM {s}.groups WHERE corp_id = $1 AND chat_id = $2 FOR UPDATE`, [corpId, chatId]);
      const fail = (errcode: number, errmsg: string) => failed.push({ chat_id: chatId, errcode, errmsg });
      if (!row || row.dismissed_at) {
        fail(90501, 'chat is not a customer group or was dismissed');
        continue;
      }
      const g = mapGroup(row);
      if (g.owner === newOwner) {
        fail(90504, 'new_owner already owns the group');
        continue;
      }
      const owner = await getStaff(tx, corpId, g.owner);
      const resigned = owner?.status === STAFF_RESIGNED;
      if (kind === 'resigned' && !resigned) {
        fail(90500, 'the group owner has not resigned');
        continue;
      }
      if (kind === 'onjob' && resigned) {
        fail(90502, 'the group owner has resigned: use groupchat/transfer');
        continue;
      }
      const moves = await tx.q<Pick<SimGroupTransferRow, 'created_at'>>(`SELECT created_at FROM {s}.group_transfers WHERE corp_id = $1 AND chat_id = $2 AND created_at > $3`, [
        corpId,
        chatId,
        now - WINDOW_90D_MS,
      ]);
      if (kind === 'onjob' && moves.length >= 2) {
        fail(90507, 'the group was already transferred twice within 90 days');
        continue;
      }
      const today = await tx.one<Count>(`SELECT count(*) AS n FROM {s}.group_transfers WHERE corp_id = $1 AND from_owner = $2 AND created_at > $3`, [
        corpId,
        g.owner,
        now - DAY_MS,
      ]);
      if (num(today?.n) >= 300) {
        fail(90503, 'at most 300 groups per original owner per day');
        continue;
      }
      await setOwnerTx(tx, g, newOwner, now, kind === 'resigned' ? 3 : 0);
      await tx.q(`INSERT INTO {s}.group_transfers (corp_id, chat_id, kind, from_owner, new_owner, created_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
        corpId,
        chatId,
        kind,
        g.owner,
        newOwner,
        now,
      ]);
      events.push(chatEvent(corpId, nowSec, 'update', chatId, { detail: 'change_owner' }));
    }
  });
  await ctx.callbacks.emit(events);
  return { failed_chat_list: failed };
}
