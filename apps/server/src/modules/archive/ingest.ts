// Ingest of the chat archive, per corp, exactly once (ADR 0028). One transaction per batch: lock the corp's cursor row
// (SKIP LOCKED: one puller per corp; another worker's wake-up just re-queues), pull up to 1000 items after its seq,
// open each item (Pond's RSA, the sidecar's DecryptData), normalise, drop what customers did not agree to, insert with
// ON CONFLICT (corp_id, msgid) DO NOTHING RETURNING, hand the NEW rows to every registered listener, write the daily
// timeline events, and advance the cursor — all committed together or not at all. A crash anywhere before COMMIT
// leaves the cursor where it was: the next pull fetches the same items again and nothing is stored or acted on twice.
// Batches run back to back while they come back full. msgaudit_notify (inbox) queues a pull; a minutely job is the
// fallback; a nightly job purges past the corp's retention.
import type pg from 'pg';
import { z } from 'zod';
import type { ArchivedMessage, ArchivePullResult } from '@pond/contracts/archive';
import type { Logger } from '../../platform/log';
import { dailyAt, defineClock, defineJob, EVERY_MINUTE, type Queue } from '../../platform/queue';
import type { InboxHandlers } from '../../platform/inbox';
import type { CorpService } from '../org';
import { ConsentCache } from './consent';
import { ArchiveKeyError, RandomKeyOpener } from './crypto';
import type { ArchiveListener } from './listener';
import { ArchiveMedia, queueFilesOf } from './media';
import { normalise, partiesOf, senderKindOf } from './normalise';
import {
  advanceCursor, enabledCorps, ensureCursor, insertMessages, insertSpokeEvents, lockCursor, markRecalled, purgeOlderThan, recordPullError, toStored,
  type NewMessage,
} from './repo';
import { searchTextOf } from './segment';
import type { ArchiveConfig, ArchiveSettingsService } from './settings';
import { sidecarSource, type ArchiveSource, type ChatDataItem } from './source';

/** GetChatData's most per call. */
export const MAX_BATCH = 1000;
/** One job pulls for at most this long, then queues the rest (a long backlog does not hold a worker forever). */
const JOB_BUDGET_MS = 4 * 60_000;

export interface IngestOptions {
  /** Items per pull (≤ 1000). */
  batchSize?: number;
  /** The source for a corp's config (default: the sidecar over HTTP); tests and benches may wrap it. */
  sourceFor?: (corpId: string, cfg: ArchiveConfig) => ArchiveSource;
}

export type PullOutcome = ArchivePullResult & { busy: boolean; full: boolean; ahead?: Ahead };

/** A batch pulled and opened (the sidecar's GetChatData, Pond's RSA, DecryptData) before its transaction. */
interface Opened { items: ChatDataItem[]; plains: string[] }
/** The next batch, fetched while the current one is stored: used only when the cursor is still at `from`. */
interface Ahead { corpId: string; from: number; opened: Promise<Opened> }

export class ArchiveIngest {
  private listeners: ArchiveListener[] = [];
  readonly consents: ConsentCache;
  private readonly opener = new RandomKeyOpener();
  /** The files of archived messages (media.ts). */
  readonly media: ArchiveMedia;
  readonly pullJob;
  readonly tickJob;
  readonly purgeJob;
  /** Milliseconds spent per phase of the batches since start (the bench prints them). */
  readonly phases = new Map<string, number>();

