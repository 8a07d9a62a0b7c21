// Group live codes (群活码): one permanent landing URL in front of an ordered pool of groups. WeCom's
// join way lists at most 5 groups; Pond keeps it rotated — full groups (at the code's cap, ≤ 200 by
// QR) leave, the next ones enter — and when every group is full it lets WeCom create the next one
// (auto_create_room, base name + sequence) or alerts the operator.
import type pg from 'pg';
import type { CorpService } from '../org';
import type { Logger } from '../../platform/log';
import { withTransaction } from '../../platform/db';
import { syncVersion } from '../customers';
import { loadCode } from './repo';
import type { LiveCodeService } from './service';

const JOIN_WAY_MAX = 5;

export class GroupCodeRotation {
  constructor(private pool: pg.Pool, private corps: CorpService, private codes: LiveCodeService, private log: Logger) {}

  /** Brings the code's join way in line with its pool; returns the chat ids now listed. */
  async rotate(corpId: string, codeId: number): Promise<string[]> {
    const lock = await this.pool.connect();
    try {
      await lock.query('SELECT pg_advisory_lock(hashtext($1))', [`groupcode:${codeId}`]);
      return await this.rotateLocked(corpId, codeId);
    } finally {
      await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [`groupcode:${codeId}`]).catch(() => undefined);
      lock.release();
    }
  }

  private async rotateLocked(corpId: string, codeId: number): Promise<string[]> {
    let code = await loadCode(this.pool, { id: codeId, corpId });
    if (!code || code.kind !== 'group' || code.status !== 'active') return [];
    const client = await this.corps.client(corpId);

    // Groups WeCom created for us (auto_create_room) join the pool at the end.
    if (code.wecomConfigId) {
      const jw = (await client.getJoinWay(code.wecomConfigId)).join_way;
      const known = new Set(code.groups.map((g) => g.chatId));
      const fresh = (jw.chat_id_list ?? []).filter((c: string) => !known.has(c));
      for (const chatId of fresh) {
        await this.pool.query(
          `INSERT INTO live_code_groups (code_id, corp_id, chat_id, position, auto_created) VALUES ($1,$2,$3,(SELECT coalesce(max(position),0)+1 FROM live_code_groups WHERE code_id = $1), true)
           ON CONFLICT DO NOTHING`, [codeId, corpId, chatId]);
        await this.pool.query('UPDATE live_codes SET group_next_seq = group_next_seq + 1 WHERE id = $1', [codeId]);
        // Pond may not have seen the group yet; fetch it so counts are right (a read of now, like the sync's).
        const { saveGroup } = await import('../groups/repo');
        const version = syncVersion(new Date());
        const g = await client.groupchatGet(chatId, 1).catch(() => null);
        if (g) await withTransaction(this.pool, (db) => saveGroup(db, corpId, g.group_chat, version));
      }
      if (fresh.length) code = (await loadCode(this.pool, { id: codeId, corpId }))!;
    }

    const live = code.groups.filter((g) => g.status !== 'removed');
    const full = live.filter((g) => g.memberCount >= code!.groupCap);
    const open = live.filter((g) => g.memberCount < code!.groupCap);
    let listed = open.slice(0, JOIN_WAY_MAX).map((g) => g.chatId);
    if (listed.length === 0) {
      // WeCom has no API to create a customer group: only its join way does (auto_create_room), and
      // only once the listed groups reach its own QR limit (200). Below that, the operator must add one.
      const wecomCreates = code.groupAutoCreate && code.groupCap >= 200;
      if (!wecomCreates) {
        await this.codes.alert(corpId, 'group_code_full',
          `群活码「${code.name}」的群都已达到上限 ${code.groupCap} 人，请新建群并加入该活码 / every group of group code "${code.name}" reached its cap of ${code.groupCap}: add a group`,
          { codeId }, `group_full:${codeId}:${live.length}`);
      }
      // WeCom needs at least one chat id; the last group keeps taking members until then.
      listed = live.slice(-1).map((g) => g.chatId);
    }
    if (full.length) await this.pool.query(`UPDATE live_code_groups SET status = 'full' WHERE code_id = $1 AND chat_id = ANY($2)`, [codeId, full.map((g) => g.chatId)]);
    await this.pool.query(
      `UPDATE live_code_groups SET status = CASE WHEN chat_id = ANY($2) AND status <> 'full' THEN 'active' WHEN status = 'full' THEN 'full' ELSE 'waiting' END
       WHERE code_id = $1 AND status <> 'removed'`, [codeId, listed]);
    if (listed.length === 0) return [];

    const body = {
      scene: 2 as const, remark: code.name.slice(0, 30), auto_create_room: code.groupAutoCreate ? 1 as const : 0 as const,
      room_base_name: (code.groupBaseName ?? code.name).slice(0, 40), room_base_id: code.groupNextSeq, chat_id_list: listed, state: code.state,
    };
    if (!code.wecomConfigId) {
      const { config_id } = await client.addJoinWay(body);
      const jw = (await client.getJoinWay(config_id)).join_way;
      await this.pool.query('UPDATE live_codes SET wecom_config_id = $2, wecom_qr_url = $3, updated_at = now() WHERE id = $1', [codeId, config_id, jw.qr_code]);
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
    const { rows } = created
      ? await this.pool.query(`SELECT id FROM live_codes WHERE corp_id = $1 AND kind = 'group' AND status = 'active' AND group_auto_create`, [corpId])
      : await this.pool.query(
        `SELECT DISTINCT c.id FROM live_code_groups g JOIN live_codes c ON c.id = g.code_id
         WHERE g.corp_id = $1 AND g.chat_id = $2 AND c.status = 'active'`, [corpId, chatId]);
    for (const r of rows) await this.rotate(corpId, r.id);
  }
}
