// Channel live codes (渠道活码): create/edit/archive with one WeCom contact way per staff member (or
// one multi-person way in native mode), scans that pick staff by lock, existing follow, strategy and
// backup, and the attribution of each add back to code, channel, store and visit.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { WecomError } from '@pond/wecom';
import type { ChannelStats, CodeMode, CodeNumbers, CodeStats, LiveCodeKind, ScheduleInput, WorkSchedule } from '@pond/contracts/live-codes';
import type { Scope } from '../../platform/auth';
import { withTransaction } from '../../platform/db';
import { AppError, fromWecomError } from '../../platform/errors';
import { findVisible } from '../../platform/resources';
import type { Logger } from '../../platform/log';
import { corpZone, dayIn, DEFAULT_TIMEZONE } from '../../platform/time';
import type { CorpService } from '../org';
import { GroupCodeRotation } from './group-codes';
import type { Visitor } from './identity';
import { AcquisitionLinks, withChannel, type PushedLink } from './links';
import * as repo from './repo';
import { BACKUP_POSITION, CodeCache, loadCode, loadCodes, rotationOf, type CodeConfig } from './repo';
import { eligible, isOpen, localTime, pick, validateSchedule, type Strategy } from './routing';
import { codeStats, sumStats } from './stats';
import { AssignmentCounts, CounterFlusher, LockLoader, VisitWriter } from './visit-writer';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const newKey = () => Array.from(randomBytes(8), (b) => BASE62[b % 62]).join('');
/** A link mode visit's own token: `customer_channel=<code state>.<token>` (22 bytes; WeCom keeps 64). */
const newChannelToken = () => Array.from(randomBytes(10), (b) => BASE62[b % 62]).join('');
/** An add's State: a code's state, and for a link mode visit the visit's token after a dot. */
export function splitState(state: string): { codeState: string; token: string | null } {
  const dot = state.indexOf('.');
  return dot > 0 ? { codeState: state.slice(0, dot), token: state.slice(dot + 1) || null } : { codeState: state, token: null };
}
/** A contact way's state: ≤ 30 characters (WeCom), unique per corp, maps back to the code. */
const stateFor = (key: string) => `pc_${key}`;

/** `?from=&to=` (YYYY-MM-DD, validated by the route). */
export interface StatsRangeQuery { from?: string; to?: string }

export interface PoolInput { userid: string; weight?: number; dailyCap?: number | null; totalCap?: number | null }

/** What pushPool needs of a code: its WeCom identity and the values being saved (and those before, to undo). */
interface PoolCode {
  id: number; mode: CodeMode; state: string; name: string; nameBefore: string; skipVerify: boolean; skipVerifyBefore: boolean; wecomConfigId: string | null;
  backupUserids: string[];
}

/** What pushPool did in WeCom: the ways it made (to record), the members whose rows stay, an undo. */
interface PushedPool {
  pool: PoolInput[];
  keep: string[];
  created: { userid: string; configId: string; qrUrl: string | null | undefined }[];
  nativeWay: { configId: string; qrUrl: string | null | undefined } | null;
  undo: () => Promise<void>;
}

export interface CodeInput {
  kind: LiveCodeKind;
  name: string;
  channel?: string;
  storeId?: number | null;
  mode?: CodeMode;
  strategy?: Strategy;
  lockEnabled?: boolean;
  skipVerify?: boolean;
  tagIds?: string[];
  remarkTemplate?: string | null;
  description?: string | null;
  welcomeId?: number | null;
  /** Without a time zone, the corp's. */
  schedule?: (Omit<WorkSchedule, 'timezone'> & Pick<ScheduleInput, 'timezone'>) | null;
  backupUserids?: string[];
  pool?: PoolInput[];
  groupCap?: number;
  groupAutoCreate?: boolean;
  groupBaseName?: string | null;
  groupChatIds?: string[];
  groupWelcomeTemplateId?: string | null;
}

export type { Visitor };

/**
 * Whether showing an assignment counts against the caps at once: only for a visitor WeChat vouches for
 * (OAuth openid/unionid; the simulator's WeChat user in demo). A cookie costs nothing to drop or make
 * up, so a visitor known by one counts when they add (ADR 0012).
 */
export const countsOnScan = (v: Visitor) => v.kind !== 'cookie';

/** The assignment reasons that pick a staff member for the visitor (lock: picked on an earlier visit). */
export const ASSIGNING_REASONS = ['strategy', 'backup', 'overflow', 'lock'];

export type ScanOutcome =
  | { status: 'not_found' }
  | { status: 'archived'; code: CodeConfig }
  | { status: 'no_staff'; code: CodeConfig; visitId: number }
  | { status: 'staff'; code: CodeConfig; visitId: number; reason: string; staff: { userid: string; name: string; avatar: string | null; qrUrl: string } }
  /** Link mode: on to the acquisition link, with the visit's customer_channel (the page redirects there). */
  | { status: 'link'; code: CodeConfig; visitId: number; url: string }
  | { status: 'group'; code: CodeConfig; visitId: number; qrUrl: string }
  /** A group code refused this visitor (moderation: a repeat offender). */
  | { status: 'blocked'; code: CodeConfig; visitId: number }
  | { status: 'store'; code: CodeConfig; visitId: number };

