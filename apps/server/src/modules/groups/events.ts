// Handlers for change_external_chat callbacks, registered with the inbox by app.ts: every change re-reads the group
// (groupchat/get) and diffs its members, so joins and leaves land on the customers' timelines even when WeCom batches them.
// A group's events apply in WeCom's order whichever worker handles them (ADR 0013): the stored group carries the
// version of the last event applied, and the diff with its timeline is written in one transaction holding the
// group's row, so two workers' reads of one group never both record the same join.
import { WecomError } from '@pond/wecom';
import type pg from 'pg';
import { withTransaction } from '../../platform/db';
import type { ChatChange, EventContext, InboxHandlers } from '../../platform/inbox';
import { appendTimeline } from '../customers';
import { dismissGroup, groupName, memberTimeline, membersOf, saveGroup, setQuitScene, type GroupChatRecord } from './repo';

/** What the group handlers need from WeCom; CorpService's client has it. */
export interface GroupCorps {
  client(corpId: string): Promise<{ groupchatGet(chatId: string, needName?: 0 | 1): Promise<{ group_chat: unknown }> }>;
}

export function groupEventHandlers(deps: {
  pool: pg.Pool; corps: GroupCorps;
  onGroupChanged?: (corpId: string, chatId: string, created: boolean) => Promise<void>;
  onCustomerJoined?: (corpId: string, externalUserid: string, chatId: string, at: Date) => Promise<void>;
  /** A customer (type 2) left the group (or it was dismissed): invite credits of group fission are voided by it. */
  onCustomerLeft?: (corpId: string, externalUserid: string, chatId: string, at: Date) => Promise<void>;
}) {
  const { pool, corps } = deps;

  async function refresh(ctx: EventContext<ChatChange>): Promise<void> {
    const chatId = ctx.ev.ChatId ?? '';
    const version = { at: ctx.at, inbox: ctx.inboxId };
    const client = await corps.client(ctx.corpId);
    let g: GroupChatRecord;
    try {
      g = (await client.groupchatGet(chatId, 1)).group_chat as GroupChatRecord;
    } catch (err) {
      if (err instanceof WecomError && (err.errcode === 40050 || err.errcode === 49008)) {
        await dismissGroup(pool, ctx.corpId, chatId, ctx.at, version); // chat no longer exists
        return;
      }
      throw err;
    }
    const byId = new Map((g.member_list ?? []).map((m) => [m.userid, m]));
    const joinScene = ctx.ev.JoinScene != null ? Number(ctx.ev.JoinScene) : null;
    const quitScene = ctx.ev.QuitScene != null ? Number(ctx.ev.QuitScene) : null;
    const key = `inbox:${ctx.inboxId}`;
    // (Not applied when a newer event of this group was applied first: what this read found is superseded, no diff.)
    const { joined, left, leftCustomers } = await withTransaction(pool, async (db) => {
      const saved = await saveGroup(db, ctx.corpId, g, version);
      if (!saved.applied) return { ...saved, leftCustomers: [] as string[] };
      const leftRows = await membersOf(db, ctx.corpId, chatId, saved.left);
      if (quitScene != null && leftRows.length) await setQuitScene(db, ctx.corpId, chatId, saved.left, quitScene);
      await appendTimeline(db, ctx.corpId, [
        ...memberTimeline(chatId, g.name ?? '', saved.joined.map((id) => ({ id, type: byId.get(id)?.type ?? 0, joinScene: byId.get(id)?.join_scene ?? joinScene })), 'group.joined', ctx.at, key),
        ...memberTimeline(chatId, g.name ?? '', leftRows.map((r) => ({ id: r.member_id, type: r.type })), 'group.left', ctx.at, key, quitScene != null ? { quitScene } : {}),
      ]);
      return { ...saved, leftCustomers: leftRows.filter((r) => r.type === 2).map((r) => r.member_id) };
    });
    if (deps.onCustomerJoined) {
      for (const id of joined) if (byId.get(id)?.type === 2) await deps.onCustomerJoined(ctx.corpId, id, chatId, ctx.at);
    }
    if (deps.onCustomerLeft) {
      for (const id of leftCustomers) await deps.onCustomerLeft(ctx.corpId, id, chatId, ctx.at);
    }
    // Group codes rotate when a pooled group fills up (or WeCom created the next one).
    if (deps.onGroupChanged && (joined.length || left.length || ctx.ev.ChangeType === 'create')) {
      await deps.onGroupChanged(ctx.corpId, chatId, ctx.ev.ChangeType === 'create');
    }
  }

  return {
    'change_external_chat/create': refresh,
    'change_external_chat/update': refresh,
    'change_external_chat/dismiss': async (ctx) => {
      const chatId = ctx.ev.ChatId ?? '';
      await withTransaction(pool, async (db) => {
        const name = await groupName(db, ctx.corpId, chatId);
        const customers = await dismissGroup(db, ctx.corpId, chatId, ctx.at, { at: ctx.at, inbox: ctx.inboxId });
        await appendTimeline(db, ctx.corpId, memberTimeline(chatId, name ?? '', customers.map((id) => ({ id, type: 2 })), 'group.left', ctx.at, `inbox:${ctx.inboxId}`, { dismissed: true }));
        return customers;
      }).then(async (customers) => {
        if (deps.onCustomerLeft) for (const id of customers) await deps.onCustomerLeft(ctx.corpId, id, chatId, ctx.at);
      });
    },
  } satisfies InboxHandlers;
}
