// Delivers callbacks to the corp's callback_url as WeCom does: POST ?msg_signature&timestamp&nonce
// with the encrypted XML envelope; no 200 within the timeout (or any non-200) means a retry, up
// to 3 retries. Each event is stored first (table `callbacks`), so tests and the control API can
// see what was sent and how it went. Delivery runs in this process; pending rows are not resumed
// after a restart (a restarted WeCom would not resend either).
import { buildEventXml, sealEcho, sealEvent } from '@pond/wecom';
import type { Db } from './db';
import { num, numOrNull } from './db';
import type { Clock, SimLogger } from './runtime';
import type { SimEvent } from './events';
import type { CallbackStatus, SimCallbackRow, SimCorpRow } from './rows';

export interface CallbackSenderOptions {
  timeoutMs: number;
  retryDelaysMs: number[];
  concurrency: number;
}

export interface CallbackRecord {
  id: number;
  corpId: string;
  event: string;
  changeType: string;
  fields: Record<string, unknown>;
  xml: string;
  status: CallbackStatus;
  attempts: number;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

export interface VerifyResult {
  ok: boolean;
  url: string | null;
  status: number | null;
  expected: string;
  received: string | null;
  latencyMs: number | null;
  error?: string;
}

type CorpCreds = Pick<SimCorpRow, 'callback_url' | 'token' | 'encoding_aes_key' | 'agent_id'>;

const CREDS_TTL_MS = 1000;

interface Pending {
  id: number;
  corpId: string;
  xml: string;
}

export function mapCallback(r: SimCallbackRow): CallbackRecord {
  return {
    id: num(r.id),
    corpId: r.corp_id,
    event: r.event,
    changeType: r.change_type,
    fields: r.fields,
    xml: r.xml,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: num(r.created_at),
    deliveredAt: numOrNull(r.delivered_at),
  };
}

function withQuery(url: string, q: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(q)) u.searchParams.set(k, v);
  return u.toString();
}