export class LiveCodeService {
  readonly cache: CodeCache;
  private visits: VisitWriter;
  private counterFlusher: CounterFlusher;
  private locks: LockLoader;
  private counts: AssignmentCounts;
  /** New assignments written but not yet committed, per `${codeId}|${userid}|${day}`. */
  private inFlight = new Map<string, number>();
  /**
   * Today's assignments shown to visitors not counted yet (they count on the add), per code: they turn the
   * rotation, never the caps. Per process and in memory: a restart only forgets some of the rotation.
   */
  private shown = new Map<number, { day: string; n: Record<string, number> }>();

  /** Keeps a group code's WeCom join way in line with its pool after create and edit. */
  private rotation: GroupCodeRotation;
  /** Link mode codes' WeCom acquisition links, the corp's quota and WeCom's customer_acquisition events (ADR 0037). */
  readonly links: AcquisitionLinks;

  constructor(private pool: pg.Pool, private corps: CorpService, private log: Logger, private opts: { now?: () => Date } = {}) {
    this.cache = new CodeCache(pool);
    this.counterFlusher = new CounterFlusher(pool);
    this.visits = new VisitWriter(pool, this.counterFlusher);
    this.locks = new LockLoader(pool);
    this.counts = new AssignmentCounts(pool, this.counterFlusher);
    this.rotation = new GroupCodeRotation(pool, corps, this, log);
    this.links = new AcquisitionLinks(pool, corps, this.cache, log);
  }

  /** Who group codes refuse (moderation's blocked customers, by WeChat unionid); set by the composition root. */
  private groupGate: ((corpId: string, unionid: string) => Promise<boolean>) | null = null;
  setGroupGate(gate: (corpId: string, unionid: string) => Promise<boolean>): void {
    this.groupGate = gate;
  }

  /** The pool member this customer (by unionid) already follows: they go back to them. */
  private followingStaff(code: CodeConfig, unionid: string): Promise<string | null> {
    return repo.followedMember(this.pool, code.corpId, unionid, code.pool.map((p) => p.userid));
  }

  private now(): Date { return this.opts.now?.() ?? new Date(); }

  // ---- validation shared by create and update ------------------------------------------------
  private async validate(corpId: string, input: Partial<CodeInput>, kind: CodeInput['kind'], mode: CodeMode, cur?: CodeConfig): Promise<void> {
    if (mode === 'link') {
      if (kind !== 'staff') throw AppError.validation('mode', 'only a staff code can be an acquisition link (link mode)');
      // WeCom hands a link's customers to its range: Pond's caps have nothing to hold.
      (input.pool ?? []).forEach((p, i) => {
        if (p.dailyCap != null) throw AppError.validation(`pool.${i}.dailyCap`, 'caps do not apply to an acquisition link (WeCom hands its customers to the range)');
        if (p.totalCap != null) throw AppError.validation(`pool.${i}.totalCap`, 'caps do not apply to an acquisition link (WeCom hands its customers to the range)');
      });
    }
    if (input.schedule) {
      input.schedule.timezone ??= (await this.corps.get(corpId))?.timezone ?? DEFAULT_TIMEZONE;
      const errs = validateSchedule(input.schedule as WorkSchedule);
      if (errs.length) throw AppError.validation(errs[0].field, errs[0].message);
    }
    const pool = input.pool ?? [];
    const ids = [...pool.map((p) => p.userid), ...(input.backupUserids ?? [])];
    const dupe = pool.map((p) => p.userid).find((u, i, a) => a.indexOf(u) !== i);
    if (dupe) throw AppError.validation('pool', `staff ${dupe} is listed twice`);
    pool.forEach((p, i) => {
      if (p.dailyCap != null && p.totalCap != null && p.dailyCap > p.totalCap) throw AppError.validation(`pool.${i}.dailyCap`, 'must not exceed totalCap');
    });
    if (ids.length) {
      const found = new Map((await repo.staffByUserids(this.pool, corpId, ids)).map((r) => [r.userid, r]));
      // A link's member who has since left (or lost customer contact) may stay in its pool, out of the link's range
      // (links.rangeOf): the console sends the pool back as it shows it. Adding one is refused.
      const kept = new Set(mode === 'link' ? rotationOf(cur?.pool ?? []).map((p) => p.userid) : []);
      for (const [i, p] of pool.entries()) {
        const s = found.get(p.userid);
        if (!s) throw AppError.validation(`pool.${i}.userid`, `no staff member ${p.userid} in this corp`);
        if (!s.is_follow_user && !kept.has(p.userid)) throw AppError.validation(`pool.${i}.userid`, `${p.userid} does not have customer contact (客户联系) enabled`);
      }
      for (const [i, u] of (input.backupUserids ?? []).entries()) {
        if (!found.has(u)) throw AppError.validation(`backupUserids.${i}`, `no staff member ${u} in this corp`);
      }
    }
    if (input.storeId != null && !await repo.storeIsOpen(this.pool, corpId, input.storeId)) {
      throw AppError.validation('storeId', `no store ${input.storeId} in this corp`);
    }
    if (input.tagIds?.length) {
      const live = new Set(await repo.liveTagIds(this.pool, corpId, input.tagIds));
      const missing = input.tagIds.find((t) => !live.has(t));
      if (missing) throw AppError.validation('tagIds', `no tag ${missing} in this corp`);
    }
    if (input.welcomeId != null && !await repo.welcomeTemplateIsActive(this.pool, corpId, input.welcomeId)) {
      throw AppError.validation('welcomeId', `no active welcome template ${input.welcomeId}`);
    }
    if (kind === 'staff' && input.pool !== undefined && pool.length === 0 && input.storeId == null) {
      throw AppError.validation('pool', 'a staff code needs at least one staff member (or a store whose staff form the pool)');
    }
    if (kind === 'group' && input.groupCap != null && (input.groupCap < 1 || input.groupCap > 200)) {
      throw AppError.validation('groupCap', 'must be between 1 and 200 (WeCom admits at most 200 members by QR)');
    }
    if (input.groupWelcomeTemplateId && !await repo.groupWelcomeTemplateExists(this.pool, corpId, input.groupWelcomeTemplateId)) {
      throw AppError.validation('groupWelcomeTemplateId', `no group welcome template ${input.groupWelcomeTemplateId} (create it under group welcome templates)`);
    }
    if (kind === 'group' && input.groupChatIds) {
      const active = new Set(await repo.activeGroupChatIds(this.pool, corpId, input.groupChatIds));
      const missing = input.groupChatIds.find((c) => !active.has(c));
      if (missing) throw AppError.validation('groupChatIds', `no active group ${missing} in this corp`);
    }
  }

