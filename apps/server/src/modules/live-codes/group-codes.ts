// Group live codes (群活码): one permanent landing URL in front of an ordered pool of groups. WeCom's
// join way lists at most 5 groups; Pond keeps it rotated — full groups (at the code's cap, ≤ 200 by
// QR) leave, the next ones enter — and when every group is full it lets WeCom create the next one
// (auto_create_room, base name + sequence) or alerts the operator.
import type pg from 'pg';
import type { CorpService } from '../org';
import type { Logger } from '../../platform/log';
import { withTransaction } from '../../platform/db';
import { syncVersion } from '../customers';
import { saveGroup } from '../groups';
import { addAutoCreatedGroup, groupCodesFor, insertAlert, loadCode, setCodeWay, setGroupStatuses, withCodeLock, type CodeCache } from './repo';

const JOIN_WAY_MAX = 5;

export class GroupCodeRotation {
  /** `codes`: whose code cache to drop a rotated code from (the LiveCodeService, which rotates after create and edit). */
  constructor(private pool: pg.Pool, private corps: CorpService, private codes: { readonly cache: CodeCache }, private log: Logger) {}

  /** Brings the code's join way in line with its pool; returns the chat ids now listed. */
  rotate(corpId: string, codeId: number): Promise<string[]> {
    return withCodeLock(this.pool, codeId, () => this.rotateLocked(corpId, codeId));
  }

  private async rotateLocked(corpId: string, codeId: number): Promise<string[]> {
    let code = await loadCode(this.pool, { id: codeId, corpId });
    if (!code || code.kind !== 'group' || code.status !== 'active') return [];
    const client = await this.corps.client(corpId);

    // Groups WeCom created for us (auto_create_room) join the pool at the end.
    if (code.wecomConfigId) {
      const jw = (await client.getJoinWay(code.wecomConfigId)).join_way;
      const known = new Set(code.groups.map((g) => g.chatId));
      const fresh = (jw.chat_id_list ?? []).filter((c) => !known.has(c));
      for (const chatId of fresh) {
        await addAutoCreatedGroup(this.pool, codeId, corpId, chatId);
        // Pond may not have seen the group yet; fetch it so counts are right (a read of now, like the sync's).
        const version = syncVersion(new Date());
        const g = await client.groupchatGet(chatId, 1).catch(() => null);
        if (g) await withTransaction(this.pool, (db) => saveGroup(db, corpId, g.group_chat, version));
      }
      if (fresh.length) code = (await loadCode(this.pool, { id: codeId, corpId }))!;
    }

    const live = code.groups.filter((g) => g.status !== 'removed');
    const full = live.filter((g) => g.memberCount >= code.groupCap);
    const open = live.filter((g) => g.memberCount < code.groupCap);
    let listed = open.slice(0, JOIN_WAY_MAX).map((g) => g.chatId);
    if (listed.length === 0) {
      // WeCom has no API to create a customer group: only its join way does (auto_create_room), and
      // only once the listed groups reach its own QR limit (200). Below that, the operator must add one.
      const wecomCreates = code.groupAutoCreate && code.groupCap >= 200;
      if (!wecomCreates) {
        await insertAlert(this.pool, {
          corpId, kind: 'group_code_full',
          message: `群活码「${code.name}」的群都已达到上限 ${code.groupCap} 人，请新建群并加入该活码 / every group of group code "${code.name}" reached its cap of ${code.groupCap}: add a group`,
          data: { codeId }, dedupeKey: `group_full:${codeId}:${live.length}`,
        });
      }
      // WeCom needs at least one chat id; the last group keeps taking members until then.
      listed = live.slice(-1).map((g) => g.chatId);
    }
    await setGroupStatuses(this.pool, codeId, full.map((g) => g.chatId), listed);
    if (listed.length === 0) return [];

    const body = {
      scene: 2 as const, remark: code.name.slice(0, 30), auto_create_room: code.groupAutoCreate ? 1 as const : 0 as const,
      room_base_name: (code.groupBaseName ?? code.name).slice(0, 40), room_base_id: code.groupNextSeq, chat_id_list: listed, state: code.state,
    };
    if (!code.wecomConfigId) {
      const { config_id } = await client.addJoinWay(body);
      const jw = (await client.getJoinWay(config_id)).join_way;
      await setCodeWay(this.pool, codeId, config_id, jw.qr_code, { touch: true });
    } else {
      const current = (await client.getJoinWay(code.wecomConfigId)).join_way;
      const same = JSON.stringify(current.chat_id_list ?? []) === JSON.stringify(listed) && (current.auto_create_room ?? 1) === body.auto_create_room;
      if (!same) await client.updateJoinWay({ config_id: code.wecomConfigId, ...body });
    }
    await this.codes.cache.changed(code.key);
    this.log.debug({ codeId, listed }, 'group code rotated');
    return listed;
  }

  /** After a member change in `chatId`: rotate every active group code whose pool holds it. */
  async onGroupChanged(corpId: string, chatId: string, created: boolean): Promise<void> {
    for (const id of await groupCodesFor(this.pool, corpId, chatId, created)) await this.rotate(corpId, id);
  }
}