export class CallbackSender {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly aborters = new Set<AbortController>();
  private readonly slotWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  /** Corp credentials for sealing, cached briefly: at hundreds of callbacks a second it saves a query each. */
  private readonly creds = new Map<string, { at: number; row: CorpCreds | undefined }>();
  private running = 0;
  private outstanding = 0;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: SimLogger,
    private readonly fetchImpl: typeof fetch,
    private readonly opts: CallbackSenderOptions,
  ) {}

  /** Stores the events and starts delivering them; resolves once they are stored. */
  async emit(events: SimEvent[]): Promise<void> {
    for (const ev of events) {
      const xml = buildEventXml(ev.fields);
      const row = await this.db.one<Pick<SimCallbackRow, 'id' | 'status'>>(
        `INSERT INTO {s}.callbacks (corp_id, event, change_type, fields, xml, status, created_at)
         SELECT $1, $2, $3, $4, $5,
                CASE WHEN coalesce(c.callback_url, '') = '' THEN 'skipped' ELSE 'pending' END, $6
           FROM {s}.corps c WHERE c.corp_id = $1
         RETURNING id, status`,
        [ev.corpId, String(ev.fields.Event), String(ev.fields.ChangeType ?? ''), JSON.stringify(ev.fields), xml, this.clock.now()],
      );
      if (row?.status === 'pending' && !this.closed) this.schedule({ id: num(row.id), corpId: ev.corpId, xml }, ev.key);
    }
  }

  /** Resolves when nothing is waiting for delivery or retry. */
  waitIdle(timeoutMs = 10_000): Promise<void> {
    if (this.outstanding === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        reject(new Error(`callbacks still pending after ${timeoutMs} ms (${this.outstanding} outstanding)`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.idleWaiters.push(done);
    });
  }

  /** Drops cached credentials after the corp's settings change (other processes wait out the 1 s cache). */
  forgetCorp(corpId: string): void {
    this.creds.delete(corpId);
  }

  get pendingCount(): number {
    return this.outstanding;
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const a of this.aborters) a.abort();
    this.outstanding = 0;
    this.flushIdle();
  }

  private flushIdle(): void {
    if (this.outstanding !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private finish(): void {
    if (this.closed) return;
    this.outstanding--;
    this.flushIdle();
  }

  private schedule(p: Pending, key: string): void {
    this.outstanding++;
    const prev = this.chains.get(key) ?? Promise.resolve();
    const next = prev.then(() => this.withSlot(() => this.attempt(p, 0)));
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  private async withSlot(fn: () => Promise<void>): Promise<void> {
    while (this.running >= this.opts.concurrency) await new Promise<void>((r) => this.slotWaiters.push(r));
    this.running++;
    try {
      await fn();
    } catch (err) {
      this.log.error({ err }, 'wecom-sim: callback delivery crashed');
    } finally {
      this.running--;
      this.slotWaiters.shift()?.();
    }
  }

  private async attempt(p: Pending, n: number): Promise<void> {
    if (this.closed) return;
    const result = await this.post(p);
    if (this.closed) return;
    const attempts = n + 1;
    if (result.ok) {
      await this.db.q(
        `UPDATE {s}.callbacks SET status = 'delivered', attempts = $2, last_error = NULL, delivered_at = $3 WHERE id = $1`,
        [p.id, attempts, this.clock.now()],
      );
      this.finish();
      return;
    }
    const retryIn = this.opts.retryDelaysMs[n];
    const last = retryIn === undefined;
    await this.db.q(`UPDATE {s}.callbacks SET status = $2, attempts = $3, last_error = $4 WHERE id = $1`, [
      p.id,
      last ? 'failed' : 'pending',
      attempts,
      result.error,
    ]);
    this.log.warn({ callbackId: p.id, corpId: p.corpId, attempt: attempts, error: result.error }, 'wecom-sim: callback not acknowledged');
    if (last) {
      this.finish();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.withSlot(() => this.attempt(p, n + 1));
    }, retryIn);
    this.timers.add(timer);
  }

  private async post(p: Pending): Promise<{ ok: true } | { ok: false; error: string }> {
    const corp = await this.corpCreds(p.corpId);
    if (!corp?.callback_url) return { ok: false, error: 'no callback_url' };
    // Each attempt is sealed afresh (new timestamp and nonce); the plaintext is the same.
    const sealed = sealEvent({ token: corp.token, encodingAesKey: corp.encoding_aes_key, receiveId: p.corpId }, p.xml, {
      timestamp: String(this.clock.nowSec()),
      agentId: corp.agent_id,
    });
    const ac = new AbortController();
    this.aborters.add(ac);
    const timer = setTimeout(() => ac.abort(), this.opts.timeoutMs);
    try {
      const res = await this.fetchImpl(withQuery(corp.callback_url, sealed.query), {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body: sealed.body,
        signal: ac.signal,
      });
      await res.text();
      return res.status === 200 ? { ok: true } : { ok: false, error: `HTTP ${res.status}` };
    } catch (err) {
      return { ok: false, error: ac.signal.aborted ? `no answer within ${this.opts.timeoutMs} ms` : String((err as Error).message ?? err) };
    } finally {
      clearTimeout(timer);
      this.aborters.delete(ac);
    }
  }

  private async corpCreds(corpId: string): Promise<CorpCreds | undefined> {
    const hit = this.creds.get(corpId);
    const now = performance.now();
    if (hit && now - hit.at < CREDS_TTL_MS) return hit.row;
    const row = await this.db.one<CorpCreds>(`SELECT callback_url, token, encoding_aes_key, agent_id FROM {s}.corps WHERE corp_id = $1`, [corpId]);
    this.creds.set(corpId, { at: now, row });
    return row;
  }

  /** WeCom's URL check: GET with an encrypted echostr; the receiver must answer the plaintext exactly within 1 s. */
  async verifyUrl(corpId: string): Promise<VerifyResult> {
    const corp = await this.db.one<Pick<SimCorpRow, 'callback_url' | 'token' | 'encoding_aes_key'>>(
      `SELECT callback_url, token, encoding_aes_key FROM {s}.corps WHERE corp_id = $1`,
      [corpId],
    );
    const expected = String(Math.floor(Math.random() * 9e17) + 1e17);
    if (!corp) return { ok: false, url: null, status: null, expected, received: null, latencyMs: null, error: 'unknown corp' };
    if (!corp.callback_url) return { ok: false, url: null, status: null, expected, received: null, latencyMs: null, error: 'no callback_url set' };
    const q = sealEcho({ token: corp.token, encodingAesKey: corp.encoding_aes_key, receiveId: corpId }, expected, {
      timestamp: String(this.clock.nowSec()),
    });
    const url = withQuery(corp.callback_url, q);
    const started = performance.now();
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), Math.max(this.opts.timeoutMs, 1000));
    try {
      const res = await this.fetchImpl(url, { method: 'GET', signal: ac.signal });
      const received = await res.text();
      const latencyMs = Math.round(performance.now() - started);
      let error: string | undefined;
      if (res.status !== 200) error = `HTTP ${res.status}`;
      else if (received !== expected) error = 'the answer is not the decrypted echostr exactly (no quotes, BOM or newline allowed)';
      else if (latencyMs > 1000) error = `answered after ${latencyMs} ms; WeCom waits 1 s`;
      if (!error) await this.db.q(`UPDATE {s}.corps SET callback_verified_at = $2 WHERE corp_id = $1`, [corpId, this.clock.now()]);
      return { ok: !error, url: corp.callback_url, status: res.status, expected, received, latencyMs, ...(error ? { error } : {}) };
    } catch (err) {
      return {
        ok: false,
        url: corp.callback_url,
        status: null,
        expected,
        received: null,
        latencyMs: null,
        error: ac.signal.aborted ? 'no answer in time' : String((err as Error).message ?? err),
      };
    } finally {
      clearTimeout(timer);
    }
  }
}