  /** A store code without an explicit pool routes to the store's customer-contact staff. */
  private async storePool(corpId: string, storeId: number): Promise<PoolInput[]> {
    return (await repo.storeStaff(this.pool, corpId, storeId)).map((userid) => ({ userid }));
  }

  // ---- the console's reads ---------------------------------------------------------------------
  /** One page of the codes the scope sees, each with its numbers. */
  async list(scope: Scope, q: Parameters<typeof repo.listCodeNumbers>[2]): Promise<{ items: (CodeConfig & { numbers: CodeNumbers })[]; total: number }> {
    const rows = await repo.listCodeNumbers(this.pool, scope, q);
    const loaded = new Map((await this.asSeenBy(scope, await loadCodes(this.pool, scope.corpId, rows.map((r) => r.id)))).map((c) => [c.id, c]));
    const items = rows.filter((r) => loaded.has(r.id)).map((r) => ({
      ...loaded.get(r.id)!,
      numbers: { scansToday: r.scans_today, scansTotal: r.scans_total, addsToday: r.adds_today, addsTotal: r.adds_total, retainedTotal: r.retained_total },
    }));
    return { items, total: rows[0]?.total ?? 0 };
  }

  async get(corpId: string, id: number): Promise<CodeConfig> {
    const c = await loadCode(this.pool, { id, corpId });
    if (!c) throw AppError.notFound(`live code ${id}`);
    return c;
  }

  /** A code as the scope sees it (the route has checked that it sees the code): see asSeenBy. */
  async view(scope: Scope, id: number): Promise<CodeConfig> {
    const [c] = await this.asSeenBy(scope, [await this.get(scope.corpId, id)]);
    return c;
  }

  /**
   * Codes as the scope sees them (ADR 0010, addendum): a store manager sees the pool members, backups and groups of their
   * stores; a staff member, a code whose pool they are in as far as it concerns them — its own settings, their own pool
   * entry (weight, caps, their QR), and the groups they own. Other members' userids, caps and QRs are not theirs to see.
   */
  async asSeenBy(scope: Scope, codes: CodeConfig[]): Promise<CodeConfig[]> {
    if (!scope.staffUserid && !scope.storeIds) return codes;
    const query = (sql: string, values: unknown[]) => this.pool.query<{ k: string }>(sql, values);
    const [staff, groups] = await Promise.all([
      findVisible(query, 'staff', scope, [...new Set(codes.flatMap((c) => [...c.pool.map((m) => m.userid), ...c.backupUserids]))]),
      findVisible(query, 'group', scope, [...new Set(codes.flatMap((c) => c.groups.map((g) => g.chatId)))]),
    ]);
    return codes.map((c) => ({
      ...c,
      pool: c.pool.filter((m) => staff.has(m.userid)),
      backupUserids: c.backupUserids.filter((u) => staff.has(u)),
      groups: c.groups.filter((g) => groups.has(g.chatId)),
    }));
  }

  /** A code's numbers by day (the code must be the caller's: see get), counted over what the scope sees (stats.ts). */
  async stats(scope: Scope, codeId: number, q: StatsRangeQuery): Promise<CodeStats> {
    const r = await this.range(scope.corpId, q);
    const days = await codeStats(this.pool, scope, { codeIds: [codeId] }, r.from, r.to);
    return { ...r, days, total: sumStats(days) };
  }

  /** The numbers of every channel of the codes the scope sees. */
  async channelStats(scope: Scope, q: StatsRangeQuery): Promise<ChannelStats> {
    const r = await this.range(scope.corpId, q);
    const channels: ChannelStats['channels'] = [];
    for (const channel of await repo.codeChannels(this.pool, scope)) {
      const days = await codeStats(this.pool, scope, { channel }, r.from, r.to);
      channels.push({ channel, days, total: sumStats(days) });
    }
    return { ...r, channels };
  }

