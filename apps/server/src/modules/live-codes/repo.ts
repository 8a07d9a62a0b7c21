// Live code rows and their in-process cache. The scan path reads a code's whole configuration
// (pool, caps, schedule) from memory; any change NOTIFYs every process to drop its copy.
import type pg from 'pg';
import type { WorkSchedule } from '../../platform/db/schema';
import type { PoolMember, Strategy } from './routing';

export interface CodeConfig {
  id: number;
  corpId: string;
  key: string;
  kind: 'staff' | 'group' | 'store';
  name: string;
  channel: string;
  storeId: number | null;
  mode: 'pond' | 'native';
  strategy: Strategy;
  lockEnabled: boolean;
  skipVerify: boolean;
  tagIds: string[];
  remarkTemplate: string | null;
  description: string | null;
  welcomeId: number | null;
  schedule: WorkSchedule | null;
  backupUserids: string[];
  groupCap: number;
  groupAutoCreate: boolean;
  groupBaseName: string | null;
  groupNextSeq: number;
  groupWelcomeTemplateId: string | null;
  wecomConfigId: string | null;
  wecomQrUrl: string | null;
  state: string;
  status: 'active' | 'archived';
  createdAt: Date;
  pool: (PoolMember & { configId: string | null; qrUrl: string | null; name: string; avatar: string | null; status: number })[];
  groups: { chatId: string; position: number; status: string; name: string; memberCount: number }[];
}

export const CODE_CHANNEL = 'pond_code_changed';

export function rowToCode(r: any): Omit<CodeConfig, 'pool' | 'groups'> {
  return {
    id: r.id, corpId: r.corp_id, key: r.key, kind: r.kind, name: r.name, channel: r.channel, storeId: r.store_id, mode: r.mode,
    strategy: r.strategy, lockEnabled: r.lock_enabled, skipVerify: r.skip_verify, tagIds: r.tag_ids, remarkTemplate: r.remark_template,
    description: r.description, welcomeId: r.welcome_id, schedule: r.schedule, backupUserids: r.backup_userids, groupCap: r.group_cap,
    groupAutoCreate: r.group_auto_create, groupBaseName: r.group_base_name, groupNextSeq: r.group_next_seq,
    groupWelcomeTemplateId: r.group_welcome_template_id, wecomConfigId: r.wecom_config_id, wecomQrUrl: r.wecom_qr_url,
    state: r.state, status: r.status, createdAt: r.created_at,
  };
}

export async function loadCode(db: Pick<pg.Pool, 'query'>, where: { key: string } | { id: number; corpId: string }): Promise<CodeConfig | null> {
  const { rows } = 'key' in where
    ? await db.query('SELECT * FROM live_codes WHERE key = $1', [where.key])
    : await db.query('SELECT * FROM live_codes WHERE id = $1 AND corp_id = $2', [where.id, where.corpId]);
  if (!rows[0]) return null;
  return (await withPools(db, rows))[0]!;
}

/** Several codes of one corp with their pools and groups: three queries whatever the number. */
export async function loadCodes(db: Pick<pg.Pool, 'query'>, corpId: string, ids: number[]): Promise<CodeConfig[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query('SELECT * FROM live_codes WHERE corp_id = $1 AND id = ANY($2)', [corpId, ids]);
  const byId = new Map((await withPools(db, rows)).map((c) => [c.id, c]));
  return ids.map((id) => byId.get(id)).filter((c): c is CodeConfig => !!c);
}

async function withPools(db: Pick<pg.Pool, 'query'>, codeRows: any[]): Promise<CodeConfig[]> {
  const codes = codeRows.map(rowToCode);
  const ids = codes.map((c) => c.id);
  const [{ rows: pool }, { rows: groups }] = await Promise.all([
    db.query(
      `SELECT p.*, s.name, s.avatar, coalesce(s.status, 0) AS staff_status, coalesce(s.is_follow_user, false) AS is_follow_user
       FROM live_code_staff p LEFT JOIN staff s ON s.corp_id = p.corp_id AND s.userid = p.userid
       WHERE p.code_id = ANY($1) ORDER BY p.position, p.userid`, [ids]),
    db.query(
      `SELECT lg.code_id, lg.chat_id, lg.position, lg.status, coalesce(g.name, '') AS name, coalesce(g.member_count, 0) AS member_count
       FROM live_code_groups lg LEFT JOIN groups g ON g.corp_id = lg.corp_id AND g.chat_id = lg.chat_id
       WHERE lg.code_id = ANY($1) ORDER BY lg.position, lg.chat_id`, [ids]),
  ]);
  return codes.map((code) => ({
    ...code,
    pool: pool.filter((p) => Number(p.code_id) === code.id).map((p) => ({
      userid: p.userid, position: p.position, weight: p.weight, dailyCap: p.daily_cap, totalCap: p.total_cap,
      configId: p.config_id, qrUrl: p.qr_url, name: p.name ?? p.userid, avatar: p.avatar, status: p.staff_status,
      available: p.staff_status === 1 && (code.mode === 'native' || !!p.qr_url),
    })),
    groups: groups.filter((g) => Number(g.code_id) === code.id).map((g) => ({ chatId: g.chat_id, position: g.position, status: g.status, name: g.name, memberCount: g.member_count })),
  }));
}

/** Per-process cache of code configurations by key, dropped on NOTIFY from any process. */
export class CodeCache {
  private byKey = new Map<string, Promise<CodeConfig | null>>();
  private byState = new Map<string, number | null>(); // `${corpId}|${state}` → code id (null: not a code's state)
  private listener?: pg.PoolClient;

  constructor(private pool: pg.Pool) {}

  async listen(): Promise<void> {
    this.listener = await this.pool.connect();
    this.listener.on('notification', (n) => {
      if (n.channel === CODE_CHANNEL) this.drop(n.payload ?? '');
    });
    await this.listener.query(`LISTEN ${CODE_CHANNEL}`);
  }

  async close(): Promise<void> {
    if (!this.listener) return;
    await this.listener.query(`UNLISTEN ${CODE_CHANNEL}`).catch(() => undefined);
    this.listener.release();
    this.listener = undefined;
  }

  private drop(key: string): void {
    if (key === '*') this.byKey.clear();
    else this.byKey.delete(key);
  }

  get(key: string): Promise<CodeConfig | null> {
    let p = this.byKey.get(key);
    if (!p) {
      p = loadCode(this.pool, { key });
      p.catch(() => this.byKey.delete(key));
      this.byKey.set(key, p);
    }
    return p;
  }

  async changed(key: string): Promise<void> {
    this.drop(key);
    await this.pool.query('SELECT pg_notify($1, $2)', [CODE_CHANNEL, key]);
  }

  /** Maps a contact way `state` back to its code (codes never change their state). */
  async idForState(corpId: string, state: string): Promise<number | null> {
    const k = `${corpId}|${state}`;
    if (this.byState.has(k)) return this.byState.get(k)!;
    const { rows } = await this.pool.query('SELECT id FROM live_codes WHERE corp_id = $1 AND state = $2', [corpId, state]);
    const id = rows[0]?.id ?? null;
    // States are minted with a code (pc_<random key>), so "no such code" stays true; bounded anyway.
    if (this.byState.size > 50_000) this.byState.clear();
    this.byState.set(k, id);
    return id;
  }
}
