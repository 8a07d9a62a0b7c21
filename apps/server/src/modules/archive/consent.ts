// Customers' consent to archiving (msgaudit/check_single_agree), cached per customer in archive_consents. The cache
// is refreshed by the agree / disagree lines the archive itself carries (applied in seq order within a batch), by
// change_external_contact/msg_audit_approved, and by asking WeCom again once an entry is a week old. A customer who
// has not agreed is not stored: their lines, and a member's 1:1 lines to them, are skipped (ADR 0028).
import { MemoryTokenStore, WecomClient } from '@pond/wecom';
import type pg from 'pg';
import type { Cols } from '../../platform/db/rows';
import type { CorpService } from '../org';
import { senderKindOf } from './normalise';

type Db = Pick<pg.PoolClient, 'query'>;
const STALE_MS = 7 * 86_400_000;
const BATCH = 100;

export class ConsentCache {
  private clients = new Map<string, { secret: string; client: WecomClient }>();
  private tokens = new MemoryTokenStore();

  constructor(private corps: CorpService) {}

  /** A client on the archive's own secret (msgaudit/* answers only to its tokens, WECOM.md §16). */
  private async client(corpId: string, secret: string): Promise<WecomClient> {
    const held = this.clients.get(corpId);
    if (held?.secret === secret) return held.client;
    const corp = await this.corps.require(corpId);
    const client = new WecomClient({ corpId, secret, agentId: corp.agentId, apiBase: corp.apiBase, tokenStore: this.tokens });
    this.clients.set(corpId, { secret, client });
    return client;
  }

  /**
   * Whether each customer agreed, from the cache, asking WeCom about those it lacks (or holds stale) with a member they
   * chatted with. `pairs`: customer → a member's userid.
   */
  async resolve(db: Db, corpId: string, secret: string, pairs: Map<string, string | null>): Promise<Map<string, boolean>> {
    const out = new Map<string, boolean>();
    if (pairs.size === 0) return out;
    const { rows } = await db.query<Cols<'archive_consents', 'external_userid' | 'agreed' | 'checked_at'>>(
      'SELECT external_userid, agreed, checked_at FROM archive_consents WHERE corp_id = $1 AND external_userid = ANY($2::text[])', [corpId, [...pairs.keys()]]);
    const now = Date.now();
    for (const r of rows) if (now - r.checked_at.getTime() < STALE_MS) out.set(r.external_userid, r.agreed);
    const ask = [...pairs].filter(([ext, userid]) => !out.has(ext) && userid);
    if (ask.length) {
      const client = await this.client(corpId, secret);
      for (let i = 0; i < ask.length; i += BATCH) {
        const part = ask.slice(i, i + BATCH);
        const res = await client.msgauditCheckSingleAgree(part.map(([ext, userid]) => ({ userid: userid!, exteranalopenid: ext })));
        const got = res.agreeinfo.map((a) => ({ ext: a.exteranalopenid, agreed: a.agree_status === 'Agree', at: a.status_change_time ? new Date(a.status_change_time * 1000) : null }));
        for (const g of got) out.set(g.ext, g.agreed);
        await db.query(
          `INSERT INTO archive_consents (corp_id, external_userid, agreed, changed_at, checked_at)
           SELECT $1, e, a, c, now() FROM unnest($2::text[], $3::bool[], $4::timestamptz[]) AS t(e, a, c)
           ON CONFLICT (corp_id, external_userid) DO UPDATE SET agreed = EXCLUDED.agreed, changed_at = EXCLUDED.changed_at, checked_at = now()`,
          [corpId, got.map((g) => g.ext), got.map((g) => g.agreed), got.map((g) => g.at)]);
      }
    }
    // Nobody to ask about (no member in the chat): not agreed.
    for (const ext of pairs.keys()) if (!out.has(ext)) out.set(ext, false);
    return out;
  }

  /** A consent change Pond saw (an agree/disagree line, msg_audit_approved): newer than the cached one wins. */
  async record(db: Db, corpId: string, externalUserid: string, agreed: boolean, at: Date): Promise<void> {
    if (senderKindOf(externalUserid) !== 'customer') return;
    await db.query(
      `INSERT INTO archive_consents (corp_id, external_userid, agreed, changed_at, checked_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (corp_id, external_userid) DO UPDATE SET agreed = EXCLUDED.agreed, changed_at = EXCLUDED.changed_at, checked_at = now()
        WHERE archive_consents.changed_at IS NULL OR archive_consents.changed_at <= EXCLUDED.changed_at`,
      [corpId, externalUserid, agreed, at]);
  }
}