  /** Days are the corp's calendar days: "today" is today in its time zone; default the 30 days up to it. */
  private async range(corpId: string, q: StatsRangeQuery): Promise<{ from: string; to: string }> {
    const today = dayIn(new Date(), await corpZone(this.pool, corpId));
    const to = q.to ?? today;
    const from = q.from ?? new Date(Date.parse(to) - 29 * 86400_000).toISOString().slice(0, 10);
    if (from > to) throw AppError.validation('from', 'must not be after to');
    if (Date.parse(to) - Date.parse(from) > 366 * 86400_000) throw AppError.validation('from', 'the range may span at most 366 days');
    return { from, to };
  }

  /** The landing page of a store code: the corp's open stores, each with the codes that route to it. */
  storeTargets(corpId: string): Promise<repo.StoreTargetRow[]> {
    return repo.storeTargets(this.pool, corpId);
  }

  recordStoreVisit(v: Parameters<typeof repo.insertStoreVisit>[1]): Promise<void> {
    return repo.insertStoreVisit(this.pool, v);
  }

  /** The latest 100 alerts the scope sees, or the unread ones. */
  alerts(scope: Scope, unread: boolean): Promise<repo.AlertRow[]> {
    return repo.listAlerts(this.pool, scope, unread);
  }

  markAlertRead(corpId: string, id: number): Promise<void> {
    return repo.markAlertRead(this.pool, corpId, id);
  }

  // ---- create / update / archive -------------------------------------------------------------
  async create(corpId: string, input: CodeInput): Promise<CodeConfig> {
    const mode = input.mode ?? 'pond';
    await this.validate(corpId, input, input.kind, mode);
    if (input.kind === 'staff' && (!input.pool || input.pool.length === 0)) input.pool = await this.storePool(corpId, input.storeId!);
    // Nothing is written while the range is over the corp's limit (or has no one WeCom would take).
    if (mode === 'link') await this.links.rangeOf(corpId, input.pool!.map((p) => p.userid));
    if (input.kind === 'staff' && input.pool!.length === 0) throw AppError.validation('storeId', 'this store has no staff with customer contact enabled');
    if (input.kind === 'group' && !(input.groupChatIds?.length) && !input.groupAutoCreate) {
      throw AppError.validation('groupChatIds', 'choose at least one group, or enable groupAutoCreate');
    }
    const key = newKey();
    const id = await repo.insertCode(this.pool, {
      corpId, key, kind: input.kind, name: input.name, channel: input.channel ?? '', storeId: input.storeId ?? null, mode: input.mode ?? 'pond',
      strategy: input.strategy ?? 'round_robin', lockEnabled: input.lockEnabled ?? true, skipVerify: input.skipVerify ?? true, tagIds: input.tagIds ?? [],
      remarkTemplate: input.remarkTemplate ?? null, description: input.description ?? null, welcomeId: input.welcomeId ?? null,
      // validate() gave the schedule the corp's time zone.
      schedule: (input.schedule as WorkSchedule | null | undefined) ?? null, backupUserids: input.backupUserids ?? [], groupCap: input.groupCap ?? 200,
      groupAutoCreate: input.groupAutoCreate ?? true, groupBaseName: input.groupBaseName ?? input.name.slice(0, 30),
      groupWelcomeTemplateId: input.groupWelcomeTemplateId ?? null, state: stateFor(key),
    });
    let pushed: PushedPool | null = null;
    try {
      if (input.kind === 'staff') {
        const skipVerify = input.skipVerify ?? true;
        pushed = await this.pushPool(this.pool, corpId, {
          id, mode, state: stateFor(key), name: input.name, nameBefore: input.name, skipVerify, skipVerifyBefore: skipVerify, wecomConfigId: null, backupUserids: [],
        }, input.pool!, false);
        await this.recordPool(this.pool, corpId, id, pushed);
      }
      if (input.kind === 'staff' && mode === 'link') await this.links.sync(corpId, id);
      if (input.kind === 'group') await this.setGroups(corpId, id, input.groupChatIds ?? []);
    } catch (err) {
      // Undo: remove whatever contact ways (or link) were made, then the row.
      if (pushed) await pushed.undo();
      await this.links.remove(corpId, id).catch((e) => this.log.warn({ err: e, codeId: id }, 'undo failed'));
      await repo.deleteCode(this.pool, id);
      throw err instanceof WecomError ? fromWecomError(err, 'the live code was not created') : err;
    }
    if (input.kind === 'group') await this.rotation.rotate(corpId, id);
    return (await loadCode(this.pool, { id, corpId }))!;
  }