  constructor(private pool: pg.Pool, private settings: ArchiveSettingsService, corps: CorpService, private queue: Queue, private log: Logger, private opts: IngestOptions = {}) {
    this.consents = new ConsentCache(corps);
    this.media = new ArchiveMedia(pool, settings, queue, log, () => this.listeners, opts.sourceFor);
    this.pullJob = defineJob({
      name: 'archive.pull',
      schema: z.object({ corpId: z.string() }),
      policy: 'stately',
      retryLimit: 3,
      handler: async ({ corpId }) => {
        const r = await this.pullAll(corpId, JOB_BUDGET_MS);
        // Out of time with more waiting, or another worker held the cursor: go again shortly.
        if (r.full || r.busy) await this.wake(corpId, r.busy ? 5 : 0);
      },
    });
    // A pull of every enabled corp each minute (msgaudit_notify wakes it sooner).
    this.tickJob = defineClock('archive.tick', EVERY_MINUTE, async () => {
      for (const c of await enabledCorps(this.pool)) await this.wake(c.corpId);
      await this.media.wakeDue();
    });
    // The retention purge, nightly.
    this.purgeJob = defineClock('archive.purge', dailyAt(3, 40), async () => {
      for (const c of await enabledCorps(this.pool)) if (c.retentionDays) await this.purge(c.corpId, c.retentionDays);
    }, { expireInMinutes: 120 });
  }

  /** Adds a module's listener (FAQ answers, moderation…): called with each batch's new messages inside its transaction. */
  register(listener: ArchiveListener): this {
    this.listeners.push(listener);
    return this;
  }

  /** Queues a pull of the corp (one waiting per corp: a burst of notifies queues one). */
  async wake(corpId: string, afterSeconds = 0): Promise<void> {
    await this.queue.send(this.pullJob, { corpId }, { singletonKey: `archive:${corpId}`, ...(afterSeconds ? { startAfter: afterSeconds } : {}) });
  }

  /** Inbox handlers: msgaudit_notify wakes the pull; a customer's agreement (msg_audit_approved) refreshes the consent cache. */
  handlers(): InboxHandlers {
    return {
      'msgaudit_notify/*': async (ctx) => { await this.wake(ctx.corpId); },
      'change_external_contact/msg_audit_approved': async (ctx) => {
        if (ctx.ev.ExternalUserID) await this.consents.record(this.pool, ctx.corpId, ctx.ev.ExternalUserID, true, ctx.at);
      },
    };
  }

  /**
   * Pulls batches back to back while they come back full, until `budgetMs` is spent. Pipelined: while a batch is
   * stored (its transaction: database work), the next one is pulled and opened (sidecar and RSA work); it is used
   * only if the cursor is still where it was fetched from, so exactly-once rests on the cursor as before.
   */
  async pullAll(corpId: string, budgetMs = JOB_BUDGET_MS): Promise<PullOutcome> {
    const started = Date.now();
    const total: PullOutcome = { pulled: 0, stored: 0, skippedNoConsent: 0, seq: 0, busy: false, full: false };
    let ahead: Ahead | undefined;
    for (;;) {
      const r = await this.pullOnce(corpId, { ahead, prefetch: Date.now() - started < budgetMs });
      ahead = r.ahead;
      total.pulled += r.pulled;
      total.stored += r.stored;
      total.skippedNoConsent += r.skippedNoConsent;
      total.seq = r.seq;
      total.busy = r.busy;
      total.full = r.full;
      if (!r.full || r.busy || Date.now() - started > budgetMs) return total;
    }
  }

  /** Pulls after `seq` and opens each item: the RSA step (worker threads) and the sidecar's DecryptData. */
  private async fetchOpened(source: ArchiveSource, cfg: ArchiveConfig, seq: number, limit: number): Promise<Opened> {
    let t = performance.now();
    const items = await source.pull(seq, limit);
    this.addPhase('pull', t);
    if (items.length === 0) return { items, plains: [] };
    t = performance.now();
    const keys = await this.opener.open(items.map((it) => {
      const key = cfg.keys.get(it.publickey_ver);
      if (!key) throw new ArchiveKeyError(`no private key for publickey_ver ${it.publickey_ver} (seq ${it.seq}): add it in Settings → Chat archive`);
      return { key, encrypted: it.encrypt_random_key };
    }));
    this.addPhase('rsa', t);
    t = performance.now();
    const plains = await source.decrypt(items.map((it, i) => ({ random_key: keys[i], encrypt_chat_msg: it.encrypt_chat_msg })));
    this.addPhase('decrypt', t);
    return { items, plains };
  }

