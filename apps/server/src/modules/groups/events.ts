// Handlers for change_external_chat callbacks: every change re-reads the group (groupchat/get) and
// diffs its members, so joins and leaves land on the customers' timelines even when WeCom batches them.
import { WecomError } from '@pond/wecom';
import type pg from 'pg';
import type { CorpService } from '../org/corps';
import type { EventContext, HandlerMap } from '../callbacks/processor';
import { appendTimeline } from '../customers/repo';
import { dismissGroup, memberTimeline, saveGroup, type GroupChatRecord } from './repo';

export function groupEventHandlers(deps: {
  pool: pg.Pool; corps: CorpService;
  onGroupChanged?: (corpId: string, chatId: string, created: boolean) => Promise<void>;
  onCustomerJoined?: (corpId: string, externalUserid: string, chatId: string, at: Date) => Promise<void>;
}): HandlerMap {
  const { pool, corps } = deps;

  async function refresh(ctx: EventContext): Promise<void> {
    const chatId = String(ctx.ev.ChatId ?? '');
    const client = await corps.client(ctx.corpId);
    let g: GroupChatRecord;
    try {
      g = (await client.groupchatGet(chatId, 1)).group_chat as GroupChatRecord;
    } catch (err) {
      if (err instanceof WecomError && (err.errcode === 40050 || err.errcode === 49008)) {
        await dismissGroup(pool, ctx.corpId, chatId, ctx.at); // chat no longer exists
        return;
      }
      throw err;
    }
    const { joined, left } = await saveGroup(pool, ctx.corpId, g);
    const byId = new Map((g.member_list ?? []).map((m) => [m.userid, m]));
    const joinScene = ctx.ev.JoinScene != null ? Number(ctx.ev.JoinScene) : null;
    const quitScene = ctx.ev.QuitScene != null ? Number(ctx.ev.QuitScene) : null;
    const key = `inbox:${ctx.inboxId}`;
    const { rows: leftRows } = left.length
      ? await pool.query('SELECT member_id, type FROM group_members WHERE corp_id=$1 AND chat_id=$2 AND member_id = ANY($3)', [ctx.corpId, chatId, left])
      : { rows: [] as any[] };
    if (quitScene != null && leftRows.length) {
      await pool.query('UPDATE group_members SET quit_scene = $4 WHERE corp_id=$1 AND chat_id=$2 AND member_id = ANY($3)', [ctx.corpId, chatId, left, quitScene]);
    }
    await appendTimeline(pool, ctx.corpId, [
      ...memberTimeline(chatId, g.name ?? '', joined.map((id) => ({ id, type: byId.get(id)?.type ?? 0, joinScene: byId.get(id)?.join_scene ?? joinScene })), 'group.joined', ctx.at, key),
      ...memberTimeline(chatId, g.name ?? '', leftRows.map((r) => ({ id: r.member_id, type: r.type })), 'group.left', ctx.at, key, quitScene != null ? { quitScene } : {}),
    ]);
    if (deps.onCustomerJoined) {
      for (const id of joined) if (byId.get(id)?.type === 2) await deps.onCustomerJoined(ctx.corpId, id, chatId, ctx.at);
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
      const chatId = String(ctx.ev.ChatId ?? '');
      const { rows } = await pool.query('SELECT name FROM groups WHERE corp_id=$1 AND chat_id=$2', [ctx.corpId, chatId]);
      const customers = await dismissGroup(pool, ctx.corpId, chatId, ctx.at);
      await appendTimeline(pool, ctx.corpId, memberTimeline(chatId, rows[0]?.name ?? '', customers.map((id) => ({ id, type: 2 })), 'group.left', ctx.at, `inbox:${ctx.inboxId}`, { dismissed: true }));
    },
  };
}