  async update(corpId: string, id: number, patch: Partial<CodeInput>): Promise<CodeConfig> {
    const cur = await loadCode(this.pool, { id, corpId });
    if (!cur) throw AppError.notFound(`live code ${id}`);
    if (cur.status === 'archived') throw new AppError('conflict', 'this code is archived; create a new one');
    if (patch.kind && patch.kind !== cur.kind) throw AppError.validation('kind', 'cannot change the kind of a code');
    if (patch.mode && patch.mode !== cur.mode) throw AppError.validation('mode', 'cannot change the mode of a code (its printed QR depends on it)');
    await this.validate(corpId, patch, cur.kind, cur.mode, cur);
    if (cur.kind === 'staff' && patch.pool && patch.pool.length === 0) {
      const storeId = patch.storeId !== undefined ? patch.storeId : cur.storeId;
      if (storeId == null) throw AppError.validation('pool', 'a staff code needs at least one staff member (or a store whose staff form the pool)');
      patch.pool = await this.storePool(corpId, storeId);
      if (patch.pool.length === 0) throw AppError.validation('storeId', 'this store has no staff with customer contact enabled');
    }
    // What the patch names replaces what is stored (validate() gave a schedule the corp's time zone).
    const m = { ...cur, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
    // WeCom first, the code's row after, one save of a code at a time (its row is locked from before WeCom is asked until
    // the write: two saves adding the same member would each make a way): a refusal (502) leaves the code as it was, and
    // what WeCom did is undone if the write fails. A link mode code's every save brings its link in line (a new one if
    // WeCom deleted it; a link's skip_verify is the link's own); pond and native codes' pools their contact ways.
    const rotation = patch.pool ?? rotationOf(cur.pool);
    // (A link code's pool rows too: no contact way each.)
    const poolChange = cur.kind === 'staff' && (!!patch.pool || (patch.skipVerify !== undefined && cur.mode !== 'link'));
    const done: { link?: PushedLink; pool?: PushedPool; dropped: string[] } = { dropped: [] };
    try {
      await withTransaction(this.pool, async (tx) => {
        await tx.query('SELECT 1 FROM live_codes WHERE id = $1 FOR UPDATE', [id]);
        if (cur.mode === 'link') {
          const range = await this.links.rangeOf(corpId, rotation.map((p) => p.userid));
          done.link = await this.links.push(corpId, { name: m.name, skipVerify: m.skipVerify, linkId: cur.linkId, linkUrl: cur.linkUrl, linkStatus: cur.linkStatus }, range);
        }
        if (poolChange) {
          done.pool = await this.pushPool(tx, corpId, {
            id, mode: cur.mode, state: cur.state, name: m.name, nameBefore: cur.name, skipVerify: m.skipVerify, skipVerifyBefore: cur.skipVerify,
            wecomConfigId: cur.wecomConfigId, backupUserids: m.backupUserids,
          }, rotation, m.skipVerify !== cur.skipVerify);
        }
        await repo.updateCode(tx, corpId, id, m);
        if (done.pool) done.dropped = await this.recordPool(tx, corpId, id, done.pool);
      });
      if (done.link) await this.links.record(id, cur.key, done.link);
    } catch (err) {
      if (done.pool) await done.pool.undo();
      if (done.link) await this.links.discard(corpId, done.link);
      throw err instanceof WecomError ? fromWecomError(err, 'the live code was not changed') : err;
    }
    // Scans stop showing the removed members before their ways go.
    if (done.dropped.length) await this.cache.changed(cur.key);
    await this.dropWays(corpId, done.dropped);
    if (cur.kind === 'group' && patch.groupChatIds) await this.setGroups(corpId, id, patch.groupChatIds);
    await this.cache.changed(cur.key);
    if (cur.kind === 'group') await this.rotation.rotate(corpId, id);
    return (await loadCode(this.pool, { id, corpId }))!;
  }

  async archive(corpId: string, id: number): Promise<void> {
    const cur = await loadCode(this.pool, { id, corpId });
    if (!cur) throw AppError.notFound(`live code ${id}`);
    if (cur.status === 'archived') return;
    await repo.archiveCode(this.pool, id);
    // The landing URL now shows a polite page; staff QRs saved by customers stop working too, and the link is deleted.
    await this.removeWecomWays(corpId, id);
    await this.links.remove(corpId, id);
    await this.cache.changed(cur.key);
  }

  /**
   * Makes the WeCom contact ways match the pool (one type=1 way per member in pond mode, one type=2 way in native mode;
   * a link's range is the pool itself, links.push: nothing here) — in WeCom first: nothing is written here. A refusal undoes what this
   * call already did and throws; the caller records the result (recordPool) and, if its write fails, calls `undo`.
   */
  private async pushPool(db: pg.PoolClient | pg.Pool, corpId: string, code: PoolCode, pool: PoolInput[], skipVerifyChanged: boolean): Promise<PushedPool> {
    const client = await this.corps.client(corpId);
    const existing = await repo.poolRows(db, code.id);
    const inPool = new Set(pool.map((p) => p.userid));
    // Backup members made on first use stay while they are still backups (outside the rotation).
    const backups = existing.filter((e) => e.position >= BACKUP_POSITION && !inPool.has(e.userid) && code.backupUserids.includes(e.userid));
    const created: PushedPool['created'] = [];
    const undos: (() => Promise<unknown>)[] = [];
    const undo = async () => {
      for (const u of undos.reverse()) await u().catch((err) => this.log.warn({ err, codeId: code.id }, 'contact way undo failed'));
    };
    const remark = code.name.slice(0, 30);
    let nativeWay: PushedPool['nativeWay'] = null;
    try {
      if (code.mode === 'native') {
        const user = pool.map((p) => p.userid);
        if (code.wecomConfigId) {
          const configId = code.wecomConfigId;
          await client.updateContactWay({ config_id: configId, user, skip_verify: code.skipVerify, state: code.state, remark });
          const before = existing.map((e) => e.userid);
          undos.push(() => client.updateContactWay({ config_id: configId, user: before, skip_verify: code.skipVerifyBefore, state: code.state, remark: code.nameBefore.slice(0, 30) }));
        } else {
          const r = await client.addContactWay({ type: 2, scene: 2, user, state: code.state, skip_verify: code.skipVerify, remark });
          undos.push(() => client.delContactWay(r.config_id));
          nativeWay = { configId: r.config_id, qrUrl: r.qr_code };
        }
      } else if (code.mode === 'pond') {
        const wayOf = new Map(existing.map((e) => [e.userid, e.config_id]));
        // skip_verify is each way's own: the rotation's and the backups'.
        for (const userid of skipVerifyChanged ? [...inPool, ...backups.map((b) => b.userid)] : []) {
          const configId = wayOf.get(userid);
          if (!configId) continue;
          await client.updateContactWay({ config_id: configId, skip_verify: code.skipVerify });
          undos.push(() => client.updateContactWay({ config_id: configId, skip_verify: code.skipVerifyBefore }));
        }
        for (const p of pool) {
          if (wayOf.get(p.userid)) continue;
          const r = await client.addContactWay({ type: 1, scene: 2, user: [p.userid], state: code.state, skip_verify: code.skipVerify, remark });
          undos.push(() => client.delContactWay(r.config_id));
          created.push({ userid: p.userid, configId: r.config_id, qrUrl: r.qr_code });
        }
      }
    } catch (err) {
      await undo();
      throw err;
    }
    return { pool, keep: [...pool.map((p) => p.userid), ...backups.map((b) => b.userid)], created, nativeWay, undo };
  }

  /**
   * Writes what pushPool did: the pool's rows (and their new ways), in the caller's transaction. Returns the ways of the
   * rows it removed (to delete once the write is done).
   */
  private async recordPool(db: pg.PoolClient | pg.Pool, corpId: string, codeId: number, pushed: PushedPool): Promise<string[]> {
    for (const [position, p] of pushed.pool.entries()) {
      await repo.upsertPoolMember(db, { codeId, corpId, userid: p.userid, position, weight: p.weight ?? 1, dailyCap: p.dailyCap ?? null, totalCap: p.totalCap ?? null });
    }
    for (const w of pushed.created) await repo.setMemberWay(db, codeId, w.userid, w.configId, w.qrUrl);
    if (pushed.nativeWay) await repo.setCodeWay(db, codeId, pushed.nativeWay.configId, pushed.nativeWay.qrUrl);
    return repo.removePoolMembersExcept(db, codeId, pushed.keep);
  }

  /** The ways of members a saved pool no longer holds (after the save: a failed delete leaves a way no one scans). */
  private async dropWays(corpId: string, configIds: string[]): Promise<void> {
    if (!configIds.length) return;
    const client = await this.corps.client(corpId);
    for (const id of configIds) await client.delContactWay(id).catch((err) => this.log.warn({ err }, 'del_contact_way failed'));
  }

  private async setGroups(corpId: string, codeId: number, chatIds: string[]): Promise<void> {
    for (const [position, chatId] of chatIds.entries()) await repo.upsertCodeGroup(this.pool, { codeId, corpId, chatId, position });
    await repo.removeCodeGroupsExcept(this.pool, codeId, chatIds);
  }

  private async removeWecomWays(corpId: string, codeId: number): Promise<void> {
    const client = await this.corps.client(corpId);
    const { code, memberConfigIds } = await repo.codeWays(this.pool, codeId);
    for (const configId of memberConfigIds) await client.delContactWay(configId).catch((err) => this.log.warn({ err }, 'del_contact_way failed'));
    if (code?.wecom_config_id) {
      if (code.kind === 'group') await client.delJoinWay(code.wecom_config_id).catch((err) => this.log.warn({ err }, 'del_join_way failed'));
      else await client.delContactWay(code.wecom_config_id).catch((err) => this.log.warn({ err }, 'del_contact_way failed'));
    }
  }

  // ---- scan ------------------------------------------------------------------------------------
  /** One scan of /l/<key>: decides who the visitor sees and records the visit durably. */
  async scan(key: string, visitor: Visitor, meta: { ip?: string } = {}): Promise<ScanOutcome> {
    const code = await this.cache.get(key);
    if (!code) return { status: 'not_found' };
    if (code.status === 'archived') {
      await this.recordVisit(code, visitor, { reason: 'archived' }, meta);
      return { status: 'archived', code };
    }
    if (code.kind === 'group') {
      if (this.groupGate && visitor.unionid && await this.groupGate(code.corpId, visitor.unionid)) {
        return { status: 'blocked', code, visitId: await this.recordVisit(code, visitor, { reason: 'blocked' }, meta) };
      }
      const visitId = await this.recordVisit(code, visitor, { reason: 'group' }, meta);
      if (!code.wecomQrUrl) return { status: 'no_staff', code, visitId };
      return { status: 'group', code, visitId, qrUrl: code.wecomQrUrl };
    }
    if (code.kind === 'store') {
      return { status: 'store', code, visitId: await this.recordVisit(code, visitor, { reason: 'store' }, meta) };
    }
    if (code.mode === 'link') return this.scanLink(code, visitor, meta);
    if (code.mode === 'native') {
      const visitId = await this.recordVisit(code, visitor, { reason: 'native' }, meta);
      if (!code.wecomQrUrl) return { status: 'no_staff', code, visitId };
      return { status: 'staff', code, visitId, reason: 'native', staff: { userid: '', name: code.name, avatar: null, qrUrl: code.wecomQrUrl } };
    }

    const now = this.now();
    const day = await this.capDay(code, now);
    const [lockedId, followingId] = await Promise.all([
      code.lockEnabled ? this.locks.load(code.id, visitor.key) : null,
      code.lockEnabled && visitor.unionid ? this.followingStaff(code, visitor.unionid) : null,
    ]);
    const usable = (userid: string | null) => {
      const m = userid ? code.pool.find((p) => p.userid === userid) : undefined;
      return m && m.available ? m : undefined;
    };
    // Lock and existing relationships win over caps and hours: the customer goes back to their person.
    const locked = usable(lockedId);
    if (locked) return this.assigned(code, visitor, locked, 'lock', meta, { day, count: false });
    const following = usable(followingId);
    if (following) return this.assigned(code, visitor, following, 'follow', meta, { day, count: false });

    const stored = await this.counts.get(code.id, day);
    const counts = { today: { ...stored.today }, total: { ...stored.total } };
    for (const p of code.pool) {
      const pending = this.inFlight.get(`${code.id}|${p.userid}|${day}`) ?? 0;
      if (pending) {
        counts.today[p.userid] = (counts.today[p.userid] ?? 0) + pending;
        counts.total[p.userid] = (counts.total[p.userid] ?? 0) + pending;
      }
    }
    // Caps hold counted assignments only; the rotation also turns on the ones shown and not counted yet.
    const shown = this.shown.get(code.id);
    const order = shown?.day === day
      ? { today: Object.fromEntries(code.pool.map((p) => [p.userid, (counts.today[p.userid] ?? 0) + (shown.n[p.userid] ?? 0)])), total: counts.total }
      : counts;
    const open = isOpen(code.schedule, now);
    // Backup staff get a pool row (their own contact way) on first use, at position ≥ 1000: not part of the rotation.
    const rotation = rotationOf(code.pool);
    const chosen = open ? pick(eligible(rotation, counts), code.strategy, order) : null;
    if (chosen) return this.assigned(code, visitor, chosen, 'strategy', meta, { day, count: true });

    // Backup: everyone capped or off duty (or the pool's staff left). Backup staff are not capped.
    for (const userid of code.backupUserids) {
      const m = code.pool.find((p) => p.userid === userid && p.available) ?? await this.backupMember(code, userid);
      if (m) return this.assigned(code, visitor, m, 'backup', meta, { day, count: true });
    }
    // Never a dead end while anyone can take the customer: without (available) backup staff, the pool
    // member with the fewest today, caps and hours notwithstanding; the operator is told.
    const anyone = pick(rotation.filter((p) => p.available), 'round_robin', order);
    if (anyone) {
      await this.alert(code.corpId, 'over_cap', `活码「${code.name}」已超出限额或接待时间，客户已分配给 ${anyone.name}；请配置备用员工 / live code "${code.name}" is capped or off duty: assigned ${anyone.name}; set backup staff`, { codeId: code.id }, `over_cap:${code.id}:${day}`);
      return this.assigned(code, visitor, anyone, 'overflow', meta, { day, count: true });
    }
    const visitId = await this.recordVisit(code, visitor, { reason: 'none' }, meta);
    await this.alert(code.corpId, 'no_staff', `活码「${code.name}」无可分配员工 / no staff available for live code "${code.name}"`, { codeId: code.id, open }, `no_staff:${code.id}:${day}`);
    return { status: 'no_staff', code, visitId };
  }

  /**
   * A link mode scan (ADR 0037): WeCom's link decides who in its range takes the customer, so Pond's strategy, caps, hours
   * and lock do not apply; the visit is recorded with its own token and the page sends the customer on to the link with
   * `customer_channel=<code state>.<token>`, which the add's State brings back. A link WeCom deleted or made unusable, or a
   * used-up quota, sends customers to the code's backup staff (their own contact ways, the code's state) instead; without
   * backup staff an unusable link is a notice (and an alert), a used-up quota still the link (WeCom says why).
   */
  private async scanLink(code: CodeConfig, visitor: Visitor, meta: { ip?: string }): Promise<ScanOutcome> {
    const linkUp = !!code.linkUrl && code.linkStatus === 'active';
    if (linkUp && code.quotaState !== 'exhausted') return this.toLink(code, visitor, meta);
    const day = await this.capDay(code, this.now());
    for (const userid of code.backupUserids) {
      // A backup's contact way, made on first use (a member of the range too gets one: the range needs none of its own).
      const m = code.pool.find((p) => p.userid === userid && !!p.qrUrl && p.status === 1) ?? await this.backupMember(code, userid);
      if (m) return this.assigned(code, visitor, m, 'backup', meta, { day, count: true });
    }
    if (linkUp) return this.toLink(code, visitor, meta);
    const visitId = await this.recordVisit(code, visitor, { reason: 'none' }, meta);
    await this.alert(code.corpId, 'no_staff', `活码「${code.name}」的获客链接不可用且无备用员工 / the acquisition link of live code "${code.name}" is down and it has no backup staff`, { codeId: code.id }, `no_staff:${code.id}:${day}`);
    return { status: 'no_staff', code, visitId };
  }

  private async toLink(code: CodeConfig, visitor: Visitor, meta: { ip?: string }): Promise<ScanOutcome> {
    const token = newChannelToken();
    const visitId = await this.recordVisit(code, visitor, { reason: 'link', channelState: token }, meta);
    return { status: 'link', code, visitId, url: withChannel(code.linkUrl!, `${code.state}.${token}`) };
  }

  /** A backup member outside the pool needs this code's contact way too: made on first use. */
  private async backupMember(code: CodeConfig, userid: string) {
    const s = await repo.staffMember(this.pool, code.corpId, userid);
    if (!s || s.status !== 1 || !s.is_follow_user) return undefined;
    const position = code.pool.length + BACKUP_POSITION;
    await repo.insertBackupMember(this.pool, { codeId: code.id, corpId: code.corpId, userid, position });
    const client = await this.corps.client(code.corpId);
    const r = await client.addContactWay({ type: 1, scene: 2, user: [userid], state: code.state, skip_verify: code.skipVerify, remark: code.name.slice(0, 30) });
    await repo.setMemberWay(this.pool, code.id, userid, r.config_id, r.qr_code, { ifUnset: true });
    await this.cache.changed(code.key);
    return { userid, position, weight: 0, dailyCap: null, totalCap: null, available: true, configId: r.config_id, qrUrl: r.qr_code ?? null, name: s.name, avatar: s.avatar, status: 1 };
  }

  private async assigned(
    code: CodeConfig, visitor: Visitor, m: CodeConfig['pool'][number], reason: string, meta: { ip?: string }, opts: { day: string; count: boolean },
  ): Promise<ScanOutcome> {
    if (opts.count && !countsOnScan(visitor)) {
      opts = { ...opts, count: false };
      let e = this.shown.get(code.id);
      if (e?.day !== opts.day) this.shown.set(code.id, e = { day: opts.day, n: {} });
      e.n[m.userid] = (e.n[m.userid] ?? 0) + 1;
    }
    // Counted before the write lands, so scans in flight in this process see each other against the caps.
    const pk = `${code.id}|${m.userid}|${opts.day}`;
    if (opts.count) this.inFlight.set(pk, (this.inFlight.get(pk) ?? 0) + 1);
    try {
      const visitId = await this.visits.write({
        corpId: code.corpId, codeId: code.id, visitorKey: visitor.key, visitorKind: visitor.kind, unionid: visitor.unionid, userid: m.userid,
        chatId: null, storeId: code.storeId, reason, ip: meta.ip ?? null, lock: code.lockEnabled, count: opts.count, day: opts.day,
      });
      if (opts.count) this.counts.add(code.id, opts.day, m.userid);
      return { status: 'staff', code, visitId, reason, staff: { userid: m.userid, name: m.name, avatar: m.avatar, qrUrl: m.qrUrl! } };
    } finally {
      if (opts.count) {
        const left = (this.inFlight.get(pk) ?? 1) - 1;
        if (left > 0) this.inFlight.set(pk, left); else this.inFlight.delete(pk);
      }
    }
  }

  private recordVisit(code: CodeConfig, visitor: Visitor, v: { reason: string; chatId?: string; channelState?: string }, meta: { ip?: string }): Promise<number> {
    return this.visits.write({
      corpId: code.corpId, codeId: code.id, visitorKey: visitor.key, visitorKind: visitor.kind, unionid: visitor.unionid, userid: null,
      chatId: v.chatId ?? null, storeId: code.storeId, reason: v.reason, ip: meta.ip ?? null, lock: false, count: false, day: null,
      channelState: v.channelState ?? null,
    });
  }

  /**
   * An add through the code whose scan was not counted (a visitor known only by a cookie we set): the
   * person acted, so it counts now, on the add's day. Once per add: the visit it matched is taken.
   */
  async countAdd(code: CodeConfig, userid: string, at: Date): Promise<void> {
    this.counterFlusher.add(code.id, await this.capDay(code, at), userid);
  }

  /** The day daily caps count `at` on: a day of the code's schedule, else of the corp (corps are cached). */
  private async capDay(code: CodeConfig, at: Date): Promise<string> {
    return localTime(at, code.schedule?.timezone ?? (await this.corps.get(code.corpId))?.timezone ?? DEFAULT_TIMEZONE).date;
  }

  /** Writes assignment counters still in memory (shutdown, tests). */
  flushCounters(): Promise<void> {
    return this.counterFlusher.flush();
  }

  alert(corpId: string, kind: string, message: string, data: unknown, dedupeKey: string): Promise<void> {
    return repo.insertAlert(this.pool, { corpId, kind, message, data, dedupeKey });
  }
}