  private addPhase(name: string, since: number): void {
    this.phases.set(name, (this.phases.get(name) ?? 0) + performance.now() - since);
  }

  /** Stops the RSA worker threads (the app's close). */
  async close(): Promise<void> {
    await this.opener.close();
  }

  /** One batch, in one transaction (see the header). `ahead`: the batch fetched during the previous one's. */
  async pullOnce(corpId: string, o: { ahead?: Ahead; prefetch?: boolean; limit?: number } = {}): Promise<PullOutcome> {
    const none = (seq: number, busy = false): PullOutcome => ({ pulled: 0, stored: 0, skippedNoConsent: 0, seq, busy, full: false });
    const cfg = await this.settings.config(corpId);
    if (!cfg) return none(0);
    const source = this.opts.sourceFor?.(corpId, cfg) ?? sidecarSource({ url: cfg.sidecarUrl, corpId, secret: cfg.secret, token: cfg.sidecarToken });
    const limit = Math.min(o.limit ?? this.opts.batchSize ?? MAX_BATCH, MAX_BATCH);
    await ensureCursor(this.pool, corpId);
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const seq = await lockCursor(client, corpId);
      if (seq === null) {
        await client.query('ROLLBACK');
        return none(0, true);
      }
      let t = performance.now();
      const phase = (name: string) => { this.addPhase(name, t); t = performance.now(); };
      // The batch fetched ahead, if it starts where the cursor is (else, or if it failed: fetched now).
      const early = o.ahead?.corpId === corpId && o.ahead.from === seq ? await o.ahead.opened.catch(() => null) : null;
      const { items, plains } = early ?? await this.fetchOpened(source, cfg, seq, limit);
      phase('wait');
      if (items.length === 0) {
        await advanceCursor(client, corpId, seq, 0, 0);
        await client.query('COMMIT');
        return none(seq);
      }
      const last = items[items.length - 1].seq;
      const full = items.length >= limit;
      let ahead: Ahead | undefined;
      if (full && o.prefetch) {
        ahead = { corpId, from: last, opened: this.fetchOpened(source, cfg, last, limit) };
        // Not awaited when this batch fails: the next pull fetches again.
        ahead.opened.catch(() => undefined);
      }
      const messages = plains.map((p, i) => normalise(JSON.parse(p) as unknown, items[i].seq));
      const { keep, skipped } = await this.applyConsent(client, corpId, cfg.secret, messages);
      phase('consent+segment');
      const rows = await insertMessages(client, corpId, keep);
      phase('insert');
      await markRecalled(client, corpId, keep.filter((m) => m.type === 'revoke').map((m) => ({ preMsgid: String(m.payload.pre_msgid ?? ''), at: m.sentAt })));
      await insertSpokeEvents(client, corpId, rows);
      const files = await queueFilesOf(client, corpId, rows);
      phase('timeline');
      if (rows.length && this.listeners.length) {
        const stored = rows.map(toStored);
        for (const l of this.listeners) {
          await l.onMessages(client, corpId, stored);
          phase(`listener:${l.name}`);
        }
      }
      await advanceCursor(client, corpId, last, rows.length, skipped);
      await client.query('COMMIT');
      phase('commit');
      // The files are downloaded apart from the batch (a slow or failing download never holds up the messages).
      if (files) await this.media.wake(corpId).catch((err: Error) => this.log.warn({ corpId, err: err.message }, 'archive: media job not queued'));
      return { pulled: items.length, stored: rows.length, skippedNoConsent: skipped, seq: last, busy: false, full, ahead };
    } catch (err) {
      // A connection that died mid-batch (a crash, a killed session) is dropped, not returned to the pool.
      await client.query('ROLLBACK').catch((e: Error) => { broken = e; });
      const message = err instanceof Error ? err.message : String(err);
      this.log.warn({ corpId, err: message }, 'archive pull failed');
      await recordPullError(this.pool, corpId, message).catch(() => undefined);
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Keeps what may be stored: a customer's lines and a member's 1:1 lines to a customer only when the customer agreed at
   * that point (agree / disagree lines earlier in the batch count, in seq order); members' group lines, robots, and the
   * agree / disagree lines themselves always.
   */
  private async applyConsent(db: pg.PoolClient, corpId: string, secret: string, messages: ArchivedMessage[]): Promise<{ keep: NewMessage[]; skipped: number }> {
    const withParties = messages.map((m) => ({ m, ...partiesOf(m) }));
    const needs = (x: (typeof withParties)[number]) => x.externalUserid !== null && x.m.type !== 'agree' && x.m.type !== 'disagree'
      && (x.m.senderKind === 'customer' || !x.m.chatId);
    const pairs = new Map<string, string | null>();
    for (const x of withParties) {
      if (!needs(x) || !x.externalUserid) continue;
      // Ask WeCom with a member the customer chats with: the 1:1 member (group lines: found below).
      if (!pairs.get(x.externalUserid)) pairs.set(x.externalUserid, x.userid);
    }
    // Group lines carry no member: use any member the customer follows in Pond, else the group's owner.
    const missing = [...pairs].filter(([, u]) => !u).map(([e]) => e);
    if (missing.length) {
      const { rows } = await db.query<{ ext: string; userid: string }>(
        `SELECT DISTINCT ON (x.ext) x.ext, coalesce(f.userid, g.owner_userid) AS userid
           FROM unnest($2::text[]) AS x(ext)
           LEFT JOIN follows f ON f.corp_id = $1 AND f.external_userid = x.ext
           LEFT JOIN group_members gm ON gm.corp_id = $1 AND gm.member_id = x.ext
           LEFT JOIN groups g ON g.corp_id = $1 AND g.chat_id = gm.chat_id
          WHERE coalesce(f.userid, g.owner_userid) IS NOT NULL
          ORDER BY x.ext, f.userid NULLS LAST`, [corpId, missing]);
      for (const r of rows) pairs.set(r.ext, r.userid);
      const ownerOf = new Map<string, string>();
      for (const x of withParties) if (x.externalUserid && !pairs.get(x.externalUserid) && x.m.chatId) ownerOf.set(x.externalUserid, x.m.chatId);
      if (ownerOf.size) {
        const { rows: owners } = await db.query<{ chat_id: string; owner_userid: string }>(
          'SELECT chat_id, owner_userid FROM groups WHERE corp_id = $1 AND chat_id = ANY($2::text[]) AND owner_userid IS NOT NULL', [corpId, [...new Set(ownerOf.values())]]);
        for (const [ext, chat] of ownerOf) {
          const o = owners.find((g) => g.chat_id === chat)?.owner_userid;
          if (o) pairs.set(ext, o);
        }
      }
    }
    const agreed = await this.consents.resolve(db, corpId, secret, pairs);
    const keep: NewMessage[] = [];
    let skipped = 0;
    for (const x of withParties) {
      const { m } = x;
      if (m.type === 'agree' || m.type === 'disagree') {
        const who = String(m.payload.userid ?? m.sender);
        if (senderKindOf(who) === 'customer') {
          agreed.set(who, m.type === 'agree');
          await this.consents.record(db, corpId, who, m.type === 'agree', m.sentAt);
        }
      } else if (needs(x) && !agreed.get(x.externalUserid!)) {
        skipped++;
        continue;
      }
      keep.push({ ...m, externalUserid: x.externalUserid, userid: x.userid, searchText: searchTextOf(m.text) });
    }
    return { keep, skipped };
  }

  async purge(corpId: string, days: number): Promise<number> {
    const n = await purgeOlderThan(this.pool, corpId, days);
    if (n) this.log.info({ corpId, days, purged: n }, 'archive: purged messages past retention');
    return n;
  }
}
